// The Hono app of the serve benchmark (bench/serve.py): three routes and a
// table of 5,000 users built at the top level. jsw compiles this file; Node
// serves the same file through @hono/node-server (node.mjs).
import { Hono } from "hono";

const app = new Hono();
const users = Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `user${i}`, email: `user${i}@example.com` }));

app.get("/", (c) => c.text("hello hono\n"));
app.get("/users/:id", (c) => {
  const user = users[Number(c.req.param("id"))];
  return user ? c.json(user) : c.json({ error: "no such user" }, 404);
});
app.post("/users", async (c) => {
  const user = await c.req.json();
  return c.json({ created: user.name ?? null }, 201);
});

export default app;

// jsw: requests sent through the app at build time, so that Hono's router is
// compiled into the snapshot instead of on every request. Node ignores this.
export const warmup = ["GET /", "GET /users/42"];
