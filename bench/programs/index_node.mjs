// The index app of the serve benchmark on Node: the same index_handler.mjs,
// its fetch handler served by @hono/node-server (installed with the Hono app).
import { serve } from "@hono/node-server";
import handler from "./index_handler.mjs";

const port = Number(process.argv[2] ?? 8080);
serve({ fetch: handler.fetch, port, hostname: "127.0.0.1" });
