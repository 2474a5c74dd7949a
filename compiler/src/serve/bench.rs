//! `jsw bench` for HTTP components: what one request costs in-process, the way
//! `jsw serve` pays it (the same engine configuration, pooling allocator and
//! store), without the network: a fresh instance, a `GET` (of `/`, or the
//! path asked for) handed to its
//! incoming handler, the whole response body read back, and the instance
//! returned to the pool. The empty handler
//! (`component::empty_handler`) is measured alongside as the floor.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use super::request::{self, RequestState};
use super::{Limits, Options};
use crate::WasmtimeResultExt;
use crate::bench::{BenchOptions, Report, Summary, median, minor_faults};

/// One request's figures.
struct Sample {
    instantiate: Duration,
    handle: Duration,
    faults: Option<u64>,
    fuel: u64,
    memory: u64,
    status: u16,
}

struct Prepared {
    name: String,
    /// What each request asks for (`/` for the empty handler, the floor).
    uri: String,
    size: usize,
    pre: ProxyPre<RequestState>,
    instantiate: Vec<Duration>,
    handle: Vec<Duration>,
    total: Vec<Duration>,
    faults: Vec<u64>,
    memory: u64,
}

/// Measures every component (interleaved, request by request), then the floor.
pub fn bench(components: &[(String, Vec<u8>)], options: &BenchOptions) -> Result<Vec<Report>> {
    crate::on_big_stack(|| bench_here(components, options))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the benchmark's runtime")
}

fn bench_here(components: &[(String, Vec<u8>)], options: &BenchOptions) -> Result<Vec<Report>> {
    let mut all = components.to_vec();
    all.push((
        "(empty handler)".to_string(),
        crate::component::empty_handler()?,
    ));
    let serving = Options {
        concurrency: 4,
        ..Options::default()
    };
    let counting = Options {
        limits: Limits {
            fuel: Some(u64::MAX),
            ..Limits::default()
        },
        ..serving.clone()
    };
    let timing_engine = super::engine(&serving)?;
    let counting_engine = super::engine(&counting)?;
    let runtime = runtime()?;
    let mut prepared = Vec::new();
    for (k, (name, wasm)) in all.iter().enumerate() {
        // The empty handler answers every path; the floor is measured with `/`.
        let path = if k + 1 == all.len() {
            "/"
        } else {
            &options.path
        };
        prepared.push(Prepared {
            name: name.clone(),
            uri: format!("http://localhost{path}"),
            size: wasm.len(),
            pre: prepare(&timing_engine, name, wasm)?,
            instantiate: Vec::with_capacity(options.iterations),
            handle: Vec::with_capacity(options.iterations),
            total: Vec::with_capacity(options.iterations),
            faults: Vec::with_capacity(options.iterations),
            memory: 0,
        });
    }
    for i in 0..options.warmup + options.iterations.max(1) {
        for p in &mut prepared {
            let sample = runtime
                .block_on(once(&timing_engine, &p.pre, &serving.limits, &p.uri))
                .with_context(|| format!("serving a request with {}", p.name))?;
            if !(200..400).contains(&sample.status) {
                bail!(
                    "{} answered GET {} with status {}: jsw bench measures requests that succeed \
                     (`jsw serve` it to see why it fails)",
                    p.name,
                    options.path,
                    sample.status
                );
            }
            if i >= options.warmup {
                p.instantiate.push(sample.instantiate);
                p.handle.push(sample.handle);
                p.total.push(sample.instantiate + sample.handle);
                p.faults.extend(sample.faults);
            }
            p.memory = p.memory.max(sample.memory);
        }
    }
    let mut reports = Vec::new();
    for ((name, wasm), p) in all.iter().zip(prepared) {
        let counted = prepare(&counting_engine, name, wasm)?;
        let fuel = runtime
            .block_on(once(&counting_engine, &counted, &counting.limits, &p.uri))?
            .fuel;
        reports.push(Report {
            name: p.name,
            size: p.size,
            instantiate: Summary::of(p.instantiate),
            run: Summary::of(p.handle),
            // Returning the instance to the pool is part of `handle` here.
            teardown: Summary::of(vec![Duration::ZERO]),
            total: Summary::of(p.total),
            memory: p.memory,
            fuel,
            faults: median(p.faults),
            // A request has no `main` to split at, and its instance goes back
            // to the pool rather than staying live.
            phases: None,
            resident: None,
            exit_status: 0,
        });
    }
    Ok(reports)
}

fn prepare(engine: &wasmtime::Engine, name: &str, wasm: &[u8]) -> Result<ProxyPre<RequestState>> {
    let component =
        crate::cache::component(engine, wasm, true).with_context(|| format!("compiling {name}"))?;
    let linker = super::linker(engine)?;
    let pre = linker
        .instantiate_pre(&component)
        .context_wt(format!("{name} needs imports jsw serve does not give"))?;
    ProxyPre::new(pre).context_wt(format!("{name} is not a wasi:http/proxy component"))
}

/// One request through a fresh instance.
async fn once(
    engine: &wasmtime::Engine,
    pre: &ProxyPre<RequestState>,
    limits: &Limits,
    uri: &str,
) -> Result<Sample> {
    let mut store = request::new_store(
        engine,
        limits,
        request::Given {
            outbound: super::outbound::Outbound::new(Arc::new(Vec::new()), None),
            output: None,
            bindings: Default::default(),
            tape: None,
        },
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    )
    .context_wt("creating the store")?;
    let request = hyper::Request::builder()
        .method("GET")
        .uri(uri)
        .header("host", "localhost")
        .header("user-agent", "jsw-bench")
        .header("accept", "*/*")
        .body(Empty::<Bytes>::new())
        .context("building the request")?;
    let (req, out, receiver) =
        request::hand_over(&mut store, request).context_wt("handing over the request")?;
    let faults_before = minor_faults();
    let t0 = Instant::now();
    let proxy = pre
        .instantiate_async(&mut store)
        .await
        .context_wt("instantiating")?;
    let t1 = Instant::now();
    // The handler runs as its own task, as in the server: the body it writes
    // is read here at the same time.
    let task = tokio::task::spawn(async move {
        let result = proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, req, out)
            .await;
        (result, store)
    });
    let response = match receiver.await {
        Ok(Ok(response)) => response,
        Ok(Err(code)) => bail!("the handler answered with an error: {code:?}"),
        Err(_) => {
            let (result, _) = task.await.context("the request's task failed")?;
            result.context_wt("the handler trapped")?;
            bail!("the handler returned without a response");
        }
    };
    let status = response.status().as_u16();
    let body = response.into_body().collect().await;
    let (result, store) = task.await.context("the request's task failed")?;
    result.context_wt("the handler trapped")?;
    body.map_err(|e| anyhow::anyhow!("reading the response body: {e:?}"))?;
    let fuel = match limits.fuel {
        Some(given) => given - store.get_fuel().unwrap_or(given),
        None => 0,
    };
    let memory = store.data().memory.peak() as u64;
    // Returning the instance to the pool (resetting its memory) is part of
    // what a request costs the server.
    drop(store);
    let t2 = Instant::now();
    let faults = minor_faults()
        .zip(faults_before)
        .map(|(after, before)| after - before);
    Ok(Sample {
        instantiate: t1 - t0,
        handle: t2 - t1,
        faults,
        fuel,
        memory,
        status,
    })
}
