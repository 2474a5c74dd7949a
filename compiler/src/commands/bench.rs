use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use jsw::Mode;
use jsw::bench::{self, BenchOptions, EMPTY_MODULE, Report};

use super::compile::human_size;
use super::json_string;

/// Measure start-up: instantiate + run of fresh instances, in-process.
///
/// Each INPUT is a .wasm module or a program source (compiled in memory first).
/// Modules are measured alternately in one process, so ratios between them hold
/// even on a noisy machine. The empty WASI module is always measured as the floor.
/// HTTP components are measured per request as `jsw serve` runs them (pooling,
/// a fresh instance, `GET /` or --path, the whole body read), against an empty
/// handler.
/// Plugin components (`jsw compile --wit`) are measured with --invoke: a fresh
/// instance and its first call, then calls per second in one instance.
#[derive(Args, Debug)]
pub struct BenchCommand {
    /// Modules (.wasm) or program sources to measure.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,

    /// Measured instances per module.
    #[arg(short = 'n', long, default_value_t = 200)]
    pub iterations: usize,

    /// Unmeasured instances per module before measuring.
    #[arg(long, default_value_t = 20)]
    pub warmup: usize,

    /// For program sources: also measure the build without a snapshot.
    #[arg(long)]
    pub compare_no_snapshot: bool,

    /// Use wasmtime's pooling instance allocator.
    #[arg(long)]
    pub pooling: bool,

    /// File whose contents every instance reads on stdin.
    #[arg(long, value_name = "FILE")]
    pub stdin: Option<PathBuf>,

    /// For components of a WIT world: the call to measure, in WAVE as for
    /// `wasmtime run --invoke` (e.g. 'transform([{id: 1, name: "a"}])'), or
    /// @FILE to read it from a file. Host functions the components import
    /// (other than WASI's) return default values.
    #[arg(long, value_name = "CALL")]
    pub invoke: Option<String>,

    /// For HTTP components: the path (and query) each request asks for, as
    /// in `jsw bench app.wasm --path '/users/42'`. The answer must be a 2xx
    /// or 3xx.
    #[arg(long, value_name = "PATH", default_value = "/")]
    pub path: String,

    /// Print the figures as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl BenchCommand {
    pub fn execute(self) -> Result<i32> {
        if self.iterations == 0 {
            bail!("-n must be at least 1: there is nothing to measure in no instances");
        }
        if let Some(call) = &self.invoke {
            return self.invoke(call);
        }
        if !self.path.starts_with('/') {
            bail!(
                "--path {:?} must start with `/` (the path and query of the request, e.g. /users/42?full=1)",
                self.path
            );
        }
        let mut modules = Vec::new();
        for input in &self.inputs {
            let name = input.display().to_string();
            let bytes = std::fs::read(input).with_context(|| format!("cannot read {name}"))?;
            if bytes.starts_with(b"\0asm") {
                modules.push((name, bytes));
                continue;
            }
            let compiled = jsw::compile(input, &jsw::Options::default())?;
            if compiled.kind == jsw::Kind::Http {
                modules.push((format!("{name} (component)"), compiled.wasm));
                continue;
            }
            modules.push((format!("{name} (snapshot)"), compiled.wasm));
            if self.compare_no_snapshot {
                modules.push((
                    format!("{name} (no snapshot)"),
                    jsw::compile(
                        input,
                        &jsw::Options {
                            mode: Mode::NoSnapshot,
                            ..Default::default()
                        },
                    )?
                    .wasm,
                ));
            }
        }
        let components = modules
            .iter()
            .filter(|(_, wasm)| jsw::component::is_component(wasm))
            .count();
        let options = BenchOptions {
            iterations: self.iterations,
            warmup: self.warmup,
            pooling: self.pooling,
            stdin: Vec::new(),
            path: self.path.clone(),
        };
        if let Some((name, _)) = modules.iter().find(|(_, wasm)| {
            jsw::component::is_component(wasm) && !jsw::component::is_http_handler(wasm)
        }) {
            bail!(
                "{name} is a component, but not an HTTP handler: measure a call of one of its exports with --invoke 'name(args)'"
            );
        }
        if components > 0 {
            if components < modules.len() {
                bail!(
                    "jsw bench measures WASI commands or HTTP components in one run, not both: \
                     bench them separately"
                );
            }
            let reports = jsw::serve::bench::bench(&modules, &options)?;
            if self.json {
                println!("{}", to_json(&reports));
            } else {
                print_table(&reports, "request");
            }
            return Ok(0);
        }
        modules.push(("(empty module)".to_string(), EMPTY_MODULE.to_vec()));
        let stdin = match &self.stdin {
            Some(p) => std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
            None => Vec::new(),
        };
        let options = BenchOptions { stdin, ..options };
        let reports = bench::bench(&modules, &options)?;
        if self.json {
            println!("{}", to_json(&reports));
        } else {
            print_table(&reports, "run");
        }
        Ok(0)
    }
}

impl BenchCommand {
    /// `--invoke`: plugin components, called as their hosts call them.
    fn invoke(&self, call: &str) -> Result<i32> {
        let call = match call.strip_prefix('@') {
            Some(path) => {
                std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?
            }
            None => call.to_string(),
        };
        let mut components = Vec::new();
        for input in &self.inputs {
            let name = input.display().to_string();
            let bytes = std::fs::read(input).with_context(|| format!("cannot read {name}"))?;
            if !jsw::component::is_component(&bytes) {
                bail!(
                    "{name} is not a component: with --invoke, give components built with `jsw compile --wit`"
                );
            }
            components.push((name, bytes));
        }
        let options = BenchOptions {
            iterations: self.iterations,
            warmup: self.warmup,
            pooling: self.pooling,
            stdin: Vec::new(),
            path: self.path.clone(),
        };
        let reports = jsw::component::invoke::bench(&components, call.trim(), &options)?;
        if self.json {
            let items: Vec<String> = reports
                .iter()
                .map(|r| {
                    format!(
                        "{{\"name\":{},\"size\":{},\"instantiate_us\":{:.1},\"first_call_us\":{:.1},\"total_us\":{:.1},\"calls_per_second\":{:.1}}}",
                        json_string(&r.name),
                        r.size,
                        r.instantiate.median.as_secs_f64() * 1e6,
                        r.first_call.median.as_secs_f64() * 1e6,
                        r.total.median.as_secs_f64() * 1e6,
                        r.calls_per_second
                    )
                })
                .collect();
            println!("[{}]", items.join(","));
            return Ok(0);
        }
        let first = reports[0].total.median.as_secs_f64();
        let rows: Vec<[String; 7]> = reports
            .iter()
            .map(|r| {
                [
                    r.name.clone(),
                    human_size(r.size),
                    micros(r.instantiate.median),
                    micros(r.first_call.median),
                    micros(r.total.median),
                    format!("{:.0}", r.calls_per_second),
                    format!("{:.2}×", r.total.median.as_secs_f64() / first),
                ]
            })
            .collect();
        print_aligned(
            &[
                "component",
                "size",
                "instantiate",
                "first call",
                "total",
                "calls/s",
                "vs first",
            ],
            &rows,
        );
        println!(
            "(medians of a fresh instance and its first call; calls/s: calls one after another in one instance)"
        );
        for r in &reports {
            let shown: String = r.results.chars().take(120).collect();
            let more = if r.results.chars().count() > 120 {
                "…"
            } else {
                ""
            };
            println!("{}: {shown}{more}", r.name);
        }
        Ok(0)
    }
}

fn micros(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 10_000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

/// `run` is what the second phase is called: a command's run or a component's request.
fn print_table(reports: &[Report], run: &str) {
    let first = reports[0].total.median.as_secs_f64();
    let floor = reports[reports.len() - 1].total.median.as_secs_f64();
    let rows: Vec<[String; 11]> = reports
        .iter()
        .map(|r| {
            let t = r.total.median.as_secs_f64();
            [
                r.name.clone(),
                human_size(r.size),
                micros(r.instantiate.median),
                micros(r.run.median),
                micros(r.total.median),
                format!("{}–{}", micros(r.total.p10), micros(r.total.p90)),
                human_size(r.memory as usize),
                r.fuel.to_string(),
                r.faults.map_or("–".into(), |f| f.to_string()),
                format!("{:.2}×", t / first),
                format!("{:.1}×", t / floor),
            ]
        })
        .collect();
    let header = [
        "module",
        "size",
        "instantiate",
        run,
        "total",
        "total p10–p90",
        "memory",
        "fuel",
        "faults",
        "vs first",
        "vs empty",
    ];
    print_aligned(&header, &rows);
    println!(
        "(medians of instantiate + {run} (+ teardown) of a fresh instance; fuel = wasm instructions of one {run}; \
         faults = page faults of one instance)"
    );
    print_phases(reports);
}

/// The split of a run where modules record it, and what live instances hold.
fn print_phases(reports: &[Report]) {
    if !reports
        .iter()
        .any(|r| r.phases.is_some() || r.resident.is_some())
    {
        return;
    }
    println!();
    let header = [
        "module",
        "instantiate",
        "before main",
        "main",
        "exit",
        "teardown",
        "resident / instance",
        "instances / GiB",
    ];
    let rows: Vec<[String; 8]> = reports
        .iter()
        .map(|r| {
            let phase = |f: fn(&bench::Phases) -> bench::Summary| {
                r.phases
                    .as_ref()
                    .map_or("–".to_string(), |p| micros(f(p).median))
            };
            [
                r.name.clone(),
                micros(r.instantiate.median),
                phase(|p| p.before_main),
                phase(|p| p.main),
                phase(|p| p.exit),
                micros(r.teardown.median),
                r.resident.map_or("–".into(), |b| human_size(b as usize)),
                r.resident
                    .filter(|&b| b > 0)
                    .map_or("–".into(), |b| format!("{}", (1u64 << 30) / b)),
            ]
        })
        .collect();
    print_aligned(&header, &rows);
    println!(
        "(medians; before main = `_start` up to the engine's main, main = the program, exit = after it; \
         teardown = dropping the instance (in total too); resident = what {} instances kept alive after their run hold, each)",
        bench::LIVE_INSTANCES
    );
}

/// A table with its first column to the left and the others to the right,
/// each as wide as its widest cell.
fn print_aligned<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String; N]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (c, w))| {
                let pad = " ".repeat(w - c.chars().count());
                if i == 0 {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(&header.map(String::from));
    for row in rows {
        line(row);
    }
}

fn to_json(reports: &[Report]) -> String {
    let items: Vec<String> = reports
        .iter()
        .map(|r| {
            let s = |x: &bench::Summary| {
                format!(
                    "{{\"median_ns\":{},\"p10_ns\":{},\"p90_ns\":{}}}",
                    x.median.as_nanos(),
                    x.p10.as_nanos(),
                    x.p90.as_nanos()
                )
            };
            format!(
                "{{\"name\":{},\"size\":{},\"instantiate\":{},\"run\":{},\"total\":{},\"memory\":{},\"fuel\":{},\"faults\":{},\"phases\":{},\"resident\":{},\"exit_status\":{}}}",
                json_string(&r.name),
                r.size,
                s(&r.instantiate),
                s(&r.run),
                s(&r.total),
                r.memory,
                r.fuel,
                r.faults.map_or("null".into(), |f| f.to_string()),
                r.phases.as_ref().map_or("null".into(), |p| format!(
                    "{{\"before_main\":{},\"main\":{},\"exit\":{}}}",
                    s(&p.before_main),
                    s(&p.main),
                    s(&p.exit)
                )),
                r.resident.map_or("null".into(), |b| b.to_string()),
                r.exit_status
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}
