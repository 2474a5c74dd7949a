// The Hono app of the serve benchmark on Node: the same app.mjs, served by
// @hono/node-server in one process shared by every request.
import { serve } from "@hono/node-server";
import app from "./app.mjs";

const port = Number(process.argv[2] ?? 8080);
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
