//! Module resolution as Node and TypeScript do it: relative paths with TypeScript's
//! extension rules, `node_modules` lookup up the directory tree, package.json
//! `exports` (conditions, subpaths, patterns) then `module` then `main`, tsconfig
//! `paths`/`baseUrl`, and Node's built-in modules.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::tsconfig::TsConfig;

/// Extensions tried, in order, for a path written without one.
pub const EXTENSIONS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "json"];

/// A program's source (TypeScript or JavaScript, by its extension), which
/// `jsw run` and `jsw replay` compile first, rather than a module.
pub fn is_program_source(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e != "json" && EXTENSIONS.contains(&e))
}

/// How the import is written: it decides the package.json conditions. Besides
/// `import`/`require`, jsw matches `browser` (before `default`; the package's
/// order of keys decides between conditions): where a package has separate
/// builds, the one for browsers needs the web APIs jsw has, while its Node build
/// may need what no sandbox gives (sockets, threads, WebAssembly). Measured on
/// the real-package test: no package got worse, cheerio only works this way.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Import,
    Require,
}

impl Kind {
    fn conditions(self) -> &'static [&'static str] {
        match self {
            Kind::Import => &["import", "module", "browser", "default"],
            Kind::Require => &["require", "browser", "default"],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// `node:path`, `jsw:io`, ...: canonical name.
    Builtin(String),
}

pub struct Resolver<'a> {
    pub tsconfig: Option<&'a TsConfig>,
    /// Plugins: the world's importable interfaces (see bundle::Options).
    pub wit: &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    /// A plugin is being built: `ns:pkg/name` specifiers are WIT, never packages.
    pub plugin: bool,
}

impl Resolver<'_> {
    pub fn resolve(
        &self,
        importer: &Path,
        specifier: &str,
        kind: Kind,
    ) -> Result<Resolved, String> {
        // The world's own names first: a function the world imports may be
        // called `assert` or `crypto`, and then it is the world's, not Node's.
        if self.wit.contains_key(specifier) {
            return Ok(Resolved::Builtin(specifier.to_string()));
        }
        if let Some(name) = builtin(specifier) {
            return Ok(Resolved::Builtin(name));
        }
        if self.plugin && is_wit_path(specifier) {
            let names = self.wit.keys().cloned().collect::<Vec<_>>();
            return Err(if names.is_empty() {
                format!("the world does not import \"{specifier}\" (it imports nothing)")
            } else {
                format!(
                    "the world does not import \"{specifier}\" (it imports: {})",
                    names.join(", ")
                )
            });
        }
        if specifier.starts_with("jsw:") {
            return Err(format!(
                "there is no built-in module \"{specifier}\" (jsw provides: {})",
                jsw_wire::builtins::BUILTINS
                    .iter()
                    .filter(|b| b.name.starts_with("jsw:") && b.is_module())
                    .map(|b| b.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let dir = importer.parent().unwrap_or(Path::new("/"));
        let mut tried = Vec::new();
        if is_relative(specifier) {
            let base = if specifier.starts_with('/') {
                PathBuf::from(specifier)
            } else {
                dir.join(specifier)
            };
            return load_file_or_dir(&base, &mut tried).ok_or_else(|| {
                format!(
                    "cannot resolve \"{specifier}\": no such file (tried {})",
                    tried.join(", ")
                )
            });
        }
        if let Some(ts) = self.tsconfig
            && !importer
                .components()
                .any(|c| c.as_os_str() == "node_modules")
        {
            for candidate in ts.map_path(specifier) {
                if let Some(found) = load_file_or_dir(&candidate, &mut tried) {
                    return Ok(found);
                }
            }
        }
        resolve_package(dir, specifier, kind, &mut tried)
    }
}

fn is_relative(s: &str) -> bool {
    s == "." || s == ".." || s.starts_with("./") || s.starts_with("../") || s.starts_with('/')
}

/// `namespace:package/interface`, as WIT names interfaces.
fn is_wit_path(specifier: &str) -> bool {
    match specifier.split_once(':') {
        Some((ns, rest)) => {
            !ns.is_empty()
                && ns
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && rest.contains('/')
        }
        None => false,
    }
}

/// The canonical `node:` name of a Node built-in (or the name of a jsw one),
/// if `specifier` names one (see jsw_wire::builtins).
pub fn builtin(specifier: &str) -> Option<String> {
    jsw_wire::builtins::canonical(specifier).map(str::to_string)
}

fn file(path: &Path) -> Option<Resolved> {
    path.is_file()
        .then(|| Resolved::File(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())))
}

fn with_ext(base: &Path, ext: &str) -> PathBuf {
    let mut s = base.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// LOAD_AS_FILE then LOAD_AS_DIRECTORY, with TypeScript's habits: `./x.js` may
/// name `./x.ts`, and extension-less paths try every source extension.
fn load_file_or_dir(base: &Path, tried: &mut Vec<String>) -> Option<Resolved> {
    let mut candidates = vec![base.to_path_buf()];
    for (js, ts) in [
        (".js", &["ts", "tsx"][..]),
        (".mjs", &["mts"][..]),
        (".cjs", &["cts"][..]),
        (".jsx", &["tsx"][..]),
    ] {
        if let Some(stem) = base.to_str().and_then(|b| b.strip_suffix(js)) {
            candidates.extend(ts.iter().map(|ext| with_ext(Path::new(stem), ext)));
        }
    }
    candidates.extend(EXTENSIONS.iter().map(|ext| with_ext(base, ext)));
    for c in &candidates {
        if let Some(found) = file(c) {
            return Some(found);
        }
        tried.push(shown(c));
    }
    if base.is_dir() {
        let pkg = base.join("package.json");
        if let Some(json) = read_json(&pkg)
            && let Some(main) = json.get("main").and_then(Value::as_str)
        {
            let target = base.join(main);
            if let Some(found) = file(&target).or_else(|| load_index_or_ext(&target, tried)) {
                return Some(found);
            }
        }
        if let Some(found) = load_index(base, tried) {
            return Some(found);
        }
    }
    None
}

fn load_index_or_ext(base: &Path, tried: &mut Vec<String>) -> Option<Resolved> {
    for ext in EXTENSIONS {
        let c = with_ext(base, ext);
        if let Some(found) = file(&c) {
            return Some(found);
        }
        tried.push(shown(&c));
    }
    load_index(base, tried)
}

fn load_index(dir: &Path, tried: &mut Vec<String>) -> Option<Resolved> {
    for ext in EXTENSIONS {
        let c = dir.join(format!("index.{ext}"));
        if let Some(found) = file(&c) {
            return Some(found);
        }
        tried.push(shown(&c));
    }
    None
}

fn shown(path: &Path) -> String {
    let s = crate::diagnostic::display_path(path);
    if s.is_empty() { ".".to_string() } else { s }
}

pub fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// `@scope/name/sub/path` → (`@scope/name`, `./sub/path`).
fn split_package(specifier: &str) -> Option<(&str, String)> {
    let mut parts = specifier.splitn(3, '/');
    let first = parts.next()?;
    let (name_len, rest) = if first.starts_with('@') {
        let second = parts.next()?;
        (first.len() + 1 + second.len(), parts.next())
    } else {
        let rest = specifier.split_once('/').map(|(_, r)| r);
        (first.len(), rest)
    };
    let name = &specifier[..name_len];
    let sub = match rest {
        Some(r) if !r.is_empty() => format!("./{r}"),
        _ => ".".to_string(),
    };
    Some((name, sub))
}

fn resolve_package(
    dir: &Path,
    specifier: &str,
    kind: Kind,
    tried: &mut Vec<String>,
) -> Result<Resolved, String> {
    let (name, subpath) = split_package(specifier)
        .ok_or_else(|| format!("\"{specifier}\" is not a valid package name"))?;
    for ancestor in dir.ancestors() {
        if ancestor.file_name().is_some_and(|n| n == "node_modules") {
            continue;
        }
        let pkg_dir = ancestor.join("node_modules").join(name);
        if !pkg_dir.is_dir() {
            continue;
        }
        let manifest = read_json(&pkg_dir.join("package.json"));
        if let Some(exports) = manifest.as_ref().and_then(|m| m.get("exports")) {
            return match resolve_exports(&pkg_dir, exports, &subpath, kind.conditions()) {
                Some(target) => file(&target).ok_or_else(|| {
                    format!("cannot resolve \"{specifier}\": {} (named by the \"exports\" of {}/package.json) does not exist", shown(&target), shown(&pkg_dir))
                }),
                None => Err(format!(
                    "cannot resolve \"{specifier}\": the package \"{name}\" does not export \"{subpath}\" for {} (see \"exports\" in {}/package.json)",
                    if kind == Kind::Import { "import" } else { "require" },
                    shown(&pkg_dir)
                )),
            };
        }
        if subpath == "." {
            let fields: &[&str] = if kind == Kind::Import {
                &["module", "main"]
            } else {
                &["main"]
            };
            for field in fields {
                if let Some(entry) = manifest
                    .as_ref()
                    .and_then(|m| m.get(*field))
                    .and_then(Value::as_str)
                {
                    let target = pkg_dir.join(entry);
                    if let Some(found) = file(&target).or_else(|| load_index_or_ext(&target, tried))
                    {
                        return Ok(found);
                    }
                }
            }
            if let Some(found) = load_index(&pkg_dir, tried) {
                return Ok(found);
            }
            return Err(format!(
                "cannot resolve \"{specifier}\": {} has no entry point (no \"exports\", \"module\", \"main\" or index file)",
                shown(&pkg_dir)
            ));
        }
        let target = pkg_dir.join(&subpath[2..]);
        return load_file_or_dir(&target, tried).ok_or_else(|| {
            format!(
                "cannot resolve \"{specifier}\": no such file in {} (tried {})",
                shown(&pkg_dir),
                tried.join(", ")
            )
        });
    }
    Err(format!(
        "cannot resolve \"{specifier}\": package \"{name}\" not found in any node_modules folder from {} up to /; is it installed? (npm install {name})",
        shown(dir)
    ))
}

/// PACKAGE_EXPORTS_RESOLVE: the file `subpath` maps to under `conditions`.
fn resolve_exports(
    pkg_dir: &Path,
    exports: &Value,
    subpath: &str,
    conditions: &[&str],
) -> Option<PathBuf> {
    let is_subpath_map =
        matches!(exports, Value::Object(m) if m.keys().any(|k| k.starts_with('.')));
    if !is_subpath_map {
        return if subpath == "." {
            resolve_target(pkg_dir, exports, None, conditions)
        } else {
            None
        };
    }
    let map = exports.as_object()?;
    if let Some(target) = map.get(subpath)
        && !subpath.contains('*')
    {
        return resolve_target(pkg_dir, target, None, conditions);
    }
    // The pattern with the longest prefix before its `*` wins.
    let mut best: Option<(&str, String)> = None;
    for key in map.keys() {
        if let Some((prefix, suffix)) = key.split_once('*') {
            if subpath.starts_with(prefix)
                && subpath.len() >= prefix.len() + suffix.len()
                && subpath.ends_with(suffix)
                && best.as_ref().is_none_or(|(b, _)| {
                    prefix.len() > b.split_once('*').map_or(0, |(p, _)| p.len())
                })
            {
                let matched = subpath[prefix.len()..subpath.len() - suffix.len()].to_string();
                best = Some((key, matched));
            }
        } else if key.ends_with('/') && subpath.starts_with(key.as_str()) && best.is_none() {
            // Legacy folder mapping: "./dir/": "./lib/dir/".
            let rest = &subpath[key.len()..];
            if let Some(Value::String(t)) = map.get(key.as_str()) {
                return Some(pkg_dir.join(t).join(rest));
            }
        }
    }
    let (key, matched) = best?;
    resolve_target(pkg_dir, &map[key], Some(&matched), conditions)
}

fn resolve_target(
    pkg_dir: &Path,
    target: &Value,
    pattern: Option<&str>,
    conditions: &[&str],
) -> Option<PathBuf> {
    match target {
        Value::String(t) => {
            if !t.starts_with("./") {
                return None;
            }
            let t = match pattern {
                Some(m) => t.replace('*', m),
                None => t.clone(),
            };
            Some(pkg_dir.join(&t[2..]))
        }
        Value::Array(items) => items
            .iter()
            .find_map(|i| resolve_target(pkg_dir, i, pattern, conditions)),
        Value::Object(map) => {
            for (key, value) in map {
                if (key == "default" || conditions.contains(&key.as_str()))
                    && let Some(found) = resolve_target(pkg_dir, value, pattern, conditions)
                {
                    return Some(found);
                }
            }
            None
        }
        _ => None,
    }
}

/// Is the `.js` file at `path` an ES module by its package's `"type"`?
pub fn package_type_is_module(path: &Path) -> bool {
    for dir in path.ancestors().skip(1) {
        if let Some(json) = read_json(&dir.join("package.json")) {
            return json.get("type").and_then(Value::as_str) == Some("module");
        }
        if dir.file_name().is_some_and(|n| n == "node_modules") {
            break;
        }
    }
    false
}

/// Does the package holding `path` declare it free of side effects
/// (`"sideEffects": false`, or a list of patterns that does not match it)?
pub fn side_effect_free(path: &Path) -> bool {
    for dir in path.ancestors().skip(1) {
        let Some(json) = read_json(&dir.join("package.json")) else {
            if dir.file_name().is_some_and(|n| n == "node_modules") {
                return false;
            }
            continue;
        };
        return match json.get("sideEffects") {
            Some(Value::Bool(b)) => !b,
            Some(Value::Array(patterns)) => {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .replace('\\', "/");
                !patterns
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|p| glob_match(p.trim_start_matches("./"), &rel))
            }
            _ => false,
        };
    }
    false
}

/// `*` matches within a path segment, `**` across segments; a pattern without a
/// slash matches the file name anywhere (as bundlers read `sideEffects`).
fn glob_match(pattern: &str, path: &str) -> bool {
    fn matches(p: &[u8], s: &[u8]) -> bool {
        match (p.first(), s.first()) {
            (None, None) => true,
            (Some(b'*'), _) if p.get(1) == Some(&b'*') => {
                let rest = &p[2..];
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                (0..=s.len()).any(|i| matches(rest, &s[i..]))
            }
            (Some(b'*'), _) => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != b'/')
                .any(|i| matches(&p[1..], &s[i..])),
            (Some(a), Some(b)) if a == b => matches(&p[1..], &s[1..]),
            _ => false,
        }
    }
    if pattern.contains('/') {
        matches(pattern.as_bytes(), path.as_bytes())
    } else {
        let name = path.rsplit('/').next().unwrap_or(path);
        matches(pattern.as_bytes(), name.as_bytes())
    }
}
