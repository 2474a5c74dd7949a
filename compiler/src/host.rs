//! What jsw's own hosts (`jsw run`, `jsw bench`) tell a jsw module before `_start`,
//! through the module's `jsw-configure` export: the deep native stack they give
//! wasm (so the JS recursion limit can be deep too) and that their `proc_exit`
//! carries every status 0–255. Modules of other tools have no such export and are
//! run as any WASI host would.

use anyhow::Result;
use wasmtime::{AsContextMut, Instance, Linker};
use wasmtime_wasi::I32Exit;

use crate::WasmtimeResultExt;

// `jsw-configure`'s flags: `proc_exit` takes 0–255; note when `main` starts
// and when the program is done (read back through `jsw-phases`; `jsw bench`
// asks for it).
use jsw_wire::names::configure::FULL_EXIT_STATUS;
pub use jsw_wire::names::configure::RECORD_PHASES;

/// Replaces WASI's `proc_exit` (which wasmtime limits to 0–125, trapping on the
/// rest) with one that carries 0–255, as a process exit status does.
pub fn full_exit_status<T: 'static>(linker: &mut Linker<T>) -> Result<()> {
    linker.allow_shadowing(true);
    linker
        .func_wrap(
            "wasi_snapshot_preview1",
            "proc_exit",
            |status: i32| -> wasmtime::Result<()> { Err(I32Exit(status & 0xff).into()) },
        )
        .context_wt("defining proc_exit")?;
    linker.allow_shadowing(false);
    Ok(())
}

/// Calls the module's `jsw-configure`, when it has one.
pub fn configure(store: impl AsContextMut, instance: &Instance) -> Result<()> {
    configure_with(store, instance, 0)
}

/// `configure` with more of its flags set (RECORD_PHASES).
pub fn configure_with(mut store: impl AsContextMut, instance: &Instance, flags: u32) -> Result<()> {
    let Ok(configure) =
        instance.get_typed_func::<(u32, u32), ()>(&mut store, jsw_wire::names::CONFIGURE_EXPORT)
    else {
        return Ok(());
    };
    let stack = u32::try_from(crate::WASM_STACK).unwrap_or(u32::MAX);
    configure
        .call(&mut store, (stack, FULL_EXIT_STATUS | flags))
        .context_wt("configuring the module")
}
