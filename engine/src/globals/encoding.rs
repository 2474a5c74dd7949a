//! UTF-8 (and the bytes-as-code-points decoding under windows-1252) for
//! TextEncoder/TextDecoder, done in Rust: the JS side (encoding.js) adds
//! the WHATWG surface (labels, BOM, streaming, errors). Malformed input decodes with
//! U+FFFD for each maximal invalid subpart, which is what both Rust's lossy decoding
//! and the Encoding Standard specify.

use rquickjs::{Ctx, Exception, Function, Object, TypedArray};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set(
        "utf8Encode",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, s: rquickjs::Value<'js>| -> rquickjs::Result<TypedArray<'js, u8>> {
                let text = crate::text::to_utf8(&ctx, &s)?;
                TypedArray::<u8>::new(ctx, text.into_bytes())
            },
        )?,
    )?;
    jsw.set(
        "utf8Decode",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             bytes: TypedArray<'js, u8>,
             fatal: bool|
             -> rquickjs::Result<rquickjs::String<'js>> {
                // Decoded in place into the JS string, without a copy of the
                // bytes or a Rust String between: a 60 MB body must fit twice
                // (bytes and text) in the instance's memory, not four times,
                // and a string too big is QuickJS's catchable "out of memory",
                // not an abort of the instance.
                // SAFETY: nothing runs JS while `b` is borrowed (the string's
                // allocation may collect garbage, which never frees `bytes`,
                // held here, nor moves its buffer).
                let b = unsafe { bytes.as_bytes() }.unwrap_or_default();
                let text = if fatal {
                    std::borrow::Cow::Borrowed(std::str::from_utf8(b).map_err(|_| {
                        Exception::throw_type(
                            &ctx,
                            "The encoded data was not valid for encoding utf-8",
                        )
                    })?)
                } else {
                    String::from_utf8_lossy(b)
                };
                rquickjs::String::from_str(ctx, &text)
            },
        )?,
    )?;
    // Each byte as the code point of the same number (ISO-8859-1, the Encoding
    // Standard's "isomorphic decode"): windows-1252 starts from this, and byte
    // parsers (multipart bodies) search the text with offsets that are the bytes'.
    jsw.set(
        "latin1Decode",
        Function::new(ctx.clone(), |bytes: TypedArray<'js, u8>| -> String {
            // SAFETY: read before any JS runs (nothing can detach the buffer).
            let b = unsafe { bytes.as_bytes() }.unwrap_or_default();
            b.iter().map(|&c| char::from(c)).collect()
        })?,
    )?;
    // Where `needle` first occurs in `haystack` at or after `from`, or -1: byte
    // parsers (multipart bodies) find their delimiters without a copy.
    jsw.set(
        "bytesIndexOf",
        Function::new(
            ctx.clone(),
            |haystack: TypedArray<'js, u8>, needle: TypedArray<'js, u8>, from: usize| -> f64 {
                // SAFETY: read before any JS runs (nothing can detach the buffers).
                let (h, n) = unsafe { (haystack.as_bytes(), needle.as_bytes()) };
                let (Some(h), Some(n)) = (h, n) else {
                    return -1.0;
                };
                index_of(h, n, from).map_or(-1.0, |i| i as f64)
            },
        )?,
    )?;
    // The longest prefix of `s` whose UTF-8 fits in `room` bytes:
    // [UTF-16 units read, bytes].
    jsw.set(
        "utf8EncodePrefix",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, s: String, room: usize| -> rquickjs::Result<rquickjs::Array<'js>> {
                let mut end = 0;
                let mut units = 0;
                for c in s.chars() {
                    if end + c.len_utf8() > room {
                        break;
                    }
                    end += c.len_utf8();
                    units += c.len_utf16();
                }
                let out = rquickjs::Array::new(ctx.clone())?;
                out.set(0, units)?;
                out.set(1, TypedArray::<u8>::new(ctx, s.as_bytes()[..end].to_vec())?)?;
                Ok(out)
            },
        )?,
    )?;
    super::eval_part(ctx, jsw, "encoding", include_str!("encoding.js"))
}

/// The first `needle` in `haystack` at or after `from`: candidates are found by
/// their first byte (a delimiter's first byte is rare in the data between).
fn index_of(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let Some(&first) = needle.first() else {
        return (from <= haystack.len()).then_some(from);
    };
    let last_start = haystack.len().checked_sub(needle.len())?;
    let mut at = from;
    while at <= last_start {
        at += haystack[at..=last_start].iter().position(|&b| b == first)?;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        at += 1;
    }
    None
}
