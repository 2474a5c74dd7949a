//! Names both sides use: the engine's exports that the compiler and the hosts
//! call, and the module-name conventions of the bundle.

/// Build time: runs the program's top level inside the snapshot sandbox (the
/// payload on stdin); Wizer snapshots the instance after it.
pub const INIT_EXPORT: &str = "wizer-initialize";
/// Run time, before `_start`: the host passes settings (see [`configure`]).
pub const CONFIGURE_EXPORT: &str = "jsw-configure";
/// After a run: where in linear memory the engine noted its phase times (for
/// `jsw bench`).
pub const PHASES_EXPORT: &str = "jsw-phases";
/// After a run with `configure::PROFILE`: where the `.cpuprofile` JSON is (a
/// little-endian u32 length, then the bytes), or 0.
pub const PROFILE_EXPORT: &str = "jsw-profile";
/// Plugin mode: where the flat arguments of the next call go.
pub const WIT_ARGS_EXPORT: &str = "jsw-wit-args";
/// Plugin mode: calls the world's function of the given index.
pub const WIT_CALL_EXPORT: &str = "jsw-wit-call";
/// Plugin mode: frees what the last call returned (the canonical ABI's
/// post-return).
pub const WIT_POST_EXPORT: &str = "jsw-wit-post";

/// The flag bits of `jsw-configure`'s second argument (the first is the native
/// stack, in bytes, the host lets wasm use).
pub mod configure {
    /// `proc_exit` takes any status 0–255 (hosts that follow WASI strictly
    /// accept only 0–125, and the engine then maps 126–255 to 125).
    pub const FULL_EXIT_STATUS: u32 = 1;
    /// Note the phase times for `jsw-phases`.
    pub const RECORD_PHASES: u32 = 2;
    /// Profile the run's JS for `jsw-profile`; the sampling interval in
    /// microseconds is in the bits above the first 8.
    pub const PROFILE: u32 = 4;
    /// Debug the run (`--inspect`; only the debug engine has a debugger):
    /// messages of the Chrome DevTools protocol cross through the imports of
    /// [`super::DEBUG_IMPORTS`].
    pub const DEBUG: u32 = 8;
    /// With `DEBUG`: wait for a client before the program's first line, and
    /// stop there (`--inspect-brk`).
    pub const DEBUG_WAIT: u32 = 16;
    /// With `DEBUG`: a live run, not a replay: the program's stdout shows
    /// at each pause, and it waits for its timers on the debugger's channel,
    /// answering the client meanwhile (a replay's writes and waits must be
    /// the record's, one for one).
    pub const DEBUG_LIVE: u32 = 32;
}

/// The import module of the debug engine's channel to its host: `receive(timeout_ms)
/// -> len` (-1: nothing came), `read(ptr, len)`, `send(ptr, len)`
/// (engine/src/debugger/mod.rs, compiler/src/debugger/).
pub const DEBUG_IMPORTS: &str = "jsw_debug";

/// The `precision` argument of the engine's own `clock_time_get` reads, made
/// for jsw's instruments (the profiler's sampling clock, the phase times of
/// `jsw bench`) and not for the program. A replay (`jsw replay`) serves them
/// from the real clock instead of the record, and a recording leaves them
/// out: so a run recorded without `--cpu-prof` replays with it. The program's
/// own reads pass other precisions (the engine 1000, wasi-libc 1).
pub const INSTRUMENT_CLOCK_PRECISION: u64 = 0x6a73_775f_636c_6b00;

/// What the engine writes on stderr before the error when a request's handler
/// throws or rejects (engine/src/http/http.js): `GET <url>: the handler
/// failed: TypeError: …` and the stack. `jsw serve` finds the error there for
/// the request's trace.
pub const HANDLER_FAILED: &str = ": the handler failed: ";

/// What starts the line on stderr where the engine hands `jsw serve` one span
/// of the program's own (`@opentelemetry/api`, engine/src/globals/otel.js):
/// the span follows as JSON. The record separator keeps it apart from any
/// line a program prints.
pub const GUEST_SPAN_LINE: &str = "\u{1e}jsw-span ";

/// The request header through which `jsw serve` gives a request's instance
/// the context of its handler span (a W3C `traceparent`). The engine takes it
/// out of the request before the handler sees it; the program's spans are
/// recorded only when it came. `jsw serve` drops one a client sends.
pub const GUEST_TRACEPARENT: &str = "jsw-traceparent";

/// The request header through which `jsw serve --cpu-prof` asks a request's
/// instance to profile its JS, sampling every so many microseconds (the
/// value). The engine takes it out of the request; `jsw serve` drops one a
/// client sends.
pub const CPU_PROFILE_HEADER: &str = "jsw-cpu-profile";

/// What starts the line on stderr where a request's instance hands `jsw
/// serve --cpu-prof` its profile (the `.cpuprofile` JSON follows), at the end
/// of the request.
pub const PROFILE_LINE: &str = "\u{1e}jsw-profile ";

/// The request header through which `jsw serve`, when it exports logs, asks
/// a request's instance to mark each line of its `console` output with the
/// method's level: [`LOG_LEVEL_MARK`] and one of `T` (trace), `D` (debug),
/// `I` (log, info), `W` (warn), `E` (error), which the server takes off the
/// line and makes the log record's severity. The engine takes it out of the
/// request; `jsw serve` drops one a client sends.
pub const LOG_LEVELS_HEADER: &str = "jsw-log-levels";

/// The request headers that are the host's word to the engine: `jsw serve`
/// drops a client's own and sets its own; the engine takes them out before
/// the handler sees the request.
pub const HOST_HEADERS: &[&str] = &[
    GUEST_TRACEPARENT,
    CPU_PROFILE_HEADER,
    LOG_LEVELS_HEADER,
    DEBUG_HEADER,
];

/// Debug this request (a component built with the debug engine): `run`, or
/// `wait` for a client and stop at the handler's first line; `replay` and
/// `replay-wait` the same in a replay (see [`configure::DEBUG_LIVE`]). Its
/// messages cross through [`DEBUG_INTERFACE`].
pub const DEBUG_HEADER: &str = "jsw-debug";

/// The WIT interface of a debug component's channel to its host: the same
/// three functions as [`DEBUG_IMPORTS`], `read` returning the message as a
/// `list<u8>` (compiler/src/debugger/channel.wit).
pub const DEBUG_INTERFACE: &str = "jsw:debug/channel@0.1.0";

/// What starts a marked console line (see [`LOG_LEVELS_HEADER`]).
pub const LOG_LEVEL_MARK: char = '\u{1e}';

/// A CommonJS module's ES facade is named `<module>?esm`.
pub const ESM_FACADE_SUFFIX: &str = "?esm";
/// The entry of a CommonJS program is registered as `<entry>?main`.
pub const MAIN_SUFFIX: &str = "?main";
/// An import the bundler could not resolve becomes `jsw:missing/<specifier>`:
/// importing it throws Node's `ERR_MODULE_NOT_FOUND` at run time.
pub const MISSING_PREFIX: &str = "jsw:missing/";
