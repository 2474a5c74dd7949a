//! Output for the program. stdout is buffered in memory and flushed at exit, when
//! it grows large, before anything goes to stderr (so that a terminal shows the two
//! streams in program order) and before the snapshot (so that build-time output is
//! never frozen into the module and printed again at every run).

use std::cell::RefCell;
use std::io::Write;

const FLUSH_AT: usize = 64 * 1024;

thread_local! {
    static STDOUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

pub fn write(fd: u32, bytes: &[u8]) {
    match fd {
        1 => {
            let full = STDOUT.with_borrow_mut(|buf| {
                buf.extend_from_slice(bytes);
                buf.len() >= FLUSH_AT
            });
            if full {
                flush();
            }
        }
        _ => {
            flush();
            // A closed stderr leaves the program nowhere to report to; carry on.
            let _ = std::io::stderr().write_all(bytes);
        }
    }
}

pub fn flush() {
    let pending = STDOUT.with_borrow_mut(std::mem::take);
    if pending.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    // A reader that went away (EPIPE) is not the program's failure: drop the output.
    let _ = out.write_all(&pending).and_then(|_| out.flush());
}
