//! Writing results without ever leaving a half-written file behind.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};

/// Writes `bytes` to a temporary file beside `path`, synced, then renames it
/// into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_renaming(path, bytes, true, 0o666)
}

/// `write_atomic` without waiting for the disk: for files a run leaves behind
/// (profiles), where the run's own time matters more than surviving a power cut.
pub fn write_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    write_renaming(path, bytes, false, 0o666)
}

/// `write_unsynced`, readable by this user alone: for records of runs and
/// requests (`--record`), which hold what a program was given.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_renaming(path, bytes, false, 0o600)
}

fn write_renaming(path: &Path, bytes: &[u8], sync: bool, mode: u32) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            dir.display()
        );
    }
    if path.is_dir() {
        bail!("cannot write {}: it is a directory", path.display());
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".jsw-").suffix(".tmp");
    // Temporary files are private (0600); an output is an ordinary new file, 0666
    // minus the umask (open(2) applies it), like the outputs of cc or cargo, so a
    // module built by one user can be run by another (records stay private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    if sync {
        tmp.as_file().sync_all().ok();
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Build-time output goes to stderr, each line marked, so it is never mistaken for
/// the module's own output (which it will not print again).
pub fn show_build_output(output: &crate::BuildOutput) {
    let mut err = std::io::stderr().lock();
    for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        for line in String::from_utf8_lossy(bytes).lines() {
            let _ = writeln!(err, "[build {stream}] {line}");
        }
    }
}

/// A JSON string literal (for machine-readable output: `--error-format json`,
/// `jsw bench --json`, `jsw serve --log-format json`).
pub fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
