//! `jsw run --cpu-prof`: asks a jsw module to profile its JS (a `jsw-configure`
//! flag with the sampling interval) and, after the run, writes what its
//! `jsw-profile` export holds as a `.cpuprofile`, the file `node --cpu-prof`
//! writes and Chrome DevTools, VS Code and speedscope open. `jsw serve
//! --cpu-prof` merges its requests' profiles into one (merge.rs).

pub mod merge;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use wasmtime::{AsContextMut, Instance, TypedFunc};

use crate::WasmtimeResultExt;

/// Where and how often to sample.
#[derive(Debug, Clone)]
pub struct ProfileOptions {
    /// The directory the profile is written to.
    pub dir: PathBuf,
    /// Microseconds between samples (Node's default: 1000).
    pub interval_us: u32,
}

impl ProfileOptions {
    /// The `jsw-configure` flags that ask for this profile.
    pub fn flags(&self) -> u32 {
        jsw_wire::names::configure::PROFILE | (self.interval_us.min(0xff_ffff) << 8)
    }
}

/// Node's name for a profile: `CPU.<date>.<time>.<pid>.0.001.cpuprofile`.
fn file_name() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i64;
    let [year, month, day, h, m, s] = utc(now);
    format!(
        "CPU.{year:04}{month:02}{day:02}.{h:02}{m:02}{s:02}.{}.0.001.cpuprofile",
        std::process::id()
    )
}

/// Year, month, day, hours, minutes and seconds (UTC) of a Unix time.
pub(crate) fn utc(unix_seconds: i64) -> [i64; 6] {
    let (days, secs) = (
        unix_seconds.div_euclid(86_400),
        unix_seconds.rem_euclid(86_400),
    );
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    [year, month, day, secs / 3600, secs / 60 % 60, secs % 60]
}

/// A run being profiled: the module's export that hands over the profile.
pub struct Profiler {
    export: TypedFunc<(), u32>,
}

/// Before the run: the module can be profiled, and the directory exists (it
/// is created) and takes files, so that a run is not wasted on a profile that
/// cannot be taken or kept.
pub fn prepare(
    mut store: impl AsContextMut,
    instance: &Instance,
    options: &ProfileOptions,
) -> Result<Profiler> {
    let export = instance
        .get_typed_func::<(), u32>(&mut store, jsw_wire::names::PROFILE_EXPORT)
        .map_err(|_| {
            anyhow::anyhow!(
                "--cpu-prof: the module cannot be profiled (it is not a jsw module of this version; compile it again)"
            )
        })?;
    check_dir(options)?;
    Ok(Profiler { export })
}

/// The profile's directory exists (it is created) and takes files.
pub fn check_dir(options: &ProfileOptions) -> Result<()> {
    std::fs::create_dir_all(&options.dir)
        .with_context(|| format!("--cpu-prof: cannot create {}", options.dir.display()))?;
    let probe = tempfile::Builder::new()
        .prefix(".jsw-")
        .tempfile_in(&options.dir)
        .with_context(|| format!("--cpu-prof: cannot write into {}", options.dir.display()))?;
    drop(probe);
    Ok(())
}

/// `jsw serve --cpu-prof`: the requests' merged profile, written into
/// `options.dir` under Node's name for a profile.
pub fn write_merged(merged: &merge::Merged, options: &ProfileOptions) -> Result<PathBuf> {
    let path = options.dir.join(file_name());
    let json = serde_json::to_vec(&merged.to_json()).context("serializing the profile")?;
    crate::output::write_unsynced(&path, &json)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

impl Profiler {
    /// After the run: the module's profile, written into `options.dir`.
    pub fn write(
        &self,
        mut store: impl AsContextMut,
        instance: &Instance,
        options: &ProfileOptions,
    ) -> Result<PathBuf> {
        let at = self
            .export
            .call(&mut store, ())
            .context_wt("reading the profile")? as usize;
        if at == 0 {
            anyhow::bail!("--cpu-prof: the module ended before its profile was taken");
        }
        let memory = instance
            .get_memory(&mut store, "memory")
            .context("--cpu-prof: the module has no memory")?;
        let data = memory.data(&store);
        let len = data
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .context("--cpu-prof: the profile is outside the module's memory")?;
        let json = data
            .get(at + 4..at + 4 + len)
            .context("--cpu-prof: the profile is outside the module's memory")?;
        let path = options.dir.join(file_name());
        crate::output::write_unsynced(&path, json)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    }
}

/// The default directory: the current one, as Node's.
pub fn default_dir() -> PathBuf {
    Path::new(".").to_path_buf()
}
