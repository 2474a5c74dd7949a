// node:fs over a directory the host grants: every call and error as Node gives it.
// The root directory is the first argument (a temp dir under Node, the guest
// path under jsw), and printed paths are relative to it.
const fs = require("fs");
const path = require("path");
const root = process.argv[2];
const p = (...a) => path.join(root, ...a);
const show = (e) => console.log("error:", e.message.split(root).join("<root>"), e.code, e.errno, e.syscall, Object.keys(e).join(","));
fs.writeFileSync(p("a.txt"), "hello\n");
fs.appendFileSync(p("a.txt"), "world\n");
console.log(fs.readFileSync(p("a.txt"), "utf8"), fs.readFileSync(p("a.txt")).length);
console.log(fs.existsSync(p("a.txt")), fs.existsSync(p("nope")));
const st = fs.statSync(p("a.txt"));
console.log(st.isFile(), st.isDirectory(), st.size, st.mode.toString(8), st.mtime instanceof Date);
console.log(fs.mkdirSync(p("d/e/f"), { recursive: true }).split(root).join("<root>"), fs.mkdirSync(p("d/e/f"), { recursive: true }));
fs.writeFileSync(p("d/e/x.bin"), Buffer.from([1, 2, 3]));
console.log(fs.readdirSync(p("d/e")).sort(), fs.readdirSync(p("d"), { recursive: true }).sort());
console.log(fs.readdirSync(p("d/e"), { withFileTypes: true }).map((d) => [d.name, d.isFile(), d.isDirectory()]).sort());
for (const f of [() => fs.readFileSync(p("nope")), () => fs.mkdirSync(p("d")), () => fs.rmdirSync(p("d")), () => fs.readdirSync(p("a.txt")),
  () => fs.renameSync(p("x"), p("y")), () => fs.copyFileSync(p("x"), p("y")), () => fs.rmSync(p("d")), () => fs.readFileSync(p("d")),
  () => fs.writeFileSync(p("a.txt"), "x", { flag: "wx" }), () => fs.unlinkSync(p("d")), () => fs.openSync(p("a.txt"), "rx"), () => fs.readFileSync({}),
  () => fs.rmSync(p("nope")), () => fs.statSync(p("a.txt/b"))]) {
  try { f(); console.log("no error") } catch (e) { show(e) }
}
console.log(fs.statSync(p("nope"), { throwIfNoEntry: false }));
fs.renameSync(p("a.txt"), p("b.txt"));
fs.copyFileSync(p("b.txt"), p("c.txt"));
try { fs.copyFileSync(p("b.txt"), p("c.txt"), fs.constants.COPYFILE_EXCL) } catch (e) { show(e) }
const fd = fs.openSync(p("c.txt"), "r+");
const buf = Buffer.alloc(5);
console.log(fs.readSync(fd, buf, 0, 5, 6), buf.toString(), fs.readSync(fd, buf, 0, 5, null), buf.toString());
console.log(fs.writeSync(fd, "HEY", 0), fs.fstatSync(fd).size);
fs.closeSync(fd);
console.log(fs.readFileSync(p("c.txt"), "utf8"));
fs.rmSync(p("d"), { recursive: true });
fs.rmSync(p("nope"), { force: true });
console.log(fs.readdirSync(root).sort());
fs.readFile(p("b.txt"), "utf8", (err, text) => {
  console.log("callback", err, JSON.stringify(text));
  fs.promises.readFile(p("nope")).catch((e) => {
    show(e);
    (async () => {
      const fsp = require("fs/promises");
      await fsp.writeFile(p("p.txt"), "promised");
      const h = await fsp.open(p("p.txt"), "r");
      const { bytesRead, buffer } = await h.read(Buffer.alloc(4), 0, 4, 0);
      console.log(bytesRead, buffer.toString(), (await h.stat()).size);
      await h.close();
      console.log((await fsp.readdir(root)).sort(), (await fsp.stat(p("p.txt"))).size);
      await fsp.mkdir(p("q/r"), { recursive: true });
      await fsp.rm(p("q"), { recursive: true });
      const ws = fs.createWriteStream(p("s.txt"));
      ws.write("one ");
      ws.end("two", () => {
        const rs = fs.createReadStream(p("s.txt"), { encoding: "utf8", start: 1 });
        let got = "";
        rs.on("data", (c) => (got += c));
        rs.on("end", () => console.log("stream", got));
        rs.on("close", () => {
          const bad = fs.createReadStream(p("missing"));
          bad.on("error", show);
        });
      });
    })();
  });
});
