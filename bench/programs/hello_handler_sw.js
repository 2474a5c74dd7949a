// The hello handler in the Service Worker form, the one ComponentizeJS
// documents for wasi:http (bench/serve.py builds it with ComponentizeJS).
addEventListener("fetch", (event) =>
  event.respondWith(new Response("hello\n", { headers: { "content-type": "text/plain" } })),
);
