//! Flags several subcommands share, defined once as in wasmtime's `cli-flags`:
//! the same name, type, parser and meaning wherever they appear. A command whose
//! defaults differ (serve bounds every request by default, run bounds nothing)
//! resolves them itself and says so in its help (`mut_arg`).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use jsw::runner;

/// Limits on one instance: `jsw run`'s module, or one request under `jsw serve`.
#[derive(Args, Debug, Clone, Default)]
pub struct LimitFlags {
    /// Most linear memory the module may use (e.g. 64MiB).
    #[arg(long, value_name = "SIZE", value_parser = runner::parse_bytes)]
    pub max_memory: Option<u64>,

    /// Stop the module after this long (e.g. 500ms, 2s); exit status 124.
    #[arg(long, value_name = "DURATION", value_parser = runner::parse_duration)]
    pub timeout: Option<Duration>,

    /// Stop the module after this many wasm instructions.
    #[arg(long, value_name = "N")]
    pub fuel: Option<u64>,
}

/// Data a program carries beyond what its code names, for choices made at run
/// time: `compile`, `run` and `serve` (of a source) take them.
#[derive(Args, Debug, Clone, Default)]
pub struct CarryFlags {
    /// Also carry this TextDecoder encoding (a label: shift_jis, gb18030,
    /// utf-16le, ...; repeatable). A program carries the encodings whose labels
    /// its code names in a string; this is for labels that arrive at run time.
    #[arg(long = "encoding", value_name = "LABEL", value_parser = jsw::bundle::check_encoding_label)]
    pub encodings: Vec<String>,

    /// Also carry Intl's data for this locale (repeatable: de-DE, ja, en-GB,
    /// ...). A program carries the locales its code names in a string; this is
    /// for locales chosen at run time. One it lacks formats as en-US, with a
    /// warning on stderr.
    #[arg(long = "locale", value_name = "TAG", value_parser = jsw::bundle::check_locale)]
    pub locales: Vec<String>,
}

/// The compiled-code cache, which `compile`, `run` and `serve` all use.
#[derive(Args, Debug, Clone, Default)]
pub struct CacheFlags {
    /// Do not use or fill the compiled-code cache (~/.cache/jsw, or $JSW_CACHE_DIR).
    #[arg(long)]
    pub no_cache: bool,
}

impl CacheFlags {
    /// Whether to use the cache.
    pub fn cache(&self) -> bool {
        !self.no_cache
    }
}

/// `--cpu-prof` and its settings, as Node names them: `run` profiles the
/// program, `serve` every request of each server process.
#[derive(Args, Debug, Clone, Default)]
pub struct ProfileFlags {
    /// Profile the program's JS and write a `.cpuprofile` (as `node
    /// --cpu-prof` does; Chrome DevTools, VS Code and speedscope open it) into
    /// the current directory, or --cpu-prof-dir. `jsw serve`: one profile per
    /// server process, of all the requests it served, written when it stops.
    #[arg(long)]
    pub cpu_prof: bool,

    /// Where --cpu-prof writes its profile (implies --cpu-prof).
    #[arg(long, value_name = "DIR")]
    pub cpu_prof_dir: Option<PathBuf>,

    /// Microseconds between --cpu-prof samples [default: 1000].
    #[arg(long, value_name = "MICROSECONDS", value_parser = clap::value_parser!(u32).range(10..=10_000_000))]
    pub cpu_prof_interval: Option<u32>,
}

impl ProfileFlags {
    /// What to profile, if anything. --cpu-prof-interval alone is a usage
    /// error: said as clap says them, exit status 2.
    pub fn options(&self) -> Option<jsw::profile::ProfileOptions> {
        if self.cpu_prof_interval.is_some() && !self.cpu_prof && self.cpu_prof_dir.is_none() {
            clap::Error::raw(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--cpu-prof-interval must be used with --cpu-prof (as in Node)\n",
            )
            .exit();
        }
        (self.cpu_prof || self.cpu_prof_dir.is_some()).then(|| jsw::profile::ProfileOptions {
            dir: self
                .cpu_prof_dir
                .clone()
                .unwrap_or_else(jsw::profile::default_dir),
            interval_us: self.cpu_prof_interval.unwrap_or(1000),
        })
    }
}

/// `--inspect` and `--inspect-brk`, as Node has them: the step debugger
/// (compiler/src/debugger/) for `run` and `replay`.
#[derive(Args, Debug, Clone, Default)]
pub struct InspectFlags {
    /// Debug the program with Chrome DevTools (chrome://inspect) or VS Code
    /// (an "attach" configuration), as `node --inspect`: the Chrome DevTools
    /// protocol on [HOST:]PORT [default: 127.0.0.1:9229]. jsw builds the
    /// program with its debug engine; the top level ran at build time, so
    /// breakpoints stop in `main` and what it calls.
    #[arg(long, value_name = "[HOST:]PORT", num_args = 0..=1, require_equals = true,
          default_missing_value = jsw::debugger::DEFAULT_ADDRESS)]
    pub inspect: Option<String>,

    /// As --inspect, and wait for a debugger before the program starts, then
    /// stop at its first line.
    #[arg(long, value_name = "[HOST:]PORT", num_args = 0..=1, require_equals = true,
          default_missing_value = jsw::debugger::DEFAULT_ADDRESS, conflicts_with = "inspect")]
    pub inspect_brk: Option<String>,
}

impl InspectFlags {
    /// Where to listen and whether to wait, when asked to debug.
    pub fn address(&self) -> anyhow::Result<Option<(std::net::SocketAddr, bool)>> {
        match (&self.inspect, &self.inspect_brk) {
            (Some(a), _) => Ok(Some((jsw::debugger::parse_address(a)?, false))),
            (None, Some(a)) => Ok(Some((jsw::debugger::parse_address(a)?, true))),
            (None, None) => Ok(None),
        }
    }
}
