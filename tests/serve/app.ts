// The HTTP handler the serve tests drive, under `jsw serve` and `wasmtime serve`.
let count = 0; // per instance: every request starts from the snapshot, so it sees 1
const table = buildTable(); // runs at build time, lives in the snapshot

function buildTable(): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < 100; i++) m.set(`k${i}`, `v${i * i}`);
  return m;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default {
  async fetch(request: Request): Promise<Response> {
    count++;
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/":
        return new Response("hello\n", { headers: { "content-type": "text/plain" } });
      case "/count":
        return new Response(String(count));
      case "/random":
        return Response.json({ r: Math.random(), bytes: Array.from(crypto.getRandomValues(new Uint8Array(8))) });
      case "/time":
        return new Response(String(Date.now()));
      case "/table":
        return new Response(table.get(url.searchParams.get("k") ?? "") ?? "none");
      case "/echo": {
        const body = await request.json();
        return Response.json(
          { body, method: request.method, type: request.headers.get("content-type"), custom: request.headers.get("x-custom") },
          { status: 201, headers: { "x-echo": "yes" } },
        );
      }
      case "/upload": {
        // Reads the request body incrementally and reports the chunks' total.
        let total = 0;
        let chunks = 0;
        for await (const chunk of request.body!) {
          total += chunk.length;
          chunks++;
        }
        return Response.json({ total, chunks: chunks > 0 });
      }
      case "/stream": {
        let i = 0;
        const stream = new ReadableStream({
          async pull(controller) {
            await sleep(20);
            if (i < 3) controller.enqueue(new TextEncoder().encode(`chunk ${i++}\n`));
            else controller.close();
          },
        });
        return new Response(stream, { headers: { "content-type": "text/plain" } });
      }
      case "/sleep":
        await sleep(Number(url.searchParams.get("ms") ?? "50"));
        return new Response("slept");
      case "/throw":
        throw new Error("boom");
      case "/reject":
        return Promise.reject(new TypeError("rejected"));
      case "/redirect":
        return Response.redirect("https://example.com/next", 307);
      case "/loop":
        for (;;) {}
      case "/oom": {
        const hog: number[][] = [];
        for (;;) hog.push(new Array(1 << 20).fill(count));
      }
      case "/fetch": {
        const target = url.searchParams.get("url")!;
        try {
          const response = await fetch(target);
          return new Response(`${response.status} ${await response.text()}`);
        } catch (e) {
          return new Response(`${e.name}: ${e.message}: ${(e as any).cause?.message}`, { status: 502 });
        }
      }
      default:
        return new Response("not found\n", { status: 404 });
    }
  },
};
