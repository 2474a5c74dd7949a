//! The compiled-code cache: machine code for a module, compiled once by Cranelift
//! and loaded afterwards like a `.cwasm` (mmap, no decompression), which is what
//! makes a second `jsw run` or `jsw compile` start in milliseconds.
//!
//! Entries are keyed by the SHA-256 of the module bytes together with everything
//! that makes compiled code incompatible (wasmtime version, engine settings, CPU
//! features), via wasmtime's own compatibility hash. Writes are atomic; a corrupt
//! or stale entry is recompiled and replaced.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use anyhow::Result;
use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use crate::WasmtimeResultExt;

/// Where cached code lives: `$JSW_CACHE_DIR`, else `$XDG_CACHE_HOME/jsw`, else
/// `~/.cache/jsw`. None when no home can be found (the cache is then skipped).
pub fn dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("JSW_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("jsw"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/jsw"))
}

/// Feeds `Hash` output into SHA-256.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn key(engine: &Engine, wasm: &[u8]) -> String {
    let mut h = ShaHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut h);
    h.0.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.0.update(wasm);
    h.0.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compiles `wasm` for `engine`, or loads it from the cache when `use_cache`.
pub fn module(engine: &Engine, wasm: &[u8], use_cache: bool) -> Result<Module> {
    let Some(dir) = dir().filter(|_| use_cache) else {
        return Module::new(engine, wasm).context_wt("compiling the module");
    };
    let path = dir
        .join("code")
        .join(format!("{}.cwasm", key(engine, wasm)));
    if path.is_file() {
        // SAFETY: the file was written by `precompile_module` of an engine with the
        // same compatibility hash (it is part of the name), and only by us.
        if let Ok(m) = unsafe { Module::deserialize_file(engine, &path) } {
            return Ok(m);
        }
    }
    let compiled = engine
        .precompile_module(wasm)
        .context_wt("compiling the module")?;
    // A cache that cannot be written is only slower, never an error.
    if std::fs::create_dir_all(path.parent().unwrap_or(&dir)).is_ok() {
        let _ = crate::output::write_atomic(&path, &compiled);
    }
    // SAFETY: the bytes come from `precompile_module` of this very engine.
    unsafe { Module::deserialize(engine, &compiled) }.context_wt("loading the compiled module")
}
