//! The host side of a handler's environment in `jsw serve`: `--env K=V`,
//! `--env-file FILE` (its wasi:cli/environment, given by wasmtime-wasi) and
//! `--config K=V` (its wasi:config/store, served here).
//!
//! Values are the server's, never printed: errors about them name the
//! variable and the file line, not the value.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use super::host::BindingsView;
use super::host::generated::wasi::config::store;

/// Parses `--env K=V` / `--config K=V`.
pub fn parse_pair(flag: &str, spec: &str) -> Result<(String, String)> {
    match spec.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => bail!(
            "{flag} takes NAME=VALUE (e.g. {flag} GREETING=hello); got a value without a name"
        ),
    }
}

/// Reads a dotenv file: `KEY=VALUE` lines, `#` comments and blank lines,
/// an optional `export ` before the key, values in single quotes (taken as
/// they are) or double quotes (with `\n`, `\t`, `\"` and `\\`), and a ` #`
/// comment after an unquoted value.
pub fn read_env_file(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the env file {}", path.display()))?;
    parse_env_file(&text).map_err(|(line, why)| anyhow::anyhow!("{}:{line}: {why}", path.display()))
}

fn parse_env_file(text: &str) -> std::result::Result<Vec<(String, String)>, (usize, String)> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((key, value)) = line.split_once('=') else {
            return Err((n + 1, "expected NAME=VALUE".into()));
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-')
        {
            return Err((n + 1, format!("`{key}` is not a variable name")));
        }
        let value = value.trim();
        let value = if let Some(rest) = value.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = rest.chars();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some('r') => out.push('\r'),
                        Some(c) => out.push(c),
                        None => {}
                    },
                    c => out.push(c),
                }
            }
            if !closed {
                return Err((n + 1, format!("the value of {key} has no closing \"")));
            }
            out
        } else if let Some(rest) = value.strip_prefix('\'') {
            match rest.find('\'') {
                Some(end) => rest[..end].to_string(),
                None => return Err((n + 1, format!("the value of {key} has no closing '"))),
            }
        } else {
            match value.find(" #") {
                Some(at) => value[..at].trim_end().to_string(),
                None => value.to_string(),
            }
        };
        out.push((key.to_string(), value));
    }
    Ok(out)
}

impl store::Host for BindingsView<'_> {
    async fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<String>, store::Error>> {
        Ok(Ok(self
            .host
            .config
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())))
    }

    async fn get_all(&mut self) -> wasmtime::Result<Result<Vec<(String, String)>, store::Error>> {
        // The last --config of a name wins, as with --env.
        let mut seen = std::collections::BTreeMap::new();
        for (k, v) in &self.host.config {
            seen.insert(k.clone(), v.clone());
        }
        Ok(Ok(seen.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv() {
        let text =
            "# comment\n\nA=1\nexport B = two words # note\nC=\"x\\ny\"\nD='$raw \\n'\nE=\nF=a=b\n";
        assert_eq!(
            parse_env_file(text).unwrap(),
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two words".into()),
                ("C".into(), "x\ny".into()),
                ("D".into(), "$raw \\n".into()),
                ("E".into(), "".into()),
                ("F".into(), "a=b".into()),
            ]
        );
        assert_eq!(parse_env_file("A=1\nnope\n").unwrap_err().0, 2);
        assert_eq!(parse_env_file("A=\"open\n").unwrap_err().0, 1);
    }
}
