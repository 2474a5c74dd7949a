//! What the stores of jsw's hosts hold: the memory limiter every host sets
//! (run, serve, bench, invoke) and the WASI + wasi:http state of a component's
//! store (serve's requests, invoke's calls).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::cli::StdoutStream;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView};

/// Refuses linear-memory growth past `max` without trapping: `memory.grow`
/// returns -1, QuickJS's allocator fails and the program sees a catchable
/// `InternalError: out of memory`. A refusal (or the host failing to map more)
/// is remembered, so that a run or request which then fails is explained in one
/// line; the largest size asked for is kept for `jsw bench`.
pub struct MemoryLimit {
    max: Option<usize>,
    refused: Arc<AtomicBool>,
    /// Largest size asked for (creation counts as growth from 0).
    peak: usize,
}

impl MemoryLimit {
    /// At most `max` bytes (None: as much as wasm32 and the host allow).
    pub fn new(max: Option<usize>) -> MemoryLimit {
        MemoryLimit::reporting_to(max, Arc::new(AtomicBool::new(false)))
    }

    /// As `new`, noting a refusal in `refused`, which outlives the store.
    pub fn reporting_to(max: Option<usize>, refused: Arc<AtomicBool>) -> MemoryLimit {
        MemoryLimit {
            max,
            refused,
            peak: 0,
        }
    }

    /// Whether growth was refused.
    pub fn refused(&self) -> bool {
        self.refused.load(Ordering::Relaxed)
    }

    /// The largest linear memory asked for, in bytes.
    pub fn peak(&self) -> usize {
        self.peak
    }
}

impl ResourceLimiter for MemoryLimit {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.peak = self.peak.max(desired);
        if self.max.is_some_and(|max| desired > max) {
            self.refused.store(true, Ordering::Relaxed);
            return Ok(false);
        }
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        // The host itself could not map more memory: the same answer as a limit.
        self.refused.store(true, Ordering::Relaxed);
        Ok(())
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// An instance's stdout and stderr, when not the process's own.
pub type Output = (Box<dyn StdoutStream + Sync>, Box<dyn StdoutStream + Sync>);

/// wasi:http's defaults: outbound requests go wherever the guest sends them.
pub struct DefaultHooks;

impl WasiHttpHooks for DefaultHooks {}

/// The store data of a component instance: WASI (stdout and stderr inherited),
/// wasi:http with the host's `hooks` for outbound requests, and the memory limit.
pub struct ComponentState<H: WasiHttpHooks> {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: H,
    pub memory: MemoryLimit,
    /// `jsw serve`'s environment, configuration and key-value buckets.
    bindings: std::sync::Arc<crate::bindings::host::Host>,
}

impl<H: WasiHttpHooks> ComponentState<H> {
    pub fn new(hooks: H, memory: MemoryLimit) -> Self {
        Self::with_output(hooks, memory, None, Default::default(), None)
    }

    /// `new` with the instance's stdout and stderr going through `output`
    /// (serve's console lines as log records) instead of straight to the process's.
    /// `bindings`: its environment variables and what wasi:config and
    /// wasi:keyvalue give it. `tape`: its clocks and random sources go
    /// through a request's record or replay, with that insecure seed.
    pub fn with_output(
        hooks: H,
        memory: MemoryLimit,
        output: Option<Output>,
        bindings: std::sync::Arc<crate::bindings::host::Host>,
        tape: Option<(&Arc<crate::replay::request::Tape>, u128)>,
    ) -> Self {
        let mut wasi = WasiCtx::builder();
        if let Some((tape, seed)) = tape {
            tape.install(&mut wasi, seed);
        }
        wasi.envs(&bindings.environment());
        match output {
            Some((stdout, stderr)) => {
                wasi.stdout(stdout).stderr(stderr);
            }
            None => {
                wasi.inherit_stdout().inherit_stderr();
            }
        }
        ComponentState {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks,
            memory,
            bindings,
        }
    }

    /// What the bindings' host functions see (bindings/host.rs).
    pub fn bindings_view(&mut self) -> crate::bindings::host::BindingsView<'_> {
        crate::bindings::host::BindingsView {
            host: &self.bindings,
            table: &mut self.table,
        }
    }
}

impl<H: WasiHttpHooks> WasiView for ComponentState<H> {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl<H: WasiHttpHooks> WasiHttpView for ComponentState<H> {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}
