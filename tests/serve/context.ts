// AsyncLocalStorage in a handler: each of several concurrent tasks of one
// request keeps its own store across timers, outbound fetch() and body reads.
import { AsyncLocalStorage } from "node:async_hooks";

const als = new AsyncLocalStorage<{ task: string }>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function task(upstream: string, delay: number): Promise<string> {
  await sleep(delay);
  const response = await fetch(`${upstream}/twenty`);
  const seenAfterFetch = als.getStore()!.task;
  const body = await response.text();
  return `${seenAfterFetch}/${als.getStore()!.task}:${body.length}`;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const upstream = url.searchParams.get("upstream")!;
    const id = url.searchParams.get("id")!;
    const results = await Promise.all(
      [3, 1, 2].map((delay, i) => als.run({ task: `${id}.${i}` }, () => task(upstream, delay))),
    );
    return new Response(`${results.join(" ")} outside=${als.getStore() === undefined}`);
  },
};
