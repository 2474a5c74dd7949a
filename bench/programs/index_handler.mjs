// The index app of the serve benchmark (bench/serve.py): its top level builds
// a 20,000-row index (a few MiB of heap in the snapshot), and `GET /hello`
// answers without touching it. What a request costs should not grow with
// what the top level built. Node serves the same file (index_node.mjs).
const rows = new Map();
const byTag = new Map();
for (let i = 0; i < 20000; i++) {
  const row = { id: i, name: `item${i}`, tags: [`t${i % 10}`, `g${i % 7}`], score: (i * 7919) % 1000 };
  rows.set(row.name, row);
  for (const tag of row.tags) {
    if (!byTag.has(tag)) byTag.set(tag, []);
    byTag.get(tag).push(row.id);
  }
}

export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/hello") return new Response("hello\n", { headers: { "content-type": "text/plain" } });
    if (url.pathname === "/item") {
      const row = rows.get(url.searchParams.get("name") ?? "");
      return row ? Response.json(row) : new Response("not found\n", { status: 404 });
    }
    if (url.pathname === "/tag") return Response.json((byTag.get(url.searchParams.get("t") ?? "") ?? []).length);
    return new Response("not found\n", { status: 404 });
  },
};
