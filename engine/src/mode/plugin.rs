//! A plugin: at build time the world's table is read, the top level runs and
//! the functions the world exports are found (wit/); the host then calls them
//! on the snapshot's engine, which stays in place between calls.

use rquickjs::Ctx;

use super::{Start, import};
use crate::event_loop::settle;
use crate::payload::Payload;
use crate::wit;

/// Build time: the world's exports, found in the program.
pub fn start(ctx: &Ctx<'_>, payload: &Payload) -> Result<Start, i32> {
    wit::prepare(&payload.wit)?;
    let namespace = settle(ctx, import(ctx, &payload.entry))?;
    wit::resolve(ctx, &payload.entry, namespace).map(|()| Start::Plugin)
}
