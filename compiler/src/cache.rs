//! The compiled-code cache: machine code for a module, compiled once by Cranelift
//! and loaded afterwards like a `.cwasm` (mmap, no decompression), which is what
//! makes a second `jsw run` or `jsw compile` start in milliseconds.
//!
//! Entries are keyed by the SHA-256 of the module bytes together with everything
//! that makes compiled code incompatible (wasmtime version, engine settings, CPU
//! features), via wasmtime's own compatibility hash. Writes are atomic; a corrupt
//! or stale entry is recompiled and replaced.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

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
    hex(&h.0.finalize())
}

/// Bytes (a digest) in lowercase hexadecimal, as cache file names are.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Cranelift's cache of compiled functions (wasmtime's incremental compilation),
/// kept next to the code cache. Every module jsw compiles from the same engine
/// has that engine's functions, byte for byte: snapshots differ in their data,
/// not their code. A new module's functions are then found here instead of being
/// compiled again, which is most of the cost of running a program for the first
/// time (`jsw run app.js` after an edit, a new module under `jsw serve`).
#[derive(Debug)]
struct FunctionStore {
    dir: PathBuf,
}

impl FunctionStore {
    fn path(&self, key: &[u8]) -> PathBuf {
        let hex = hex(&Sha256::digest(key));
        self.dir.join(&hex[..2]).join(&hex[2..])
    }
}

impl wasmtime::CacheStore for FunctionStore {
    fn get(&self, key: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
        std::fs::read(self.path(key))
            .ok()
            .map(std::borrow::Cow::Owned)
    }

    fn insert(&self, key: &[u8], value: Vec<u8>) -> bool {
        // Entries of other jsw versions are never read again: the first time
        // this process adds one, they go. And the store is kept within the
        // cache's budget: past it, it starts over (it refills with what is
        // compiled next; a module's functions are ~12 MiB).
        static CLEARED: std::sync::Once = std::sync::Once::new();
        CLEARED.call_once(|| {
            let (Some(parent), Some(own)) = (self.dir.parent(), self.dir.file_name()) else {
                return;
            };
            for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
                if entry.file_name() != own {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
            if tree_size(&self.dir) > budget() {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
        });
        let path = self.path(key);
        // A cache that cannot be written is only slower, never an error.
        path.parent()
            .is_some_and(|d| std::fs::create_dir_all(d).is_ok())
            && crate::output::write_atomic(&path, &value).is_ok()
    }
}

/// Bytes in the files under `dir`.
fn tree_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => tree_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// Lets `config` compile from and into the function cache (when there is a cache
/// directory and `use_cache`).
pub fn share_functions(config: &mut wasmtime::Config, use_cache: bool) {
    let Some(dir) = dir().filter(|_| use_cache) else {
        return;
    };
    // Entries are keyed by Cranelift itself (function body, settings, compiler
    // version); the jsw version keeps a new build from reading an old one's.
    let store = FunctionStore {
        dir: dir.join("functions").join(env!("CARGO_PKG_VERSION")),
    };
    let _ = config.enable_incremental_compilation(std::sync::Arc::new(store));
}

/// What the code cache holds: core modules and components, compiled by wasmtime.
trait Artifact: Sized {
    /// For messages: "module" or "component".
    const WHAT: &'static str;
    /// The cache file's extension.
    const EXTENSION: &'static str;
    fn compile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Self>;
    fn precompile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Vec<u8>>;
    /// # Safety
    /// `path` holds what `precompile` wrote for an engine with the same
    /// compatibility hash.
    unsafe fn deserialize_file(engine: &Engine, path: &Path) -> wasmtime::Result<Self>;
    /// # Safety
    /// `bytes` come from `precompile` of this very engine.
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Self>;
}

impl Artifact for Module {
    const WHAT: &'static str = "module";
    const EXTENSION: &'static str = "cwasm";
    fn compile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Self> {
        Module::new(engine, wasm)
    }
    fn precompile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Vec<u8>> {
        engine.precompile_module(wasm)
    }
    unsafe fn deserialize_file(engine: &Engine, path: &Path) -> wasmtime::Result<Self> {
        unsafe { Module::deserialize_file(engine, path) }
    }
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Self> {
        unsafe { Module::deserialize(engine, bytes) }
    }
}

impl Artifact for wasmtime::component::Component {
    const WHAT: &'static str = "component";
    const EXTENSION: &'static str = "component.cwasm";
    fn compile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Self> {
        Self::new(engine, wasm)
    }
    fn precompile(engine: &Engine, wasm: &[u8]) -> wasmtime::Result<Vec<u8>> {
        engine.precompile_component(wasm)
    }
    unsafe fn deserialize_file(engine: &Engine, path: &Path) -> wasmtime::Result<Self> {
        unsafe { Self::deserialize_file(engine, path) }
    }
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Self> {
        unsafe { Self::deserialize(engine, bytes) }
    }
}

/// Compiles `wasm` for `engine`, or loads it from the cache when `use_cache`.
fn cached<A: Artifact>(engine: &Engine, wasm: &[u8], use_cache: bool) -> Result<A> {
    let Some(dir) = dir().filter(|_| use_cache) else {
        return A::compile(engine, wasm).context_wt(format!("compiling the {}", A::WHAT));
    };
    let path = dir
        .join("code")
        .join(format!("{}.{}", key(engine, wasm), A::EXTENSION));
    if path.is_file() {
        // SAFETY: the file was written from `precompile` of an engine with the
        // same compatibility hash (it is part of the name), and only by us.
        if let Ok(m) = unsafe { A::deserialize_file(engine, &path) } {
            touch(&path);
            return Ok(m);
        }
    }
    let compiled = A::precompile(engine, wasm).context_wt(format!("compiling the {}", A::WHAT))?;
    // A cache that cannot be written is only slower, never an error.
    if std::fs::create_dir_all(path.parent().unwrap_or(&dir)).is_ok() {
        let _ = crate::output::write_atomic(&path, &compiled);
        prune(&dir.join("code"));
    }
    // SAFETY: the bytes come from `precompile` of this very engine.
    unsafe { A::deserialize(engine, &compiled) }
        .context_wt(format!("loading the compiled {}", A::WHAT))
}

/// Compiles the core module `wasm` for `engine`, or loads it from the cache.
pub fn module(engine: &Engine, wasm: &[u8], use_cache: bool) -> Result<Module> {
    cached(engine, wasm, use_cache)
}

/// Compiles the component `wasm` for `engine`, or loads it from the cache.
pub fn component(
    engine: &Engine,
    wasm: &[u8],
    use_cache: bool,
) -> Result<wasmtime::component::Component> {
    cached(engine, wasm, use_cache)
}

/// Machine code for the module in `path`, found without reading the file when it
/// has not changed since it was last compiled: the file's identity (device, inode,
/// size, modification and change times, which every write updates) leads to the
/// content key through a small index entry. Returns None when there is no such
/// entry (the caller then reads, hashes and compiles the file).
pub fn module_by_file(engine: &Engine, path: &std::path::Path) -> Option<Module> {
    let index = index_path(engine, path)?;
    let key = std::fs::read_to_string(&index).ok()?;
    let code = dir()?.join("code").join(format!("{}.cwasm", key.trim()));
    // SAFETY: as in `module`: only `precompile_module` output of a compatible
    // engine is ever stored under this name.
    let module = unsafe { Module::deserialize_file(engine, &code) }.ok()?;
    touch(&code);
    Some(module)
}

/// Most bytes of machine code kept: `$JSW_CACHE_MAX_MB` MiB, default 2 GiB.
fn budget() -> u64 {
    std::env::var("JSW_CACHE_MAX_MB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(2048)
        << 20
}

/// Marks an entry as used, so that pruning keeps it.
fn touch(path: &std::path::Path) {
    if let Ok(f) = std::fs::File::options().append(true).open(path) {
        let _ = f.set_modified(std::time::SystemTime::now());
    }
}

/// Keeps the code cache under its budget by deleting the least recently used
/// entries.
fn prune(code: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(code) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((meta.modified().ok()?, meta.len(), e.path()))
        })
        .collect();
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    let budget = budget();
    if total <= budget {
        return;
    }
    files.sort();
    for (_, len, path) in files {
        if total <= budget {
            break;
        }
        if std::fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(len);
        }
    }
}

/// Records that `path`, as it is now, compiles to the cache entry of `wasm`.
pub fn remember_file(engine: &Engine, path: &std::path::Path, wasm: &[u8]) {
    if let Some(index) = index_path(engine, path)
        && std::fs::create_dir_all(index.parent().unwrap_or(&index)).is_ok()
    {
        let _ = crate::output::write_atomic(&index, key(engine, wasm).as_bytes());
    }
}

fn index_path(engine: &Engine, path: &std::path::Path) -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    let path = std::fs::canonicalize(path).ok()?;
    let meta = std::fs::metadata(&path).ok()?;
    let mut h = ShaHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut h);
    h.0.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.0.update(path.as_os_str().as_encoded_bytes());
    for n in [
        meta.dev(),
        meta.ino(),
        meta.size(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
        meta.ctime() as u64,
        meta.ctime_nsec() as u64,
    ] {
        h.0.update(n.to_le_bytes());
    }
    Some(dir()?.join("index").join(hex(&h.0.finalize())))
}
