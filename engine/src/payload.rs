//! The program handed to the engine by `jsw compile`, read from stdin inside the
//! init sandbox. Its format is the `jsw-wire` crate's, which the compiler
//! writes with.

use std::io::Read;

pub use jsw_wire::payload::{Mode, ModuleKind, Payload};

pub fn read_stdin() -> Result<Payload, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the program: {e}"))?;
    Payload::decode(&bytes)
}
