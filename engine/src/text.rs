//! JS strings to bytes the way Node writes them.
//!
//! A JS string is UTF-16 and may hold lone surrogates (`'😀'.slice(0, 1)`), which
//! have no UTF-8 form. QuickJS hands them out as WTF-8 (each lone surrogate as a
//! 3-byte `ED A0..BF xx` sequence), which Rust's `String` refuses. Node writes
//! U+FFFD for each one; so does every path here that turns JS text into output.

use rquickjs::{Ctx, Value, qjs};

/// `value` converted to a string (as `String(value)` would) and encoded as UTF-8,
/// with U+FFFD for each lone surrogate. Throws what the conversion throws.
pub fn to_utf8(ctx: &Ctx<'_>, value: &Value<'_>) -> rquickjs::Result<String> {
    if let Some(s) = value.as_string() {
        // The common case: no surrogates, rquickjs's own conversion succeeds.
        if let Ok(s) = s.to_string() {
            return Ok(s);
        }
    }
    let raw = ctx.as_raw().as_ptr();
    let mut len = 0usize;
    // SAFETY: `raw` is the live context of `value`; the returned buffer stays
    // valid until JS_FreeCString, and is copied before that.
    unsafe {
        let ptr = qjs::JS_ToCStringLen2(raw, &mut len as *mut usize as _, value.as_raw(), false);
        if ptr.is_null() {
            return Err(rquickjs::Error::Exception);
        }
        let text = wtf8_to_utf8(std::slice::from_raw_parts(ptr.cast::<u8>(), len));
        qjs::JS_FreeCString(raw, ptr);
        Ok(text)
    }
}

/// Replaces each encoded surrogate (`ED A0..BF 80..BF`, never valid UTF-8) with
/// U+FFFD; anything else invalid is replaced as `from_utf8_lossy` does.
pub fn wtf8_to_utf8(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0xED
            && i + 2 < bytes.len()
            && (0xA0..=0xBF).contains(&bytes[i + 1])
            && (0x80..=0xBF).contains(&bytes[i + 2])
        {
            out.extend_from_slice("\u{FFFD}".as_bytes());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}
