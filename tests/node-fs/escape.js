// Attempts to leave the granted directory: `..`, absolute paths outside it,
// symlinks pointing out (made by the test on the host), and creating one.
const fs = require("fs");
const root = process.argv[2];
const attempts = [
  `${root}/../secret.txt`,
  `${root}/sub/../../secret.txt`,
  "/etc/passwd",
  `${root}/link-absolute`,
  `${root}/link-relative`,
  "../secret.txt",
];
for (const path of attempts) {
  try {
    console.log("READ", path, JSON.stringify(fs.readFileSync(path, "utf8")));
  } catch (e) {
    console.log("refused", path.split(root).join("<root>"), e.code);
  }
}
for (const [name, f] of [
  ["write outside", () => fs.writeFileSync(`${root}/../evil.txt`, "x")],
  ["mkdir outside", () => fs.mkdirSync(`${root}/../evil-dir`)],
  ["rename out", () => fs.renameSync(`${root}/inside.txt`, `${root}/../moved.txt`)],
  ["symlink out", () => fs.symlinkSync("/etc/passwd", `${root}/new-link`) ?? fs.readFileSync(`${root}/new-link`, "utf8")],
  ["list parent", () => fs.readdirSync(`${root}/..`)],
]) {
  try {
    f();
    console.log("ALLOWED", name);
  } catch (e) {
    console.log("refused", name, e.code);
  }
}
console.log(fs.readFileSync(`${root}/inside.txt`, "utf8"));
