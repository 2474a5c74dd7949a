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

/// Shadow-stack bytes JS may use: most of the 8 MiB stack (.cargo/config.toml),
/// with room left for the C code between two checks.
pub const LIMIT: usize = 6 * 1024 * 1024;
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
    unsafe { refresh(rt) };
}

/// Re-bases the limit on the current stack depth (call at the start of a run).
///
/// # Safety
/// `rt` must be a live QuickJS runtime.
pub unsafe fn refresh(rt: *mut qjs::JSRuntime) {
    let Some(i) = FIELD.get() else { return };
    unsafe {
        qjs::JS_UpdateStackTop(rt);
        let words = rt as *mut usize;
        let top = *words.add(i + 1);
        if top > LIMIT {
            *words.add(i) = LIMIT;
            *words.add(i + 2) = top - LIMIT;
        }
    }
}
