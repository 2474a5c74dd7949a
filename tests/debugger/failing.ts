// Throws once inside a try (caught) and once after an await (uncaught).
function check(n: number): number {
  if (n > 1) throw new RangeError(`too big: ${n}`); // marker: throw
  return n;
}

export async function main() {
  try {
    check(5);
  } catch (e) {
    console.log("caught", (e as Error).message);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
  const seed = Math.random();
  debugger; // marker: debugger
  console.log("seed", seed);
  check(7);
}
