// WASI interfaces the world imports are modules too; the engine's own WASI
// (console, Date, Math.random) works as in a command.
import { getRandomBytes } from "wasi:random/random@0.2.12";
import { now } from "wasi:clocks/wall-clock";

export function roll(sides) {
  const bytes = getRandomBytes(4n);
  const value = new DataView(bytes.buffer).getUint32(0) % sides;
  console.error(`rolled at ${now().seconds > 1700000000n ? "a plausible time" : "a strange time"}`);
  return JSON.stringify({
    inRange: value >= 0 && value < sides,
    bytes: bytes.constructor.name,
    date: Date.now() > 1.7e12,
    random: Math.random() < 1,
  });
}
