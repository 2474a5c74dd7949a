// A command whose run depends on everything the host hands it: arguments,
// environment, stdin, a file, the clocks, random bytes and a timer.
import * as fs from "node:fs";

const stdin = fs.readFileSync(0, "utf8");
const file = fs.readFileSync("/data/input.txt", "utf8");
console.log("args", JSON.stringify(process.argv.slice(2)));
console.log("token", process.env.TOKEN);
console.log("stdin", JSON.stringify(stdin), "file", JSON.stringify(file));
console.log("random", Math.random(), crypto.randomUUID());
console.log("time", Date.now(), performance.now() >= 0);
setTimeout(() => {
  console.log("timer", Date.now());
  if (process.argv[2] === "fail") {
    throw new RangeError("failed with " + stdin.trim());
  }
}, 15);
