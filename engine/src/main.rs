//! The jsw engine: QuickJS for wasm32-wasip1, pre-initialized by `jsw compile`.
//!
//! Two entry points share one state that lives in linear memory, so the snapshot
//! taken after the first carries it into every run of the second:
//! - `wizer-initialize` (build time, inside the snapshot sandbox) reads the program
//!   from stdin, creates the runtime, installs the globals, compiles the modules and,
//!   when the program exports an entry function, evaluates its top level.
//! - `_start` (run time) calls the entry function, or runs the whole program when it
//!   has none, drives the job queue and exits with the program's status.
//!
//! Each kind of program (command, HTTP handler, plugin) has its module in mode/.

#[cfg(feature = "debugger")]
mod debugger;
mod event_loop;
mod globals;
mod heap;
mod host;
#[cfg(feature = "http")]
mod http;
mod io;
mod mode;
mod modules;
#[cfg(feature = "node")]
mod node;
mod payload;
mod phase;
mod profile;
mod stack;
mod text;
mod wasi;
#[cfg(feature = "wit")]
mod wit;

use jsw_wire::BuildExit;

#[unsafe(export_name = "wizer-initialize")]
pub extern "C" fn wizer_initialize() {
    mode::initialize();
    heap::zero_free_memory();
}

fn main() {
    host::mark(0);
    let engine = mode::take().unwrap_or_else(|| {
        fatal("this module holds no program: build it with `jsw compile app.ts -o app.wasm`")
    });
    let status = mode::command::run(engine);
    host::mark(1);
    profile::finish();
    if status == 0 {
        // Returning from `_start` is a success exit without `proc_exit`, which
        // hosts implement as an error unwinding out of the instance; returning is
        // the plain path every host handles the same way.
        io::flush();
        return;
    }
    exit(status);
}

/// An error of the engine itself, not of the program.
fn fatal(message: &str) -> ! {
    io::write(2, format!("jsw: {message}\n").as_bytes());
    exit(BuildExit::Software.status())
}

fn exit(status: i32) -> ! {
    profile::finish();
    io::flush();
    std::process::exit(host::exit_status(status))
}
