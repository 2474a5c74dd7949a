//! UTF-8 for TextEncoder/TextDecoder, done in Rust: the JS side (encoding.js) adds
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
            |ctx: Ctx<'js>, bytes: TypedArray<'js, u8>, fatal: bool| -> rquickjs::Result<String> {
                let b = super::bytes_of(&bytes);
                if fatal {
                    std::str::from_utf8(&b).map(str::to_string).map_err(|_| {
                        Exception::throw_type(
                            &ctx,
                            "The encoded data was not valid for encoding utf-8",
                        )
                    })
                } else {
                    Ok(String::from_utf8_lossy(&b).into_owned())
                }
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
