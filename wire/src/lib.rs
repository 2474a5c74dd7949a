//! What jsw's compiler and its engine agree on, in one place.
//!
//! The compiler (`compiler/`, on the host) builds a payload, runs the engine
//! (`engine/`, wasm32-wasip1) with it inside the snapshot sandbox, and reads what
//! the engine reports back: exit statuses, stderr lines, exported functions. Each
//! of those is defined here once, as types and constants, so that a change on one
//! side that the other does not follow fails to compile or fails a round-trip
//! test here instead of producing a module that misbehaves.

pub mod builtins;
pub mod encodings;
pub mod exit;
pub mod locales;
pub mod names;
pub mod payload;
pub mod positions;
pub mod reader;
pub mod wit;

pub use exit::BuildExit;
pub use payload::{Mode, Module, ModuleKind, Payload};
