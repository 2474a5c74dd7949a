//! Randomness: `Math.random` and `crypto.getRandomValues`. QuickJS seeds its own
//! generator when the context is created, which happens at build time, so every run
//! of a snapshot would repeat the same numbers. `Math.random` is replaced by a
//! generator reseeded from WASI `random_get` when the module starts; crypto draws
//! from `random_get` directly.

use std::cell::Cell;

use rquickjs::{Ctx, Function, Object, TypedArray};

use crate::wasi;

thread_local! {
    static STATE: Cell<[u64; 2]> = const { Cell::new([0x9e37_79b9_7f4a_7c15, 0xbf58_476d_1ce4_e5b9]) };
}

pub fn reseed() {
    let mut seed = [0u8; 16];
    wasi::random(&mut seed);
    let a = u64::from_le_bytes(seed[..8].try_into().unwrap_or_default());
    let b = u64::from_le_bytes(seed[8..].try_into().unwrap_or_default());
    // xorshift128+ must not start from all zeros.
    STATE.set(if a | b == 0 { [1, 2] } else { [a, b] });
}

/// xorshift128+, the generator V8 uses for Math.random: fast, and 53 random bits
/// per double.
fn next_f64() -> f64 {
    let [mut s1, s0] = STATE.get();
    s1 ^= s1 << 23;
    s1 ^= s1 >> 17;
    s1 ^= s0;
    s1 ^= s0 >> 26;
    STATE.set([s0, s1]);
    (s0.wrapping_add(s1) >> 11) as f64 / (1u64 << 53) as f64
}

pub fn init<'js>(ctx: &Ctx<'js>, jsw: &Object<'js>) -> rquickjs::Result<()> {
    jsw.set("random", Function::new(ctx.clone(), next_f64)?)?;
    jsw.set(
        "randomBytes",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, n: usize| -> rquickjs::Result<TypedArray<'js, u8>> {
                let mut buf = vec![0u8; n];
                wasi::random(&mut buf);
                TypedArray::new(ctx, buf)
            },
        )?,
    )?;
    super::eval_part(ctx, jsw, "random", include_str!("random.js"))
}
