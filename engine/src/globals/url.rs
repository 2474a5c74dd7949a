//! `URL` and `URLSearchParams` (WHATWG). The standard's parser is in JS
//! (url.js): it is string work, and the parser then lives in the snapshot for
//! free. The URL every server request carries is the common case, though: an
//! absolute http(s)/ws(s) URL with a plain host and nothing to normalize. It is
//! recognised here, natively, in a few hundred wasm instructions where the JS
//! fast path (regular expressions, splits) took ~85,000 per `new URL()`.

use rquickjs::{Array, Ctx, Function, IntoJs, Object, Value};

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set("urlSimple", Function::new(ctx.clone(), url_simple)?)?;
    // Whether a URL is simple and already what it serializes to: fetch.js
    // then hands a request's URL out as it came, parsing nothing.
    jsw.set(
        "urlIsCanonical",
        Function::new(ctx.clone(), |input: String| {
            simple(&input).is_some_and(|url| url.canonical)
        })?,
    )?;
    super::eval_part(ctx, jsw, "url", include_str!("url.js"))
}

/// A URL the simple form covers, in parts.
#[derive(Debug, PartialEq)]
struct Simple<'a> {
    /// `http:`, `https:`, `ws:` or `wss:`.
    scheme: &'static str,
    host: &'a str,
    /// None when absent or the scheme's default.
    port: Option<u16>,
    /// The path's segments (the path without its first `/`, split at `/`).
    path: Vec<&'a str>,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
    /// The input is already what the URL serializes to (`href`).
    canonical: bool,
}

/// Characters a simple path, query or fragment may hold: the URL code points
/// that no percent-encode set touches, and `%` (escapes are kept as they are).
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%/".contains(&b)
}

/// Reads `input` when it is an absolute http(s)/ws(s) URL with a lowercase
/// ASCII domain or canonical IPv4 host, an optional port, and a path, query and
/// fragment that parse to themselves (no dot segments, nothing to
/// percent-encode). Anything else is None, and the standard's full parser in
/// url.js reads it: this is an accelerator, never a second opinion.
fn simple(input: &str) -> Option<Simple<'_>> {
    let (scheme, default_port, rest) = [
        ("http:", 80, "http://"),
        ("https:", 443, "https://"),
        ("ws:", 80, "ws://"),
        ("wss:", 443, "wss://"),
    ]
    .into_iter()
    .find_map(|(scheme, port, prefix)| {
        input.strip_prefix(prefix).map(|rest| (scheme, port, rest))
    })?;
    let bytes = rest.as_bytes();
    let host_end = bytes
        .iter()
        .position(|&b| !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'))
        .unwrap_or(bytes.len());
    let host = &rest[..host_end];
    if host.is_empty() || !host_is_plain(host) {
        return None;
    }
    let mut at = host_end;
    let mut port = None;
    let mut canonical = true;
    if bytes.get(at) == Some(&b':') {
        let digits = bytes[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 5 {
            return None;
        }
        let text = &rest[at + 1..at + 1 + digits];
        let n: u32 = text.parse().ok()?;
        if n > 65535 {
            return None;
        }
        if n == default_port {
            canonical = false;
        } else {
            port = Some(n as u16);
            canonical &= text.len() == 1 || !text.starts_with('0');
        }
        at += 1 + digits;
    }
    let path_end = at
        + bytes[at..]
            .iter()
            .position(|&b| b == b'?' || b == b'#')
            .unwrap_or(bytes.len() - at);
    let path_text = &rest[at..path_end];
    let path = if path_text.is_empty() {
        canonical = false;
        vec![""]
    } else {
        let p = path_text.strip_prefix('/')?;
        if !p.bytes().all(plain) {
            return None;
        }
        let segments: Vec<&str> = p.split('/').collect();
        // Dot segments (`.`, `..`, `%2e` in any case) are normalised away.
        if segments
            .iter()
            .any(|s| s.starts_with('.') || (s.len() >= 3 && s[..3].eq_ignore_ascii_case("%2e")))
        {
            return None;
        }
        segments
    };
    let mut query = None;
    let mut fragment = None;
    let mut at = path_end;
    if bytes.get(at) == Some(&b'?') {
        let end = at
            + 1
            + bytes[at + 1..]
                .iter()
                .position(|&b| b == b'#')
                .unwrap_or(bytes.len() - at - 1);
        let q = &rest[at + 1..end];
        // The special-query set encodes `'` too.
        if !q.bytes().all(|b| (plain(b) && b != b'\'') || b == b'?') {
            return None;
        }
        query = Some(q);
        at = end;
    }
    if bytes.get(at) == Some(&b'#') {
        let f = &rest[at + 1..];
        if !f.bytes().all(|b| plain(b) || b == b'?' || b == b'#') {
            return None;
        }
        fragment = Some(f);
        at = bytes.len();
    }
    if at != bytes.len() {
        return None;
    }
    Some(Simple {
        scheme,
        host,
        port,
        path,
        query,
        fragment,
        canonical,
    })
}

/// A host the standard's host parser leaves as it is: a domain whose last
/// label is not a number (the parser would read it as IPv4), or an IPv4
/// address already in its canonical dotted-decimal form.
fn host_is_plain(host: &str) -> bool {
    // Punycode labels are checked by the JS parser (they must decode).
    if host
        .split('.')
        .any(|label| label.len() >= 4 && label[..4].eq_ignore_ascii_case("xn--"))
    {
        return false;
    }
    let trimmed = host
        .strip_suffix('.')
        .filter(|h| !h.is_empty())
        .unwrap_or(host);
    let last = trimmed.rsplit('.').next().unwrap_or("");
    if !last.starts_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    // Starts with a digit: plain only as a canonical IPv4 address.
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// url.js's fast path: `[scheme, host, port, pathSegments, query, fragment]`,
/// or undefined when the full parser must read the input.
fn url_simple<'js>(ctx: Ctx<'js>, input: rquickjs::String<'js>) -> rquickjs::Result<Value<'js>> {
    let input = input.to_string()?;
    let Some(url) = simple(&input) else {
        return Ok(Value::new_undefined(ctx));
    };
    let path = Array::new(ctx.clone())?;
    for (i, segment) in url.path.iter().enumerate() {
        path.set(i, *segment)?;
    }
    let parts = Array::new(ctx.clone())?;
    // url.js's records hold null (not undefined) for what is absent.
    let null = || Value::new_null(ctx.clone());
    parts.set(0, url.scheme)?;
    parts.set(1, url.host)?;
    match url.port {
        Some(port) => parts.set(2, i32::from(port))?,
        None => parts.set(2, null())?,
    }
    parts.set(3, path)?;
    for (i, part) in [(4, url.query), (5, url.fragment)] {
        match part {
            Some(text) => parts.set(i, text)?,
            None => parts.set(i, null())?,
        }
    }
    parts.into_js(&ctx)
}
