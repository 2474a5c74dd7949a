// Promise-heavy work the way a server handler does it: a chain of async
// middleware, each awaiting the next, repeated. With `--store` it all runs
// inside AsyncLocalStorage.run() and every layer reads the store; without it
// no store is ever set. bench/async_context.py runs both.
const withStore = process.argv.includes("--store");
// Imported only to use it, so that the run without a store is a program that
// never touches node:async_hooks.
const als = withStore ? new (await import("node:async_hooks")).AsyncLocalStorage() : undefined;
const ROUNDS = 20000;
const DEPTH = 10;

async function layer(depth, value) {
  if (withStore) value += als.getStore().weight;
  if (depth === 0) return value;
  const next = await layer(depth - 1, value + 1);
  return Promise.resolve(next).then((v) => v + 1);
}

async function main() {
  let total = 0;
  for (let i = 0; i < ROUNDS; i++) total += await layer(DEPTH, i & 7);
  console.log(total);
}

if (withStore) await als.run({ weight: 0 }, main);
else await main();
