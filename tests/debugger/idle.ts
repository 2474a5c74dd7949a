// Waits on a timer: a client's messages are answered during the wait.
export async function main() {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  (globalThis as any).fired = true;
  console.log("fired");
}
