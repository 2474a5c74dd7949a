// An HTTP handler's environment: `process.env` and the variables of its
// `env` argument hold the host's environment variables (wasi:cli/environment:
// `jsw serve --env`, `wasmtime serve --env`), then its configuration values
// (wasi:config/store: `jsw serve --config`, `wasmtime serve -S config-var`)
// under names the environment does not already use. They are read from the
// host on the first use in a request, and every request is a fresh instance,
// so a changed value needs no rebuild.
//
// The compiler (compiler/src/bindings/guest.rs) adds this module, loaded
// before the program, when the program reads process.env or its handler
// takes `env`; the component then imports those two interfaces.
import { getEnvironment } from "wasi:cli/environment@0.2.0";
import { getAll } from "wasi:config/store@0.2.0-rc.1";
import { host } from "jsw:wit";

host("environ", () => {
  const env = {};
  for (const [key, value] of getEnvironment()) env[key] = value;
  let config;
  try {
    config = getAll();
  } catch (e) {
    const p = e?.payload;
    const why = p && typeof p === "object" ? `${p.tag}: ${p.val}` : String(e?.message ?? e);
    throw new Error(`reading the host's configuration (wasi:config/store) failed: ${why}`);
  }
  for (const [key, value] of config) {
    if (!Object.prototype.hasOwnProperty.call(env, key)) env[key] = value;
  }
  return env;
});
