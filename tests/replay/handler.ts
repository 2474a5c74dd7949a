// A handler whose answer depends on what the host hands its instance: the
// request, the clocks, random bytes, an outbound fetch, a key-value bucket
// and its environment.
export default {
  async fetch(request: Request, env: any): Promise<Response> {
    const url = new URL(request.url);
    const id = crypto.randomUUID();
    const now = Date.now();
    console.log("request", url.pathname, id, now);
    if (url.pathname === "/fail") {
      const body = await request.text();
      throw new TypeError(`cannot take ${body} (${id})`);
    }
    if (url.pathname === "/stalled") {
      // An upstream that never answers: the request runs into --timeout.
      await fetch(`http://${url.searchParams.get("at")}/never`);
      return new Response("unreachable");
    }
    if (url.pathname === "/upstream") {
      const upstream = url.searchParams.get("at");
      const answer = await fetch(`http://${upstream}/data`);
      const text = await answer.text();
      const seen = Number((await env.STORE.get("seen")) ?? 0) + 1;
      await env.STORE.put("seen", String(seen));
      console.error("upstream answered", answer.status, text.length);
      return Response.json({ id, now, upstream: text, seen, key: env.API_KEY, random: Math.random() });
    }
    return new Response(`ok ${id} ${now}\n`);
  },
};
