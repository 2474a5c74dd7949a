// cookie: parse and serialize HTTP cookies.
import { parse, serialize } from "cookie";
export function main() {
  console.log(Object.entries(parse("a=1; b=hello%20world; c=\"quoted\"; a=2")));
  console.log(serialize("session", "a b;c", { httpOnly: true, maxAge: 3600, path: "/", sameSite: "lax", secure: true }));
}
