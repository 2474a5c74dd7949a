//! Bindings: what an HTTP handler reaches beside wasi:http, through the
//! standard WASI interfaces, so that the same component runs on `jsw serve`,
//! `wasmtime serve`, Spin and wasmCloud.
//!
//! - Environment and configuration: `process.env` and the handler's `env`
//!   hold the host's `wasi:cli/environment` variables and its
//!   `wasi:config/store` values, read once per request.
//! - Key-value: `env.NAME` is a Workers-style namespace (`get`, `put`,
//!   `delete`, `list`, `increment`, batches) over a `wasi:keyvalue` bucket;
//!   `jsw:kv` opens one by its identifier.
//!
//! The guest side (guest.rs) decides at compile time which of these a program
//! uses and imports only those: a handler that uses none is a plain
//! `wasi:http/proxy` component. The host side (`jsw serve`) provides them:
//! config.rs the environment and configuration, kv/ the buckets.

pub mod config;
pub mod guest;
pub mod host;
pub mod kv;

use std::collections::BTreeMap;

use anyhow::{Result, bail};

/// The key-value bindings a program is compiled with: binding name (what the
/// handler reads as `env.NAME`) → the bucket identifier it opens through
/// `wasi:keyvalue/store.open`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    pub kv: BTreeMap<String, String>,
    /// Give the handler its environment even when nothing in the program
    /// asks for it by name (`jsw serve` with `--env`/`--config`).
    pub env: bool,
}

/// Parses `--kv NAME` or `--kv NAME=BUCKET` of `jsw compile`: the binding and
/// the identifier it opens (NAME by default).
pub fn parse_kv_binding(spec: &str) -> Result<(String, String)> {
    let (name, bucket) = match spec.split_once('=') {
        Some((name, bucket)) => (name, bucket),
        None => (spec, spec),
    };
    check_binding_name(name)?;
    Ok((name.to_string(), bucket.to_string()))
}

/// A binding is a property of the handler's `env`: a JS identifier.
pub fn check_binding_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if name == "__proto__" {
        bail!("`__proto__` cannot be a binding name: it is not an ordinary property of `env`");
    }
    if !ok {
        bail!(
            "`{name}` is not a binding name: a binding is read as `env.NAME`, so it must be an \
             identifier (letters, digits, `_`, `$`; not starting with a digit), e.g. --kv CACHE"
        );
    }
    Ok(())
}

/// The custom section in which a component says which bindings it was
/// compiled with (`NAME=BUCKET` lines), so that `jsw serve app.wasm --kv
/// NAME=…` knows which identifier NAME opens.
pub const SECTION: &str = "jsw-kv-bindings";

/// The bindings a compiled component declares (from its [`SECTION`]).
pub fn declared_in(wasm: &[u8]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut depth = 0;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(wasmparser::Payload::Version { .. }) => depth += 1,
            Ok(wasmparser::Payload::End(_)) => depth -= 1,
            Ok(wasmparser::Payload::CustomSection(s)) if depth == 1 && s.name() == SECTION => {
                for line in String::from_utf8_lossy(s.data()).lines() {
                    if let Some((name, bucket)) = line.split_once('=') {
                        out.insert(name.to_string(), bucket.to_string());
                    }
                }
            }
            Err(_) => break,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_parse() {
        assert_eq!(
            parse_kv_binding("CACHE").unwrap(),
            ("CACHE".into(), "CACHE".into())
        );
        assert_eq!(
            parse_kv_binding("CACHE=").unwrap(),
            ("CACHE".into(), "".into())
        );
        assert_eq!(
            parse_kv_binding("CACHE=default").unwrap(),
            ("CACHE".into(), "default".into())
        );
        assert!(parse_kv_binding("1X").is_err());
        assert!(parse_kv_binding("a-b=c").is_err());
    }
}
