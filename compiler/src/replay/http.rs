//! `jsw replay` of a request record: the component instantiated as `jsw
//! serve` would (same linker, same limits), given the recorded request, and
//! answering every host value from the record; its console output goes to
//! this process's stdout and stderr as it would to the server's, and the
//! response is collected to print and to compare with the record.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context as _, Result};
use bytes::Bytes;
use http_body_util::BodyExt;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::ErrorCode;

use super::request::{Outcome, RequestRecord, Tape};
use crate::WasmtimeResultExt;
use crate::serve::request::{Given, console_output, hand_over, new_store};
use crate::telemetry::console::LogSink;

/// What a replayed request did.
pub struct Replayed {
    pub outcome: Outcome,
    /// The response body (whole).
    pub body: Vec<u8>,
    /// What the instance printed.
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Where the replay left the record, if it did.
    pub divergence: Option<String>,
}

/// Replays `record` against the component `wasm` (under the debugger, when
/// `inspect`: `wasm` then was built with the debug engine).
pub fn replay(
    record: &RequestRecord,
    wasm: &[u8],
    inspect: Option<crate::debugger::Session>,
) -> Result<Replayed> {
    let engine = crate::wasmtime_config::EngineConfig::new()
        .epochs(true)
        .fuel(record.limits.fuel.is_some())
        .shared_code(true)
        .engine()?;
    let component =
        crate::cache::component(&engine, wasm, true).context("loading the component")?;
    let mut linker = crate::serve::linker(&engine)?;
    if let Some(session) = &inspect {
        crate::debugger::add_to_component_linker(&mut linker, session.inspector.clone())?;
    }
    let pre = linker
        .instantiate_pre(&component)
        .context_wt("the component needs imports jsw serve does not give")?;
    let pre = ProxyPre::new(pre).context_wt("the component is not a wasi:http/proxy")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_stack_size(crate::WASM_STACK + (16 << 20))
        .build()
        .context("starting the replay's runtime")?;
    // The epoch ticks while the replay runs: a diverged replay is stopped at
    // the next tick, and the recorded timeout applies.
    let ticking = Arc::new(AtomicBool::new(true));
    {
        let (engine, ticking) = (engine.clone(), ticking.clone());
        std::thread::spawn(move || {
            while ticking.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(crate::serve::EPOCH_TICK);
                engine.increment_epoch();
            }
        });
    }
    let debug = inspect
        .as_ref()
        .map(|s| if s.wait { "replay-wait" } else { "replay" });
    let result = runtime.block_on(run(&engine, &pre, record, debug));
    if let Some(session) = &inspect {
        session.inspector.finish();
    }
    ticking.store(false, std::sync::atomic::Ordering::Relaxed);
    runtime.shutdown_background();
    result
}

async fn run(
    engine: &wasmtime::Engine,
    pre: &ProxyPre<crate::serve::request::RequestState>,
    record: &RequestRecord,
    debug: Option<&'static str>,
) -> Result<Replayed> {
    let tape = Arc::new(Tape::replaying(record));
    // A replay waits for nothing outside the record, but computes as long
    // as the recorded request did: twice its timeout, and a second, leave room
    // to reach the point where a limit stopped it (the end of the record).
    // Under the debugger it waits while paused: no timeout.
    let limits = crate::serve::Limits {
        max_memory: record.limits.max_memory as usize,
        timeout: match debug {
            Some(_) => Duration::from_secs(365 * 24 * 3600),
            None => {
                Duration::from_millis(record.limits.timeout_ms.saturating_mul(2))
                    + Duration::from_secs(1)
            }
        },
        fuel: record.limits.fuel,
        cpu: None,
    };
    let recorded_host = crate::bindings::host::Host {
        env: record.env.clone(),
        config: record.config.clone(),
        buckets: record
            .buckets
            .iter()
            .map(|id| {
                let none: Arc<dyn crate::bindings::kv::Store> = Arc::new(super::kv::TapedStore {
                    inner: None,
                    bucket: id.clone(),
                    tape: tape.clone(),
                });
                (id.clone(), none)
            })
            .collect(),
        stores: Default::default(),
        max_value: crate::bindings::kv::DEFAULT_MAX_VALUE,
    };
    let seed: u128 = record.insecure_seed.parse().unwrap_or(0);
    let memory_hit = Arc::new(AtomicBool::new(false));
    let mut store = new_store(
        engine,
        &limits,
        Given {
            outbound: crate::serve::outbound::Outbound::new(Arc::new(Vec::new()), None)
                .taped(Some(tape.clone())),
            output: Some(console_output(LogSink::default().taped(tape.clone()))),
            bindings: Arc::new(recorded_host),
            tape: Some((tape.clone(), seed)),
        },
        memory_hit.clone(),
        Arc::new(AtomicBool::new(false)),
    )
    .context_wt("creating the store")?;
    // Stop at the next tick once the replay has left the record.
    {
        let tape = tape.clone();
        let deadline = std::time::Instant::now() + limits.timeout;
        store.epoch_deadline_callback(move |_| {
            if tape.has_diverged() || std::time::Instant::now() >= deadline {
                Ok(wasmtime::UpdateDeadline::Interrupt)
            } else {
                Ok(wasmtime::UpdateDeadline::Yield(1))
            }
        });
    }
    let mut request = hyper::Request::builder()
        .method(record.request.method.as_str())
        .uri(record.request.uri.as_str());
    for (name, value) in &record.request.headers {
        request = request.header(name.as_str(), value.0.as_slice());
    }
    // The host's word to the debug engine (taken out before the handler
    // sees the request).
    if let Some(how) = debug {
        request = request.header(jsw_wire::names::DEBUG_HEADER, how);
    }
    // The body as the instance read it, stopping where it stopped.
    let body = crate::serve::outbound::ReplayedBody {
        data: Some(Bytes::from(record.request.body.0.clone())),
        end: match &record.request.body_cut {
            Some((why, _)) => super::request::BodyEnd::Cut(why.clone()),
            None => super::request::BodyEnd::Complete,
        },
    };
    let request = request
        .body(body)
        .context("the record's request is not a valid HTTP request")?;
    let (req, out, receiver) =
        hand_over(&mut store, request).context_wt("handing over the request")?;
    let pre = pre.clone();
    let mut task = tokio::task::spawn(async move {
        let proxy = pre.instantiate_async(&mut store).await?;
        let handled = proxy
            .wasi_http_incoming_handler()
            .call_handle(&mut store, req, out)
            .await;
        drop(store);
        handled
    });
    let timeout = limits.timeout;
    // The recorded timeout bounds the whole request, waits included, as in
    // jsw serve.
    let deadline = tokio::time::Instant::now() + timeout;
    let timed_out = || {
        (
            504,
            Default::default(),
            Vec::new(),
            Some(format!(
                "timeout: still running after {} (--timeout)",
                crate::serve::request::human(timeout)
            )),
        )
    };
    // Whether the task was awaited to its end already.
    let mut joined = false;
    let (status, headers, body, failure) = match tokio::time::timeout_at(deadline, receiver).await {
        Ok(Ok(Ok(response))) => {
            let (parts, mut body) = response.into_parts();
            // Frame by frame: a body cut off keeps what came before the cut,
            // as the client of the recorded request got it.
            let mut bytes = Vec::new();
            let collected = tokio::time::timeout_at(deadline, async {
                while let Some(frame) = body.frame().await {
                    match frame {
                        Ok(frame) => {
                            if let Some(data) = frame.data_ref() {
                                bytes.extend_from_slice(data);
                            }
                        }
                        Err(e) => return Some(format!("response cut off: {e}")),
                    }
                }
                None
            })
            .await;
            let failure = collected.unwrap_or_else(|_| Some("response cut off: timeout".into()));
            (parts.status.as_u16(), parts.headers, bytes, failure)
        }
        Ok(Ok(Err(code))) => (
            500,
            Default::default(),
            Vec::new(),
            Some(match code {
                ErrorCode::InternalError(Some(reason)) => reason,
                other => format!("the handler answered with an error: {other:?}"),
            }),
        ),
        Ok(Err(_)) => match join(&mut joined, deadline, &mut task).await {
            Ok(Ok(Ok(()))) => (
                500,
                Default::default(),
                Vec::new(),
                Some("the component returned without a response".to_string()),
            ),
            // Stopped by the epoch: the recorded timeout (504, as jsw
            // serve answers), unless the replay diverged.
            Ok(Ok(Err(e)))
                if e.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt)
                    && !tape.has_diverged() =>
            {
                timed_out()
            }
            Ok(Ok(Err(e))) => (
                500,
                Default::default(),
                Vec::new(),
                Some(format!("the component failed: {e:#}")),
            ),
            Ok(Err(e)) => (
                500,
                Default::default(),
                Vec::new(),
                Some(format!("the request's task failed: {e}")),
            ),
            Err(_) => timed_out(),
        },
        Err(_) => timed_out(),
    };
    // What the instance prints after its response is part of the request.
    if !joined && tokio::time::timeout_at(deadline, &mut task).await.is_err() {
        task.abort();
    }
    // A body stopped by a limit is answered for by the server (413, 408),
    // whatever the handler made of the failed read.
    let (status, headers, body, failure) = match &record.request.body_cut {
        Some((why, Some(limit))) => (*limit, Default::default(), Vec::new(), Some(why.clone())),
        _ => (status, headers, body, failure),
    };
    // Stopped where a limit stopped the recorded request: its answer.
    let (status, failure) = if tape.stopped_at_end() {
        (record.outcome.status, record.outcome.failure.clone())
    } else {
        (status, failure)
    };
    tape.response_head(status, &headers);
    tape.response_body(&body);
    let outcome = tape.outcome(status, failure.as_deref());
    let (stdout, stderr) = tape.printed();
    Ok(Replayed {
        outcome,
        body,
        stdout,
        stderr,
        divergence: tape.divergence(),
    })
}

/// Waits for the instance's task (it is then not to be awaited again).
async fn join<T>(
    joined: &mut bool,
    deadline: tokio::time::Instant,
    task: &mut tokio::task::JoinHandle<T>,
) -> Result<Result<T, tokio::task::JoinError>, tokio::time::error::Elapsed> {
    *joined = true;
    tokio::time::timeout_at(deadline, task).await
}
