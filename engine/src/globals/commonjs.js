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

  function notFound(specifier, from) {
    const err = new Error(`Cannot find module '${specifier}'${from ? ` (required from ${from})` : ""}: it was not found when the program was compiled`);
    err.code = "MODULE_NOT_FOUND";
    return err;
  }

  // A Node built-in jsw does not provide: loading it works (packages often only
  // probe), using any of its functions throws and says which.
  function unavailable(name) {
    const short = name.slice(5);
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
    const slash = name.lastIndexOf("/");
    const module = { id: name, filename: name, path: slash < 0 ? "." : name.slice(0, slash), exports: {}, loaded: false, children: [], paths: [] };
    module.require = requireFor(map, name);
    cache.set(name, module);
    try {
      factory.call(module.exports, module.exports, module.require, module, name, module.path);
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
        const bare = specifier.startsWith("node:") ? specifier : `node:${specifier}`;
        if (builtins.has(bare)) return load(bare, from);
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
