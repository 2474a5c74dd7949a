//! Recording and replaying a WASI preview 1 command (`jsw run --record`,
//! `jsw replay`). Everything such a module receives comes through its WASI
//! imports: arguments, environment, clocks, random bytes, stdin, files,
//! `poll_oneoff`'s wake-ups. Each import is wrapped: recording calls the real
//! function and keeps its arguments, its errno and the bytes it wrote into
//! the module's memory (the out-parameters WASI defines for it); replaying
//! checks that the call is the one recorded next, writes those bytes back
//! and returns that errno, without touching the host. Writes to stdout and
//! stderr are made for real in both, so a replay shows the run's output, and
//! are compared with the recorded bytes.
//!
//! Clock reads of jsw's own instruments (the profiler) carry a marker
//! (jsw_wire::names::INSTRUMENT_CLOCK_PRECISION) and are neither recorded nor
//! replayed: they go to the real clock, so `jsw replay --cpu-prof` works on a
//! run recorded without it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use wasmtime::{Caller, Extern, ExternType, Linker, Module, Val};
use wasmtime_wasi::p1::WasiP1Ctx;

use super::{Bytes, Diverged, excerpt};
use crate::WasmtimeResultExt;

const WASI: &str = "wasi_snapshot_preview1";

/// What `jsw run --record` keeps of a command's run.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct CommandRecord {
    /// `argv`, the program's name first.
    pub args: Vec<String>,
    /// The names of the environment variables it was given.
    pub env: Vec<String>,
    /// The directories it was given (`HOST::GUEST`).
    pub dirs: Vec<String>,
    pub limits: Limits,
    /// Every WASI call, in order.
    pub calls: Vec<Call>,
    /// How the run ended.
    pub ending: Ending,
    /// What the program's top level printed when `jsw run` compiled it from
    /// source (before the run; a replay prints it again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_output: Option<(Bytes, Bytes)>,
}

/// The limits the run had; a replay has the same.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_memory: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
}

/// How a run ended.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Ending {
    /// Its exit status.
    Exit(i32),
    /// A limit stopped it (`--timeout`, `--fuel`, `--max-memory`).
    Limit { message: String, status: i32 },
    /// It trapped or failed otherwise.
    Failed(String),
}

impl std::fmt::Display for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ending::Exit(status) => write!(f, "exit status {status}"),
            Ending::Limit { message, .. } => write!(f, "stopped: {message}"),
            Ending::Failed(message) => write!(f, "failed: {message}"),
        }
    }
}

/// One WASI call.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Call {
    /// The function.
    pub f: String,
    /// Its arguments (i32s and i64s).
    pub args: Vec<i64>,
    /// Its errno (none for `proc_exit`, or when the call failed in the host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno: Option<i32>,
    /// What it wrote into memory: address and bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wrote: Vec<(u32, Bytes)>,
    /// What the program handed it: the path it opened, the bytes it wrote
    /// to stdout or stderr.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Bytes>,
}

/// A run's calls, being recorded or replayed; shared by the wrapped imports.
#[derive(Debug)]
pub struct Tape {
    replaying: bool,
    calls: Vec<Call>,
    /// Replay: the next call to answer.
    next: usize,
    /// `args_sizes_get` and `environ_sizes_get`'s answers, which size what
    /// `args_get` and `environ_get` write.
    sizes: HashMap<&'static str, (u32, u32)>,
    /// Record: mask the environment's values.
    mask_env: bool,
    /// Record: variables whose values are kept (`--record-keep`).
    keep: Vec<String>,
    masked: Vec<String>,
    /// Record: the masked values, scrubbed from the recorded output too.
    secrets: Vec<Vec<u8>>,
    /// Replay: where and how the run left the record.
    diverged: Option<String>,
    /// Replay: the record ended where the recorded run was stopped.
    stopped_at_end: Option<Ending>,
    /// Replay: the recorded run's ending, for a run that asks for more.
    recorded_ending: Option<Ending>,
}

pub type Shared = Arc<Mutex<Tape>>;

impl Tape {
    /// A tape to record on; environment values masked unless `secrets`,
    /// but for the variables in `keep`.
    pub fn record(secrets: bool, keep: Vec<String>) -> Shared {
        Arc::new(Mutex::new(Tape {
            replaying: false,
            calls: Vec::new(),
            next: 0,
            sizes: HashMap::new(),
            mask_env: !secrets,
            keep,
            masked: Vec::new(),
            secrets: Vec::new(),
            diverged: None,
            stopped_at_end: None,
            recorded_ending: None,
        }))
    }

    /// A tape that replays `record`'s calls.
    pub fn replay(record: &CommandRecord) -> Shared {
        Arc::new(Mutex::new(Tape {
            replaying: true,
            calls: record.calls.clone(),
            next: 0,
            sizes: HashMap::new(),
            mask_env: false,
            keep: Vec::new(),
            masked: Vec::new(),
            secrets: Vec::new(),
            diverged: None,
            stopped_at_end: None,
            recorded_ending: Some(record.ending.clone()),
        }))
    }

    /// The recorded calls and the names whose values were masked. A masked
    /// value the program printed is masked in the recorded output too, so
    /// that the record holds no secret and a replay (which prints the masked
    /// value) still matches it.
    pub fn take(&mut self) -> (Vec<Call>, Vec<String>) {
        let mut calls = std::mem::take(&mut self.calls);
        for call in &mut calls {
            if let Some(data) = &mut call.data
                && call.f == "fd_write"
            {
                for secret in &self.secrets {
                    scrub(&mut data.0, secret);
                }
            }
        }
        (calls, std::mem::take(&mut self.masked))
    }

    /// After a replay: how it left the record, if it did. A run that ended
    /// with calls of the record unanswered left it too.
    pub fn divergence(&self) -> Option<String> {
        if let Some(d) = &self.diverged {
            return Some(d.clone());
        }
        if self.stopped_at_end.is_none() && self.next < self.calls.len() {
            return Some(format!(
                "the replayed run ended after {} host calls, but the record holds {}: at call {} \
                 the recorded run {}",
                self.next,
                self.calls.len(),
                self.next + 1,
                describe_call(&self.calls[self.next])
            ));
        }
        None
    }

    /// After a replay: the recorded ending, when the replay reached the end
    /// of the record where the recorded run was stopped (a timeout, say).
    pub fn stopped_at_end(&self) -> Option<&Ending> {
        self.stopped_at_end.as_ref()
    }

    /// Calls answered so far (replay) or recorded (record).
    pub fn position(&self) -> usize {
        if self.replaying {
            self.next
        } else {
            self.calls.len()
        }
    }
}

/// A linker whose WASI functions are wasmtime-wasi's (on the store's
/// `WasiP1Ctx`, found by `wasi`), wrapped to record or replay on `tape`.
/// Only the imports `module` has are defined.
pub fn wrap<T: 'static>(
    engine: &wasmtime::Engine,
    module: &Module,
    tape: Shared,
    wasi: fn(&mut T) -> &mut WasiP1Ctx,
) -> Result<Linker<T>> {
    let mut linker = Linker::new(engine);
    for import in module.imports() {
        // The debug engine's channel to the debugger (`jsw replay
        // --inspect`): the host's, not the program's, so not on the tape.
        if import.module() == jsw_wire::names::DEBUG_IMPORTS {
            continue;
        }
        let ExternType::Func(ty) = import.ty() else {
            bail!(
                "cannot record or replay this module: it imports `{}` from `{}`, which is not a function",
                import.name(),
                import.module()
            );
        };
        let Some(&name) = FUNCTIONS
            .iter()
            .find(|f| import.module() == WASI && **f == import.name())
        else {
            bail!(
                "cannot record or replay this module: it imports `{}` from `{}`, which is not a \
                 WASI preview 1 function",
                import.name(),
                import.module()
            );
        };
        let tape = tape.clone();
        linker
            .func_new(WASI, name, ty, move |caller, params, results| {
                wrapped(name, wasi, &tape, caller, params, results)
            })
            .context_wt(format!("wrapping {name}"))?;
    }
    Ok(linker)
}

/// Calls wasmtime-wasi's implementation of `name` (what its own linker
/// entry would do) on the caller's memory.
fn call_wasi<T: 'static>(
    name: &str,
    wasi: fn(&mut T) -> &mut WasiP1Ctx,
    caller: &mut Caller<'_, T>,
    args: &[i64],
) -> wasmtime::Result<i32> {
    use wasmtime::AsContextMut as _;
    use wasmtime_wasi::p1::wasi_snapshot_preview1 as p1;
    use wasmtime_wasi::p1::wasi_snapshot_preview1::WasiSnapshotPreview1 as _;
    if name == "proc_exit" {
        // 0–255, as jsw's hosts carry it (host.rs).
        return Err(
            wasmtime_wasi::I32Exit(args.first().copied().unwrap_or(0) as i32 & 0xff).into(),
        );
    }
    let Some(memory) = caller.get_export("memory").and_then(Extern::into_memory) else {
        return Err(wasmtime::Error::msg("the module exports no memory"));
    };
    let fuel = caller.as_context_mut().hostcall_fuel();
    let (memory, state) = memory.data_and_store_mut(&mut *caller);
    let ctx = wasi(state);
    ctx.set_hostcall_fuel(fuel);
    let mut memory = wiggle::GuestMemory::Unshared(memory);
    let m = &mut memory;
    let a = |i: usize| args.get(i).copied().unwrap_or(0);
    macro_rules! wasi {
        (sync: $($s:ident($($si:literal),*)),*; async: $($f:ident($($fi:literal),*)),*) => {
            match name {
                $(stringify!($s) => p1::$s(ctx, m $(, a($si) as _)*),)*
                $(stringify!($f) => wasmtime_wasi::runtime::in_tokio(p1::$f(ctx, m $(, a($fi) as _)*)),)*
                _ => return Err(wasmtime::Error::msg(format!("{name} is not a WASI preview 1 function"))),
            }
        };
    }
    let errno = wasi!(
        sync: args_get(0, 1), args_sizes_get(0, 1), environ_get(0, 1), environ_sizes_get(0, 1),
            clock_res_get(0, 1), clock_time_get(0, 1, 2), fd_allocate(0, 1, 2),
            fd_fdstat_set_flags(0, 1), fd_fdstat_set_rights(0, 1, 2), fd_prestat_get(0, 1),
            fd_prestat_dir_name(0, 1, 2), fd_tell(0, 1), proc_raise(0), sched_yield(),
            random_get(0, 1), sock_accept(0, 1, 2), sock_recv(0, 1, 2, 3, 4, 5),
            sock_send(0, 1, 2, 3, 4), sock_shutdown(0, 1);
        async: fd_advise(0, 1, 2, 3), fd_close(0), fd_datasync(0), fd_fdstat_get(0, 1),
            fd_filestat_get(0, 1), fd_filestat_set_size(0, 1), fd_filestat_set_times(0, 1, 2, 3),
            fd_read(0, 1, 2, 3), fd_pread(0, 1, 2, 3, 4), fd_seek(0, 1, 2, 3), fd_sync(0),
            fd_readdir(0, 1, 2, 3, 4), fd_write(0, 1, 2, 3), fd_pwrite(0, 1, 2, 3, 4),
            poll_oneoff(0, 1, 2, 3), path_create_directory(0, 1, 2),
            path_filestat_get(0, 1, 2, 3, 4), path_filestat_set_times(0, 1, 2, 3, 4, 5, 6),
            path_link(0, 1, 2, 3, 4, 5, 6), path_open(0, 1, 2, 3, 4, 5, 6, 7, 8),
            path_readlink(0, 1, 2, 3, 4, 5), path_remove_directory(0, 1, 2),
            path_rename(0, 1, 2, 3, 4, 5), path_symlink(0, 1, 2, 3, 4),
            path_unlink_file(0, 1, 2), fd_renumber(0, 1)
    )?;
    Ok(errno)
}

/// Every WASI preview 1 function.
const FUNCTIONS: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "sched_yield",
    "random_get",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

fn lock(tape: &Shared) -> std::sync::MutexGuard<'_, Tape> {
    tape.lock().unwrap_or_else(|e| e.into_inner())
}

fn wrapped<T: 'static>(
    name: &'static str,
    wasi: fn(&mut T) -> &mut WasiP1Ctx,
    tape: &Shared,
    mut caller: Caller<'_, T>,
    params: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let args: Vec<i64> = params
        .iter()
        .map(|v| match v {
            Val::I32(x) => i64::from(*x),
            Val::I64(x) => *x,
            _ => 0,
        })
        .collect();
    let memory = caller.get_export("memory").and_then(Extern::into_memory);
    let data = memory.and_then(|m| input(name, &args, m.data(&caller)));
    let call_real = |caller: &mut Caller<'_, T>, results: &mut [Val]| {
        let errno = call_wasi(name, wasi, caller, &args)?;
        if let Some(slot) = results.first_mut() {
            *slot = Val::I32(errno);
        }
        Ok(())
    };
    // The profiler's clock: not the program's input.
    if name == "clock_time_get"
        && args.get(1).map(|&p| p as u64) == Some(jsw_wire::names::INSTRUMENT_CLOCK_PRECISION)
    {
        return call_real(&mut caller, results);
    }
    let replaying = lock(tape).replaying;
    if !replaying {
        let outcome = call_real(&mut caller, results);
        let errno = match &outcome {
            Ok(()) => results.first().and_then(Val::i32),
            Err(_) => None,
        };
        let mut tape = lock(tape);
        let mut wrote = Vec::new();
        if let (Some(memory), Some(0)) = (memory, errno) {
            let bytes = memory.data(&caller);
            let count = |i: usize| u32_at(bytes, arg(&args, i)).unwrap_or(0);
            for (at, len) in outputs(name, &args, bytes, &count, &mut tape.sizes) {
                let end = (at as usize).saturating_add(len as usize);
                if let Some(b) = bytes.get(at as usize..end) {
                    wrote.push((at, Bytes(b.to_vec())));
                }
            }
            if name == "environ_get" && tape.mask_env {
                let (names, values) = mask_environment(&mut wrote, &tape.keep);
                tape.masked.extend(names);
                tape.secrets.extend(values);
            }
        }
        tape.calls.push(Call {
            f: name.to_string(),
            args,
            errno,
            wrote,
            data: data.map(Bytes),
        });
        return outcome;
    }
    // Replaying.
    let (call, index, total) = {
        let mut tape = lock(tape);
        let index = tape.next;
        let total = tape.calls.len();
        match tape.calls.get(index).cloned() {
            Some(call) => {
                tape.next += 1;
                (call, index, total)
            }
            None => {
                let got = describe(name, &args, data.as_deref());
                match tape.recorded_ending.clone() {
                    Some(ending @ (Ending::Limit { .. } | Ending::Failed(_))) => {
                        tape.stopped_at_end = Some(ending.clone());
                        return Err(wasmtime::Error::msg(format!(
                            "the recorded run stopped here ({ending})"
                        )));
                    }
                    _ => {
                        let message = format!(
                            "the replay diverged from the record after its last host call ({total}): \
                             the program then {got}, which the recorded run never did"
                        );
                        tape.diverged = Some(message.clone());
                        return Err(Diverged(message).into());
                    }
                }
            }
        }
    };
    // poll_oneoff's subscriptions are kept for their userdata, not compared.
    let compared = |d: &Option<Bytes>| match (name, d) {
        ("poll_oneoff", _) | (_, None) => true,
        (_, Some(d)) => Some(&d.0[..]) == data.as_deref(),
    };
    let same =
        call.f == name && values(name, &call.args) == values(name, &args) && compared(&call.data);
    let diverged = |why: String| {
        let message = format!(
            "the replay diverged from the record at host call {} of {total}: {why}",
            index + 1
        );
        lock(tape).diverged = Some(message.clone());
        Err(Diverged(message).into())
    };
    if !same {
        return diverged(format!(
            "the program {}, where the recorded run {}",
            describe(name, &args, data.as_deref()),
            describe_call(&call)
        ));
    }
    if name == "proc_exit" {
        return Err(wasmtime_wasi::I32Exit((args[0] as i32) & 0xff).into());
    }
    // Output is made for real: the replay shows what the run printed.
    if name == "fd_write" && matches!(args.first(), Some(1 | 2)) {
        let _ = call_real(&mut caller, results);
    }
    if let Some(memory) = memory {
        // Where the recorded bytes go in this run: the same out-parameters,
        // at the addresses this run passed.
        let recorded = |i: usize| {
            let at = arg(&call.args, i);
            call.wrote
                .iter()
                .find(|(a, b)| *a == at && b.0.len() == 4)
                .map_or(0, |(_, b)| {
                    u32::from_le_bytes(b.0[..4].try_into().expect("4 bytes"))
                })
        };
        let regions = {
            let mut tape = lock(tape);
            let bytes = memory.data(&caller);
            if call.errno == Some(0) {
                outputs(name, &args, bytes, &recorded, &mut tape.sizes)
            } else {
                Vec::new()
            }
        };
        let shapes_match = regions.len() == call.wrote.len()
            && regions
                .iter()
                .zip(&call.wrote)
                .all(|((_, len), (_, b))| *len as usize == b.0.len());
        if !shapes_match {
            return diverged(format!(
                "the program {} with buffers of other sizes than the recorded run's",
                describe(name, &args, data.as_deref())
            ));
        }
        let mut writes: Vec<(u32, Vec<u8>)> = regions
            .iter()
            .zip(&call.wrote)
            .map(|((at, _), (_, b))| (*at, b.0.clone()))
            .collect();
        relocate(name, &call, &args, data.as_deref(), &mut writes);
        let bytes = memory.data_mut(&mut caller);
        for (at, data) in writes {
            let end = (at as usize).saturating_add(data.len());
            if let Some(slot) = bytes.get_mut(at as usize..end) {
                slot.copy_from_slice(&data);
            }
        }
    }
    if let Some(slot) = results.first_mut() {
        *slot = Val::I32(call.errno.unwrap_or(ERRNO_IO));
    }
    Ok(())
}

/// Addresses inside recorded outputs, moved to this run's: the pointers
/// `args_get`/`environ_get` write into their buffer, and the userdata of
/// `poll_oneoff`'s events (the program's own values for its subscriptions).
fn relocate(
    name: &str,
    call: &Call,
    args: &[i64],
    data: Option<&[u8]>,
    writes: &mut [(u32, Vec<u8>)],
) {
    match name {
        "args_get" | "environ_get" => {
            let (was, now) = (arg(&call.args, 1), arg(args, 1));
            if let Some((_, pointers)) = writes.first_mut() {
                for p in pointers.chunks_exact_mut(4) {
                    let old = u32::from_le_bytes(p[..4].try_into().expect("4 bytes"));
                    p.copy_from_slice(&old.wrapping_sub(was).wrapping_add(now).to_le_bytes());
                }
            }
        }
        "poll_oneoff" => {
            let (Some(was), Some(now)) = (
                call.data.as_ref().map(|d| userdata(&d.0)),
                data.map(userdata),
            ) else {
                return;
            };
            if let Some((_, events)) = writes.first_mut() {
                for event in events.chunks_exact_mut(32) {
                    let old = u64::from_le_bytes(event[..8].try_into().expect("8 bytes"));
                    if let Some(new) = was.iter().position(|&u| u == old).and_then(|j| now.get(j)) {
                        event[..8].copy_from_slice(&new.to_le_bytes());
                    }
                }
            }
        }
        _ => {}
    }
}

/// WASI's `io` errno, for a call that failed in the host while recording.
const ERRNO_IO: i32 = 29;

fn u32_at(memory: &[u8], at: u32) -> Option<u32> {
    let at = at as usize;
    let b = memory.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn arg(args: &[i64], i: usize) -> u32 {
    args.get(i).copied().unwrap_or(0) as u32
}

/// The (iovec) buffers an `fd_read`-like call filled: the first `n` bytes of
/// the iovecs at `iovs`.
fn iovec_regions(memory: &[u8], iovs: u32, count: u32, mut n: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for i in 0..count.min(1024) {
        if n == 0 {
            break;
        }
        let (Some(buf), Some(len)) = (
            u32_at(memory, iovs + i * 8),
            u32_at(memory, iovs + i * 8 + 4),
        ) else {
            break;
        };
        let take = len.min(n);
        out.push((buf, take));
        n -= take;
    }
    out
}

/// The bytes of the iovecs at `iovs`, gathered.
fn gather(memory: &[u8], iovs: u32, count: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..count.min(1024) {
        let (Some(buf), Some(len)) = (
            u32_at(memory, iovs + i * 8),
            u32_at(memory, iovs + i * 8 + 4),
        ) else {
            break;
        };
        if let Some(b) = memory.get(buf as usize..(buf as usize).saturating_add(len as usize)) {
            out.extend_from_slice(b);
        }
    }
    out
}

fn string(memory: &[u8], at: u32, len: u32) -> Option<Vec<u8>> {
    memory
        .get(at as usize..(at as usize).saturating_add(len as usize))
        .map(<[u8]>::to_vec)
}

/// What the program hands a call that is worth keeping: the path it names,
/// the bytes it writes to stdout or stderr.
fn input(name: &str, args: &[i64], memory: &[u8]) -> Option<Vec<u8>> {
    match name {
        "fd_write" if matches!(args.first(), Some(1 | 2)) => {
            Some(gather(memory, arg(args, 1), arg(args, 2)))
        }
        "path_open" => string(memory, arg(args, 2), arg(args, 3)),
        // Kept to map the events' userdata to the replay's subscriptions.
        "poll_oneoff" => string(memory, arg(args, 0), arg(args, 2).saturating_mul(48)),
        "path_filestat_get" => string(memory, arg(args, 2), arg(args, 3)),
        "path_create_directory" | "path_remove_directory" | "path_unlink_file" => {
            string(memory, arg(args, 1), arg(args, 2))
        }
        _ => None,
    }
}

/// The memory a call wrote (WASI's out-parameters). `count(i)` is the u32
/// the call wrote at its pointer argument `i` (the bytes read, the events
/// that fired): read from memory after a recorded call, from the record in
/// a replay. The iovecs are read from `memory`.
fn outputs(
    name: &'static str,
    args: &[i64],
    memory: &[u8],
    count: &dyn Fn(usize) -> u32,
    sizes: &mut HashMap<&'static str, (u32, u32)>,
) -> Vec<(u32, u32)> {
    let a = |i| arg(args, i);
    match name {
        "args_sizes_get" | "environ_sizes_get" => {
            sizes.insert(name, (count(0), count(1)));
            vec![(a(0), 4), (a(1), 4)]
        }
        "args_get" | "environ_get" => {
            let sized = if name == "args_get" {
                "args_sizes_get"
            } else {
                "environ_sizes_get"
            };
            let (n, size) = sizes.get(sized).copied().unwrap_or((0, 0));
            vec![(a(0), n * 4), (a(1), size)]
        }
        "clock_res_get" => vec![(a(1), 8)],
        "clock_time_get" => vec![(a(2), 8)],
        "fd_fdstat_get" => vec![(a(1), 24)],
        "fd_filestat_get" => vec![(a(1), 64)],
        "fd_prestat_get" => vec![(a(1), 8)],
        "fd_prestat_dir_name" => vec![(a(1), a(2))],
        "fd_seek" => vec![(a(3), 8)],
        "fd_tell" => vec![(a(1), 8)],
        "fd_read" | "fd_pread" => {
            let at = if name == "fd_read" { 3 } else { 4 };
            let mut out = iovec_regions(memory, a(1), a(2), count(at));
            out.push((a(at), 4));
            out
        }
        "fd_write" => vec![(a(3), 4)],
        "fd_pwrite" => vec![(a(4), 4)],
        "fd_readdir" => vec![(a(1), count(4).min(a(2))), (a(4), 4)],
        "path_filestat_get" => vec![(a(4), 64)],
        "path_open" => vec![(a(8), 4)],
        "path_readlink" => vec![(a(3), count(5).min(a(4))), (a(5), 4)],
        "poll_oneoff" => vec![(a(1), count(3).min(a(2)) * 32), (a(3), 4)],
        "random_get" => vec![(a(0), a(1))],
        "sock_accept" => vec![(a(2), 4)],
        "sock_recv" => {
            let mut out = iovec_regions(memory, a(1), a(2), count(4));
            out.extend([(a(4), 4), (a(5), 2)]);
            out
        }
        "sock_send" => vec![(a(4), 4)],
        _ => Vec::new(),
    }
}

/// The arguments of each function that are addresses in the program's
/// memory. A replay compares the others (descriptors, sizes, flags, clock
/// ids) and what the addresses hold where it matters (paths, output), not
/// the addresses: where the program's allocations land may differ in a
/// replay (a profiler or a debugger allocates beside it).
fn pointer_args(name: &str) -> &'static [usize] {
    match name {
        "args_get" | "args_sizes_get" | "environ_get" | "environ_sizes_get" => &[0, 1],
        "clock_res_get"
        | "fd_fdstat_get"
        | "fd_filestat_get"
        | "fd_prestat_get"
        | "fd_prestat_dir_name"
        | "fd_tell"
        | "path_create_directory"
        | "path_remove_directory"
        | "path_unlink_file" => &[1],
        "clock_time_get" | "sock_accept" | "path_filestat_set_times" => &[2],
        "fd_seek" => &[3],
        "fd_read" | "fd_write" => &[1, 3],
        "fd_pread" | "fd_pwrite" | "fd_readdir" | "sock_send" => &[1, 4],
        "path_filestat_get" => &[2, 4],
        "path_link" => &[2, 5],
        "path_open" => &[2, 8],
        "path_readlink" => &[1, 3, 5],
        "path_rename" => &[1, 4],
        "path_symlink" => &[0, 3],
        "poll_oneoff" => &[0, 1, 3],
        "random_get" => &[0],
        "sock_recv" => &[1, 4, 5],
        _ => &[],
    }
}

/// The arguments that are not addresses.
fn values(name: &str, args: &[i64]) -> Vec<i64> {
    let pointers = pointer_args(name);
    args.iter()
        .enumerate()
        .filter(|(i, _)| !pointers.contains(i))
        .map(|(_, v)| *v)
        .collect()
}

/// The subscriptions' `userdata` of a `poll_oneoff` (the first 8 of each
/// 48 bytes), which its events carry back.
fn userdata(subscriptions: &[u8]) -> Vec<u64> {
    subscriptions
        .chunks_exact(48)
        .map(|s| u64::from_le_bytes(s[..8].try_into().expect("8 bytes")))
        .collect()
}

/// Replaces each value of the `NAME=VALUE\0` strings `environ_get` wrote
/// with as many `*`s (the layout stays, so the program's allocations and
/// the replay stay as they were). Returns the names masked and their values.
fn mask_environment(wrote: &mut [(u32, Bytes)], keep: &[String]) -> (Vec<String>, Vec<Vec<u8>>) {
    let (mut names, mut values) = (Vec::new(), Vec::new());
    let Some((_, buf)) = wrote.get_mut(1) else {
        return (names, values);
    };
    for entry in buf.0.split_mut(|&b| b == 0) {
        if let Some(eq) = entry.iter().position(|&b| b == b'=') {
            let (name, value) = entry.split_at_mut(eq + 1);
            if value.is_empty() || keep.iter().any(|k| k.as_bytes() == &name[..eq]) {
                continue;
            }
            values.push(value.to_vec());
            value.fill(b'*');
            names.push(String::from_utf8_lossy(&name[..eq]).into_owned());
        }
    }
    (names, values)
}

/// Values shorter than this are not scrubbed from output: too many
/// innocent bytes would match.
const SCRUBBED_FROM: usize = 4;

/// Replaces each occurrence of `secret` in `data`, as it is and in the
/// forms programs commonly pass it on in (base64, percent-encoded), with
/// as many `*`s.
pub(crate) fn scrub(data: &mut [u8], secret: &[u8]) {
    use base64::Engine as _;
    if secret.len() < SCRUBBED_FROM {
        return;
    }
    scrub_exact(data, secret);
    for form in [
        base64::engine::general_purpose::STANDARD
            .encode(secret)
            .into_bytes(),
        percent_encoded(secret),
    ] {
        if form != secret {
            scrub_exact(data, &form);
        }
    }
}

/// `encodeURIComponent`'s form of `bytes`.
fn percent_encoded(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

fn scrub_exact(data: &mut [u8], secret: &[u8]) {
    let mut i = 0;
    while i + secret.len() <= data.len() {
        if &data[i..i + secret.len()] == secret {
            data[i..i + secret.len()].fill(b'*');
            i += secret.len();
        } else {
            i += 1;
        }
    }
}

fn clock_name(id: i64) -> &'static str {
    match id {
        0 => "the realtime clock",
        1 => "the monotonic clock",
        2 => "the process CPU-time clock",
        3 => "the thread CPU-time clock",
        _ => "a clock",
    }
}

fn fd_name(fd: i64) -> String {
    match fd {
        0 => "stdin".into(),
        1 => "stdout".into(),
        2 => "stderr".into(),
        fd => format!("fd {fd}"),
    }
}

/// A call in words, for a divergence message.
fn describe(name: &str, args: &[i64], data: Option<&[u8]>) -> String {
    let first = args.first().copied().unwrap_or(0);
    match (name, data) {
        ("fd_write", Some(bytes)) => format!(
            "wrote {} bytes to {} ({})",
            bytes.len(),
            fd_name(first),
            excerpt(bytes)
        ),
        ("fd_read", _) => format!("read from {}", fd_name(first)),
        ("path_open", Some(path)) => format!("opened {}", excerpt(path)),
        ("path_filestat_get", Some(path)) => format!("looked up {}", excerpt(path)),
        ("clock_time_get", _) => format!("read {}", clock_name(first)),
        ("random_get", _) => format!(
            "asked for {} random bytes",
            args.get(1).copied().unwrap_or(0)
        ),
        ("poll_oneoff", _) => format!(
            "waited on {} events (poll_oneoff)",
            args.get(2).copied().unwrap_or(0)
        ),
        ("proc_exit", _) => format!("exited with status {first}"),
        _ => format!(
            "called {name}({})",
            args.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn describe_call(call: &Call) -> String {
    describe(&call.f, &call.args, call.data.as_ref().map(|d| &d.0[..]))
}

/// How a run's result reads in a record.
pub fn ending_of(result: &Result<i32>) -> Ending {
    match result {
        Ok(status) => Ending::Exit(*status),
        Err(err) => match err.downcast_ref::<crate::runner::LimitExceeded>() {
            Some(limit) => Ending::Limit {
                message: limit.message.clone(),
                status: limit.status,
            },
            None => Ending::Failed(format!("{err:#}")),
        },
    }
}

/// A recorded run, about to be saved.
pub struct Recorded<'a> {
    /// What was run: a module, or a source compiled in memory (`compiled`).
    pub module: &'a std::path::Path,
    pub compiled: Option<&'a [u8]>,
    /// What its top level printed at build time (stdout, stderr).
    pub build_output: Option<(&'a [u8], &'a [u8])>,
    pub secrets: bool,
    pub started: u64,
    pub options: &'a crate::runner::RunOptions,
    pub tape: Shared,
    pub ending: Ending,
}

impl Recorded<'_> {
    /// Writes the record to `file`; returns how many calls it holds. A
    /// program compiled from source keeps its module beside the record.
    pub fn save(self, file: &std::path::Path) -> Result<usize> {
        use anyhow::Context as _;
        let digest = match self.compiled {
            Some(wasm) => {
                let dir = file.parent().filter(|p| !p.as_os_str().is_empty());
                let digest = super::sha256(wasm);
                super::keep_module(dir.unwrap_or(std::path::Path::new(".")), wasm, &digest)?;
                digest
            }
            None => super::sha256(
                &std::fs::read(self.module)
                    .with_context(|| format!("cannot read {}", self.module.display()))?,
            ),
        };
        let path = std::fs::canonicalize(self.module).unwrap_or_else(|_| self.module.into());
        let (calls, masked) = lock(&self.tape).take();
        let count = calls.len();
        let o = self.options;
        let mut args = vec![o.program_name.clone()];
        args.extend(o.args.iter().cloned());
        let run = CommandRecord {
            args,
            env: o.env.iter().map(|(k, _)| k.clone()).collect(),
            dirs: o
                .dirs
                .iter()
                .map(|(host, guest)| format!("{}::{guest}", host.display()))
                .collect(),
            limits: Limits {
                max_memory: o.max_memory,
                timeout_ms: o.timeout.map(|t| t.as_millis() as u64),
                fuel: o.fuel,
            },
            calls,
            ending: self.ending,
            build_output: self
                .build_output
                .filter(|(out, err)| !out.is_empty() || !err.is_empty())
                .map(|(out, err)| (Bytes(out.to_vec()), Bytes(err.to_vec()))),
        };
        let mut record = super::Record::new(
            super::ModuleRef {
                path: path.display().to_string(),
                sha256: digest,
            },
            self.secrets,
            self.started,
            super::Run::Command(Box::new(run)),
        );
        record.masked = masked;
        record.masked.dedup();
        record.save(file)?;
        Ok(count)
    }
}

/// What a replay of a command did.
pub struct Replayed {
    pub ending: Ending,
    /// The replay reproduced the record (else `divergence` says where it left it).
    pub divergence: Option<String>,
    pub calls: usize,
}

/// Runs `wasm` again, answering its WASI calls from `record`, with the
/// recorded limits (and `profile`, when asked).
pub fn replay(
    record: &CommandRecord,
    wasm: &[u8],
    profile: Option<crate::profile::ProfileOptions>,
    inspect: Option<crate::debugger::Session>,
) -> Result<Replayed> {
    let tape = Tape::replay(record);
    // Under the debugger the replay waits while it is paused: no timeout.
    let debugging = inspect.is_some();
    let options = crate::runner::RunOptions {
        program_name: record.args.first().cloned().unwrap_or_default(),
        args: record.args.iter().skip(1).cloned().collect(),
        max_memory: record.limits.max_memory,
        // A replay waits for nothing but computes as long as the run did:
        // twice its timeout and a second leave room to reach the end of a
        // record where the timeout stopped the run.
        timeout: record.limits.timeout_ms.filter(|_| !debugging).map(|ms| {
            std::time::Duration::from_millis(ms.saturating_mul(2))
                + std::time::Duration::from_secs(1)
        }),
        fuel: record.limits.fuel,
        cache: true,
        profile,
        tape: Some(tape.clone()),
        inspect,
        ..Default::default()
    };
    let result = crate::runner::run(wasm, &options);
    let tape = lock(&tape);
    let divergence = tape.divergence();
    let ending = match tape.stopped_at_end() {
        Some(recorded) => recorded.clone(),
        None => ending_of(&result),
    };
    Ok(Replayed {
        divergence,
        ending,
        calls: tape.position(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_values_are_masked_in_place() {
        let mut wrote = vec![
            (0, Bytes(vec![0; 8])),
            (100, Bytes(b"TOKEN=s3cret\0EMPTY=\0A=b=c\0".to_vec())),
        ];
        let (names, values) = mask_environment(&mut wrote, &[]);
        assert_eq!(names, ["TOKEN", "A"]);
        assert_eq!(values, [b"s3cret".to_vec(), b"b=c".to_vec()]);
        assert_eq!(wrote[1].1.0, b"TOKEN=******\0EMPTY=\0A=***\0");
        let mut out = b"key s3cret, again s3cret; b=c stays".to_vec();
        for v in &values {
            scrub(&mut out, v);
        }
        assert_eq!(out, b"key ******, again ******; b=c stays");
    }

    #[test]
    fn iovecs_are_filled_in_order() {
        let mut memory = vec![0u8; 64];
        // Two iovecs at 0: (32, 4) and (40, 8).
        memory[0..4].copy_from_slice(&32u32.to_le_bytes());
        memory[4..8].copy_from_slice(&4u32.to_le_bytes());
        memory[8..12].copy_from_slice(&40u32.to_le_bytes());
        memory[12..16].copy_from_slice(&8u32.to_le_bytes());
        assert_eq!(iovec_regions(&memory, 0, 2, 6), vec![(32, 4), (40, 2)]);
        assert_eq!(iovec_regions(&memory, 0, 2, 0), vec![]);
    }
}
