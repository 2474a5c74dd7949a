//! Calling a plugin component's export from the host, as plugin hosts do:
//! what `jsw bench --invoke` measures. The call is written in WAVE, the value
//! syntax of `wasmtime run --invoke` (`transform([{id: 1, ...}])`), and typed
//! against the export's own signature.
//!
//! WASI (and wasi:http's types, which some peers' engines import for `fetch`)
//! is linked as wasmtime-wasi provides it. Every other import (the host
//! functions a plugin calls) is a stand-in: for `jsw bench` it returns its
//! result type's default value, so that any component can be measured without
//! its real host; for `jsw run` it fails the call, saying which function the
//! real host would have to provide.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use wasmtime::component::types::{ComponentFunc, ComponentItem};
use wasmtime::component::wasm_wave::untyped::UntypedFuncCall;
use wasmtime::component::{
    Component, ComponentExportIndex, InstancePre, Linker, ResourceType, Type, Val,
};
use wasmtime::{Engine, Store};

use crate::WasmtimeResultExt;
use crate::bench::{BenchOptions, Summary};
use crate::store::{ComponentState, DefaultHooks, MemoryLimit};

/// A plugin's store: WASI and wasi:http as wasmtime-wasi gives them.
pub type State = ComponentState<DefaultHooks>;

/// What the host functions of a component's world do here.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HostFunctions {
    /// Return the result type's default value (for measuring).
    Defaults,
    /// Fail the call with a message naming the function.
    Missing,
}

/// A component ready to be instantiated and called.
pub struct Invoker {
    engine: Engine,
    pre: InstancePre<State>,
    export: ComponentExportIndex,
    params: Vec<Val>,
    results: usize,
}

impl Invoker {
    /// Compiles `wasm` and types `call` (WAVE: `name(args...)`) against the
    /// export it names.
    pub fn new(wasm: &[u8], call: &str, pooling: bool, host: HostFunctions) -> Result<Invoker> {
        let config = crate::wasmtime_config::EngineConfig::new();
        let engine = if pooling {
            config.pooling(crate::bench::pool()).engine()?
        } else {
            config.engine()?
        };
        let component = Component::new(&engine, wasm).context_wt("compiling the component")?;
        let parsed = UntypedFuncCall::parse(call)
            .map_err(|e| anyhow::anyhow!("invalid call {call:?}: {e}"))?;
        let name = parsed.name().to_string();
        let ty = component.component_type();
        let func: ComponentFunc = match ty.get_export(&engine, &name).map(|e| e.ty) {
            Some(ComponentItem::ComponentFunc(f)) => f,
            _ => {
                let funcs: Vec<String> = ty
                    .exports(&engine)
                    .filter(|(_, e)| matches!(e.ty, ComponentItem::ComponentFunc(_)))
                    .map(|(n, _)| n.to_string())
                    .collect();
                bail!(
                    "the component exports no function `{name}` (its functions: {})",
                    if funcs.is_empty() {
                        "none".into()
                    } else {
                        funcs.join(", ")
                    }
                );
            }
        };
        let types: Vec<Type> = func.params().map(|(_, t)| t).collect();
        let params = parsed.to_wasm_params::<Val>(types.iter()).map_err(|e| {
            anyhow::anyhow!("the arguments of {name} do not fit its parameters: {e}")
        })?;
        let results = func.results().len();
        let export = component
            .get_export_index(None, name.as_str())
            .context("finding the export")?;
        let mut linker: Linker<State> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).context_wt("linking WASI")?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)
            .context_wt("linking wasi:http")?;
        stub_imports(&mut linker, &component, &engine, host)?;
        let pre = linker
            .instantiate_pre(&component)
            .context_wt("linking the component")?;
        Ok(Invoker {
            engine,
            pre,
            export,
            params,
            results,
        })
    }

    pub fn store(&self) -> Store<State> {
        Store::new(
            &self.engine,
            State::new(DefaultHooks, MemoryLimit::new(None)),
        )
    }

    pub fn instantiate(&self, store: &mut Store<State>) -> Result<wasmtime::component::Instance> {
        self.pre
            .instantiate(store)
            .context_wt("instantiating the component")
    }

    /// Calls the export once and returns its results (wasmtime runs the
    /// post-return itself).
    pub fn call(
        &self,
        store: &mut Store<State>,
        instance: &wasmtime::component::Instance,
    ) -> Result<Vec<Val>> {
        let func = instance
            .get_func(&mut *store, self.export)
            .context("the export is not a function")?;
        let mut results = vec![Val::Bool(false); self.results];
        // The wasm backtrace has no names to show (the engine is stripped);
        // the root cause says what happened (and a trap's reason is already on
        // stderr, written by the engine).
        func.call(&mut *store, &self.params, &mut results)
            .map_err(|e| {
                let e = anyhow::Error::from(e);
                anyhow::anyhow!("the call failed: {}", e.root_cause())
            })?;
        Ok(results)
    }
}

/// The host type of the world's imported resources here.
struct StandIn;

/// Host functions other than WASI's: see [`HostFunctions`].
fn stub_imports(
    linker: &mut Linker<State>,
    component: &Component,
    engine: &Engine,
    host: HostFunctions,
) -> Result<()> {
    let ty = component.component_type();
    for (name, import) in ty.imports(engine) {
        if name.starts_with("wasi:") {
            continue;
        }
        let instance = match import.ty {
            ComponentItem::ComponentInstance(instance) => instance,
            // A function the world imports itself (`import log: func(...)`).
            ComponentItem::ComponentFunc(_) => {
                stub_function(&mut linker.root(), name, name.to_string(), host)?;
                continue;
            }
            // A world's `use` of a type: satisfied by the instance exporting it.
            ComponentItem::Type(_) | ComponentItem::Resource(_) => continue,
            _ => bail!("the component imports `{name}`, which jsw cannot stand in for"),
        };
        let mut instance_host = linker.instance(name).context_wt("stubbing the imports")?;
        for (func_name, item) in instance.exports(engine) {
            if let ComponentItem::Resource(_) = item.ty {
                // The host's resources: handles nobody can make here.
                instance_host
                    .resource(func_name, ResourceType::host::<StandIn>(), |_, _| Ok(()))
                    .context_wt("stubbing the imports")?;
                continue;
            }
            if let ComponentItem::ComponentFunc(_) = item.ty {
                stub_function(
                    &mut instance_host,
                    func_name,
                    format!("{name}#{func_name}"),
                    host,
                )?;
            }
        }
    }
    Ok(())
}

/// One host function `what` stood in for, as `host` says.
fn stub_function(
    instance: &mut wasmtime::component::LinkerInstance<'_, State>,
    name: &str,
    what: String,
    host: HostFunctions,
) -> Result<()> {
    instance
        .func_new(name, move |_store, ty, _params, results| {
            if host == HostFunctions::Missing {
                return Err(wasmtime::format_err!(
                    "the plugin called the host function `{what}`, which only its real host provides \
                     (jsw runs a component's exports with WASI alone)"
                ));
            }
            for (slot, t) in results.iter_mut().zip(ty.results()) {
                *slot = default_value(&t)?;
            }
            Ok(())
        })
        .context_wt("stubbing the imports")
}

fn default_value(t: &Type) -> wasmtime::Result<Val> {
    Ok(match t {
        Type::Bool => Val::Bool(false),
        Type::S8 => Val::S8(0),
        Type::U8 => Val::U8(0),
        Type::S16 => Val::S16(0),
        Type::U16 => Val::U16(0),
        Type::S32 => Val::S32(0),
        Type::U32 => Val::U32(0),
        Type::S64 => Val::S64(0),
        Type::U64 => Val::U64(0),
        Type::Float32 => Val::Float32(0.0),
        Type::Float64 => Val::Float64(0.0),
        Type::Char => Val::Char('\0'),
        Type::String => Val::String(String::new()),
        Type::List(_) => Val::List(Vec::new()),
        Type::Record(r) => Val::Record(
            r.fields()
                .map(|f| Ok((f.name.to_string(), default_value(&f.ty)?)))
                .collect::<wasmtime::Result<_>>()?,
        ),
        Type::Tuple(t) => Val::Tuple(
            t.types()
                .map(|t| default_value(&t))
                .collect::<wasmtime::Result<_>>()?,
        ),
        Type::Variant(v) => {
            let case = v
                .cases()
                .next()
                .ok_or_else(|| wasmtime::format_err!("empty variant"))?;
            let payload = match case.ty {
                Some(t) => Some(Box::new(default_value(&t)?)),
                None => None,
            };
            Val::Variant(case.name.to_string(), payload)
        }
        Type::Enum(e) => Val::Enum(e.names().next().unwrap_or_default().to_string()),
        Type::Option(_) => Val::Option(None),
        Type::Result(r) => Val::Result(Ok(match r.ok() {
            Some(t) => Some(Box::new(default_value(&t)?)),
            None => None,
        })),
        Type::Flags(_) => Val::Flags(Vec::new()),
        other => {
            return Err(wasmtime::format_err!(
                "jsw cannot make up a value of type {other:?}"
            ));
        }
    })
}

/// Calls `call` once in a fresh instance (WASI from this process: stdio,
/// clocks, randomness) and returns the results in WAVE, one per line.
pub fn run(wasm: &[u8], call: &str) -> Result<Vec<String>> {
    crate::on_big_stack(|| {
        let invoker = Invoker::new(wasm, call, false, HostFunctions::Missing)?;
        let mut store = invoker.store();
        let instance = invoker.instantiate(&mut store)?;
        let results = invoker.call(&mut store, &instance)?;
        results
            .iter()
            .map(|v| {
                wasmtime::component::wasm_wave::to_string(v).map_err(|e| anyhow::anyhow!("{e}"))
            })
            .collect()
    })
}

/// What one component's calls cost.
pub struct InvokeReport {
    pub name: String,
    pub size: usize,
    /// A fresh instance.
    pub instantiate: Summary,
    /// Its first call.
    pub first_call: Summary,
    /// Both.
    pub total: Summary,
    /// Calls per second, one after another in one instance.
    pub calls_per_second: f64,
    /// The first call's results, in WAVE.
    pub results: String,
}

/// Measures instantiate + first call of each component (interleaved), then
/// calls per second in one instance for about `options.iterations` calls.
pub fn bench(
    components: &[(String, Vec<u8>)],
    call: &str,
    options: &BenchOptions,
) -> Result<Vec<InvokeReport>> {
    crate::on_big_stack(|| bench_here(components, call, options))
}

fn bench_here(
    components: &[(String, Vec<u8>)],
    call: &str,
    options: &BenchOptions,
) -> Result<Vec<InvokeReport>> {
    let invokers = components
        .iter()
        .map(|(name, wasm)| {
            Invoker::new(wasm, call, options.pooling, HostFunctions::Defaults)
                .with_context(|| format!("preparing {name}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut samples: Vec<[Vec<Duration>; 3]> =
        invokers.iter().map(|_| Default::default()).collect();
    let mut results = vec![String::new(); invokers.len()];
    for round in 0..options.warmup + options.iterations {
        for (i, invoker) in invokers.iter().enumerate() {
            let mut store = invoker.store();
            let start = Instant::now();
            let instance = invoker.instantiate(&mut store)?;
            let instantiated = Instant::now();
            let out = invoker
                .call(&mut store, &instance)
                .with_context(|| format!("calling {}", components[i].0))?;
            let called = Instant::now();
            if round >= options.warmup {
                samples[i][0].push(instantiated - start);
                samples[i][1].push(called - instantiated);
                samples[i][2].push(called - start);
            }
            if round == 0 {
                results[i] = out
                    .iter()
                    .map(|v| wasmtime::component::wasm_wave::to_string(v).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(", ");
            }
        }
    }
    let mut reports = Vec::new();
    for (i, invoker) in invokers.iter().enumerate() {
        let mut store = invoker.store();
        let instance = invoker.instantiate(&mut store)?;
        for _ in 0..options.warmup {
            invoker.call(&mut store, &instance)?;
        }
        let start = Instant::now();
        for _ in 0..options.iterations {
            invoker.call(&mut store, &instance)?;
        }
        let calls_per_second = options.iterations as f64 / start.elapsed().as_secs_f64();
        let [instantiate, first_call, total] = std::mem::take(&mut samples[i]);
        reports.push(InvokeReport {
            name: components[i].0.clone(),
            size: components[i].1.len(),
            instantiate: Summary::of(instantiate),
            first_call: Summary::of(first_call),
            total: Summary::of(total),
            calls_per_second,
            results: std::mem::take(&mut results[i]),
        });
    }
    Ok(reports)
}
