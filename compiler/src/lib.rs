//! jsw compiles TypeScript/JavaScript programs into WASI preview 1 modules whose
//! engine, and whose program's top level, were already run at build time.
//!
//! The pipeline: [`bundle`] (parse, strip types, link modules) → [`snapshot`]
//! (pre-initialize the embedded QuickJS engine with Wizer) → a `.wasm` written
//! atomically. [`runner`] runs such modules with wasmtime.

pub mod bench;
pub mod bundle;
pub mod cache;
pub mod diagnostic;
pub mod output;
pub mod runner;
pub mod snapshot;

use std::path::Path;

use anyhow::Result;

pub use snapshot::{BuildFailed, BuildOutput, Mode};

/// The QuickJS engine built for wasm32-wasip1, before pre-initialization.
pub const ENGINE_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/engine.wasm"));

/// A compiled program.
pub struct Compiled {
    pub wasm: Vec<u8>,
    pub bundle: bundle::Bundle,
    /// What the top level printed while it ran at build time.
    pub output: BuildOutput,
}

/// How to compile.
#[derive(Debug, Clone)]
pub struct Options {
    pub mode: Mode,
    pub bundle: bundle::Options,
    /// Use the compiled-code cache (see [`cache`]).
    pub cache: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Snapshot,
            bundle: Default::default(),
            cache: true,
        }
    }
}

/// Compiles the program whose entry file is `input`.
pub fn compile(input: &Path, options: &Options) -> Result<Compiled> {
    let bundle = bundle::bundle(input, &options.bundle)?;
    let payload = snapshot::encode_payload(&bundle, options.mode);
    let snap = snapshot::snapshot(ENGINE_WASM, payload, &bundle.entry, options.cache)?;
    Ok(Compiled {
        wasm: snap.wasm,
        bundle,
        output: snap.output,
    })
}

/// wasmtime has its own error type; this gives its results anyhow's context.
pub(crate) trait WasmtimeResultExt<T> {
    fn context_wt(self, context: impl std::fmt::Display + Send + Sync + 'static) -> Result<T>;
}

impl<T> WasmtimeResultExt<T> for wasmtime::Result<T> {
    fn context_wt(self, context: impl std::fmt::Display + Send + Sync + 'static) -> Result<T> {
        self.map_err(|e| anyhow::Error::from(e).context(context))
    }
}
