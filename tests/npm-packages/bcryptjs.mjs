// bcryptjs: password hashing with a fixed salt (pure JS, crypto for randomness).
import bcrypt from "bcryptjs";
export function main() {
  const hash = bcrypt.hashSync("correct horse", "$2a$06$abcdefghijklmnopqrstuu");
  console.log(hash, bcrypt.compareSync("correct horse", hash), bcrypt.compareSync("wrong", hash), bcrypt.getRounds(hash));
  const salted = bcrypt.hashSync("pw", bcrypt.genSaltSync(4));
  console.log(salted.length, bcrypt.compareSync("pw", salted));
}
