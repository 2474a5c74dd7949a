// node:fs and node:fs/promises over the directories the host grants (natives in
// engine/src/node/fs.rs). WASI preview 1 is synchronous, so the callback and
// promise forms do the work at once and report on a later turn of the event
// loop, as Node's would. WASI has no owners or permission bits: stats give
// uid/gid 0 and the usual mode for the file's type, and chmod/chown change
// nothing. No directory is granted at build time (see fs.rs).
(jsw) => {
  "use strict";
  const native = jsw.fs;
  const { nodeError, describeReceived } = jsw;

  const constants = Object.freeze({
    F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, COPYFILE_EXCL: 1, COPYFILE_FICLONE: 2, COPYFILE_FICLONE_FORCE: 4,
    O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_TRUNC: 512, O_APPEND: 1024,
    S_IFMT: 61440, S_IFREG: 32768, S_IFDIR: 16384, S_IFCHR: 8192, S_IFLNK: 40960, UV_FS_COPYFILE_EXCL: 1,
  });

  function toPath(path, name = "path") {
    if (typeof path === "string") {
      if (path.includes("\u0000")) {
        throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument '${name}' must be a string, Uint8Array, or URL without null bytes. Received ${JSON.stringify(path)}`);
      }
      return path;
    }
    if (path instanceof Uint8Array) return toPath(Buffer.from(path).toString(), name);
    if (path instanceof URL) {
      if (path.protocol !== "file:") throw nodeError(TypeError, "ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
      return decodeURIComponent(path.pathname);
    }
    throw nodeError(
      TypeError,
      "ERR_INVALID_ARG_TYPE",
      `The "${name}" argument must be of type string or an instance of Buffer or URL. Received ${describeReceived(path)}`,
    );
  }
  const isFd = (v) => typeof v === "number";
  // The standard streams by the names Linux gives them, as their descriptors.
  const STANDARD = { "/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2 };
  const standard = (path) => (typeof path === "string" && Object.hasOwn(STANDARD, path) ? STANDARD[path] : path);
  function checkFd(fd) {
    if (!Number.isInteger(fd)) {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "fd" argument must be of type number. Received ${describeReceived(fd)}`);
    }
    if (fd < 0 || fd > 2147483647) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "fd" is out of range. It must be >= 0 && <= 2147483647. Received ${fd}`);
    }
    return fd;
  }
  const optionsOf = (options, defaults) =>
    typeof options === "string" ? { ...defaults, encoding: options } : { ...defaults, ...(options ?? {}) };
  const FLAGS = new Set(["r", "rs", "sr", "r+", "rs+", "sr+", "w", "wx", "xw", "w+", "wx+", "xw+", "a", "as", "sa", "ax", "xa", "a+", "as+", "sa+", "ax+", "xa+"]);
  function flagsOf(flags, fallback) {
    if (flags === undefined || flags === null) return fallback;
    if (typeof flags === "number") {
      const access = flags & 3;
      let f = access === 0 ? "r" : flags & constants.O_APPEND ? "a" : "w";
      if (flags & constants.O_EXCL) f += "x";
      if (access === 2) f += "+";
      return f === "w" && !(flags & constants.O_TRUNC) && !(flags & constants.O_CREAT) ? "r+" : f;
    }
    if (!FLAGS.has(flags)) throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'flags' is invalid. Received '${flags}'`);
    return flags;
  }
  // fs's data takes no ArrayBuffer; a null or empty encoding means a Buffer.
  const bytesOf = (data, encoding) => jsw.bytesArg(data, "data", { encoding });
  const decoded = (bytes, encoding) => jsw.bytesOut(bytes, encoding || undefined);

  const kType = Symbol("type");
  class Stats {
    constructor([mode, size, atimeMs, mtimeMs, ctimeMs, birthtimeMs]) {
      this.dev = 0;
      this.mode = mode;
      this.nlink = 1;
      this.uid = 0;
      this.gid = 0;
      this.rdev = 0;
      this.blksize = 4096;
      this.ino = 0;
      this.size = size;
      this.blocks = Math.ceil(size / 512);
      this.atimeMs = atimeMs;
      this.mtimeMs = mtimeMs;
      this.ctimeMs = ctimeMs;
      this.birthtimeMs = birthtimeMs;
      this.atime = new Date(atimeMs);
      this.mtime = new Date(mtimeMs);
      this.ctime = new Date(ctimeMs);
      this.birthtime = new Date(birthtimeMs);
    }
    isFile() { return (this.mode & 61440) === 32768; }
    isDirectory() { return (this.mode & 61440) === 16384; }
    isSymbolicLink() { return (this.mode & 61440) === 40960; }
    isCharacterDevice() { return (this.mode & 61440) === 8192; }
    isBlockDevice() { return false; }
    isFIFO() { return false; }
    isSocket() { return false; }
  }
  class Dirent {
    constructor(name, type, parentPath) {
      this.name = name;
      this.parentPath = parentPath;
      this.path = parentPath;
      this[kType] = type;
    }
    isFile() { return this[kType] === 1; }
    isDirectory() { return this[kType] === 2; }
    isSymbolicLink() { return this[kType] === 3; }
    isCharacterDevice() { return false; }
    isBlockDevice() { return false; }
    isFIFO() { return false; }
    isSocket() { return false; }
  }
  const join = (dir, name) => (dir.endsWith("/") ? dir + name : `${dir}/${name}`);
  const missing = (e) => e?.code === "ENOENT";

  // --- sync ---------------------------------------------------------------
  function statSync(path, options) {
    try {
      return new Stats(native.stat(toPath(path), true));
    } catch (e) {
      if (missing(e) && options?.throwIfNoEntry === false) return undefined;
      throw e;
    }
  }
  function lstatSync(path, options) {
    try {
      return new Stats(native.stat(toPath(path), false));
    } catch (e) {
      if (missing(e) && options?.throwIfNoEntry === false) return undefined;
      throw e;
    }
  }
  const fstatSync = (fd) => new Stats(native.fstat(checkFd(fd)));
  function existsSync(path) {
    try {
      native.stat(toPath(path), true);
      return true;
    } catch {
      return false;
    }
  }
  function accessSync(path, mode) {
    void mode;
    native.stat(toPath(path), true);
  }
  function readFileSync(path, options) {
    const { encoding, flag } = optionsOf(options, { flag: "r" });
    path = standard(path);
    if (isFd(path)) {
      const chunks = [];
      const chunk = Buffer.alloc(65536);
      let n;
      while ((n = native.read(checkFd(path), chunk, 0, chunk.length, -1)) > 0) chunks.push(Buffer.from(chunk.subarray(0, n)));
      return decoded(Buffer.concat(chunks), encoding);
    }
    void flag;
    return decoded(native.readFile(toPath(path)), encoding);
  }
  function writeFileSync(path, data, options) {
    const { encoding, flag } = optionsOf(options, { flag: "w" });
    path = standard(path);
    const bytes = bytesOf(data, encoding);
    if (isFd(path)) {
      native.write(checkFd(path), bytes, -1);
      return;
    }
    native.writeFile(toPath(path), bytes, flagsOf(flag, "w"));
  }
  function appendFileSync(path, data, options) {
    const opts = optionsOf(options, { flag: "a" });
    writeFileSync(path, data, opts);
  }
  function readdirSync(path, options) {
    const { withFileTypes, recursive, encoding } = optionsOf(options, {});
    const root = toPath(path);
    const out = [];
    const walk = (dir, prefix) => {
      for (const [name, type] of native.readdir(dir)) {
        const shown = prefix ? `${prefix}/${name}` : name;
        out.push(withFileTypes ? new Dirent(name, type, dir) : encoding === "buffer" ? Buffer.from(shown) : shown);
        if (recursive && type === 2) walk(join(dir, name), shown);
      }
    };
    walk(root, "");
    return out;
  }
  function mkdirSync(path, options) {
    const recursive = typeof options === "object" && options !== null ? Boolean(options.recursive) : false;
    const target = toPath(path);
    if (!recursive) {
      native.mkdir(target);
      return undefined;
    }
    // Each missing ancestor in turn; returns the first directory made, as Node does.
    const absolute = target.startsWith("/") ? target : join(process.cwd(), target);
    const parts = absolute.split("/").filter(Boolean);
    let first;
    let at = "";
    for (const part of parts) {
      at += `/${part}`;
      let stats;
      try {
        stats = native.stat(at, true);
      } catch (e) {
        if (!missing(e)) throw e;
      }
      if (stats === undefined) {
        try {
          native.mkdir(at);
        } catch (e) {
          if (e.code !== "EEXIST") throw Object.assign(e, { path: target, message: e.message.replace(`'${at}'`, `'${target}'`) });
        }
        first ??= at;
      } else if ((stats[0] & 61440) !== 16384) {
        const e = nodeError(Error, "ENOTDIR", `ENOTDIR: not a directory, mkdir '${target}'`);
        throw Object.assign(e, { errno: -20, syscall: "mkdir", path: target });
      }
    }
    return first;
  }
  function removeTree(path) {
    const stats = native.stat(path, false);
    if ((stats[0] & 61440) === 16384) {
      for (const [name] of native.readdir(path)) removeTree(join(path, name));
      native.rmdir(path);
    } else {
      native.unlink(path);
    }
  }
  function rmdirSync(path, options) {
    const target = toPath(path);
    if (options?.recursive) removeTree(target);
    else native.rmdir(target);
  }
  function rmSync(path, options) {
    const target = toPath(path);
    let stats;
    try {
      stats = native.stat(target, false);
    } catch (e) {
      if (missing(e) && options?.force) return;
      throw e;
    }
    if ((stats[0] & 61440) === 16384 && !options?.recursive) {
      const e = nodeError(Error, "ERR_FS_EISDIR", `Path is a directory: rm returned EISDIR (is a directory) ${target}`);
      Object.defineProperty(e, "name", { value: "SystemError", writable: true, configurable: true });
      Object.assign(e, { info: { code: "EISDIR", message: "is a directory", path: target, syscall: "rm", errno: 21 }, errno: 21, syscall: "rm", path: target });
      throw e;
    }
    removeTree(target);
  }
  const unlinkSync = (path) => native.unlink(toPath(path));
  const renameSync = (from, to) => native.rename(toPath(from, "oldPath"), toPath(to, "newPath"));
  const copyFileSync = (from, to, mode = 0) => native.copyFile(toPath(from, "src"), toPath(to, "dest"), (mode & constants.COPYFILE_EXCL) !== 0);
  function cpSync(from, to, options) {
    const source = toPath(from, "src");
    const target = toPath(to, "dest");
    const stats = native.stat(source, true);
    if ((stats[0] & 61440) !== 16384) return native.copyFile(source, target, options?.errorOnExist === true && options?.force === false);
    if (!options?.recursive) {
      const e = nodeError(Error, "ERR_FS_EISDIR", `Recursive option is required to copy a directory: cp returned EISDIR (${source} is a directory (not copied)) ${source}`);
      Object.defineProperty(e, "name", { value: "SystemError", writable: true, configurable: true });
      throw e;
    }
    mkdirSync(target, { recursive: true });
    for (const [name] of native.readdir(source)) cpSync(join(source, name), join(target, name), options);
  }
  function openSync(path, flags, mode) {
    void mode;
    const fd = standard(path);
    return isFd(fd) ? fd : native.open(toPath(path), flagsOf(flags, "r"));
  }
  const closeSync = (fd) => native.close(checkFd(fd));
  function readSync(fd, buffer, offset, length, position) {
    if (typeof offset === "object" && offset !== null) ({ offset = 0, length = buffer.byteLength - offset, position = null } = offset);
    offset ??= 0;
    length ??= buffer.byteLength - offset;
    const view = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (offset < 0 || offset > view.length) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "offset" is out of range. It must be >= 0 && <= ${view.length}. Received ${offset}`);
    }
    if (length < 0 || offset + length > view.length) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "length" is out of range. It must be >= 0 && <= ${view.length - offset}. Received ${length}`);
    }
    const at = position === null || position === undefined || position < 0 ? -1 : Number(position);
    return native.read(checkFd(fd), view, offset, length, at);
  }
  function writeSync(fd, data, offset, length, position) {
    let bytes;
    if (typeof data === "string") {
      // writeSync(fd, string, position, encoding)
      bytes = Buffer.from(data, typeof length === "string" ? length : "utf8");
      position = offset;
    } else {
      const view = bytesOf(data);
      if (typeof offset === "object" && offset !== null) ({ offset = 0, length = view.length - offset, position = null } = offset);
      offset ??= 0;
      length ??= view.length - offset;
      bytes = view.subarray(offset, offset + length);
    }
    const at = position === null || position === undefined || typeof position !== "number" ? -1 : position;
    return native.write(checkFd(fd), bytes, at);
  }
  const fsyncSync = (fd) => void native.fstat(checkFd(fd));
  const ftruncateSync = (fd, len = 0) => native.ftruncate(checkFd(fd), len);
  const truncateSync = (path, len = 0) => native.truncate(toPath(path), len);
  const readlinkSync = (path) => native.readlink(toPath(path));
  const symlinkSync = (target, path) => native.symlink(toPath(target, "target"), toPath(path));
  function realpathSync(path) {
    let rest = toPath(path);
    if (!rest.startsWith("/")) rest = join(process.cwd(), rest);
    const out = [];
    const pending = rest.split("/").filter(Boolean);
    let hops = 0;
    while (pending.length) {
      const part = pending.shift();
      if (part === ".") continue;
      if (part === "..") {
        out.pop();
        continue;
      }
      const at = `/${[...out, part].join("/")}`;
      const stats = native.stat(at, false);
      if ((stats[0] & 61440) === 40960) {
        if (++hops > 40) throw Object.assign(nodeError(Error, "ELOOP", `ELOOP: too many symbolic links encountered, realpath '${path}'`), { errno: -40, syscall: "realpath", path });
        const link = native.readlink(at);
        if (link.startsWith("/")) out.length = 0;
        pending.unshift(...link.split("/").filter(Boolean));
      } else {
        out.push(part);
      }
    }
    return `/${out.join("/")}`;
  }
  realpathSync.native = realpathSync;
  function mkdtempSync(prefix) {
    const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (;;) {
      let suffix = "";
      for (const b of crypto.getRandomValues(new Uint8Array(6))) suffix += chars[b % chars.length];
      const path = `${toPath(prefix, "prefix")}${suffix}`;
      try {
        native.mkdir(path);
        return path;
      } catch (e) {
        if (e.code !== "EEXIST") throw e;
      }
    }
  }
  // WASI has no permission bits or owners: these check the path and change nothing.
  const chmodSync = (path) => void native.stat(toPath(path), true);
  const chownSync = chmodSync;
  const lchownSync = chmodSync;
  const fchmodSync = (fd) => void native.fstat(checkFd(fd));
  const fchownSync = fchmodSync;
  const utimesSync = chmodSync;
  const futimesSync = fchmodSync;
  const lutimesSync = chmodSync;

  const linkSync = (existing, path) => native.link(toPath(existing, "existingPath"), toPath(path, "newPath"));
  // readv/writev: one buffer after the other, as one call.
  function readvSync(fd, buffers, position) {
    let total = 0;
    for (const buffer of buffers) {
      const n = readSync(fd, buffer, 0, buffer.byteLength, typeof position === "number" ? position + total : null);
      total += n;
      if (n < buffer.byteLength) break;
    }
    return total;
  }
  function writevSync(fd, buffers, position) {
    let total = 0;
    for (const buffer of buffers) {
      total += writeSync(fd, buffer, 0, buffer.byteLength, typeof position === "number" ? position + total : null);
    }
    return total;
  }

  const sync = {
    accessSync, appendFileSync, chmodSync, chownSync, closeSync, copyFileSync, cpSync, existsSync, fchmodSync,
    fchownSync, fstatSync, fsyncSync, fdatasyncSync: fsyncSync, ftruncateSync, futimesSync, lchownSync, linkSync,
    lstatSync, lutimesSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, readSync,
    realpathSync, renameSync, rmdirSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, utimesSync,
    writeFileSync, writeSync,
  };

  // --- directories as streams of entries (opendir) -------------------------
  const dirClosed = () => nodeError(Error, "ERR_DIR_CLOSED", "Directory handle was closed");
  // WASI reads a directory in one call, so a Dir holds its entries from the
  // start; a recursive one reads each subdirectory when it hands it out.
  class Dir {
    #path;
    #entries;
    #recursive;
    #closed = false;
    #busy = 0;
    constructor(path, entries, options) {
      this.#path = path;
      this.#entries = entries;
      this.#recursive = Boolean(options?.recursive);
    }
    get path() {
      return this.#path;
    }
    #next() {
      const dirent = this.#entries.shift() ?? null;
      if (dirent !== null && this.#recursive && dirent.isDirectory()) {
        const dir = join(dirent.parentPath, dirent.name);
        for (const [name, type] of native.readdir(dir)) this.#entries.push(new Dirent(name, type, dir));
      }
      return dirent;
    }
    readSync() {
      if (this.#closed) throw dirClosed();
      if (this.#busy > 0) {
        throw nodeError(Error, "ERR_DIR_CONCURRENT_OPERATION", "Cannot do synchronous work on directory handle with concurrent asynchronous operations");
      }
      return this.#next();
    }
    read(callback) {
      if (this.#closed) throw dirClosed();
      if (callback === undefined) return new Promise((resolve, reject) => this.read((e, d) => (e ? reject(e) : resolve(d))));
      if (typeof callback !== "function") throw jsw.invalidArgType("callback", "of type function", callback);
      this.#busy++;
      later(() => {
        this.#busy--;
        let dirent;
        try {
          dirent = this.#next();
        } catch (e) {
          return callback(e);
        }
        callback(null, dirent);
      });
    }
    closeSync() {
      if (this.#closed) throw dirClosed();
      if (this.#busy > 0) {
        throw nodeError(Error, "ERR_DIR_CONCURRENT_OPERATION", "Cannot do synchronous work on directory handle with concurrent asynchronous operations");
      }
      this.#closed = true;
      this.#entries = [];
    }
    close(callback) {
      if (callback === undefined) {
        if (this.#closed) return Promise.reject(dirClosed());
        return new Promise((resolve, reject) => this.close((e) => (e ? reject(e) : resolve())));
      }
      if (typeof callback !== "function") throw jsw.invalidArgType("callback", "of type function", callback);
      if (this.#closed) return void process.nextTick(callback, dirClosed());
      this.#closed = true;
      this.#entries = [];
      later(() => callback(null));
    }
    async *entries() {
      try {
        for (;;) {
          const dirent = await this.read();
          if (dirent === null) break;
          yield dirent;
        }
      } finally {
        await this.close();
      }
    }
  }
  Object.defineProperty(Dir.prototype, Symbol.asyncIterator, { value: Dir.prototype.entries, writable: true, configurable: true });
  function openDir(path, options, withPath) {
    const target = toPath(path);
    const opts = optionsOf(options, { encoding: "utf8" });
    const bufferSize = opts.bufferSize ?? 32;
    if (typeof bufferSize !== "number") throw jsw.invalidArgType("options.bufferSize", "of type number", bufferSize);
    if (!Number.isInteger(bufferSize) || bufferSize < 1 || bufferSize > 4294967295) {
      throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "options.bufferSize" is out of range. It must be >= 1 && <= 4294967295. Received ${bufferSize}`);
    }
    let entries;
    try {
      entries = native.readdir(target);
    } catch (e) {
      // Node names opendir, and its sync form leaves the path out.
      if (e?.syscall === "scandir") {
        e.syscall = "opendir";
        e.message = `${e.message.slice(0, e.message.indexOf(", scandir"))}, opendir${withPath ? ` '${target}'` : ""}`;
        if (!withPath) delete e.path;
      }
      throw e;
    }
    return new Dir(target, entries.map(([name, type]) => new Dirent(name, type, target)), opts);
  }
  const opendirSync = (path, options) => openDir(path, options, false);

  // --- callbacks and promises ----------------------------------------------
  const later = (fn) => setTimeout(fn, 0);
  function callbackForm(name, fn) {
    return {
      [name](...args) {
        const callback = args.pop();
        if (typeof callback !== "function") {
          throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "cb" argument must be of type function. Received ${describeReceived(callback)}`);
        }
        let result, error = null;
        try {
          result = fn(...args);
        } catch (e) {
          error = e;
        }
        later(() => (error ? callback(error) : callback(null, result)));
      },
    }[name];
  }
  const promiseForm = (fn) =>
    function (...args) {
      return new Promise((resolve, reject) => {
        let result;
        try {
          result = fn(...args);
        } catch (e) {
          return later(() => reject(e));
        }
        later(() => resolve(result));
      });
    };

  const fs = { constants, Stats, Dirent, ...sync };
  for (const [syncName, fn] of Object.entries(sync)) {
    const name = syncName.slice(0, -4);
    if (name === "exists") continue;
    fs[name] = callbackForm(name, fn);
  }
  fs.read = function read(fd, buffer, offset, length, position, callback) {
    const args = [fd, buffer, offset, length, position, callback].filter((a) => a !== undefined);
    callback = args.pop();
    let n, error = null;
    try {
      n = readSync(...args);
    } catch (e) {
      error = e;
    }
    later(() => (error ? callback(error) : callback(null, n, buffer)));
  };
  fs.write = function write(fd, data, ...rest) {
    const callback = rest.pop();
    let n, error = null;
    try {
      n = writeSync(fd, data, ...rest);
    } catch (e) {
      error = e;
    }
    later(() => (error ? callback(error) : callback(null, n, data)));
  };
  // exists(path, cb): the one callback without an error argument.
  fs.exists = (path, callback) => later(() => callback(existsSync(path)));
  fs.readvSync = readvSync;
  fs.writevSync = writevSync;
  fs.readv = function readv(fd, buffers, position, callback) {
    if (typeof position === "function") [callback, position] = [position, null];
    let n, error = null;
    try {
      n = readvSync(fd, buffers, position);
    } catch (e) {
      error = e;
    }
    later(() => (error ? callback(error) : callback(null, n, buffers)));
  };
  fs.writev = function writev(fd, buffers, position, callback) {
    if (typeof position === "function") [callback, position] = [position, null];
    let n, error = null;
    try {
      n = writevSync(fd, buffers, position);
    } catch (e) {
      error = e;
    }
    later(() => (error ? callback(error) : callback(null, n, buffers)));
  };
  fs.Dir = Dir;
  fs.opendirSync = opendirSync;
  fs.opendir = function opendir(path, options, callback) {
    if (typeof options === "function") [callback, options] = [options, undefined];
    if (typeof callback !== "function") throw jsw.invalidArgType("callback", "of type function", callback);
    let dir, error = null;
    try {
      dir = openDir(path, options, true);
    } catch (e) {
      error = e;
    }
    later(() => (error ? callback(error) : callback(null, dir)));
  };
  // Blob has no file-backed kind here: the bytes are read when it is made.
  fs.openAsBlob = (path, options = {}) => {
    const type = options?.type ?? "";
    if (typeof type !== "string") throw jsw.invalidArgType("options.type", "of type string", type);
    return promiseForm(() => new Blob([readFileSync(path)], { type }))();
  };
  // As on Linux: lchmod exists only in name (no system call changes a link's mode).
  fs.lchmod = undefined;
  fs.lchmodSync = undefined;
  // The access modes, also on fs itself (as Node has them).
  Object.assign(fs, { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 });
  fs._toUnixTimestamp = function toUnixTimestamp(time, name = "time") {
    if (typeof time === "string" && +time == time) return +time;
    if (Number.isFinite(time)) return time < 0 ? Date.now() / 1000 : time;
    if (time instanceof Date) return time.getTime() / 1000;
    throw jsw.invalidArgType(name, "an instance of Date or an Time in seconds", time);
  };
  fs.realpath.native = fs.realpath;
  const unavailable = (name) => () => {
    throw nodeError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", `fs.${name}() is not available in jsw modules: WASI has no file change notifications`);
  };
  fs.watch = unavailable("watch");
  fs.watchFile = unavailable("watchFile");
  fs.unwatchFile = unavailable("unwatchFile");

  // FileHandle: fs/promises' open().
  class FileHandle {
    #fd;
    constructor(fd) {
      this.#fd = fd;
    }
    get fd() {
      return this.#fd;
    }
    read(buffer, offset, length, position) {
      if (buffer === undefined || (typeof buffer === "object" && !ArrayBuffer.isView(buffer))) {
        const o = buffer ?? {};
        buffer = o.buffer ?? Buffer.alloc(16384);
        ({ offset = 0, length = buffer.byteLength - offset, position = null } = o);
      }
      return promiseForm(() => ({ bytesRead: readSync(this.#fd, buffer, offset, length, position), buffer }))();
    }
    write(data, ...rest) {
      return promiseForm(() => ({ bytesWritten: writeSync(this.#fd, data, ...rest), buffer: data }))();
    }
    readFile(options) {
      return promiseForm(() => readFileSync(this.#fd, options))();
    }
    writeFile(data, options) {
      return promiseForm(() => writeFileSync(this.#fd, data, options))();
    }
    appendFile(data, options) {
      return this.writeFile(data, options);
    }
    stat() {
      return promiseForm(() => fstatSync(this.#fd))();
    }
    truncate(len) {
      return promiseForm(() => ftruncateSync(this.#fd, len))();
    }
    sync() {
      return promiseForm(() => fsyncSync(this.#fd))();
    }
    datasync() {
      return this.sync();
    }
    close() {
      const fd = this.#fd;
      this.#fd = -1;
      return promiseForm(() => (fd >= 0 ? closeSync(fd) : undefined))();
    }
    async *readLines() {
      let rest = "";
      for (const chunk of [readFileSync(this.#fd, "utf8")]) rest += chunk;
      const lines = rest.split(/\r?\n/);
      if (lines.at(-1) === "") lines.pop();
      yield* lines;
    }
    [Symbol.asyncDispose]() {
      return this.close();
    }
  }
  const promises = { constants };
  for (const [syncName, fn] of Object.entries(sync)) {
    const name = syncName.slice(0, -4);
    if (name === "exists" || name === "close" || name === "read" || name === "write" || name.startsWith("f")) continue;
    promises[name] = promiseForm(fn);
  }
  promises.open = promiseForm((path, flags, mode) => new FileHandle(openSync(path, flags, mode)));
  promises.opendir = promiseForm((path, options) => openDir(path, options, true));
  promises.lchmod = () => Promise.reject(nodeError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The lchmod() method is not implemented"));
  promises.access = promiseForm(accessSync);
  promises.watch = unavailable("watch");
  fs.promises = promises;

  // Streams, from node:stream on first use.
  let streams;
  function streamClasses() {
    if (streams) return streams;
    const { Readable, Writable } = jsw.requireAbsolute("node:stream");
    // Both kinds open their file (unless given an fd) before the first read or
    // write, and close it when destroyed if they own it.
    function _construct(callback) {
      if (this.fd !== null) return callback();
      try {
        this.fd = openSync(this.path, this.flags);
      } catch (e) {
        return callback(e);
      }
      this.pending = false;
      callback();
      this.emit("open", this.fd);
      this.emit("ready");
    }
    function _destroy(error, callback) {
      if (this.fd !== null && this.autoClose) {
        try {
          closeSync(this.fd);
        } catch {}
        this.fd = null;
      }
      callback(error);
    }
    class ReadStream extends Readable {
      constructor(path, options) {
        const opts = optionsOf(options, {});
        super({ highWaterMark: opts.highWaterMark ?? 65536, encoding: opts.encoding, emitClose: opts.emitClose ?? true, autoDestroy: opts.autoClose ?? true });
        this.path = opts.fd === undefined ? toPath(path) : undefined;
        this.fd = opts.fd ?? null;
        this.flags = opts.flags ?? "r";
        this.start = opts.start;
        this.end = opts.end ?? Infinity;
        this.pos = opts.start;
        this.bytesRead = 0;
        this.autoClose = opts.autoClose ?? true;
        this.pending = true;
      }
      _read(size) {
        const want = Math.min(size, this.end - (this.pos ?? this.bytesRead) + 1);
        if (want <= 0) return this.push(null);
        const buf = Buffer.allocUnsafe(want);
        let n;
        try {
          n = readSync(this.fd, buf, 0, want, this.pos ?? null);
        } catch (e) {
          return this.destroy(e);
        }
        if (this.pos !== undefined) this.pos += n;
        this.bytesRead += n;
        this.push(n > 0 ? buf.subarray(0, n) : null);
      }
      close(callback) {
        if (callback) this.once("close", callback);
        this.destroy();
      }
    }
    class WriteStream extends Writable {
      constructor(path, options) {
        const opts = optionsOf(options, {});
        super({ highWaterMark: opts.highWaterMark, decodeStrings: true, defaultEncoding: opts.encoding ?? "utf8", emitClose: opts.emitClose ?? true, autoDestroy: opts.autoClose ?? true });
        this.path = opts.fd === undefined ? toPath(path) : undefined;
        this.fd = opts.fd ?? null;
        this.flags = opts.flags ?? "w";
        this.pos = opts.start;
        this.bytesWritten = 0;
        this.autoClose = opts.autoClose ?? true;
        this.pending = true;
      }
      _write(chunk, encoding, callback) {
        try {
          const n = writeSync(this.fd, chunk, 0, chunk.length, this.pos ?? null);
          if (this.pos !== undefined) this.pos += n;
          this.bytesWritten += n;
        } catch (e) {
          return callback(e);
        }
        callback();
      }
      close(callback) {
        if (callback) this.once("close", callback);
        this.end();
      }
    }
    for (const Class of [ReadStream, WriteStream]) {
      for (const method of [_construct, _destroy]) {
        Object.defineProperty(Class.prototype, method.name, { value: method, writable: true, configurable: true });
      }
    }
    streams = { ReadStream, WriteStream };
    return streams;
  }
  fs.createReadStream = (path, options) => new (streamClasses().ReadStream)(path, options);
  fs.createWriteStream = (path, options) => new (streamClasses().WriteStream)(path, options);
  for (const name of ["ReadStream", "WriteStream"]) {
    Object.defineProperty(fs, name, { get: () => streamClasses()[name], enumerable: true, configurable: true });
    // FileReadStream, FileWriteStream: Node's older names of the same classes.
    Object.defineProperty(fs, `File${name}`, { get: () => streamClasses()[name], enumerable: true, configurable: true });
  }

  jsw.defineBuiltin("node:fs", () => fs);
  jsw.defineBuiltin("node:fs/promises", () => promises);
};
