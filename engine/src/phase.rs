//! Whether the program is being built (inside the snapshot) or run.

use std::cell::Cell;

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
}

pub fn start_running() {
    RUNNING.set(true);
}

pub fn is_build() -> bool {
    !RUNNING.get()
}
