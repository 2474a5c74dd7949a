//! What the host running the module can give, which the module cannot find out by
//! itself: how deep its native wasm stack is and which exit statuses it carries.
//!
//! A module assumes the least that common hosts give (wasmtime's default 512 KiB
//! wasm stack; exit statuses 0–125, which wasmtime's `proc_exit` is limited to).
//! A host that gives more says so through the `jsw-configure` export before it
//! calls `_start`; jsw's own hosts (`jsw run`, `jsw bench`) do.

use std::cell::Cell;

/// The native wasm stack a host gives unless it says otherwise (wasmtime's default).
const DEFAULT_WASM_STACK: usize = 512 * 1024;

#[cfg(feature = "debugger")]
use jsw_wire::names::configure::{DEBUG, DEBUG_LIVE, DEBUG_WAIT};
use jsw_wire::names::configure::{FULL_EXIT_STATUS, PROFILE, RECORD_PHASES};

thread_local! {
    static WASM_STACK: Cell<usize> = const { Cell::new(DEFAULT_WASM_STACK) };
    static FULL_EXIT: Cell<bool> = const { Cell::new(false) };
    static RECORDING: Cell<bool> = const { Cell::new(false) };
}

/// When `main` started and when the program was done (WASI monotonic ns), if
/// the host asked for them; 0 otherwise.
static mut PHASES: [u64; 2] = [0; 2];

/// Where the phase times are, for the host to read after `_start` returns.
#[unsafe(export_name = "jsw-phases")]
pub extern "C" fn phases() -> u32 {
    core::ptr::addr_of!(PHASES) as u32
}

/// Notes phase `i` (0: main starts, 1: the program is done) when asked to.
pub fn mark(i: usize) {
    if RECORDING.get() {
        // SAFETY: one thread; the host reads the array only after `_start`.
        unsafe { (*core::ptr::addr_of_mut!(PHASES))[i] = crate::wasi::instrument_monotonic_ns() };
    }
}

/// Called by a host before `_start`: `wasm_stack` is the native stack (bytes) it
/// lets wasm use; `flags` bit 0 says that `proc_exit` takes any status 0–255.
#[unsafe(export_name = "jsw-configure")]
pub extern "C" fn configure(wasm_stack: u32, flags: u32) {
    WASM_STACK.set(wasm_stack as usize);
    FULL_EXIT.set(flags & FULL_EXIT_STATUS != 0);
    RECORDING.set(flags & RECORD_PHASES != 0);
    if flags & PROFILE != 0 {
        crate::profile::configure(flags >> 8);
    }
    #[cfg(feature = "debugger")]
    if flags & DEBUG != 0 {
        crate::debugger::configure(flags & DEBUG_WAIT != 0, flags & DEBUG_LIVE != 0);
    }
}

/// The native wasm stack the host gives, in bytes.
pub fn wasm_stack() -> usize {
    WASM_STACK.get()
}

/// The status to hand to `proc_exit` for a program's exit code: its low byte, as
/// on POSIX (-1 → 255, 300 → 44); a host that carries only 0–125 gets 125 for
/// 126–255 rather than refusing the exit with a trap.
pub fn exit_status(code: i32) -> i32 {
    let status = code & 0xff;
    if status > 125 && !FULL_EXIT.get() {
        125
    } else {
        status
    }
}
