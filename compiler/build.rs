//! Builds the engine (crate `jsw-engine`) for wasm32-wasip1 with a nested cargo and
//! hands the result to the compiler, which embeds it with `include_bytes!`.
//!
//! The nested build gets a clean environment: the outer build's flags are meant for
//! the host, and a whitelist keeps engine.wasm independent of whatever the builder's
//! shell happens to export.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.parent().unwrap().to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());

    // `jsw run` is a short process: as a position-independent executable, the
    // dynamic loader first applies ~69,000 relocations to jsw's tables, read from
    // 1.6 MiB of RELA records (~1 ms of every run). Packed as RELR they are 18 KiB
    // (`jsw --version`: 3.3 ms -> 2.3 ms). Linking at a fixed address (-no-pie)
    // measured faster still (1.3 ms), but would give up address randomisation of
    // the binary that hosts untrusted code in `jsw serve`.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }

    // Engines built elsewhere (for measuring engine builds): a directory with
    // the files below.
    println!("cargo:rerun-if-env-changed=JSW_PREBUILT_ENGINES");
    if let Ok(dir) = env::var("JSW_PREBUILT_ENGINES") {
        for (file, _) in ENGINES {
            let from = Path::new(&dir).join(file);
            println!("cargo:rerun-if-changed={}", from.display());
            std::fs::copy(&from, out_dir.join(file))
                .unwrap_or_else(|e| panic!("copying {}: {e}", from.display()));
        }
        return;
    }
    for path in [
        "engine/src",
        "engine/Cargo.toml",
        "wire/src",
        "wire/Cargo.toml",
        "vendor/rquickjs-sys",
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }

    // OUT_DIR is <target>/<profile>/build/jsw-<hash>/out: share one engine build
    // between the compiler's debug, release and test builds.
    let target_root = out_dir
        .ancestors()
        .nth(4)
        .unwrap_or(&out_dir)
        .join("engine");
    let sysroot = target_root.join("wasi-sysroot");
    make_sysroot(&sysroot);

    // Eleven engines from one crate (see ENGINES). Only the engine crate itself is
    // built again for each; QuickJS is compiled once for all but the debug
    // engine, whose QuickJS has the debugger hook.
    for (file, features) in ENGINES {
        let mut extra = vec![];
        if !features.is_empty() {
            extra = vec!["--features", features];
        }
        build_engine(&root, &target_root, &sysroot, &extra, &out_dir.join(file));
    }
}

/// The engines the compiler embeds, by file name and cargo features: commands,
/// `wasi:http` components (feature `http`) and plugins, components of a WIT
/// world (feature `wit`), each also with the natives of
/// node:crypto, node:zlib and node:fs (feature `node`), which only programs
/// that import those modules carry.
const ENGINES: &[(&str, &str)] = &[
    ("engine.wasm", ""),
    ("engine-node.wasm", "node"),
    ("engine-http.wasm", "http"),
    ("engine-http-node.wasm", "http,node"),
    // Handlers with bindings (compiler/src/bindings/) call WIT imports too.
    ("engine-http-wit.wasm", "http,wit"),
    ("engine-http-wit-node.wasm", "http,wit,node"),
    ("engine-wit.wasm", "wit"),
    ("engine-wit-node.wasm", "wit,node"),
    // `--inspect`: commands with QuickJS's debugger hook (src/debugger/),
    // with the node natives so that it runs every command.
    ("engine-debug.wasm", "node,debugger"),
    // `jsw serve --inspect`, `jsw replay --inspect` of a request: handlers,
    // without and with bindings.
    ("engine-http-debug.wasm", "http,node,debugger"),
    ("engine-http-wit-debug.wasm", "http,wit,node,debugger"),
];

fn build_engine(root: &Path, target_root: &Path, sysroot: &Path, extra: &[&str], dest: &Path) {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/nonexistent-cargo-home"));
    let mut cmd = Command::new(cargo);
    cmd.env_clear();
    for key in [
        "PATH",
        "HOME",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO_MAKEFLAGS",
        "TMPDIR",
    ] {
        if let Some(v) = env::var_os(key) {
            cmd.env(key, v);
        }
    }
    cmd.args([
        "build",
        "--locked",
        "-p",
        "jsw-engine",
        "--target",
        "wasm32-wasip1",
        "--profile",
        "engine",
    ])
    .arg("--manifest-path")
    .arg(root.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(target_root)
    .args(extra)
    .current_dir(root)
    // rquickjs-sys would otherwise download a wasi-sdk; the system clang is used instead.
    .env("RQUICKJS_SYS_NO_WASI_SDK", "1")
    .env("CC_wasm32_wasip1", tool("clang-19"))
    .env("AR_wasm32_wasip1", tool("llvm-ar-19"))
    .env(
        "CFLAGS_wasm32_wasip1",
        format!(
            "--sysroot={} {WASM_FEATURES} -ffile-prefix-map={}=/jsw-target -ffile-prefix-map={}=/jsw -ffile-prefix-map={}=/cargo",
            sysroot.display(),
            target_root.display(),
            root.display(),
            cargo_home.display()
        ),
    )
    // Paths of the build machine (clone, target dir, cargo home) end up in C
    // `assert` messages and Rust panic locations; mapped to fixed names, the engine
    // (and so every module) is the same bytes wherever it was built.
    .arg("--config")
    .arg(format!(
        "target.wasm32-wasip1.rustflags=[\"--remap-path-prefix={}=/jsw\", \"--remap-path-prefix={}=/cargo\"]",
        root.display(),
        cargo_home.display()
    ));
    let status = cmd.status().expect("running cargo for the engine");
    if !status.success() {
        panic!(
            "building the engine for wasm32-wasip1 failed (run scripts/setup.sh to install its toolchain)"
        );
    }
    let built = target_root.join("wasm32-wasip1/engine/jsw-engine.wasm");
    std::fs::copy(&built, dest).unwrap_or_else(|e| panic!("copying {}: {e}", built.display()));
}

/// Wasm features QuickJS's C code is compiled with. clang 19's default CPU
/// leaves out bulk memory, so every `memcpy`/`memset` in QuickJS was a call into
/// wasi-libc's byte-and-word loops; with it they are single `memory.copy` and
/// `memory.fill` instructions (the compute benchmark: 2.3% fewer instructions,
/// 3% faster). Rust's side of the engine already uses all three, so modules need
/// nothing new from their hosts.
const WASM_FEATURES: &str = "-mbulk-memory -mnontrapping-fptoint -msign-ext";

fn tool(name: &str) -> String {
    let found = env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false);
    if !found {
        panic!(
            "`{name}` is not installed: run scripts/setup.sh (it installs clang-19, llvm-19 and wasi-libc)"
        );
    }
    name.to_string()
}

/// clang-19 --target=wasm32-wasip1 looks for <sysroot>/include/wasm32-wasip1, but
/// Debian installs wasi-libc under the multiarch name wasm32-wasi. Without both names
/// clang silently falls back to the host's glibc headers.
fn make_sysroot(sysroot: &Path) {
    for (kind, source) in [
        ("include", "/usr/include/wasm32-wasi"),
        ("lib", "/usr/lib/wasm32-wasi"),
    ] {
        if !Path::new(source).is_dir() {
            panic!("{source} is missing: run scripts/setup.sh (it installs wasi-libc)");
        }
        let dir = sysroot.join(kind);
        std::fs::create_dir_all(&dir).unwrap();
        for triple in ["wasm32-wasip1", "wasm32-wasi"] {
            let link = dir.join(triple);
            if std::fs::read_link(&link).is_err() {
                let _ = std::fs::remove_file(&link);
                std::os::unix::fs::symlink(source, &link).unwrap();
            }
        }
    }
}
