// The key-value benchmark's handler: one get and one put per request, on a
// key among 100 (bench/kv.py). Served with `jsw serve --kv STORE` (embedded)
// or `--kv STORE=redis://…`; `?kv=0` answers the same without touching the
// store, the baseline the added latency is measured against.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const key = `visits:${Math.floor(Math.random() * 100)}`;
    if (url.searchParams.get("kv") === "0") return new Response(`${key} 1\n`);
    const seen = Number((await env.STORE.get(key)) ?? 0) + 1;
    await env.STORE.put(key, String(seen));
    return new Response(`${key} ${seen}\n`);
  },
};
