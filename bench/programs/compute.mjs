// Engine throughput at run time: recursion, JSON and sorting, all in main.
function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
export function main() {
  const f = fib(25);
  const rows = Array.from({ length: 20000 }, (_, i) => ({ id: i, name: `row-${i}`, score: (i * 7919) % 1000 }));
  const json = JSON.stringify(rows);
  const back = JSON.parse(json);
  back.sort((a, b) => a.score - b.score || a.id - b.id);
  console.log(f, json.length, back[0].id, back[back.length - 1].id);
}
