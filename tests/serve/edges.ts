// Handlers at the edges of HTTP: bodies whose declared length is wrong,
// streams cut by limits, outbound requests with bodies, signals and redirects,
// and handlers that end in unusual ways. Driven by tests/serve.rs.

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stream(chunks: number, every: number, text = "chunk\n"): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      await sleep(every);
      if (sent++ < chunks) controller.enqueue(encoder.encode(text));
      else controller.close();
    },
  });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const upstream = url.searchParams.get("upstream") ?? "";
    switch (url.pathname) {
      // "Rewrite the upstream page, keep its headers": a content-length of 20
      // copied onto a 30-byte body.
      case "/rewrite": {
        const original = new Response("twenty bytes long!!!", { headers: { "content-length": "20", "x-kept": "yes" } });
        const text = (await original.text()).replace("twenty", "thirty, rewritten");
        return new Response(text, original);
      }
      case "/rewrite-upstream": {
        const response = await fetch(`${upstream}/twenty`);
        const text = (await response.text()) + " and ten more";
        return new Response(text, response);
      }
      // What a HEAD proxied upstream gives back: no body, GET's length.
      case "/head-null":
        return new Response(null, { headers: { "content-length": "1234" } });
      case "/shrunk":
        return new Response("short", { headers: { "content-length": "500" } });
      // Streams whose declared length turns out wrong.
      case "/stream-short":
        return new Response(stream(1, 5, "0123456789"), { headers: { "content-length": "20" } });
      case "/stream-long":
        return new Response(stream(3, 5, "0123456789"), { headers: { "content-length": "20" } });
      case "/stream-exact":
        return new Response(stream(2, 5, "0123456789"), { headers: { "content-length": "20" } });
      // Keeps producing past any --timeout.
      case "/endless":
        return new Response(stream(1e9, 50), { headers: { "content-type": "text/plain" } });
      // Never produces, and nothing else is left to run.
      case "/silent":
        return new Response(new ReadableStream({ pull() { return new Promise(() => {}); } }));
      // A stream that fails after its first chunk.
      case "/stream-error": {
        let n = 0;
        return new Response(
          new ReadableStream({
            pull(controller) {
              if (n++ === 0) controller.enqueue(encoder.encode("first\n"));
              else controller.error(new Error("the source broke"));
            },
          }),
        );
      }
      // Server-sent events until the client goes away.
      case "/events": {
        let timer: ReturnType<typeof setInterval>;
        request.signal.addEventListener("abort", () => {
          clearInterval(timer);
          console.error(`events: request.signal aborted (${request.signal.reason?.name})`);
        });
        return new Response(
          new ReadableStream({
            start(controller) {
              let n = 0;
              timer = setInterval(() => controller.enqueue(encoder.encode(`data: ${n++}\n\n`)), 20);
            },
            cancel() {
              clearInterval(timer);
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        );
      }
      // Outbound requests.
      case "/post-json": {
        const response = await fetch(`${upstream}/length`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ hello: "world", n: [1, 2, 3] }),
        });
        return new Response(await response.text());
      }
      case "/post-kinds": {
        const results: string[] = [];
        const form = new FormData();
        form.set("a", "1");
        const bodies: [string, BodyInit | null][] = [
          ["string", "abc"],
          ["bytes", new Uint8Array([1, 2, 3, 4])],
          ["blob", new Blob(["blob!"])],
          ["params", new URLSearchParams({ q: "x y" })],
          ["form", form],
          ["none", null],
        ];
        for (const [name, body] of bodies) {
          const response = await fetch(`${upstream}/length`, { method: "POST", body });
          results.push(`${name}=${await response.text()}`);
        }
        return new Response(results.join(" "));
      }
      case "/abort": {
        const started = Date.now();
        const how = url.searchParams.get("how");
        const controller = new AbortController();
        if (how === "controller") setTimeout(() => controller.abort(), 100);
        const signal = how === "controller" ? controller.signal : AbortSignal.timeout(100);
        try {
          const response = await fetch(`${upstream}/slow`, { signal });
          return new Response(`resolved ${response.status} after ${Date.now() - started}ms`);
        } catch (e) {
          const error = e as Error;
          return new Response(`${error.name} after ${Date.now() - started}ms`);
        }
      }
      case "/timer-during-fetch": {
        // A timer set before an outbound request fires while it is awaited.
        const fired: number[] = [];
        const started = Date.now();
        setTimeout(() => fired.push(Date.now() - started), 50);
        await fetch(`${upstream}/slow`);
        return new Response(fired.length === 1 && fired[0] < 1000 ? "timer fired during the fetch" : `timer: ${fired}`);
      }
      case "/redirected": {
        const response = await fetch(`${upstream}/redirect`);
        return new Response(`${response.status} ${response.redirected} ${response.url.endsWith("/twenty")} ${await response.text()}`);
      }
      // Unusual endings.
      case "/exit":
        process.exit(3);
      case "/exit-later":
        await sleep(5);
        try {
          process.exit(4);
        } catch {
          return new Response("caught the exit");
        }
        return new Response("after the exit");
      case "/never":
        return new Promise<Response>(() => {});
      case "/string":
        return "just a string" as unknown as Response;
      case "/host":
        return new Response(String(request.headers.get("host")));
      // An upload as `curl -F` sends it.
      case "/form": {
        const form = await request.formData();
        const out: string[] = [];
        for (const [name, value] of form) {
          if (typeof value === "string") {
            out.push(`${name}=${value}`);
          } else {
            const bytes = new Uint8Array(await value.arrayBuffer());
            out.push(`${name}:${value.name}:${value.type}:${bytes.length}:${bytes.reduce((a, b) => a + b, 0)}`);
          }
        }
        return new Response(out.join("\n"));
      }
      case "/length": {
        const body = await request.text();
        return new Response(String(body.length));
      }
      default:
        return new Response("hello edges\n", { headers: { "content-type": "text/plain" } });
    }
  },
};
