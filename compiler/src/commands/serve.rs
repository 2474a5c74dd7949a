use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Args;

use jsw::runner;
use jsw::serve::{self, Input};

use super::flags::{CacheFlags, CarryFlags, InspectFlags, LimitFlags, ProfileFlags};

/// Serve a wasi:http component, or a program with a fetch handler, over HTTP.
///
/// Every request gets a fresh instance of the snapshot: nothing a request does is
/// seen by the next. Given a source file (.ts, .js, ...), jsw compiles it in memory
/// first. The input is watched: when the component is replaced or a source
/// changes, new requests go to the new version while requests in flight finish on
/// the old one; a version that fails to build is reported and not swapped in.
///
/// One line per request goes to stderr: method, path, status and time taken.
/// SIGINT or SIGTERM stops accepting, lets open requests finish and exits 0.
#[derive(Args, Debug)]
#[command(
    mut_arg("max_memory", |a| a.help("Most linear memory one request's instance may use; past it the handler gets \"out of memory\" and the request fails with 500 [default: 128MiB]")),
    mut_arg("timeout", |a| a.help("Longest a request may take; past it the client gets 504 [default: 30s]")),
    mut_arg("fuel", |a| a.help("Most wasm instructions (fuel) one request may use; past it: 500")),
)]
pub struct ServeCommand {
    /// The component (.wasm) or program source to serve.
    pub input: PathBuf,

    /// Address to listen on: HOST:PORT (a host name or an IP address; port 0
    /// picks a free port), :PORT for every interface, or a bare PORT on 127.0.0.1.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080", value_parser = serve::parse_addr)]
    pub addr: SocketAddr,

    #[command(flatten)]
    pub limits: LimitFlags,

    /// CPU time one request may compute for, apart from the time it waits
    /// (to 1 ms); past it: 500. --timeout bounds the wall clock.
    #[arg(long, value_name = "DURATION", value_parser = runner::parse_duration)]
    pub cpu_limit: Option<Duration>,

    /// Requests handled at once (per worker); more wait for a free slot.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub concurrency: usize,

    /// Processes serving requests, each on one thread [default: one per core].
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,

    /// Hosts the handler's outbound fetch() may reach (repeatable): `example.com`,
    /// `example.com:8443`, `*.example.com`. Anything else is refused.
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,

    /// Longest a request head may take to arrive, from its first byte; past
    /// it the connection is closed (slow or stalled clients).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = runner::parse_duration)]
    pub header_timeout: Duration,

    /// Longest an open connection may wait for its next request.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = runner::parse_duration)]
    pub keepalive_timeout: Duration,

    /// Longest a request body may take to arrive, after its head; past it: 408.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = runner::parse_duration)]
    pub body_timeout: Duration,

    /// Connections one worker holds open at once; past it new connections get
    /// 503 with Retry-After [default: from the open-files limit, at most 10000].
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,

    /// Largest request body; a larger one gets 413 (refused before the handler
    /// runs when its content-length says so).
    #[arg(long, value_name = "SIZE", default_value = "100MiB", value_parser = runner::parse_bytes)]
    pub max_body: u64,

    /// Do not watch the input for changes.
    #[arg(long)]
    pub no_watch: bool,

    /// No access log (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// Send traces and metrics to this OpenTelemetry collector (OTLP over
    /// HTTP, e.g. http://localhost:4318); the OTEL_EXPORTER_OTLP_* variables
    /// do the same.
    #[arg(long, value_name = "URL", value_parser = jsw::telemetry::parse_url)]
    pub otlp: Option<String>,

    /// Answer Prometheus scrapes at http://ADDR/metrics (HOST:PORT, :PORT or PORT).
    #[arg(long, value_name = "ADDR", value_parser = serve::parse_addr)]
    pub metrics: Option<SocketAddr>,

    /// The access log's format: `human` (one line per request) or `json`
    /// (one object per line, with the trace id when tracing).
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = ["human", "json"])]
    pub log_format: String,

    #[command(flatten)]
    pub cache: CacheFlags,

    #[command(flatten)]
    pub carry: CarryFlags,

    #[command(flatten)]
    pub profile: ProfileFlags,

    /// Debug each request's instance (`--inspect`; `--inspect-brk`: and stop
    /// at the handler's first line while a client is attached), one request
    /// at a time, with no --timeout. A source only: jsw builds it with its
    /// debug engine.
    #[command(flatten)]
    pub inspect: InspectFlags,

    /// An environment variable for the handler (repeatable): process.env.NAME
    /// and its `env.NAME`, read per request (wasi:cli/environment). Wins over
    /// --env-file.
    #[arg(long = "env", value_name = "NAME=VALUE")]
    pub env: Vec<String>,

    /// Environment variables from a dotenv file (repeatable; NAME=VALUE lines,
    /// # comments, quotes). Keeps secrets out of the command line.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,

    /// A configuration value for the handler (repeatable), served through
    /// wasi:config/store; process.env and `env` show it unless an environment
    /// variable has the name.
    #[arg(long = "config", value_name = "NAME=VALUE")]
    pub config: Vec<String>,

    /// A key-value binding, the handler's `env.NAME` (repeatable): `NAME` keeps
    /// its data in the embedded store under --data-dir, `NAME=redis://HOST:PORT[/DB]`
    /// in Redis (shared by workers and machines).
    #[arg(long = "kv", value_name = "NAME[=redis://HOST:PORT[/DB]]")]
    pub kv: Vec<String>,

    /// Where the embedded key-value store keeps its file (kv.sqlite3).
    #[arg(long, value_name = "DIR", default_value = ".jsw-data")]
    pub data_dir: PathBuf,

    /// Largest value a key-value put may store (at most 25MiB, as in Workers
    /// KV); a larger one fails that put.
    #[arg(long, value_name = "SIZE", default_value = "25MiB", value_parser = runner::parse_bytes)]
    pub kv_max_value: u64,

    /// Record requests into DIR, one file each, for `jsw replay FILE`: the
    /// request and every value the host gave its instance (clock readings,
    /// random bytes, outbound responses, configuration, key-value answers).
    /// Alone, every request; with --record-errors or --record-sample, those.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,

    /// Keep only the requests that failed: answered 5xx, stopped by a limit
    /// (also 408 and 413), or whose response was cut off.
    #[arg(long, requires = "record")]
    pub record_errors: bool,

    /// Keep this fraction of requests (0 to 1, spread evenly; with
    /// --record-errors, failures too).
    #[arg(long, value_name = "RATE", requires = "record", value_parser = parse_rate)]
    pub record_sample: Option<f64>,

    /// Keep configuration values (--env, --config) in the records; else
    /// each value is masked, and a replay says so.
    #[arg(long, requires = "record")]
    pub record_secrets: bool,

    /// Keep this variable's or configuration value's value in the records: it
    /// is no secret (repeatable; e.g. --record-keep NODE_ENV).
    #[arg(long, value_name = "NAME", requires = "record")]
    pub record_keep: Vec<String>,
}

fn parse_rate(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!(
            "`{s}` is not a rate from 0 to 1 (e.g. 0.01 for one request in 100)"
        )),
    }
}

impl ServeCommand {
    pub fn execute(self) -> Result<i32> {
        if !self.input.exists() {
            std::fs::read(&self.input)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", self.input.display()))?;
        }
        jsw::telemetry::check_environment()?;
        let profile = self.profile.options();
        // Before any worker starts: a profile that could not be kept is an error now.
        if let Some(how) = &profile {
            jsw::profile::check_dir(how)?;
        }
        let defaults = serve::Limits::default();
        let max_memory = match self.limits.max_memory {
            Some(bytes) => usize::try_from(bytes).map_err(|_| {
                anyhow::anyhow!("--max-memory {bytes} is more than this machine can address")
            })?,
            None => defaults.max_memory,
        };
        // Said as clap says usage errors (exit 2), without the value given:
        // it may be a secret.
        let usage = |message: String| -> ! {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("{message}\n"),
            )
            .exit()
        };
        let pairs = |flag: &str, specs: &[String]| -> Vec<(String, String)> {
            specs
                .iter()
                .map(|s| {
                    jsw::bindings::config::parse_pair(flag, s)
                        .unwrap_or_else(|e| usage(e.to_string()))
                })
                .collect()
        };
        let mut env = Vec::new();
        for file in &self.env_files {
            env.extend(jsw::bindings::config::read_env_file(file)?);
        }
        env.extend(pairs("--env", &self.env));
        let config = pairs("--config", &self.config);
        let kv: Vec<(String, jsw::bindings::kv::Backend)> = self
            .kv
            .iter()
            .map(|s| {
                jsw::bindings::kv::parse_binding(s).unwrap_or_else(|e| usage(format!("{e:#}")))
            })
            .collect();
        if self.kv_max_value > jsw::bindings::kv::DEFAULT_MAX_VALUE as u64 {
            usage(format!(
                "--kv-max-value is at most 25MiB (the largest value a binding takes, as in Workers KV); got {} bytes",
                self.kv_max_value
            ));
        }
        // `env.NAME` is either a binding or a variable.
        for (name, _) in &kv {
            if env.iter().chain(&config).any(|(k, _)| k == name) {
                usage(format!(
                    "`{name}` is both a key-value binding (--kv) and a variable (--env, --env-file or --config): \
                     the handler's `env.{name}` can be only one of them"
                ));
            }
        }
        let mut bindings = serve::BindingOptions {
            env,
            config,
            kv: kv.clone(),
            data_dir: self.data_dir.clone(),
            max_value: usize::try_from(self.kv_max_value).unwrap_or(usize::MAX),
        };
        // A worker gets its supervisor's bindings this way, not as flags.
        if std::env::var_os("JSW_SERVE_LISTEN_FD").is_some()
            && let Some(file) = std::env::var_os(serve::BindingOptions::WORKER_FILE)
        {
            let json = std::fs::read_to_string(&file).map_err(|e| {
                anyhow::anyhow!("cannot read {}: {e}", PathBuf::from(&file).display())
            })?;
            bindings = serve::BindingOptions::from_json(&json)?;
        }
        let options = serve::Options {
            addr: self.addr,
            limits: serve::Limits {
                max_memory,
                timeout: self.limits.timeout.unwrap_or(defaults.timeout),
                fuel: self.limits.fuel,
                cpu: self.cpu_limit,
            },
            concurrency: self.concurrency.max(1),
            quiet: self.quiet,
            allow_hosts: self.allow_hosts.clone(),
            // A source is compiled with the bindings given here: `env.NAME`
            // for each --kv, and its environment when there is one to give.
            compile: jsw::Options {
                cache: self.cache.cache(),
                bindings: jsw::bindings::Declared {
                    kv: kv
                        .iter()
                        .map(|(name, _)| (name.clone(), name.clone()))
                        .collect(),
                    env: !bindings.env.is_empty() || !bindings.config.is_empty(),
                },
                bundle: jsw::bundle::Options {
                    encodings: self.carry.encodings.clone(),
                    locales: self.carry.locales.clone(),
                    ..Default::default()
                },
                ..Default::default()
            },
            watch: !self.no_watch,
            workers: self
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
                .max(1),
            clients: serve::ClientLimits {
                header_timeout: self.header_timeout,
                keepalive_timeout: self.keepalive_timeout,
                body_timeout: self.body_timeout,
                max_connections: self
                    .max_connections
                    .unwrap_or_else(serve::default_max_connections)
                    .max(1),
                max_body: self.max_body,
            },
            record: self
                .record
                .as_ref()
                .map(|dir| jsw::replay::request::RecordOptions {
                    dir: dir.clone(),
                    errors: self.record_errors,
                    sample: self.record_sample,
                    secrets: self.record_secrets,
                    keep: self.record_keep.clone(),
                }),
            telemetry: jsw::telemetry::Settings {
                otlp: self.otlp.clone(),
                prometheus: self.metrics.is_some(),
                service: self
                    .input
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "jsw".into()),
            },
            metrics: self.metrics,
            log_json: self.log_format == "json",
            profile,
            bindings,
            inspect: None,
        };
        let input = Input::of(&self.input);
        let mut options = options;
        if let Some((address, wait)) = self.inspect.address()? {
            self.inspect_options(&mut options, &input)?;
            options.inspect = Some(jsw::debugger::Session::serving(address, wait, &self.input)?);
        }
        let quiet = self.quiet;
        let shown = self.input.display().to_string();
        // A worker (started by `jsw serve --workers N`) does not announce itself.
        let worker = std::env::var_os("JSW_SERVE_LISTEN_FD").is_some();
        serve::serve(&input, options, |addr| {
            if !quiet && !worker {
                eprintln!("jsw serve: {shown} on http://{addr}/");
            }
        })?;
        Ok(0)
    }
}

impl ServeCommand {
    /// `--inspect`: one request at a time, in this process, with nothing
    /// that would end a paused request; what cannot go with it is refused.
    fn inspect_options(&self, options: &mut serve::Options, input: &Input) -> Result<()> {
        if matches!(input, Input::Component(_)) {
            anyhow::bail!(
                "--inspect debugs a handler from its source: jsw builds it with its debug engine, \
                 which {} was not built with; give the handler's source (e.g. `jsw serve app.ts --inspect`)",
                self.input.display()
            );
        }
        if self.workers.is_some_and(|w| w > 1) {
            anyhow::bail!(
                "--inspect serves one request at a time, in one process: leave --workers out"
            );
        }
        if self.limits.timeout.is_some() || self.cpu_limit.is_some() {
            anyhow::bail!(
                "--timeout and --cpu-limit bound a request's time, which a request paused in the \
                 debugger spends waiting: leave them out under --inspect"
            );
        }
        if options.profile.is_some() {
            anyhow::bail!(
                "--cpu-prof and --inspect do not go together: a paused request's profile measures the pause"
            );
        }
        options.workers = 1;
        options.concurrency = 1;
        options.limits.timeout = std::time::Duration::from_secs(365 * 24 * 3600);
        options.limits.cpu = None;
        options.compile.debug = true;
        Ok(())
    }
}
