//! How the engine's build-time run (the program's top level inside the snapshot
//! sandbox) ends when it does not end well, and how the compiler tells the cases
//! apart. A top level that calls `process.exit(n)` exits with `n` (0–255, as
//! Node); the statuses below are the engine's own, chosen from the BSD
//! `sysexits.h` range that programs rarely use.

/// The engine's own exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildExit {
    /// The engine failed (an uncaught error the program did not handle, or a
    /// fault of the engine itself); stderr says what (`EX_SOFTWARE`).
    Software,
    /// HTTP mode: the top level ran but left no fetch handler behind
    /// (`EX_CONFIG`). The engine also prints [`NO_HANDLER_LINE`].
    NoHandler,
    /// Plugin mode: the top level ran but its exports do not satisfy the world
    /// (missing or mistyped); stderr says which.
    WorldMismatch,
}

impl BuildExit {
    pub const fn status(self) -> i32 {
        match self {
            BuildExit::Software => 70,
            BuildExit::NoHandler => 78,
            BuildExit::WorldMismatch => 79,
        }
    }

    pub fn from_status(status: i32) -> Option<BuildExit> {
        [
            BuildExit::Software,
            BuildExit::NoHandler,
            BuildExit::WorldMismatch,
        ]
        .into_iter()
        .find(|e| e.status() == status)
    }
}

/// The line the HTTP engine prints before exiting with
/// [`BuildExit::NoHandler`]: a program could exit with 78 itself, so the
/// compiler checks both.
pub const NO_HANDLER_LINE: &str = "jsw: the program has no fetch handler\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_are_distinct() {
        for e in [
            BuildExit::Software,
            BuildExit::NoHandler,
            BuildExit::WorldMismatch,
        ] {
            assert_eq!(BuildExit::from_status(e.status()), Some(e));
        }
        assert_eq!(BuildExit::from_status(0), None);
        assert_eq!(BuildExit::from_status(1), None);
    }
}
