//! The engine's half of `--inspect`: a step debugger over the Chrome DevTools
//! protocol, compiled only into the debug engine (feature `debugger`), so
//! normal modules carry none of it.
//!
//! QuickJS (jsw's patch, `JSW_DEBUGGER` in quickjs.c) calls `jsw_debug_hook`
//! before each instruction while a breakpoint is set or a step is under way,
//! and where an exception is thrown while the debugger pauses on exceptions.
//! The hook decides in Rust whether to stop (a new line of the program's own
//! code that has a breakpoint, or ends a step); when it stops, the instance
//! stays inside the hook and hands each protocol message from the host to
//! the agent (agent.js) until the client resumes. While the program runs, the
//! interrupt handler QuickJS calls every few thousand operations picks up
//! messages (`Runtime.evaluate`, a pause request).
//!
//! The host (compiler/src/debugger/) owns the WebSocket and reaches the guest
//! through three imports of module `jsw_debug`. Positions cross in generated
//! coordinates and the agent maps them through the tables stack traces use
//! (globals/error.rs), so a client sees the program's TypeScript lines.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::ffi::{CStr, c_void};
use std::ptr::NonNull;

use rquickjs::convert::List;
use rquickjs::{Ctx, Function, Object, Value, qjs};

// A command's channel: core imports (jsw_wire::names::DEBUG_IMPORTS).
#[cfg(not(feature = "http"))]
#[link(wasm_import_module = "jsw_debug")]
unsafe extern "C" {
    /// Waits up to `timeout_ms` (-1: for ever) for the client's next message:
    /// its length, or -1 when none came.
    #[link_name = "receive"]
    fn host_receive(timeout_ms: i32) -> i32;
    /// Copies the message `receive` announced.
    #[link_name = "read"]
    fn host_read(ptr: *mut u8, len: i32);
    #[link_name = "send"]
    fn host_send(ptr: *const u8, len: i32);
}

// A component's: the same three functions as the WIT interface
// jsw:debug/channel (jsw_wire::names::DEBUG_INTERFACE), lowered by the
// canonical ABI: `read` returns a list the host allocates in the guest.
#[cfg(feature = "http")]
#[link(wasm_import_module = "jsw:debug/channel@0.1.0")]
unsafe extern "C" {
    #[link_name = "receive"]
    fn host_receive(timeout_ms: i32) -> i32;
    #[link_name = "read"]
    fn host_read_list(ret: *mut usize);
    #[link_name = "send"]
    fn host_send(ptr: *const u8, len: i32);
}

// The patch's side (vendor/rquickjs-sys/quickjs/quickjs.c).
unsafe extern "C" {
    static mut jsw_debug_on: i32;
    static mut jsw_debug_exceptions: i32;
    static mut jsw_debug_generation: u32;
    fn jsw_debug_mark(b: *mut c_void, breakpoints: i32);
    fn jsw_debug_frame(ctx: *mut qjs::JSContext) -> *mut c_void;
    fn jsw_debug_frame_prev(frame: *mut c_void) -> *mut c_void;
    fn jsw_debug_frame_bytecode(frame: *mut c_void) -> *mut c_void;
    fn jsw_debug_frame_pc(frame: *mut c_void, top: i32) -> u32;
    fn jsw_debug_frame_function(frame: *mut c_void) -> qjs::JSValue;
    fn jsw_debug_function_name(b: *mut c_void) -> qjs::JSAtom;
    fn jsw_debug_is_return(b: *mut c_void, pc: u32) -> i32;
    fn jsw_debug_function_file(b: *mut c_void) -> qjs::JSAtom;
    fn jsw_debug_positions(b: *mut c_void, out: *mut u32, cap: i32) -> i32;
    fn jsw_debug_frame_catches(frame: *mut c_void) -> i32;
    fn jsw_debug_frame_is_coroutine(frame: *mut c_void) -> i32;
    fn jsw_debug_frame_scope(
        ctx: *mut qjs::JSContext,
        frame: *mut c_void,
        kind: i32,
    ) -> qjs::JSValue;
    fn jsw_debug_frame_set(
        ctx: *mut qjs::JSContext,
        frame: *mut c_void,
        name: qjs::JSAtom,
        value: qjs::JSValue,
    ) -> i32;
}

/// What a step waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum StepKind {
    /// The next new line anywhere.
    Into,
    /// The next new line in this frame or one it returns to.
    Over,
    /// The next new line in a frame it returns to.
    Out,
}

/// A step under way: its kind, the depth and frame it started in; a step
/// that started in an async function's (or generator's) frame waits for
/// that frame (the same across its awaits), until the frame returns.
#[derive(Clone, Copy)]
struct Step {
    kind: StepKind,
    depth: usize,
    frame: usize,
    coroutine: bool,
    returned: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OnException {
    None,
    Uncaught,
    All,
}

/// A function's positions, decoded once: (pc, generated line, column) where
/// each position starts, by pc.
struct FunctionInfo {
    /// The function's file and name atoms: a function freed and another
    /// allocated at its address has other ones (or, the same file and name
    /// again, the same code as far as positions go, in all but rare cases).
    atoms: (qjs::JSAtom, qjs::JSAtom),
    file: String,
    name: String,
    positions: Vec<(u32, u32, u32)>,
    /// Each position's line in the source as written: a statement the
    /// compiler spread over several generated lines is still one line.
    source_lines: Vec<u32>,
    /// The program's own code (not the engine's `jsw:` parts).
    user: bool,
}

#[derive(Default)]
struct State {
    /// Generated lines with a breakpoint, by module.
    breakpoints: HashMap<String, BTreeSet<u32>>,
    step: Option<Step>,
    /// Stop at the next line of the program (a pause request, `--inspect-brk`).
    pause_next: Option<&'static str>,
    on_exception: Option<OnException>,
    /// Where the last position seen was: frame, line, pc.
    last: (usize, u32, u32),
    /// The exception last paused on (its value's bits): unwinding reports it
    /// again in each frame.
    last_exception: u64,
    /// The frames of the pause under way, innermost first (program frames only).
    frames: Vec<usize>,
    functions: HashMap<usize, FunctionInfo>,
    /// The program's modules and how many generated lines each has.
    modules: Vec<(String, u32)>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
    /// Set while the agent runs: its own code never stops.
    static IN_AGENT: Cell<bool> = const { Cell::new(false) };
    /// The context and the agent's `dispatch`, `paused` and `exception` functions.
    static AGENT: Cell<Option<(NonNull<qjs::JSContext>, qjs::JSValue)>> = const { Cell::new(None) };
    /// Debugging is on for this run (the host asked, through `jsw-configure`).
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    static WAIT: Cell<bool> = const { Cell::new(false) };
    /// A live run (see `configure`).
    static LIVE: Cell<bool> = const { Cell::new(false) };
    /// A program waiting for a client (`--inspect-brk`) may start: the
    /// client said so, or left.
    static GO: Cell<bool> = const { Cell::new(false) };
}

/// At build time: the module's names, for the scripts the client is told of.
/// The compiler's own modules (a facade `x.js?esm`, an entry's `x.ts?main`,
/// a stand-in `jsw:missing/…`) are no file of the program's: not shown, and
/// never stopped in.
pub fn register(name: &str, source: &str) {
    if name.contains('?') || name.starts_with("jsw:") {
        return;
    }
    let lines = source.lines().count() as u32;
    STATE.with_borrow_mut(|s| s.modules.push((name.to_string(), lines)));
}

/// From `jsw-configure`: debug this run; `wait`: stop before the program's
/// first line until a client says to run (`--inspect-brk`).
/// `live`: not a replay, so the program's stdout is shown at each pause
/// and its timers wait on the debugger's channel (see `sleep`).
pub fn configure(wait: bool, live: bool) {
    ENABLED.set(true);
    WAIT.set(wait);
    LIVE.set(live);
}

/// A live run's wait for its next timer: on the debugger's channel, so that
/// the client is answered meanwhile (`Debugger.pause`, `Runtime.evaluate`).
/// False when it did not wait (no debugger, or a replay, whose waits are
/// the record's).
pub fn sleep(delay_ms: f64) -> bool {
    if !LIVE.get() || AGENT.get().is_none() {
        return false;
    }
    let end = crate::wasi::instrument_monotonic_ns() + (delay_ms * 1e6) as u64;
    loop {
        let now = crate::wasi::instrument_monotonic_ns();
        if now >= end {
            return true;
        }
        let left_ms = (end - now).div_ceil(1_000_000).min(i32::MAX as u64) as i32;
        if let Some(message) = receive(left_ms) {
            call_agent("message", &message);
        }
    }
}

/// At init (into the snapshot): the agent's JS and its natives.
pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    natives(ctx, jsw)?;
    crate::globals::eval_part(ctx, jsw, "debugger", include_str!("agent.js"))
}

/// At the start of a run (outside the context's lock): the agent takes
/// messages while the program runs.
pub fn start(rt: &rquickjs::Runtime, context: &rquickjs::Context) {
    if !ENABLED.get() {
        return;
    }
    let dispatch = context.with(|ctx| -> rquickjs::Result<qjs::JSValue> {
        let jsw = crate::globals::internals(&ctx).ok_or(rquickjs::Error::Unknown)?;
        let agent: Function = jsw.get("debugAgent")?;
        // SAFETY: duplicated, so it lives for the rest of the run.
        Ok(unsafe { qjs::JS_DupValue(ctx.as_raw().as_ptr(), agent.as_raw()) })
    });
    let Ok(dispatch) = dispatch else {
        crate::io::write(2, b"jsw: the debugger could not start\n");
        return;
    };
    AGENT.set(Some((context.as_raw(), dispatch)));
    rt.set_interrupt_handler(Some(Box::new(|| {
        poll();
        false
    })));
}

/// Just before the program's first line: messages that came meanwhile, and
/// for `--inspect-brk`, the wait for a client.
pub fn before_first_line() {
    if AGENT.get().is_none() {
        return;
    }
    poll();
    if WAIT.get() {
        // Messages until the client says `Runtime.runIfWaitingForDebugger`
        // (or goes away; either may have come already); then the program
        // stops at its first line.
        while !GO.get() {
            let Some(message) = receive(-1) else { break };
            call_agent("message", &message);
        }
        STATE.with_borrow_mut(|s| s.pause_next = Some("Break on start"));
        update();
    }
}

/// Messages that came while the program runs.
pub fn poll() {
    if IN_AGENT.get() {
        return;
    }
    while let Some(message) = receive(0) {
        call_agent("message", &message);
    }
}

/// The next message from the client, waiting up to `timeout_ms`.
fn receive(timeout_ms: i32) -> Option<String> {
    // SAFETY: the host's imports; `read` fills exactly the announced length
    // (a component's: a list allocated through cabi_realloc, so the global
    // allocator's, with its length as capacity).
    unsafe {
        let len = host_receive(timeout_ms);
        if len < 0 {
            return None;
        }
        #[cfg(not(feature = "http"))]
        let buf = {
            let mut buf = vec![0u8; len as usize];
            host_read(buf.as_mut_ptr(), len);
            buf
        };
        #[cfg(feature = "http")]
        let buf = {
            let mut ret = [0usize; 2];
            host_read_list(ret.as_mut_ptr());
            if ret[1] == 0 {
                Vec::new()
            } else {
                Vec::from_raw_parts(ret[0] as *mut u8, ret[1], ret[1])
            }
        };
        Some(String::from_utf8_lossy(&buf).into_owned())
    }
}

fn send(message: &str) {
    // SAFETY: the host copies the bytes before returning.
    unsafe { host_send(message.as_ptr(), message.len() as i32) };
}

/// Calls the agent: `what` and a string argument; returns what it answered
/// (a number; None when it failed).
fn call_agent(what: &str, arg: &str) -> Option<i32> {
    let (ctx, agent) = AGENT.get()?;
    let was = IN_AGENT.replace(true);
    // SAFETY: the agent's function was duplicated at start; the strings are
    // owned values freed after the call; a failure's exception is taken and
    // dropped, leaving the program's state alone.
    let result = unsafe {
        let ctx = ctx.as_ptr();
        let mut args = [
            qjs::JS_NewStringLen(ctx, what.as_ptr().cast(), what.len() as _),
            qjs::JS_NewStringLen(ctx, arg.as_ptr().cast(), arg.len() as _),
        ];
        let value = qjs::JS_Call(ctx, agent, qjs::JS_UNDEFINED, 2, args.as_mut_ptr());
        for a in args {
            qjs::JS_FreeValue(ctx, a);
        }
        let mut out = 0i32;
        let ok = !qjs::JS_IsException(value) && qjs::JS_ToInt32(ctx, &mut out, value) == 0;
        if ok && out == 2 {
            GO.set(true);
        }
        if qjs::JS_IsException(value) {
            let error = qjs::JS_GetException(ctx);
            report_agent_failure(ctx, error);
            qjs::JS_FreeValue(ctx, error);
        } else {
            qjs::JS_FreeValue(ctx, value);
        }
        ok.then_some(out)
    };
    IN_AGENT.set(was);
    result
}

/// A bug of the agent's goes to stderr (the client would only see silence).
unsafe fn report_agent_failure(ctx: *mut qjs::JSContext, error: qjs::JSValue) {
    // SAFETY: plain QuickJS calls on a live context.
    unsafe {
        let text = qjs::JS_ToCString(ctx, error);
        if !text.is_null() {
            let message = CStr::from_ptr(text).to_string_lossy().into_owned();
            qjs::JS_FreeCString(ctx, text);
            crate::io::write(2, format!("jsw: debugger: {message}\n").as_bytes());
        }
    }
}

/// Turns the interpreter's hooks on while there is anything to stop for:
/// every instruction while a step or a pause waits for the next line, only
/// the functions with a breakpoint otherwise.
fn update() {
    STATE.with_borrow(|s| {
        let every = s.step.is_some() || s.pause_next.is_some();
        let breakpoints = !s.breakpoints.values().all(|l| l.is_empty());
        let on = if every { 2 } else { breakpoints as i32 };
        let exceptions = matches!(
            s.on_exception,
            Some(OnException::Uncaught | OnException::All)
        );
        // SAFETY: plain flags the interpreter reads; one thread.
        unsafe {
            jsw_debug_on = on;
            jsw_debug_exceptions = exceptions as i32;
        }
    });
}

fn atom_string(ctx: *mut qjs::JSContext, atom: qjs::JSAtom) -> String {
    // SAFETY: the atom belongs to a live function; the C string is freed.
    unsafe {
        let s = qjs::JS_AtomToCStringLen(ctx, std::ptr::null_mut(), atom);
        if s.is_null() {
            return String::new();
        }
        let out = CStr::from_ptr(s).to_string_lossy().into_owned();
        qjs::JS_FreeCString(ctx, s);
        out
    }
}

/// The function's info, decoded on first sight.
fn with_function<R>(
    ctx: *mut qjs::JSContext,
    b: *mut c_void,
    f: impl FnOnce(&FunctionInfo) -> R,
) -> R {
    ensure_function(ctx, b);
    STATE.with_borrow(|s| f(&s.functions[&(b as usize)]))
}

fn ensure_function(ctx: *mut qjs::JSContext, b: *mut c_void) {
    // SAFETY: `b` is the bytecode of a live frame's function.
    let atoms = unsafe { (jsw_debug_function_file(b), jsw_debug_function_name(b)) };
    let fresh = STATE.with_borrow(|s| {
        s.functions
            .get(&(b as usize))
            .is_some_and(|info| info.atoms == atoms)
    });
    if !fresh {
        // SAFETY: as above; a first call counts, the second fills.
        let count = unsafe { jsw_debug_positions(b, std::ptr::null_mut(), 0) }.max(0) as usize;
        let mut raw = vec![0u32; count * 3];
        // SAFETY: room for `count` triples.
        unsafe { jsw_debug_positions(b, raw.as_mut_ptr(), count as i32) };
        let positions: Vec<(u32, u32, u32)> =
            raw.chunks_exact(3).map(|t| (t[0], t[1], t[2])).collect();
        // SAFETY: as above.
        let (file, name) = unsafe {
            (
                atom_string(ctx, jsw_debug_function_file(b)),
                atom_string(ctx, jsw_debug_function_name(b)),
            )
        };
        // The program's modules only: not the engine's `jsw:` parts, nor
        // code `eval` made (the agent's own among it).
        let user = STATE.with_borrow(|s| s.modules.iter().any(|(n, _)| *n == file));
        let source_lines = positions
            .iter()
            .map(|&(_, line, col)| match user {
                true => crate::globals::error::map(&file, line, col).map_or(line, |p| p.0),
                false => line,
            })
            .collect();
        let info = FunctionInfo {
            atoms,
            file,
            name,
            positions,
            source_lines,
            user,
        };
        STATE.with_borrow_mut(|s| s.functions.insert(b as usize, info));
    }
}

/// The index of the position starting at or before `pc`.
fn position_before(info: &FunctionInfo, pc: u32) -> Option<usize> {
    info.positions.partition_point(|p| p.0 <= pc).checked_sub(1)
}

/// The generated line and column a pc is at: the position starting at or
/// before it.
fn position_at(info: &FunctionInfo, pc: u32) -> (u32, u32) {
    match position_before(info, pc).or((!info.positions.is_empty()).then_some(0)) {
        Some(i) => (info.positions[i].1, info.positions[i].2),
        None => (0, 0),
    }
}

/// The `name` of the frame's function object, when it is a string.
fn function_name(ctx: *mut qjs::JSContext, frame: *mut c_void) -> Option<String> {
    // SAFETY: a live frame's function; the property value is freed.
    unsafe {
        let function = jsw_debug_frame_function(frame);
        let name = qjs::JS_GetPropertyStr(ctx, function, c"name".as_ptr());
        let out = if qjs::JS_IsString(name) {
            let s = qjs::JS_ToCStringLen2(ctx, std::ptr::null_mut(), name, false);
            let text = (!s.is_null()).then(|| CStr::from_ptr(s).to_string_lossy().into_owned());
            if !s.is_null() {
                qjs::JS_FreeCString(ctx, s);
            }
            text
        } else {
            if qjs::JS_IsException(name) {
                qjs::JS_FreeValue(ctx, qjs::JS_GetException(ctx));
            }
            None
        };
        qjs::JS_FreeValue(ctx, name);
        out
    }
}

fn depth(mut frame: *mut c_void) -> usize {
    let mut n = 0;
    while !frame.is_null() {
        n += 1;
        // SAFETY: a live frame list, ending in NULL.
        frame = unsafe { jsw_debug_frame_prev(frame) };
    }
    n
}

/// QuickJS's hook (see the module's comment).
///
/// # Safety
/// Called by the interpreter with its context, the running function's
/// bytecode and the pc of the instruction about to run (or, with an
/// exception, just after the one that threw).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jsw_debug_hook(
    ctx: *mut qjs::JSContext,
    b: *mut c_void,
    pc: u32,
    exception: qjs::JSValue,
) -> i32 {
    if IN_AGENT.get() {
        return 0;
    }
    // SAFETY: the hook's caller holds a live frame.
    let frame = unsafe { jsw_debug_frame(ctx) };
    let thrown = !unsafe { qjs::JS_IsUninitialized(exception) };
    ensure_function(ctx, b);
    let reason = STATE.with_borrow_mut(|s| {
        let info = &s.functions[&(b as usize)];
        // First sight of the function since the breakpoints changed: does it
        // have one? (Without, the interpreter skips it from now on, unless
        // a step asks for every instruction.)
        let has = info.user
            && s.breakpoints
                .get(&info.file)
                .is_some_and(|lines| info.positions.iter().any(|p| lines.contains(&p.1)));
        // SAFETY: `b` is the running function's bytecode.
        unsafe { jsw_debug_mark(b, has as i32) };
        if !info.user {
            return None;
        }
        if thrown {
            return Some("exception");
        }
        // A coroutine's step ends with its frame: from its return on, the
        // step stops where the code that goes on stops.
        if let Some(step) = &mut s.step
            && step.coroutine
            && step.frame == frame as usize
            && unsafe { jsw_debug_is_return(b, pc) } != 0
        {
            step.returned = true;
        }
        // Where a position starts (a statement's first instruction, or an
        // expression's); and anywhere once a step returned to a caller.
        let (line, source_line) = match info.positions.binary_search_by_key(&pc, |p| p.0) {
            Ok(at) => (info.positions[at].1, info.source_lines[at]),
            Err(_) => {
                let step = s.step?;
                if step.coroutine && !step.returned || depth(frame) >= step.depth {
                    return None;
                }
                let source_line = position_before(info, pc).map_or(0, |i| info.source_lines[i]);
                s.last = (frame as usize, source_line, pc);
                return Some("step");
            }
        };
        let breakpoint = s
            .breakpoints
            .get(&info.file)
            .is_some_and(|lines| lines.contains(&line));
        let was = s.last;
        s.last = (frame as usize, source_line, pc);
        let new_line = was.0 != frame as usize || was.1 != source_line || pc <= was.2;
        if !new_line {
            return None;
        }
        if let Some(reason) = s.pause_next {
            return Some(reason);
        }
        // A breakpoint stops a step too, as in V8.
        if breakpoint {
            return Some("breakpoint");
        }
        let step = s.step?;
        let stop = if step.coroutine && !step.returned {
            match step.kind {
                StepKind::Into => true,
                StepKind::Over => frame as usize == step.frame,
                StepKind::Out => false,
            }
        } else {
            let d = depth(frame);
            match step.kind {
                StepKind::Into => true,
                StepKind::Over => d <= step.depth,
                StepKind::Out => d < step.depth,
            }
        };
        stop.then_some("step")
    });
    match reason {
        Some("exception") => unsafe { on_exception(ctx, frame, exception) },
        Some(reason) => {
            pause(ctx, frame, reason, None, true);
            0
        }
        None => 0,
    }
}

/// An exception thrown in the program's code: pause if the client asked to
/// for this kind (caught, or not caught by any frame up to the first async
/// function's, whose callers see a rejection instead).
unsafe fn on_exception(
    ctx: *mut qjs::JSContext,
    frame: *mut c_void,
    exception: qjs::JSValue,
) -> i32 {
    // SAFETY: JSValue's bits identify the thrown value while it unwinds.
    let bits: u64 = unsafe { std::mem::transmute_copy(&exception) };
    let mode = STATE.with_borrow_mut(|s| {
        if s.last_exception == bits {
            return None;
        }
        s.last_exception = bits;
        s.on_exception
    });
    // Caught: a `try` of the program's own is open in a frame on the stack
    // (the engine's frames catch what they report as failures, such as a
    // handler's, so theirs do not count). An exception an async function
    // throws after an `await` has no caller on the stack: uncaught.
    let caught = || {
        let mut f = frame;
        while !f.is_null() {
            // SAFETY: live frames.
            unsafe {
                let b = jsw_debug_frame_bytecode(f);
                if !b.is_null()
                    && jsw_debug_frame_catches(f) != 0
                    && with_function(ctx, b, |info| info.user)
                {
                    return true;
                }
                f = jsw_debug_frame_prev(f);
            }
        }
        false
    };
    let stop = match mode {
        Some(OnException::All) | Some(OnException::Uncaught) => {
            let uncaught = !caught();
            UNCAUGHT.set(uncaught);
            mode == Some(OnException::All) || uncaught
        }
        _ => false,
    };
    if stop {
        pause(ctx, frame, "exception", Some(exception), false);
    }
    0
}

/// Stops the program here until the client resumes or steps. `at_pc`: the
/// innermost frame is about to run its pc (not waiting in a call, nor past
/// an instruction that threw).
fn pause(
    ctx: *mut qjs::JSContext,
    frame: *mut c_void,
    reason: &str,
    exception: Option<qjs::JSValue>,
    at_pc: bool,
) {
    let mut frames = Vec::new();
    let mut f = frame;
    while !f.is_null() {
        // SAFETY: live frames.
        let b = unsafe { jsw_debug_frame_bytecode(f) };
        if !b.is_null() && with_function(ctx, b, |info| info.user) {
            frames.push(f as usize);
        }
        f = unsafe { jsw_debug_frame_prev(f) };
    }
    let innermost = frames.first().copied().unwrap_or(0);
    STATE.with_borrow_mut(|s| {
        s.frames = frames;
        s.step = None;
        s.pause_next = None;
    });
    // An exception's pc is past the instruction that threw, a `debugger`
    // statement's past its call: every frame's position is then read as a
    // caller's is.
    TOP.set(if at_pc { frame as usize } else { 0 });
    PAUSED.set(innermost);
    update();
    if LIVE.get() {
        crate::io::flush();
    }
    if let Some(exception) = exception {
        EXCEPTION.set(Some(exception));
    }
    // 1: the client resumed (or stepped); 0: the pause's condition was false.
    let paused = call_agent("paused", reason);
    EXCEPTION.set(None);
    if paused == Some(1) {
        loop {
            let Some(message) = receive(-1) else {
                // The host is gone: the program goes on without a client.
                call_agent("message", r#"{"method":"jsw.detached"}"#);
                break;
            };
            if call_agent("message", &message) == Some(1) {
                break;
            }
        }
    }
    STATE.with_borrow_mut(|s| s.frames.clear());
    TOP.set(0);
    PAUSED.set(0);
    update();
}

thread_local! {
    /// The paused frame whose pc is the instruction about to run.
    static TOP: Cell<usize> = const { Cell::new(0) };
    /// The innermost of the program's frames in the pause: where a step
    /// starts from.
    static PAUSED: Cell<usize> = const { Cell::new(0) };
    /// The exception being paused on, and whether nothing will catch it.
    static EXCEPTION: Cell<Option<qjs::JSValue>> = const { Cell::new(None) };
    static UNCAUGHT: Cell<bool> = const { Cell::new(false) };
}

fn paused_frame(index: usize) -> rquickjs::Result<*mut c_void> {
    STATE
        .with_borrow(|s| s.frames.get(index).copied())
        .map(|f| f as *mut c_void)
        .ok_or_else(|| {
            rquickjs::Error::new_from_js_message("number", "frame", "no such call frame")
        })
}

/// The natives agent.js calls, on `jsw`.
fn natives<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    // What a `debugger` statement calls (the patch compiles it to a call of
    // `__jswDebugger`, which agent.js defines as this).
    jsw.set(
        "debugStatement",
        Function::new(ctx.clone(), |ctx: Ctx<'js>| {
            if IN_AGENT.get() || AGENT.get().is_none() {
                return;
            }
            let raw = ctx.as_raw().as_ptr();
            // SAFETY: called from the program's code: the frames are live.
            let frame = unsafe { jsw_debug_frame(raw) };
            pause(raw, frame, "debugger", None, false);
        })?,
    )?;
    jsw.set(
        "debugSend",
        Function::new(ctx.clone(), |message: String| send(&message))?,
    )?;
    jsw.set(
        "debugModules",
        Function::new(ctx.clone(), || {
            STATE.with_borrow(|s| {
                s.modules
                    .iter()
                    .map(|(n, l)| List((n.clone(), *l)))
                    .collect::<Vec<_>>()
            })
        })?,
    )?;
    // [file, function name, generated line, column] of each paused frame.
    jsw.set(
        "debugFrames",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>| -> Vec<List<(String, String, u32, u32)>> {
                let raw = ctx.as_raw().as_ptr();
                let frames = STATE.with_borrow(|s| s.frames.clone());
                frames
                    .into_iter()
                    .map(|f| {
                        let f = f as *mut c_void;
                        // SAFETY: the paused frames are live while the pause lasts.
                        let (b, pc) = unsafe {
                            (
                                jsw_debug_frame_bytecode(f),
                                jsw_debug_frame_pc(f, (f as usize == TOP.get()) as i32),
                            )
                        };
                        let (file, name, line, col) = with_function(raw, b, |info| {
                            let (line, col) = position_at(info, pc);
                            (info.file.clone(), info.name.clone(), line, col)
                        });
                        // A method's name is given at run time (its `name`),
                        // not in its bytecode.
                        let plain = !name.is_empty()
                            && name
                                .chars()
                                .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
                        let name = if plain {
                            name
                        } else {
                            function_name(raw, f).unwrap_or_default()
                        };
                        List((file, name, line, col))
                    })
                    .collect()
            },
        )?,
    )?;
    jsw.set(
        "debugScope",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, index: usize, kind: i32| -> rquickjs::Result<Value<'js>> {
                let frame = paused_frame(index)?;
                // SAFETY: a live paused frame; the result is an owned value.
                unsafe {
                    let raw = jsw_debug_frame_scope(ctx.as_raw().as_ptr(), frame, kind);
                    Ok(Value::from_raw(ctx.clone(), raw))
                }
            },
        )?,
    )?;
    jsw.set(
        "debugSetVariable",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             index: usize,
             name: String,
             value: Value<'js>|
             -> rquickjs::Result<bool> {
                let frame = paused_frame(index)?;
                let raw = ctx.as_raw().as_ptr();
                // SAFETY: a live paused frame; the value is duplicated by C;
                // the atom is freed after.
                Ok(unsafe {
                    let atom = qjs::JS_NewAtomLen(raw, name.as_ptr().cast(), name.len() as _);
                    let set = jsw_debug_frame_set(raw, frame, atom, value.as_raw()) == 0;
                    qjs::JS_FreeAtom(raw, atom);
                    set
                })
            },
        )?,
    )?;
    jsw.set(
        "debugUncaught",
        Function::new(ctx.clone(), || UNCAUGHT.get())?,
    )?;
    jsw.set(
        "debugException",
        Function::new(ctx.clone(), |ctx: Ctx<'js>| -> Value<'js> {
            match EXCEPTION.get() {
                // SAFETY: the value lives while the pause lasts; duplicated.
                Some(v) => unsafe {
                    Value::from_raw(ctx.clone(), qjs::JS_DupValue(ctx.as_raw().as_ptr(), v))
                },
                None => Value::new_undefined(ctx),
            }
        })?,
    )?;
    jsw.set(
        "debugStep",
        Function::new(ctx.clone(), |kind: String| {
            let kind = match kind.as_str() {
                "into" => StepKind::Into,
                "over" => StepKind::Over,
                _ => StepKind::Out,
            };
            let frame = PAUSED.get() as *mut c_void;
            let step = Step {
                kind,
                depth: depth(frame),
                frame: frame as usize,
                // SAFETY: the paused frame is live.
                coroutine: !frame.is_null() && unsafe { jsw_debug_frame_is_coroutine(frame) } != 0,
                returned: false,
            };
            STATE.with_borrow_mut(|s| s.step = Some(step));
            update();
        })?,
    )?;
    jsw.set(
        "debugPauseNext",
        Function::new(ctx.clone(), || {
            STATE.with_borrow_mut(|s| s.pause_next = Some("other"));
            update();
        })?,
    )?;
    jsw.set(
        "debugOnException",
        Function::new(ctx.clone(), |mode: String| {
            let mode = match mode.as_str() {
                "all" | "caught" => OnException::All,
                "uncaught" => OnException::Uncaught,
                _ => OnException::None,
            };
            STATE.with_borrow_mut(|s| s.on_exception = Some(mode));
            update();
        })?,
    )?;
    // Where a 1-based source line of a module went: [[line, column], ...].
    jsw.set(
        "debugGenerated",
        Function::new(ctx.clone(), |module: String, line: u32| {
            crate::globals::error::generated(&module, line)
                .into_iter()
                .map(List)
                .collect::<Vec<_>>()
        })?,
    )?;
    // The generated lines of a module that have breakpoints (replaces them).
    jsw.set(
        "debugLines",
        Function::new(ctx.clone(), |module: String, lines: Vec<u32>| {
            STATE.with_borrow_mut(|s| {
                s.breakpoints.insert(module, lines.into_iter().collect());
            });
            // Every function is asked again whether it has one.
            // SAFETY: a counter the interpreter reads; one thread.
            unsafe { jsw_debug_generation = jsw_debug_generation.wrapping_add(1).max(1) };
            update();
        })?,
    )?;
    Ok(())
}
