//! Record and replay. Every instance of a jsw module starts from the same
//! snapshot, so a run is fully determined by the module and by what the host
//! hands it. A record is one JSON file holding the module's digest and every
//! such value, in order; `jsw replay` runs the module again, answers each
//! host call from the record, and checks that the run asks for the same
//! things in the same order: where it does not, it stops and says where.
//!
//! - p1.rs: commands (`jsw run --record FILE`): every WASI preview 1 call,
//!   with its arguments, its result and what it wrote into the module's memory.
//! - request.rs: requests (`jsw serve --record DIR`): the request, the clock
//!   readings, random bytes, outbound responses, configuration and key-value
//!   reads, and the response and console output to compare the replay with.
//!
//! A record holds configuration values (environment variables, wasi:config)
//! only when asked (`--record-secrets`); otherwise they are masked, and the
//! replay says so.

pub mod http;
pub mod kv;
pub mod p1;
pub mod request;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

/// The record format this jsw writes and reads.
pub const FORMAT: u32 = 1;

/// One recorded run.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Record {
    /// The record format's version ([`FORMAT`]).
    pub jsw_record: u32,
    /// The jsw that made it.
    pub jsw: String,
    /// When the run started (seconds since the Unix epoch).
    pub made_at: u64,
    pub module: ModuleRef,
    /// Configuration values are the real ones (`--record-secrets`).
    pub secrets: bool,
    /// The names whose values were masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<String>,
    #[serde(flatten)]
    pub run: Run,
}

/// The module a record was made with.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct ModuleRef {
    /// The module, or the program source it was compiled from, as given.
    pub path: String,
    /// SHA-256 of the module's bytes (hex).
    pub sha256: String,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Run {
    Command(Box<p1::CommandRecord>),
    Request(Box<request::RequestRecord>),
}

/// Bytes in a record: a JSON string when they are UTF-8 text, else
/// `{"base64": "…"}`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} bytes", self.0.len())
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum BytesRepr {
    Text(String),
    Binary { base64: String },
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        match std::str::from_utf8(&self.0) {
            Ok(text) => BytesRepr::Text(text.to_string()),
            Err(_) => BytesRepr::Binary {
                base64: base64::engine::general_purpose::STANDARD.encode(&self.0),
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        Ok(Bytes(match BytesRepr::deserialize(d)? {
            BytesRepr::Text(text) => text.into_bytes(),
            BytesRepr::Binary { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(serde::de::Error::custom)?,
        }))
    }
}

/// SHA-256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    crate::cache::hex(&sha2::Sha256::digest(bytes))
}

/// Now, in seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A Unix time as `2026-12-07 12:00:01 UTC`.
pub fn human_time(unix_seconds: u64) -> String {
    let [y, mo, d, h, mi, s] = crate::profile::utc(unix_seconds as i64);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

impl Record {
    pub fn new(module: ModuleRef, secrets: bool, made_at: u64, run: Run) -> Record {
        Record {
            jsw_record: FORMAT,
            jsw: env!("CARGO_PKG_VERSION").to_string(),
            made_at,
            module,
            secrets,
            masked: Vec::new(),
            run,
        }
    }

    /// Reads a record; errors name the file (and the line and column of bad JSON).
    pub fn load(path: &Path) -> Result<Record> {
        let text = std::fs::read(path)
            .with_context(|| format!("cannot read the record {}", path.display()))?;
        let value: serde_json::Value = serde_json::from_slice(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not a jsw record: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        match value.get("jsw_record").and_then(|v| v.as_u64()) {
            Some(n) if n == u64::from(FORMAT) => {}
            Some(n) => bail!(
                "{} is a record of format {n}, made by another jsw; this jsw ({}) reads format {FORMAT}",
                path.display(),
                env!("CARGO_PKG_VERSION")
            ),
            None => bail!(
                "{} is not a jsw record (made by `jsw run --record` or `jsw serve --record`)",
                path.display()
            ),
        }
        serde_json::from_value(value)
            .map_err(|e| anyhow::anyhow!("{}: a damaged jsw record: {e}", path.display()))
    }

    /// Writes the record whole or not at all: to a temporary file beside
    /// `path`, then renamed over it.
    pub fn save(&self, path: &Path) -> Result<()> {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot make the directory {}", dir.display()))?;
        let json = serde_json::to_vec(self).context("encoding the record")?;
        crate::output::write_private(path, &json)
    }

    /// The note a replay prints when configuration values were masked.
    pub fn masked_note(&self) -> Option<String> {
        (!self.secrets && !self.masked.is_empty()).then(|| {
            const LISTED: usize = 8;
            let mut names = self.masked[..self.masked.len().min(LISTED)].join(", ");
            if self.masked.len() > LISTED {
                names += &format!(" and {} more", self.masked.len() - LISTED);
            }
            format!(
                "note: the record was made without --record-secrets: the values of {names} were \
                 masked (each character replaced by `*`), and the replay sees the masked values"
            )
        })
    }
}

/// `--record FILE` must not overwrite what is not a record (the program's
/// own source, say): refused before anything runs.
pub fn check_record_path(file: &Path, module: &Path) -> Result<()> {
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(file, module) {
        bail!(
            "--record {}: that is the program itself; give the record another file name (e.g. run.json)",
            file.display()
        );
    }
    if file.is_dir() {
        bail!(
            "--record {}: that is a directory; give a file name (e.g. {}/run.json)",
            file.display(),
            file.display()
        );
    }
    if let Ok(text) = std::fs::read(file)
        && !text.is_empty()
        && !text.starts_with(b"{\"jsw_record\"")
    {
        bail!(
            "--record {}: the file exists and is not a jsw record; jsw overwrites only records (remove it, or \
             give another file name)",
            file.display()
        );
    }
    Ok(())
}

/// Where modules of records are kept beside them: `modules/<sha256>.wasm`
/// in the record's directory. `jsw serve --record DIR` keeps every version
/// it served there, and `jsw run --record` a program it compiled from source,
/// so a record directory replays on another machine.
pub fn kept_module(record_dir: &Path, sha256: &str) -> PathBuf {
    record_dir.join("modules").join(format!("{sha256}.wasm"))
}

/// Keeps `wasm`, whose SHA-256 is `digest`, beside the records of
/// `record_dir` (once per digest).
pub fn keep_module(record_dir: &Path, wasm: &[u8], digest: &str) -> Result<()> {
    let path = kept_module(record_dir, digest);
    if !path.exists() {
        let dir = path.parent().expect("modules/ has a parent");
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot make the directory {}", dir.display()))?;
        crate::output::write_private(&path, wasm)?;
    }
    Ok(())
}

/// The bytes of the module a record was made with: `module` when given,
/// else the copy kept beside the record, else the recorded path (a source is
/// compiled again). A module whose digest differs is an error that says so.
pub fn find_module(record: &Record, record_path: &Path, module: Option<&Path>) -> Result<Vec<u8>> {
    let kept = kept_module(
        record_path.parent().unwrap_or(Path::new(".")),
        &record.module.sha256,
    );
    let (path, given) = match module {
        Some(p) => (p.to_path_buf(), true),
        None if kept.exists() => (kept.clone(), false),
        None => (PathBuf::from(&record.module.path), false),
    };
    let is_source = crate::bundle::is_program_source(&path);
    let wasm = if is_source {
        crate::compile(&path, &build_options(record))
            .with_context(|| format!("compiling {} to replay the record", path.display()))?
            .wasm
    } else {
        std::fs::read(&path).with_context(|| {
            if given {
                format!("cannot read {} (--module)", path.display())
            } else {
                format!(
                    "cannot find the module the record {} was made with: it is neither at {} nor \
                     kept beside the record as {}; give it with --module PATH",
                    record_path.display(),
                    path.display(),
                    kept.display()
                )
            }
        })?
    };
    let digest = sha256(&wasm);
    if digest != record.module.sha256 {
        let theirs = &record.module.sha256[..16.min(record.module.sha256.len())];
        let why = if is_source {
            format!(
                "compiling {} gives another module (sha256 {}…) than the one the record {} was made \
                 with ({theirs}…): the source changed, or it was compiled with other options (as `jsw \
                 serve` compiles it with its bindings). The module that ran was kept as {} when the \
                 record was made: keep that file with the record, or give it with --module",
                path.display(),
                &digest[..16],
                record_path.display(),
                kept.display()
            )
        } else if given {
            format!(
                "{} (--module) is not the module the record {} was made with (its sha256 is {}…, the \
                 record's {theirs}…)",
                path.display(),
                record_path.display(),
                &digest[..16]
            )
        } else {
            format!(
                "{} is not the module the record {} was made with: it changed since (its sha256 is \
                 {}…, the record's {theirs}…). Give the module that ran with --module",
                path.display(),
                record_path.display(),
                &digest[..16]
            )
        };
        bail!("{why}");
    }
    Ok(wasm)
}

/// How the recorded module was compiled from its source, as far as the
/// record tells: a handler as `jsw serve` builds it, with a binding for each
/// bucket it had and its environment when it was given one.
fn build_options(record: &Record) -> crate::Options {
    match &record.run {
        Run::Command(_) => crate::Options::default(),
        Run::Request(request) => crate::Options {
            target: crate::Target::Http,
            bindings: crate::bindings::Declared {
                kv: request
                    .buckets
                    .iter()
                    .map(|b| (b.clone(), b.clone()))
                    .collect(),
                env: !request.env.is_empty() || !request.config.is_empty(),
            },
            ..Default::default()
        },
    }
}

/// `jsw replay --inspect`: the recorded program built again from its source,
/// with the debug engine. The source must still build the module the record
/// was made with (built normally first and compared), or the debugger would
/// show another program than the one that ran.
pub fn debug_module(record: &Record, record_path: &Path, module: Option<&Path>) -> Result<Vec<u8>> {
    let recorded = PathBuf::from(&record.module.path);
    let source = module
        .filter(|p| crate::bundle::is_program_source(p))
        .or_else(|| Some(recorded.as_path()).filter(|p| crate::bundle::is_program_source(p)));
    let Some(source) = source else {
        bail!(
            "--inspect replays from the program's source (jsw builds it with its debug engine), and the \
             record {} was made from a module ({}): give the source it was compiled from with --module app.ts",
            record_path.display(),
            record.module.path
        );
    };
    let normal = crate::compile(source, &build_options(record))
        .with_context(|| format!("compiling {} to replay the record", source.display()))?;
    let digest = sha256(&normal.wasm);
    if digest != record.module.sha256 {
        bail!(
            "{} no longer builds the module the record {} was made with (sha256 {}…, the record's {}…): \
             it changed since, so the debugger would show another program than the one that ran",
            source.display(),
            record_path.display(),
            &digest[..16],
            &record.module.sha256[..16.min(record.module.sha256.len())]
        );
    }
    let options = crate::Options {
        debug: true,
        ..build_options(record)
    };
    Ok(crate::compile(source, &options)
        .with_context(|| format!("compiling {} for the debugger", source.display()))?
        .wasm)
}

/// The run did not do what the record says it did.
#[derive(Debug)]
pub struct Diverged(pub String);

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Diverged {}

/// `"text…"` for a message: the first bytes of `bytes`, escaped.
pub fn excerpt(bytes: &[u8]) -> String {
    const SHOWN: usize = 400;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SHOWN)]);
    let more = if bytes.len() > SHOWN { "…" } else { "" };
    format!("{:?}{more}", text)
}
