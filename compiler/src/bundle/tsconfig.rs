//! The parts of tsconfig.json that change how code is compiled or resolved:
//! `baseUrl`, `paths`, `jsx`, `jsxImportSource`, `jsxFactory`, `jsxFragmentFactory`,
//! `experimentalDecorators` and `useDefineForClassFields`, following `extends`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

#[derive(Debug, Clone, Default)]
pub struct TsConfig {
    pub path: PathBuf,
    pub base_url: Option<PathBuf>,
    /// Pattern → replacements, in file order; paths are relative to `paths_base`.
    pub paths: Vec<(String, Vec<String>)>,
    pub paths_base: PathBuf,
    pub jsx: Option<String>,
    pub jsx_import_source: Option<String>,
    pub jsx_factory: Option<String>,
    pub jsx_fragment_factory: Option<String>,
    pub experimental_decorators: bool,
    pub use_define_for_class_fields: Option<bool>,
}

impl TsConfig {
    /// The tsconfig.json nearest to `dir`, if any.
    pub fn find(dir: &Path) -> Result<Option<TsConfig>> {
        for d in dir.ancestors() {
            let candidate = d.join("tsconfig.json");
            if candidate.is_file() {
                return TsConfig::load(&candidate, 0).map(Some);
            }
        }
        Ok(None)
    }

    fn load(path: &Path, depth: usize) -> Result<TsConfig> {
        if depth > 16 {
            bail!(
                "{}: \"extends\" goes more than 16 levels deep (a cycle?)",
                path.display()
            );
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let json: Value = serde_json::from_str(&strip_jsonc(&text))
            .with_context(|| format!("{} is not valid JSON", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("/"));
        let mut config = match json.get("extends") {
            Some(Value::String(base)) => TsConfig::load(&extended(dir, base)?, depth + 1)?,
            Some(Value::Array(bases)) => {
                let mut merged = TsConfig::default();
                for base in bases.iter().filter_map(Value::as_str) {
                    merged.merge(TsConfig::load(&extended(dir, base)?, depth + 1)?);
                }
                merged
            }
            _ => TsConfig::default(),
        };
        config.path = path.to_path_buf();
        let Some(options) = json.get("compilerOptions") else {
            return Ok(config);
        };
        let string = |key: &str| options.get(key).and_then(Value::as_str).map(str::to_string);
        if let Some(base) = string("baseUrl") {
            config.base_url = Some(dir.join(base));
        }
        if let Some(Value::Object(paths)) = options.get("paths") {
            config.paths = paths
                .iter()
                .map(|(k, v)| {
                    let targets = v.as_array().map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    });
                    (k.clone(), targets.unwrap_or_default())
                })
                .collect();
            config.paths_base = config.base_url.clone().unwrap_or_else(|| dir.to_path_buf());
        }
        config.jsx = string("jsx").or(config.jsx);
        config.jsx_import_source = string("jsxImportSource").or(config.jsx_import_source);
        config.jsx_factory = string("jsxFactory").or(config.jsx_factory);
        config.jsx_fragment_factory = string("jsxFragmentFactory").or(config.jsx_fragment_factory);
        if let Some(b) = options
            .get("experimentalDecorators")
            .and_then(Value::as_bool)
        {
            config.experimental_decorators = b;
        }
        if let Some(b) = options
            .get("useDefineForClassFields")
            .and_then(Value::as_bool)
        {
            config.use_define_for_class_fields = Some(b);
        }
        Ok(config)
    }

    fn merge(&mut self, other: TsConfig) {
        if other.base_url.is_some() {
            self.base_url = other.base_url;
        }
        if !other.paths.is_empty() {
            self.paths = other.paths;
            self.paths_base = other.paths_base;
        }
        self.jsx = other.jsx.or(self.jsx.take());
        self.jsx_import_source = other.jsx_import_source.or(self.jsx_import_source.take());
        self.jsx_factory = other.jsx_factory.or(self.jsx_factory.take());
        self.jsx_fragment_factory = other
            .jsx_fragment_factory
            .or(self.jsx_fragment_factory.take());
        self.experimental_decorators |= other.experimental_decorators;
        self.use_define_for_class_fields = other
            .use_define_for_class_fields
            .or(self.use_define_for_class_fields);
    }

    /// Candidate paths for a bare specifier under `paths`, then `baseUrl`.
    pub fn map_path(&self, specifier: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut best: Option<(usize, &Vec<String>, String)> = None;
        for (pattern, targets) in &self.paths {
            match pattern.split_once('*') {
                None if pattern == specifier => {
                    best = Some((usize::MAX, targets, String::new()));
                }
                Some((prefix, suffix))
                    if specifier.starts_with(prefix)
                        && specifier.ends_with(suffix)
                        && specifier.len() >= prefix.len() + suffix.len()
                        && best.as_ref().is_none_or(|(len, _, _)| prefix.len() > *len) =>
                {
                    let matched =
                        specifier[prefix.len()..specifier.len() - suffix.len()].to_string();
                    best = Some((prefix.len(), targets, matched));
                }
                _ => {}
            }
        }
        if let Some((_, targets, matched)) = best {
            out.extend(
                targets
                    .iter()
                    .map(|t| self.paths_base.join(t.replace('*', &matched))),
            );
        }
        if let Some(base) = &self.base_url {
            out.push(base.join(specifier));
        }
        out
    }
}

fn extended(dir: &Path, base: &str) -> Result<PathBuf> {
    let candidate = if base.starts_with('.') || base.starts_with('/') {
        dir.join(base)
    } else {
        // A package: node_modules/<name>[/file], found up the tree.
        dir.ancestors()
            .map(|d| d.join("node_modules").join(base))
            .find(|p| p.exists() || p.with_extension("json").exists())
            .unwrap_or_else(|| dir.join("node_modules").join(base))
    };
    let candidate = if candidate.is_dir() {
        candidate.join("tsconfig.json")
    } else {
        candidate
    };
    if candidate.is_file() {
        return Ok(candidate);
    }
    let with_json = PathBuf::from(format!("{}.json", candidate.display()));
    if with_json.is_file() {
        return Ok(with_json);
    }
    bail!(
        "cannot find the tsconfig \"{base}\" extended from {}",
        dir.display()
    )
}

/// tsconfig.json may hold comments and trailing commas; JSON may not.
pub fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            out.push(c);
            i += 1;
            while i < chars.len() {
                out.push(chars[i]);
                if chars[i] == '\\' && i + 1 < chars.len() {
                    out.push(chars[i + 1]);
                    i += 2;
                    continue;
                }
                i += 1;
                if chars[i - 1] == '"' {
                    break;
                }
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if !matches!(next, Some('}') | Some(']')) {
                out.push(c);
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}
