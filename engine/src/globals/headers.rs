//! `Headers` (WHATWG Fetch): the header list of requests and responses, and a
//! global of its own as in Node. The class is JS (headers.js); checking and
//! normalizing a name or a value is native, because it runs for every header a
//! handler sets and a character loop costs QuickJS far more than a call.

use rquickjs::{Ctx, Function, Object, Value};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set("headerName", Function::new(ctx.clone(), header_name)?)?;
    jsw.set("headerValue", Function::new(ctx.clone(), header_value)?)?;
    super::eval_part(ctx, jsw, "headers", include_str!("headers.js"))
}

/// RFC 9110 `token` characters.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A valid header name, lowercased (the same string when it already is); null
/// when it is not a valid name (the caller says why).
fn header_name<'js>(ctx: Ctx<'js>, name: rquickjs::String<'js>) -> rquickjs::Result<Value<'js>> {
    let s = name.to_string()?;
    if s.is_empty() || !s.bytes().all(is_token) {
        return Ok(Value::new_null(ctx));
    }
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        return Ok(rquickjs::String::from_str(ctx, &s.to_ascii_lowercase())?.into_value());
    }
    Ok(name.into_value())
}

/// A valid header value without surrounding HTTP whitespace (the same string
/// when there is none); null when it holds a character above U+00FF, NUL, CR or
/// LF (the caller says which).
fn header_value<'js>(ctx: Ctx<'js>, value: rquickjs::String<'js>) -> rquickjs::Result<Value<'js>> {
    let s = value.to_string()?;
    let trimmed = s.trim_matches([' ', '\t', '\n', '\r']);
    if trimmed
        .chars()
        .any(|c| c as u32 > 0xff || matches!(c, '\0' | '\n' | '\r'))
    {
        return Ok(Value::new_null(ctx));
    }
    if trimmed.len() == s.len() {
        return Ok(value.into_value());
    }
    Ok(rquickjs::String::from_str(ctx, trimmed)?.into_value())
}
