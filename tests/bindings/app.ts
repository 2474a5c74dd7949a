// The handler the bindings tests serve: its environment and a key-value
// binding, STORE, driven through query parameters. A refused KV call is
// answered 503 with the error's name, code and message.
import { open, KVError } from "jsw:kv";

// Kept from the top level (build time): it must see each request's values.
const env0 = process.env;

interface Env {
  STORE: {
    get(key: string | string[], type?: string | { type: string }): Promise<any>;
    put(key: string, value: unknown, options?: unknown): Promise<void>;
    putMany(entries: [string, string][] | Record<string, string>): Promise<void>;
    delete(key: string): Promise<void>;
    deleteMany(keys: string[]): Promise<void>;
    list(options?: { prefix?: string; limit?: number; cursor?: string }): Promise<any>;
    increment(key: string, delta?: number): Promise<number>;
  };
  [name: string]: any;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const q = (name: string) => url.searchParams.get(name) ?? "";
    try {
      switch (url.pathname) {
        case "/env":
          return Response.json({ env: env[q("name")] ?? null, process: process.env[q("name")] ?? null });
        case "/keys":
          return Response.json(Object.keys(process.env).sort());
        case "/kept":
          return Response.json({ kept: env0[q("name")] ?? null, same: env0 === process.env });
        case "/get": {
          const type = q("type") || "text";
          const value = await env.STORE.get(q("k"), { type });
          if (type === "arrayBuffer") return Response.json([...new Uint8Array(value)]);
          if (type === "stream") return new Response(value);
          return Response.json(value);
        }
        case "/put":
          await env.STORE.put(q("k"), request.method === "POST" ? await request.arrayBuffer() : q("v"));
          return new Response("stored\n");
        case "/putstream":
          await env.STORE.put(q("k"), request.body);
          return new Response("stored\n");
        case "/drain": {
          // Deletes every key with the prefix while paging through them.
          let cursor: string | undefined;
          let deleted = 0;
          do {
            const page = await env.STORE.list({ prefix: q("prefix"), limit: 100, cursor });
            for (const key of page.keys) {
              await env.STORE.delete(key.name);
              deleted++;
            }
            cursor = page.list_complete ? undefined : page.cursor;
          } while (cursor);
          const left = await env.STORE.list({ prefix: q("prefix") });
          return Response.json({ deleted, left: left.keys.length });
        }
        case "/putnumber":
          await env.STORE.put(q("k"), 42);
          return new Response("stored\n");
        case "/del":
          await env.STORE.delete(q("k"));
          return new Response("deleted\n");
        case "/inc":
          return new Response(String(await env.STORE.increment(q("k"), Number(q("by") || "1"))));
        case "/fill": {
          const n = Number(q("n"));
          const entries: [string, string][] = [];
          for (let i = 0; i < n; i++) entries.push([`${q("prefix")}${String(i).padStart(5, "0")}`, String(i)]);
          await env.STORE.putMany(entries);
          return new Response(`${n}\n`);
        }
        case "/fillmix": {
          // Keys whose UTF-16 and UTF-8 orders differ (U+FF38 and U+1F600).
          const n = Number(q("n"));
          const entries: [string, string][] = [];
          for (let i = 0; i < n; i++) entries.push([`tag:${i % 2 ? "\u{1F600}" : "\uFF38"}${i}`, String(i)]);
          await env.STORE.putMany(entries);
          return new Response(`${n}\n`);
        }
        case "/list": {
          const options: { prefix?: string; limit?: number; cursor?: string } = { prefix: q("prefix") };
          if (q("limit")) options.limit = Number(q("limit"));
          if (q("cursor")) options.cursor = q("cursor");
          return Response.json(await env.STORE.list(options));
        }
        case "/many": {
          const found = await env.STORE.get(q("keys").split(","));
          return Response.json(Object.fromEntries(found));
        }
        case "/open":
          return Response.json(await open(q("bucket")).get(q("k")));
        default:
          return new Response("not found\n", { status: 404 });
      }
    } catch (e) {
      const err = e as KVError;
      return new Response(`${err.name} ${err.code}: ${err.message}\n`, { status: 503 });
    }
  },
};
