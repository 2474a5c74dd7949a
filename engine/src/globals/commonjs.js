// The CommonJS registry. A module runs the first time it is required; its
// `module.exports` is cached (a module that is still running hands out its
// partial exports, which is how Node resolves require cycles). A module that
// throws is dropped from the cache, as in Node.
(jsw) => {
  "use strict";
  const cache = new Map();
  // Node built-ins: name -> () => exports, filled by the engine's node/*.js parts.
  const builtins = new Map();
  jsw.defineBuiltin = (name, make) => builtins.set(name, make);

  // A module's path as the program sees it: module names are paths relative to
  // the program's root folder, which the program sees as "/" (also its cwd), so
  // they are the same on every build machine.
  jsw.modulePath = (name) => `/${name.replace(/\?.*$/, "")}`;
  jsw.parentPath = (path) => path.slice(0, Math.max(1, path.lastIndexOf("/")));
  // import.meta: url, filename, dirname and resolve(), as in Node.
  jsw.fillImportMeta = (meta, name) => {
    const filename = jsw.modulePath(name);
    const url = new URL(`file://${filename.split("/").map(encodeURIComponent).join("/")}`).href;
    meta.url = url;
    meta.filename = filename;
    meta.dirname = jsw.parentPath(filename);
    meta.resolve = (specifier) => {
      specifier = String(specifier);
      if (specifier.startsWith("node:")) return specifier;
      if (/^(\.{0,2}\/|file:)/.test(specifier)) return new URL(specifier, url).href;
      if (builtinSpecifiers.has(specifier)) return `node:${specifier}`;
      const err = new TypeError(`Cannot find package '${specifier}' imported from ${filename}`);
      err.code = "ERR_MODULE_NOT_FOUND";
      throw err;
    };
  };

  function notFound(specifier, from) {
    const err = new Error(`Cannot find module '${specifier}'${from ? ` (required from ${from})` : ""}: it was not found when the program was compiled`);
    err.code = "MODULE_NOT_FOUND";
    return err;
  }

  // Built-ins whose JS the compiler adds only to programs that import them
  // (jsw_wire::builtins): missing here means a computed require.
  const onDemand = new Set(jsw.onDemandBuiltins);
  const builtinSpecifiers = new Set(jsw.builtinSpecifiers);
  // A Node built-in jsw does not provide: loading it works (packages often only
  // probe), using any of its functions throws and says which.
  function unavailable(name) {
    const short = name.slice(5);
    if (onDemand.has(name)) {
      const err = new Error(`${name} was not part of the program when it was compiled: require or import it by its literal name somewhere in the program, so that the compiler includes it`);
      err.code = "MODULE_NOT_FOUND";
      throw err;
    }
    const handler = {
      get(target, key) {
        if (typeof key === "symbol" || key === "then" || key === "__esModule" || key === "default") return undefined;
        return function () {
          throw new Error(`${name} is not available in jsw modules (${short}.${key}() was called)`);
        };
      },
    };
    return new Proxy({}, handler);
  }

  function load(name, from) {
    const cached = cache.get(name);
    if (cached !== undefined) return cached.exports;
    if (name.startsWith("node:")) {
      const make = builtins.get(name);
      const module = { exports: make ? make() : unavailable(name), loaded: true };
      cache.set(name, module);
      return module.exports;
    }
    const compiled = jsw.compileCommonJs(name);
    if (compiled === undefined) throw notFound(name, from);
    const [map, factory] = compiled;
    // Paths as the program sees them: its root folder is "/" (see jsw.modulePath).
    const filename = jsw.modulePath(name);
    const module = { id: filename, filename, path: jsw.parentPath(filename), exports: {}, loaded: false, children: [], paths: [] };
    module.require = requireFor(map, name);
    cache.set(name, module);
    try {
      factory.call(module.exports, module.exports, module.require, module, filename, module.path);
    } catch (e) {
      cache.delete(name);
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  function requireFor(map, from) {
    function require(specifier) {
      specifier = String(specifier);
      const target = Object.hasOwn(map, specifier) ? map[specifier] : undefined;
      if (target === undefined || target === null) {
        // Built-ins can be required by any spelling, even when computed.
        if (builtinSpecifiers.has(specifier)) {
          return load(specifier.startsWith("node:") ? specifier : `node:${specifier}`, from);
        }
        throw notFound(specifier, from);
      }
      return load(target, from);
    }
    require.resolve = (specifier) => {
      const target = map[specifier];
      if (typeof target !== "string") throw notFound(specifier, from);
      return target;
    };
    require.cache = Object.create(null);
    require.main = undefined;
    return require;
  }

  // `require` as the compiler's facades use it: by module name.
  jsw.requireAbsolute = function require(name) {
    return load(String(name));
  };
};
