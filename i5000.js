const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `user${i}`, email: `user${i}@example.com`, tags: [`t${i % 7}`] }));
const byName = new Map(rows.map((r) => [r.name, r]));
globalThis.keep = byName;
export default { fetch() { return new Response('hello\n', { headers: { 'content-type': 'text/plain' } }); } };
