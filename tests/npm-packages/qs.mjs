// qs: nested query strings (side-channel, object-inspect).
import qs from "qs";
export function main() {
  console.log(qs.parse("a[b][c]=1&a[d][]=2&a[d][]=3&e=%E2%9C%93&f[0]=x&f[1]=y"));
  console.log(qs.stringify({ a: { b: [1, 2], c: "d e" }, f: null, g: true }, { encode: false }));
  console.log(qs.stringify({ a: [1, 2] }, { arrayFormat: "brackets" }), qs.stringify({ q: "ü&" }));
}
