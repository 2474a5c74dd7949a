//! A JS stack limit that works on WASI.
//!
//! QuickJS-ng turns its stack check off when built for WASI (`stack_limit = 0`), so
//! deep recursion runs until the host's native wasm stack is exhausted and the
//! whole instance traps. jsw wants a `RangeError` the program can catch instead.
//! The limit is one field of QuickJS's private `JSRuntime`; its place is found by
//! setting `stack_size` to a marker value and looking for the marker, which is
//! followed by `stack_top` and `stack_limit`. If the layout ever stops matching,
//! nothing is written and the engine keeps QuickJS's own behaviour.

use std::cell::Cell;

use rquickjs::qjs;

/// Shadow-stack bytes JS may use at most: most of the 8 MiB stack
/// (.cargo/config.toml), with room left for the C code between two checks.
const MAX_LIMIT: usize = 6 * 1024 * 1024;

/// Shadow-stack bytes QuickJS may use per byte of the host's native wasm stack,
/// as a fraction: every JS call takes both (its C locals in linear memory, its
/// wasm frames on the host's stack), in a proportion measured over the deepest
/// kinds of recursion (see the README's table); the limit keeps the shadow
/// stack's check first, with a margin, so deep recursion is a RangeError on
/// every host instead of a trap.
const SHADOW_PER_NATIVE: (usize, usize) = (1, 4);

/// The limit for a run: in proportion to the native stack the host gives (see
/// `host`).
fn run_limit() -> usize {
    let (num, den) = SHADOW_PER_NATIVE;
    (crate::host::wasm_stack() / den * num).min(MAX_LIMIT)
}
const MARKER: usize = 0x6a73_7721;

thread_local! {
    /// Word index of `stack_size` in `JSRuntime`, once found.
    static FIELD: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Finds the fields and applies the limit relative to the current stack depth.
///
/// # Safety
/// `rt` must be a live QuickJS runtime.
pub unsafe fn install(rt: *mut qjs::JSRuntime) {
    unsafe {
        qjs::JS_SetMaxStackSize(rt, MARKER as _);
        let words = rt as *mut usize;
        // JSRuntime's head (malloc state, atom and class tables, lists) is a few
        // hundred bytes; look no further than 1 KiB.
        let found = (0..256).find(|&i| *words.add(i) == MARKER && *words.add(i + 2) == 0);
        qjs::JS_SetMaxStackSize(rt, 0);
        FIELD.set(found);
    }
    // The build runs in jsw's own host, on its deep stack.
    unsafe { apply(rt, MAX_LIMIT) };
}

/// Sets the limit for the run, relative to the current stack depth (call at the
/// start of a run, after the host configured the module).
///
/// # Safety
/// `rt` must be a live QuickJS runtime.
pub unsafe fn refresh(rt: *mut qjs::JSRuntime) {
    unsafe { apply(rt, run_limit()) };
}

unsafe fn apply(rt: *mut qjs::JSRuntime, limit: usize) {
    let Some(i) = FIELD.get() else { return };
    unsafe {
        qjs::JS_UpdateStackTop(rt);
        let words = rt as *mut usize;
        let top = *words.add(i + 1);
        if top > limit {
            *words.add(i) = limit;
            *words.add(i + 2) = top - limit;
        }
    }
}

/// Native wasm stack one level of JSON nesting takes in QuickJS's recursive
/// `JSON.parse`/`JSON.stringify`, and the shadow stack it takes (measured under
/// the wasmtime CLI; see the README). These C functions keep almost everything in
/// wasm locals, so the shadow stack alone would let them run far past the host's
/// native stack.
const JSON_NATIVE_PER_LEVEL: usize = 320;
const JSON_SHADOW_PER_LEVEL: usize = 16;

/// Whether this run's host stack is too small for JSON nested as deep as the JS
/// limit allows (false on jsw's own hosts: their 256 MiB hold it).
pub fn json_needs_bound() -> bool {
    run_limit() / JSON_SHADOW_PER_LEVEL * JSON_NATIVE_PER_LEVEL > crate::host::wasm_stack() / 5 * 4
}

/// Runs `f` (a JSON call) with the JS stack limit raised so that its recursion
/// stops with a RangeError before it could exhaust the host's native stack: the
/// native stack still free is estimated from the shadow stack still free (the two
/// are in proportion, see `SHADOW_PER_NATIVE`), and allows so many levels.
///
/// # Safety
/// `rt` must be a live QuickJS runtime.
pub unsafe fn for_json<R>(rt: *mut qjs::JSRuntime, f: impl FnOnce() -> R) -> R {
    let Some(i) = FIELD.get() else { return f() };
    let here = 0u8;
    let sp = std::ptr::addr_of!(here) as usize;
    // SAFETY: `i` indexes the runtime's stack fields (see `install`).
    let words = rt as *mut usize;
    let limit = unsafe { *words.add(i + 2) };
    if limit == 0 || sp <= limit {
        return f();
    }
    let (num, den) = SHADOW_PER_NATIVE;
    let native_free = (sp - limit) / num * den;
    let levels = native_free / JSON_NATIVE_PER_LEVEL * 4 / 5;
    let budget = levels * JSON_SHADOW_PER_LEVEL;
    if budget >= sp - limit {
        return f();
    }
    unsafe { *words.add(i + 2) = sp - budget };
    let result = f();
    unsafe { *words.add(i + 2) = limit };
    result
}
