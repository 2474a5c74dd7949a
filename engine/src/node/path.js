// node:path, POSIX flavour (the only one that makes sense inside WASI).
(jsw) => {
  "use strict";
  const check = (p, name = "path") => {
    if (typeof p !== "string") throw new TypeError(`The "${name}" argument must be of type string. Received ${typeof p}`);
  };

  // Resolves "." and ".." segments; keeps leading ".." when not absolute.
  function normalizeString(path, allowAboveRoot) {
    const out = [];
    for (const seg of path.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") {
        if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
        else if (allowAboveRoot) out.push("..");
      } else out.push(seg);
    }
    return out.join("/");
  }

  const posix = {
    sep: "/",
    delimiter: ":",
    resolve(...args) {
      let resolved = "";
      let absolute = false;
      for (let i = args.length - 1; i >= -1 && !absolute; i--) {
        const p = i >= 0 ? args[i] : "/";
        check(p, `paths[${i}]`);
        if (p === "") continue;
        resolved = `${p}/${resolved}`;
        absolute = p.startsWith("/");
      }
      resolved = normalizeString(resolved, !absolute);
      return absolute ? `/${resolved}` : resolved.length > 0 ? resolved : ".";
    },
    normalize(path) {
      check(path);
      if (path === "") return ".";
      const absolute = path.startsWith("/");
      const trailing = path.endsWith("/");
      let out = normalizeString(path, !absolute);
      if (out === "" && !absolute) out = ".";
      if (out !== "" && trailing) out += "/";
      return absolute ? `/${out}` : out;
    },
    isAbsolute(path) {
      check(path);
      return path.startsWith("/");
    },
    join(...args) {
      if (args.length === 0) return ".";
      const parts = [];
      for (const a of args) {
        check(a);
        if (a !== "") parts.push(a);
      }
      return parts.length === 0 ? "." : posix.normalize(parts.join("/"));
    },
    relative(from, to) {
      check(from, "from");
      check(to, "to");
      if (from === to) return "";
      from = posix.resolve(from);
      to = posix.resolve(to);
      if (from === to) return "";
      const f = from.split("/").filter(Boolean);
      const t = to.split("/").filter(Boolean);
      let i = 0;
      while (i < f.length && i < t.length && f[i] === t[i]) i++;
      return [...Array(f.length - i).fill(".."), ...t.slice(i)].join("/");
    },
    dirname(path) {
      check(path);
      if (path === "") return ".";
      let end = path.length;
      while (end > 1 && path[end - 1] === "/") end--;
      const i = path.lastIndexOf("/", end - 1);
      if (i === -1) return ".";
      if (i === 0) return "/";
      let j = i;
      while (j > 1 && path[j - 1] === "/") j--;
      return path.slice(0, j);
    },
    basename(path, suffix) {
      check(path);
      if (suffix !== undefined) check(suffix, "suffix");
      let end = path.length;
      while (end > 0 && path[end - 1] === "/") end--;
      const base = path.slice(path.lastIndexOf("/", end - 1) + 1, end);
      if (suffix !== undefined && base !== suffix && base.endsWith(suffix)) return base.slice(0, base.length - suffix.length);
      return base;
    },
    extname(path) {
      check(path);
      const base = posix.basename(path);
      const dot = base.lastIndexOf(".");
      if (dot <= 0 || (dot === 1 && base === "..")) return "";
      return base.slice(dot);
    },
    parse(path) {
      check(path);
      const root = path.startsWith("/") ? "/" : "";
      const base = posix.basename(path);
      const ext = posix.extname(path);
      let dir = posix.dirname(path);
      if (dir === "." && !path.includes("/")) dir = "";
      return { root, dir, base, ext, name: ext ? base.slice(0, base.length - ext.length) : base };
    },
    format(p) {
      if (p === null || typeof p !== "object") throw new TypeError('The "pathObject" argument must be of type object');
      const dir = p.dir || p.root || "";
      const base = p.base || `${p.name || ""}${p.ext ? (p.ext.startsWith(".") ? p.ext : `.${p.ext}`) : ""}`;
      if (!dir) return base;
      return dir === p.root ? `${dir}${base}` : `${dir}/${base}`;
    },
    toNamespacedPath: (p) => p,
  };
  // Node's old name of toNamespacedPath, still exported.
  posix._makeLong = posix.toNamespacedPath;
  posix.posix = posix;
  posix.win32 = new Proxy({}, {
    get(_, key) {
      if (typeof key === "symbol") return undefined;
      return () => {
        throw new Error(`node:path win32.${String(key)} is not available in jsw modules`);
      };
    },
  });
  jsw.defineBuiltin("node:path", () => posix);
  jsw.defineBuiltin("node:path/posix", () => posix);
};
