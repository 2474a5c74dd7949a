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
