// HS256 tokens: Buffer, crypto.createHmac, timingSafeEqual, streams (jws).
import jwt from "jsonwebtoken";
export function main() {
  const token = jwt.sign({ sub: "user-1", role: "admin" }, "s3cret", { algorithm: "HS256", noTimestamp: true });
  console.log(token);
  console.log(jwt.verify(token, "s3cret"));
  console.log(jwt.decode(token, { complete: true }).header);
  try {
    jwt.verify(token, "wrong");
  } catch (e) {
    console.log(e.name, e.message);
  }
  const expiring = jwt.sign({ a: 1, exp: 1 }, "k", { algorithm: "HS512" });
  try {
    jwt.verify(expiring, "k");
  } catch (e) {
    console.log(e.name, e.message, e.expiredAt.toISOString());
  }
}
