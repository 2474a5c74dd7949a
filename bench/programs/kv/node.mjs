// The Node twin of handler.mjs: the same get and put per request on Redis,
// through the `redis` client (pinned in package.json), one process.
// Usage: node node.mjs PORT REDIS_URL
import http from "node:http";
import { createClient } from "redis";

const [port, url] = process.argv.slice(2);
const client = await createClient({ url }).connect();

http
  .createServer(async (req, res) => {
    const u = new URL(req.url, "http://localhost");
    const key = `visits:${Math.floor(Math.random() * 100)}`;
    if (u.searchParams.get("kv") === "0") {
      res.end(`${key} 1\n`);
      return;
    }
    const seen = Number((await client.get(key)) ?? 0) + 1;
    await client.set(key, String(seen));
    res.end(`${key} ${seen}\n`);
  })
  .listen(Number(port), "127.0.0.1");
