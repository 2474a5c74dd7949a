//! Linear memory as the canonical ABI sees it: addresses are plain offsets into
//! the engine's own memory, and allocations come from the C allocator QuickJS
//! also uses (16-byte aligned, more than any WIT type needs), so that memory
//! the host allocated through `cabi_realloc` is freed with `free`.

mod libc {
    unsafe extern "C" {
        pub fn malloc(size: usize) -> *mut u8;
        pub fn realloc(ptr: *mut u8, size: usize) -> *mut u8;
        pub fn free(ptr: *mut u8);
    }
}

/// `cabi_realloc`: a zero-sized allocation is a dangling, aligned address that
/// is never freed.
pub fn realloc(old: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if new_size == 0 {
        if old_size != 0 {
            // SAFETY: `old` came from this allocator.
            unsafe { libc::free(old) };
        }
        return align.max(1) as *mut u8;
    }
    // SAFETY: a non-zero `old_size` means `old` came from this allocator.
    let ptr = unsafe {
        if old_size == 0 {
            libc::malloc(new_size)
        } else {
            libc::realloc(old, new_size)
        }
    };
    if ptr.is_null() || !(ptr as usize).is_multiple_of(align.max(1)) {
        super::trap("out of memory");
    }
    ptr
}

pub fn alloc(size: u32, align: u32) -> u32 {
    realloc(std::ptr::null_mut(), 0, align as usize, size as usize) as u32
}

/// Frees memory from `alloc` or `cabi_realloc` (not the zero-sized kind, which
/// callers never pass: they free only non-empty buffers).
pub fn free(ptr: u32) {
    if ptr > 16 {
        // SAFETY: the address came from this allocator.
        unsafe { libc::free(ptr as usize as *mut u8) }
    }
}

pub fn read<T: Copy>(addr: u32) -> T {
    // SAFETY: the host or this engine wrote a `T` there, as the ABI lays it out.
    unsafe { std::ptr::read_unaligned(addr as usize as *const T) }
}

pub fn read_u8(addr: u32) -> u8 {
    read(addr)
}

pub fn read_u16(addr: u32) -> u16 {
    read(addr)
}

pub fn read_u32(addr: u32) -> u32 {
    read(addr)
}

pub fn read_u64(addr: u32) -> u64 {
    read(addr)
}

pub fn bytes(addr: u32, len: u32) -> &'static [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the host placed `len` bytes there and they stay until freed.
    unsafe { std::slice::from_raw_parts(addr as usize as *const u8, len as usize) }
}

pub fn write(addr: u32, bytes: &[u8]) {
    // SAFETY: the address is in memory this side allocated for the value.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as usize as *mut u8, bytes.len()) }
}
