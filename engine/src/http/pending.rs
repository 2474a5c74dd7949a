//! I/O that a handler awaits: an outbound response's head, the next chunk of an
//! outbound response body or of the request body. Each wait is a wasi:io
//! pollable and a promise; the event loop (globals/timers.rs) polls them
//! together with the next timer, so that a handler waiting on an upstream still
//! runs its timers (`AbortSignal.timeout`, `setTimeout`) and can give up.
//!
//! A pollable is a child of the resource it watches (a future, a stream) and
//! must go before it: [`forget`] drops a key's waits and is called before the
//! resource is dropped.

use std::cell::RefCell;

use rquickjs::{Ctx, Function, Persistent, Promise};
use wasip2::io::poll::{Pollable, poll};

/// What a wait is on: the kind of resource and its id.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Key {
    /// The head of outbound response `id`.
    Head(u32),
    /// The next chunk of outbound response body `id`.
    Body(u32),
    /// The next chunk of the request body.
    Request,
}

struct Wait {
    key: Key,
    pollable: Pollable,
    resolve: Persistent<Function<'static>>,
}

thread_local! {
    static WAITS: RefCell<Vec<Wait>> = const { RefCell::new(Vec::new()) };
}

/// Whether anything is awaited.
pub fn waiting() -> bool {
    WAITS.with_borrow(|w| !w.is_empty())
}

/// A promise that resolves once `pollable` is ready.
pub fn add<'js>(ctx: &Ctx<'js>, key: Key, pollable: Pollable) -> rquickjs::Result<Promise<'js>> {
    let (promise, resolve, _reject) = Promise::new(ctx)?;
    let resolve = Persistent::save(ctx, resolve);
    WAITS.with_borrow_mut(|w| {
        w.push(Wait {
            key,
            pollable,
            resolve,
        })
    });
    Ok(promise)
}

/// Drops the waits on `key` (their promises never settle): the resource they
/// watch is about to go.
pub fn forget(key: Key) {
    let gone: Vec<Wait> = WAITS.with_borrow_mut(|w| {
        let (gone, kept) = std::mem::take(w).into_iter().partition(|x| x.key == key);
        *w = kept;
        gone
    });
    drop(gone);
}

/// Blocks until awaited I/O is ready or, when `timeout_ms` is given, that many
/// milliseconds have passed; resolves the waits that are ready. True when any
/// was (their promise jobs are then queued).
pub fn wait(ctx: &Ctx<'_>, timeout_ms: Option<f64>) -> rquickjs::Result<bool> {
    crate::io::flush();
    let timer = timeout_ms
        .map(|ms| wasip2::clocks::monotonic_clock::subscribe_duration((ms.max(0.0) * 1e6) as u64));
    let ready: Vec<u32> = WAITS.with_borrow(|w| {
        let mut list: Vec<&Pollable> = w.iter().map(|x| &x.pollable).collect();
        list.extend(timer.as_ref());
        poll(&list)
    });
    let count = WAITS.with_borrow(Vec::len);
    let mut indices: Vec<usize> = ready
        .into_iter()
        .map(|i| i as usize)
        .filter(|&i| i < count)
        .collect();
    indices.sort_unstable();
    indices.dedup();
    // Taken out first: a resolved promise's code may add or forget waits.
    let done: Vec<Wait> =
        WAITS.with_borrow_mut(|w| indices.iter().rev().map(|&i| w.remove(i)).collect());
    let any = !done.is_empty();
    for wait in done.into_iter().rev() {
        let Wait {
            pollable, resolve, ..
        } = wait;
        drop(pollable);
        resolve.restore(ctx)?.call::<_, ()>(())?;
    }
    Ok(any)
}
