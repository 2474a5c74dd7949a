//! The native halves of Node's built-in modules: what needs the host (fs over
//! WASI preopens) or speed (hashes, deflate). Their JS halves are the
//! `node/<module>.js` parts next to this file; the compiler puts a part into a
//! program only when the program imports its module (compiler/src/bundle/
//! builtins.rs), so a program that does not use a module carries none of its JS.
//! The natives are small and always present, under `jsw.<module>`.

mod crypto;
mod fs;
mod zlib;

use rquickjs::{Ctx, Object};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set("crypto", crypto::natives(ctx)?)?;
    jsw.set("zlib", zlib::natives(ctx)?)?;
    jsw.set("fs", fs::natives(ctx)?)?;
    Ok(())
}

/// `new Error(message)`, as JS makes it (Exception::from_message makes
/// `message` enumerable, which Node's errors never show).
fn new_error<'js>(ctx: &Ctx<'js>, message: &str) -> rquickjs::Result<Object<'js>> {
    let constructor: rquickjs::Constructor = ctx.globals().get("Error")?;
    constructor.construct((message,))
}

/// The bytes of a Uint8Array, borrowed for the length of one native call.
fn bytes<'a>(array: &'a rquickjs::TypedArray<'_, u8>) -> &'a [u8] {
    // SAFETY: natives that borrow bytes run no JS while they hold them, so
    // nothing can detach or resize the buffer underneath.
    unsafe { array.as_bytes() }.unwrap_or_default()
}

/// The bytes of every chunk in `chunks` (an array of Uint8Arrays), in order.
fn each_chunk<'js>(
    chunks: &rquickjs::Array<'js>,
    mut f: impl FnMut(&[u8]),
) -> rquickjs::Result<()> {
    for chunk in chunks.iter::<rquickjs::TypedArray<'js, u8>>() {
        let chunk = chunk?;
        f(bytes(&chunk));
    }
    Ok(())
}
