//! The few WASI calls the runtime makes itself. They go straight to the imports,
//! not through wasi-libc, because libc caches what it reads (environment, ...) and
//! anything read during the build would then be frozen into the snapshot.

#[link(wasm_import_module = "wasi_snapshot_preview1")]
unsafe extern "C" {
    #[link_name = "random_get"]
    fn wasi_random_get(buf: *mut u8, len: usize) -> u16;
    #[link_name = "args_sizes_get"]
    fn wasi_args_sizes_get(count: *mut usize, size: *mut usize) -> u16;
    #[link_name = "args_get"]
    fn wasi_args_get(ptrs: *mut *mut u8, buf: *mut u8) -> u16;
    #[link_name = "environ_sizes_get"]
    fn wasi_environ_sizes_get(count: *mut usize, size: *mut usize) -> u16;
    #[link_name = "environ_get"]
    fn wasi_environ_get(ptrs: *mut *mut u8, buf: *mut u8) -> u16;
    #[link_name = "clock_time_get"]
    fn wasi_clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    #[link_name = "fd_fdstat_get"]
    fn wasi_fd_fdstat_get(fd: u32, stat: *mut u8) -> u16;
}

/// Whether `fd` is a terminal: WASI reports terminals as character devices.
/// Asked at run time only (what the host's stdio is can change between runs).
pub fn is_terminal(fd: u32) -> bool {
    if cfg!(feature = "http") || crate::phase::is_build() {
        return false;
    }
    // struct fdstat: filetype (u8), flags (u16), two u64 rights: 24 bytes.
    let mut stat = [0u64; 3];
    // SAFETY: a 24-byte, 8-aligned buffer for WASI to fill.
    let errno = unsafe { wasi_fd_fdstat_get(fd, stat.as_mut_ptr().cast()) };
    errno == 0 && (stat[0] & 0xff) as u8 == 2
}

const CLOCK_REALTIME: u32 = 0;
const CLOCK_MONOTONIC: u32 = 1;

/// In an HTTP component serving a request, clocks and randomness come from the
/// WASI 0.2 interfaces directly. Through preview 1 they would go via the
/// component's adapter, whose first call in every instance sets up its own
/// state and stack: a cost per request for two numbers. (At build time the
/// engine runs as a preview 1 module, where only preview 1 exists.)
#[cfg(feature = "http")]
fn direct() -> bool {
    !crate::phase::is_build()
}

/// Fills `buf` from the host's secure random source.
pub fn random(buf: &mut [u8]) {
    #[cfg(feature = "http")]
    if direct() {
        let bytes = wasip2::random::random::get_random_bytes(buf.len() as u64);
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        return;
    }
    // A host that cannot give randomness leaves zeros; there is no better answer.
    unsafe { wasi_random_get(buf.as_mut_ptr(), buf.len()) };
}

fn string_list(
    sizes: unsafe extern "C" fn(*mut usize, *mut usize) -> u16,
    get: unsafe extern "C" fn(*mut *mut u8, *mut u8) -> u16,
) -> Vec<String> {
    let (mut count, mut size) = (0usize, 0usize);
    if unsafe { sizes(&mut count, &mut size) } != 0 {
        return Vec::new();
    }
    let mut ptrs = vec![std::ptr::null_mut::<u8>(); count];
    let mut buf = vec![0u8; size];
    if unsafe { get(ptrs.as_mut_ptr(), buf.as_mut_ptr()) } != 0 {
        return Vec::new();
    }
    let base = buf.as_ptr() as usize;
    ptrs.iter()
        .map(|&p| {
            let start = p as usize - base;
            let len = buf[start..]
                .iter()
                .position(|&b| b == 0)
                .unwrap_or(buf.len() - start);
            String::from_utf8_lossy(&buf[start..start + len]).into_owned()
        })
        .collect()
}

pub fn args() -> Vec<String> {
    string_list(wasi_args_sizes_get, wasi_args_get)
}

pub fn environ() -> Vec<(String, String)> {
    string_list(wasi_environ_sizes_get, wasi_environ_get)
        .into_iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (kv, String::new()),
        })
        .collect()
}

fn clock(id: u32) -> u64 {
    let mut t = 0u64;
    unsafe { wasi_clock_time_get(id, 1000, &mut t) };
    t
}

/// Nanoseconds of the host's monotonic clock.
pub fn monotonic_ns() -> u64 {
    #[cfg(feature = "http")]
    if direct() {
        return wasip2::clocks::monotonic_clock::now();
    }
    clock(CLOCK_MONOTONIC)
}

/// Nanoseconds of the monotonic clock for jsw's own instruments (the
/// profiler, the phases `jsw bench` reads), marked as theirs (see
/// jsw_wire::names::INSTRUMENT_CLOCK_PRECISION) so a replay can tell them
/// from the program's reads. Components read wasi:clocks directly, unmarked.
pub fn instrument_monotonic_ns() -> u64 {
    #[cfg(feature = "http")]
    if direct() {
        return wasip2::clocks::monotonic_clock::now();
    }
    let mut t = 0u64;
    unsafe {
        wasi_clock_time_get(
            CLOCK_MONOTONIC,
            jsw_wire::names::INSTRUMENT_CLOCK_PRECISION,
            &mut t,
        )
    };
    t
}

/// Nanoseconds since the Unix epoch.
pub fn realtime_ns() -> u64 {
    #[cfg(feature = "http")]
    if direct() {
        let now = wasip2::clocks::wall_clock::now();
        return now.seconds * 1_000_000_000 + u64::from(now.nanoseconds);
    }
    clock(CLOCK_REALTIME)
}
