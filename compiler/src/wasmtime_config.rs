//! The one place jsw configures wasmtime. Every engine jsw creates (the
//! build-time snapshot run, `jsw run`, `jsw bench`, `jsw serve`, plugin
//! invocation) starts from [`EngineConfig::new`], which sets what all of them
//! need, and adds what its use needs with the methods below, so that a setting
//! that must agree between two uses (the stack limits the engine is built for,
//! the code cache) cannot drift between them.

use anyhow::Result;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig};

use crate::WasmtimeResultExt;

pub struct EngineConfig(Config);

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig::new()
    }
}

impl EngineConfig {
    /// The settings every jsw engine has: the deep wasm stack QuickJS's
    /// recursion needs (`crate::WASM_STACK`).
    pub fn new() -> EngineConfig {
        let mut config = Config::new();
        // The async stack must be able to hold the sync limit (wasmtime checks
        // the pair even where jsw calls wasm synchronously).
        config.async_stack_size(crate::WASM_STACK + (1 << 20));
        config.max_wasm_stack(crate::WASM_STACK);
        EngineConfig(config)
    }

    /// Epoch interruption, for timeouts and (`jsw serve`) yielding.
    pub fn epochs(mut self, on: bool) -> Self {
        self.0.epoch_interruption(on);
        self
    }

    /// Fuel: wasm instructions counted (`--fuel`, `jsw bench`'s counts).
    pub fn fuel(mut self, on: bool) -> Self {
        self.0.consume_fuel(on);
        self
    }

    /// Compile from and into jsw's function cache (when there is a cache
    /// directory and `use_cache`).
    pub fn shared_code(mut self, use_cache: bool) -> Self {
        crate::cache::share_functions(&mut self.0, use_cache);
        self
    }

    /// Instances from a pool (`jsw serve`, `--pooling`).
    pub fn pooling(mut self, pool: PoolingAllocationConfig) -> Self {
        self.0
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        self
    }

    /// Compile as fast as possible: for an instance that runs once and is
    /// thrown away (the build-time snapshot run).
    pub fn fast_compile(mut self) -> Self {
        self.0.cranelift_opt_level(OptLevel::None);
        self
    }

    /// For what only one use sets (`jsw serve`'s memory reservation,
    /// `jsw bench`'s copy-on-write images).
    pub fn with(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(&mut self.0);
        self
    }

    pub fn config(self) -> Config {
        self.0
    }

    pub fn engine(self) -> Result<Engine> {
        Engine::new(&self.0).context_wt("creating the wasmtime engine")
    }
}
