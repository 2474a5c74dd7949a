use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};
use clap::Args;

use jsw::{BuildFailed, Mode};

use super::flags::{CacheFlags, CarryFlags};
use super::json_string;

/// Compile a program into a WASI module, running its top level at build time.
///
/// When the entry file exports a function `main` (or a default-exported function),
/// its top level is evaluated now and only the function runs when the module starts.
/// Otherwise the whole program runs at start, with the engine already initialized
/// and the code already compiled.
///
/// A program with a fetch handler (`export default { fetch(request) {...} }`, or
/// `addEventListener("fetch", ...)`) becomes a `wasi:http/proxy` component
/// instead, for `jsw serve`, `wasmtime serve` and other wasi:http hosts.
///
/// With --wit, the program is a plugin: a component of a WIT world whose
/// exports are the entry's exported functions and whose imports the program
/// imports as modules named by their WIT path (`import { log } from
/// "acme:plugin/host"`). `jsw types` writes the world's TypeScript declarations.
///
/// TypeScript types are stripped, not checked: run `npx tsc --noEmit` (or your
/// editor) to check them.
#[derive(Args, Debug)]
pub struct CompileCommand {
    /// The program's entry file (.ts, .tsx, .js, .mjs, ...).
    pub input: PathBuf,

    /// Where to write the module [default: the input's name with .wasm].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// What to build: `http` (a wasi:http/proxy component; the program must have
    /// a fetch handler) or `command` (a WASI preview 1 command) [default: http
    /// when the program has a fetch handler, else command].
    #[arg(long, value_name = "KIND", value_parser = ["http", "command"])]
    pub target: Option<String>,

    /// Build a plugin: a component of a world in this WIT package (a folder of
    /// .wit files, dependencies in deps/, or one .wit file).
    #[arg(long, value_name = "DIR", conflicts_with = "target")]
    pub wit: Option<PathBuf>,

    /// The world the plugin implements [default: the package's only world].
    #[arg(long, value_name = "NAME", requires = "wit")]
    pub world: Option<String>,

    /// A key-value binding of the handler (repeatable): `env.NAME` opens the
    /// wasi:keyvalue bucket BUCKET [default: NAME]. Hosts name buckets their
    /// own way: `wasmtime serve -S keyvalue=y` serves only "" (`--kv NAME=`),
    /// Spin's default store is `default`.
    #[arg(long = "kv", value_name = "NAME[=BUCKET]", conflicts_with = "wit", value_parser = |s: &str| jsw::bindings::parse_kv_binding(s).map_err(|e| e.to_string()))]
    pub kv: Vec<(String, String)>,

    /// Evaluate nothing at build time: engine, globals and program all start at run
    /// time. Slower to start; for measuring what the snapshot saves.
    #[arg(long)]
    pub no_snapshot: bool,

    /// Compress and mangle the JS (smaller modules; stack traces still map back to
    /// the sources). Function and class names are kept, as inspect output and
    /// stack traces show them.
    #[arg(long)]
    pub minify: bool,

    /// With --minify, shorten function and class names too (`Point { x: 1 }`
    /// then prints as `o { x: 1 }`).
    #[arg(long, requires = "minify")]
    pub mangle_names: bool,

    /// Leave out the tables that map stack traces to original file:line:col
    /// (saves their size; traces then show positions in generated code).
    #[arg(long)]
    pub no_source_positions: bool,

    /// Longest the top level may run at build time (e.g. 30s, 5m).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = jsw::runner::parse_duration)]
    pub build_timeout: std::time::Duration,

    /// Most memory the top level may use at build time (e.g. 512MiB, 2GiB).
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = jsw::runner::parse_bytes)]
    pub build_max_memory: u64,

    #[command(flatten)]
    pub cache: CacheFlags,

    #[command(flatten)]
    pub carry: CarryFlags,

    /// Also write the module compiled to machine code for this machine, beside
    /// it with the extension .cwasm (-o app.wasm: app.cwasm). It loads only in
    /// wasmtime 48.0.8 with default settings (`jsw run --allow-precompiled
    /// app.cwasm`, `wasmtime run --allow-precompiled`; other versions refuse it).
    #[arg(long)]
    pub precompile: bool,

    /// How to print a failure: `human` (default) or `json`, one object on stderr
    /// with the message, the source location when there is one, and the
    /// build-time output (for tools and the npm package's API).
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = ["human", "json"])]
    pub error_format: String,

    /// Pre-initialize this engine.wasm instead of the embedded one (for comparing
    /// engine builds).
    #[arg(long, value_name = "FILE", hide = true)]
    pub engine: Option<PathBuf>,

    /// Print nothing but errors and build-time output.
    #[arg(short, long)]
    pub quiet: bool,
}

impl CompileCommand {
    pub fn execute(self) -> Result<i32> {
        if self.error_format == "json" {
            let input = self.input.clone();
            return match self.build() {
                Ok(status) => Ok(status),
                Err(err) => {
                    eprintln!("{}", error_json(&err, &input));
                    Ok(1)
                }
            };
        }
        self.build()
    }

    fn build(self) -> Result<i32> {
        let started = Instant::now();
        let output = self
            .output
            .clone()
            .unwrap_or_else(|| self.input.with_extension("wasm"));
        if output == self.input {
            anyhow::bail!(
                "the output {} would overwrite the input: choose another name with -o",
                output.display()
            );
        }
        let mode = if self.no_snapshot {
            Mode::NoSnapshot
        } else {
            Mode::Snapshot
        };
        let options = jsw::Options {
            mode,
            bundle: jsw::bundle::Options {
                minify: self.minify,
                mangle_names: self.mangle_names,
                no_source_positions: self.no_source_positions,
                encodings: self.carry.encodings.clone(),
                locales: self.carry.locales.clone(),
                ..Default::default()
            },
            cache: self.cache.cache(),
            engine: match &self.engine {
                Some(p) => {
                    Some(std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?)
                }
                None => None,
            },
            limits: jsw::snapshot::BuildLimits {
                timeout: self.build_timeout,
                max_memory: self.build_max_memory,
            },
            target: match self.target.as_deref() {
                Some("http") => jsw::Target::Http,
                Some("command") => jsw::Target::Command,
                _ => jsw::Target::Auto,
            },
            plugin: self.wit.as_ref().map(|wit| jsw::PluginOptions {
                wit: wit.clone(),
                world: self.world.clone(),
            }),
            bindings: jsw::bindings::Declared {
                kv: self.kv.iter().cloned().collect(),
                env: false,
            },
            debug: false,
        };
        let compiled = match jsw::compile(&self.input, &options) {
            Ok(c) => c,
            Err(err) => {
                if let Some(failed) = err.downcast_ref::<BuildFailed>()
                    && self.error_format == "human"
                {
                    show_build_output(&failed.output);
                }
                return Err(err);
            }
        };
        show_build_output(&compiled.output);
        jsw::output::write_atomic(&output, &compiled.wasm)?;
        if self.precompile && compiled.kind == jsw::Kind::Command {
            let cwasm = jsw::runner::precompile(&compiled.wasm)?;
            jsw::output::write_atomic(&output.with_extension("cwasm"), &cwasm)?;
        }
        if !self.quiet {
            let what = match (mode, &compiled.bundle.entry_export) {
                _ if compiled.kind == jsw::Kind::Http => {
                    "wasi:http component, top level evaluated, the fetch handler runs per request"
                        .to_string()
                }
                _ if compiled.kind == jsw::Kind::Plugin => {
                    "component, top level evaluated, the host calls the world's exports".to_string()
                }
                (Mode::NoSnapshot, _) => "no snapshot".to_string(),
                (Mode::Snapshot, Some(f)) => format!("top level evaluated, `{f}` runs at start"),
                (Mode::Snapshot, None) => "precompiled, program runs at start".to_string(),
            };
            eprintln!(
                "compiled {} -> {} ({}, JS {} in {} module{}; {what}) in {:.2}s",
                self.input.display(),
                output.display(),
                human_size(compiled.wasm.len()),
                human_size(compiled.bundle.size()),
                compiled.bundle.modules.len(),
                if compiled.bundle.modules.len() == 1 {
                    ""
                } else {
                    "s"
                },
                started.elapsed().as_secs_f64()
            );
        }
        Ok(0)
    }
}

pub use jsw::output::show_build_output;

pub fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// `{"error": {...}, "buildOutput": {...}}` for `--error-format json`.
fn error_json(err: &anyhow::Error, input: &std::path::Path) -> String {
    let mut message = err.to_string();
    for cause in err.chain().skip(1) {
        message.push_str(": ");
        message.push_str(&cause.to_string());
    }
    // A build-time failure of the top level is located by its trace.
    let uncaught = err.downcast_ref::<BuildFailed>().and_then(|f| {
        let root = std::fs::canonicalize(input).ok()?.parent()?.to_path_buf();
        jsw::diagnostic::Diagnostic::from_uncaught(
            &String::from_utf8_lossy(&f.output.stderr),
            &root,
        )
    });
    let location = err
        .chain()
        .find_map(|e| e.downcast_ref::<jsw::diagnostic::Diagnostic>())
        .or(uncaught.as_ref())
        .map(|d| {
            message = d.message.clone();
            format!(
                ",\"file\":{},\"line\":{},\"column\":{},\"sourceLine\":{}",
                json_string(&d.file),
                d.line,
                d.column,
                json_string(&d.source_line)
            )
        });
    let (stdout, stderr) = match err.downcast_ref::<BuildFailed>() {
        Some(f) => (
            String::from_utf8_lossy(&f.output.stdout).into_owned(),
            String::from_utf8_lossy(&f.output.stderr).into_owned(),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "{{\"error\":{{\"message\":{}{}}},\"buildOutput\":{{\"stdout\":{},\"stderr\":{}}}}}",
        json_string(&message),
        location.unwrap_or_default(),
        json_string(&stdout),
        json_string(&stderr)
    )
}
