//! Flags several subcommands share, defined once as in wasmtime's `cli-flags`:
//! the same name, type, parser and meaning wherever they appear. A command whose
//! defaults differ (serve bounds every request by default, run bounds nothing)
//! resolves them itself and says so in its help (`mut_arg`).

use std::time::Duration;

use clap::Args;

use jsw::runner;

/// Limits on one instance: `jsw run`'s module, or one request under `jsw serve`.
#[derive(Args, Debug, Clone, Default)]
pub struct LimitFlags {
    /// Most linear memory the module may use (e.g. 64MiB).
    #[arg(long, value_name = "SIZE", value_parser = runner::parse_bytes)]
    pub max_memory: Option<u64>,

    /// Stop the module after this long (e.g. 500ms, 2s); exit status 124.
    #[arg(long, value_name = "DURATION", value_parser = runner::parse_duration)]
    pub timeout: Option<Duration>,

    /// Stop the module after this many wasm instructions.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
}

/// The compiled-code cache, which `compile`, `run` and `serve` all use.
#[derive(Args, Debug, Clone, Default)]
pub struct CacheFlags {
    /// Do not use or fill the compiled-code cache (~/.cache/jsw, or $JSW_CACHE_DIR).
    #[arg(long)]
    pub no_cache: bool,
}

impl CacheFlags {
    /// Whether to use the cache.
    pub fn cache(&self) -> bool {
        !self.no_cache
    }
}
