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
/// The message never repeats what was given: it may be a secret.
pub fn parse_pair(flag: &str, spec: &str) -> Result<(String, String)> {
    match spec.split_once('=') {
        Some(("__proto__", _)) => bail!(
            "{flag}: `__proto__` cannot be a variable name: it is not an ordinary property of process.env"
        ),
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        Some(_) => {
            bail!("{flag} takes NAME=VALUE (e.g. {flag} GREETING=hello); the name is missing")
        }
        None => bail!("{flag} takes NAME=VALUE (e.g. {flag} GREETING=hello); this one has no `=`"),
    }
}

/// Reads a dotenv file as Node 20's `util.parseEnv` (and `node --env-file`)
/// reads one: `NAME=VALUE` lines, `export ` before the name, `#` comments,
/// values in single, double or back quotes that may span lines (double quotes
/// turn `\n` into a newline), and a `#` ending an unquoted value. Where Node
/// would silently drop the rest of the file (a line without `=`), this is an
/// error that names the line, never its value.
pub fn read_env_file(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the env file {}", path.display()))?;
    parse_env_file(&text).map_err(|(line, why)| anyhow::anyhow!("{}:{line}: {why}", path.display()))
}

fn parse_env_file(text: &str) -> std::result::Result<Vec<(String, String)>, (usize, String)> {
    let text = text.replace('\r', "");
    let trim = |s: &str| s.trim_matches(' ').to_string();
    let all = text.trim_matches(' ');
    let line_at = |rest: &str| all[..all.len() - rest.len()].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut rest = all;
    while !rest.is_empty() {
        if rest.starts_with('\n') || rest.starts_with('#') {
            match rest.find('\n') {
                Some(n) => {
                    rest = &rest[n + 1..];
                    continue;
                }
                None => break,
            }
        }
        let line = line_at(rest);
        let (Some(equal), newline) = (rest.find('='), rest.find('\n')) else {
            return Err((line, "expected NAME=VALUE".into()));
        };
        if newline.is_some_and(|n| n < equal) {
            return Err((line, "expected NAME=VALUE".into()));
        }
        let mut key = trim(&rest[..equal]);
        if let Some(stripped) = key.strip_prefix("export ") {
            key = stripped.to_string();
        }
        if key.is_empty() {
            return Err((line, "a line starts with `=`: expected NAME=VALUE".into()));
        }
        if key == "__proto__" {
            return Err((line, "`__proto__` cannot be a variable name".into()));
        }
        rest = rest[equal + 1..].trim_matches(' ');
        if rest.is_empty() {
            out.push((key, String::new()));
            break;
        }
        let first = rest.chars().next().unwrap_or(' ');
        if matches!(first, '"' | '\'' | '`') {
            match rest[1..].find(first) {
                Some(close) => {
                    let value = &rest[1..1 + close];
                    let value = if first == '"' {
                        value.replace("\\n", "\n")
                    } else {
                        value.to_string()
                    };
                    out.push((key, value));
                    rest = match rest[close + 2..].find('\n') {
                        Some(n) => &rest[close + 2 + n..],
                        None => "",
                    };
                }
                None => {
                    // No closing quote: the line as it is, quote included
                    // (on the last line, nothing), as Node does.
                    match rest.find('\n') {
                        Some(n) => {
                            out.push((key, rest[..n].to_string()));
                            rest = &rest[n..];
                        }
                        None => rest = "",
                    }
                }
            }
            continue;
        }
        let end = rest.find('\n').unwrap_or(rest.len());
        let value = &rest[..end];
        let value = value.split('#').next().unwrap_or_default();
        out.push((key, trim(value)));
        rest = &rest[end..];
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
    fn dotenv_as_node_reads_it() {
        // Each expectation is what Node 20's util.parseEnv gives.
        let text = "# comment\n\nA=1\nexport B = two words # note\nC=\"x\\ny\"\nD='$raw \\n'\nE=\nF=a=b\nG=x#y\nH=\"-----BEGIN\nline\n-----END\"\nI=`back`\nJ=\"open\nK=2\n";
        assert_eq!(
            parse_env_file(text).unwrap(),
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two words".into()),
                ("C".into(), "x\ny".into()),
                ("D".into(), "$raw \\n".into()),
                ("E".into(), "".into()),
                ("F".into(), "a=b".into()),
                ("G".into(), "x".into()),
                ("H".into(), "-----BEGIN\nline\n-----END".into()),
                ("I".into(), "back".into()),
                ("J".into(), "\"open".into()),
                ("K".into(), "2".into()),
            ]
        );
        assert_eq!(parse_env_file("A=1\nnope\n").unwrap_err().0, 2);
        assert_eq!(parse_env_file("A=1\n=2\n").unwrap_err().0, 2);
    }
}
