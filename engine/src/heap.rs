//! Zeroing the heap's free memory before the snapshot.
//!
//! Wizer keeps every non-zero byte of linear memory. Memory that was freed during
//! the build (the program's source after compilation, parser buffers, bytecode
//! written and read back) still holds its old bytes, so without this every module
//! would carry them as data: for the runtime's own globals alone, several hundred
//! KiB. The allocator (wasi-libc's dlmalloc) has no way to walk its free chunks,
//! so they are found by allocating: blocks are taken, largest first, for as long
//! as that does not grow memory, zeroed, and given back.

unsafe extern "C" {
    fn malloc(size: usize) -> *mut u8;
    fn free(ptr: *mut u8);
}

fn pages() -> usize {
    core::arch::wasm32::memory_size(0)
}

pub fn zero_free_memory() {
    // Room for the blocks taken, reserved up front so that the list itself
    // never reallocates while the heap is being taken apart.
    let mut held: Vec<*mut u8> = Vec::with_capacity(4096);
    let mut size = 1 << 15;
    // Once memory has grown (by at most a page or so: the first block that did
    // not fit anywhere), blocks from past the old end are new memory, zero
    // already: they are given back and the size halved, so memory grows once.
    let mut fresh_from = usize::MAX;
    while size >= 64 && held.len() < held.capacity() {
        let before = pages();
        // SAFETY: plain malloc/free of blocks this function owns; each block is
        // written only within its size.
        let block = unsafe { malloc(size) };
        if block.is_null() {
            size /= 2;
            continue;
        }
        let grew = pages() != before;
        if grew {
            fresh_from = fresh_from.min(before * 65536);
        }
        if grew || block as usize >= fresh_from {
            unsafe { free(block) };
            size /= 2;
            continue;
        }
        unsafe { core::ptr::write_bytes(block, 0, size) };
        held.push(block);
    }
    for block in &held {
        // SAFETY: each was returned by malloc above and is freed once.
        unsafe { free(*block) };
    }
    // The list's own memory is freed too: leave no pointers in it.
    held.iter_mut().for_each(|b| *b = core::ptr::null_mut());
}

/// The end of the last page of memory that holds a non-zero byte, as found at
/// the end of the build (after [`zero_free_memory`]): past it the snapshot's
/// memory is all zero. 0 until then.
static USED_TOP: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub fn record_used_top() {
    let end = pages() * 65536;
    let mut top = end;
    // SAFETY: reads within linear memory, which is `end` bytes long.
    unsafe {
        while top >= 4096 {
            let page = core::slice::from_raw_parts((top - 4096) as *const u64, 512);
            if page.iter().any(|&w| w != 0) {
                break;
            }
            top -= 4096;
        }
    }
    USED_TOP.store(top, std::sync::atomic::Ordering::Relaxed);
}

/// See [`record_used_top`]; the end of memory when it was not recorded.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub fn used_top() -> usize {
    match USED_TOP.load(std::sync::atomic::Ordering::Relaxed) {
        0 => pages() * 65536,
        top => top,
    }
}

#[cfg(feature = "http")]
unsafe extern "C" {
    static __heap_base: u8;
}

/// Writes one byte (the same value) to every page of the heap, in every
/// request served by a host that says (with the `jsw-resident-pool` request
/// header, as `jsw serve` does) that it keeps memory resident. Elsewhere (`wasmtime serve`, hosts that map a fresh copy of the
/// snapshot per instance) every page written is a copy-on-write fault, so there
/// it is not done.
///
/// Why: a request writes to ~50 pages scattered over the snapshot's heap
/// (reference counts, new objects). `jsw serve` (and any host using wasmtime's
/// pooling allocator with `linear_memory_keep_resident`) resets an instance's
/// memory by finding its private pages with the PAGEMAP_SCAN ioctl and copying
/// them back from the image; wasmtime 48 takes at most 32 runs of such pages
/// and unmaps everything past the 32nd, so ~40 of those pages were faulted in
/// again (copy-on-write, then read faults) by every request. With every page
/// private, the heap is one run: nothing faults, and the reset copies the heap
/// (1.3 MiB for a hello handler) instead. Measured with `jsw bench` on a hello
/// handler, including the reset: 340 µs → 266 µs per request, 36 → 0 faults.
/// Once a pool slot's pages are private this loop only reads and writes
/// resident memory (~340 pages, a few µs).
#[cfg(feature = "http")]
pub fn touch_used_heap() {
    let start = (&raw const __heap_base) as usize;
    // Up to the last page the snapshot holds data in: pages past it are zero
    // and cost a fault only the first time a pool slot uses them.
    let end = crate::heap::used_top();
    let mut page = start & !4095;
    while page < end {
        // SAFETY: every address below memory_size is in bounds; the byte is
        // written back unchanged.
        unsafe {
            let p = page as *mut u8;
            core::ptr::write_volatile(p, core::ptr::read_volatile(p));
        }
        page += 4096;
    }
}
