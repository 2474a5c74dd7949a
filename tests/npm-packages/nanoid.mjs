// nanoid: ids from crypto.getRandomValues (node:crypto in its Node build).
import { nanoid, customAlphabet } from "nanoid";
export function main() {
  const id = nanoid();
  const hex = customAlphabet("0123456789abcdef", 12)();
  console.log(id.length, /^[A-Za-z0-9_-]+$/.test(id), hex.length, /^[0-9a-f]+$/.test(hex), nanoid() !== nanoid());
}
