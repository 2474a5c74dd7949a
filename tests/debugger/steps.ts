// Stepping: one stop per line of the source (however many lines the build
// spreads a statement over), a breakpoint reached while stepping over, a
// step from a `debugger;` pause, and a step over `await` that stays in its
// async function while another one runs meanwhile.
function add(a: number, b: number): number {
  return a + b; // marker: add
}

function spread(n: number) {
  const p = { a: n, b: n, c: [n, n + 1, "y" + n] }; // marker: spread
  return p; // marker: spread return
}

function counted(): number {
  debugger; // marker: debugger
  let q = 1; // marker: q
  q = add(q, 1); // marker: call add
  return q + spread(q).c.length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function other() {
  for (let i = 0; i < 3; i++) {
    await sleep(2); // marker: other
  }
}

export async function main() {
  const r = counted();
  const meanwhile = other();
  let a = r;
  await sleep(20); // marker: await
  a = a + 1; // marker: after await
  await meanwhile;
  console.log(a);
}
