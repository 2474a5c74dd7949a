//! Runs WASI preview 1 command modules (jsw's or any other tool's) with wasmtime.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::WasmtimeResultExt;
use wasmtime::{Config, Engine, Linker, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, I32Exit, WasiCtxBuilder};

/// What the module is given. Nothing is granted unless asked for.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `argv[0]` as the program sees it.
    pub program_name: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Host directory and the path the module sees it at.
    pub dirs: Vec<(PathBuf, String)>,
}

/// Runs `wasm` with the process's stdin/stdout/stderr and returns its exit status.
pub fn run(wasm: &[u8], options: &RunOptions) -> Result<i32> {
    let engine = Engine::new(&Config::new())?;
    let module = Module::new(&engine, wasm).context_wt("compiling the module")?;
    if module.get_export("_start").is_none() {
        bail!(
            "the module has no `_start` export: it is not a WASI command (a reactor or library module cannot be run)"
        );
    }
    let mut builder = WasiCtxBuilder::new();
    builder.inherit_stdio();
    let mut argv = vec![options.program_name.clone()];
    argv.extend(options.args.iter().cloned());
    builder.args(&argv);
    builder.envs(&options.env);
    for (host, guest) in &options.dirs {
        builder
            .preopened_dir(host, guest, FsPerms::ReadWrite)
            .context_wt(format!(
                "cannot give the module access to {}",
                host.display()
            ))?;
    }
    let mut store = Store::new(&engine, builder.build_p1());
    let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |cx| cx)?;
    let instance = linker
        .instantiate(&mut store, &module)
        .context_wt("instantiating the module")?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    match start.call(&mut store, ()) {
        Ok(()) => Ok(0),
        Err(err) => match err.downcast_ref::<I32Exit>() {
            Some(&I32Exit(status)) => Ok(status),
            None => Err(anyhow::Error::from(err).context("the module trapped")),
        },
    }
}
