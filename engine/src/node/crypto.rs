//! Hashes, HMAC and PBKDF2 for node:crypto and crypto.subtle, from RustCrypto.
//! The JS side keeps a hash's input as a list of chunks and hands them over in
//! one call at `digest()`, so no Rust state outlives a call and nothing leaks
//! when a Hash object is dropped without being digested.

use hmac::{Hmac, Mac};
use rquickjs::{Array, Ctx, Exception, Function, Object, TypedArray};
use sha2::Digest;

use super::each_chunk;

/// The algorithms jsw hashes with, by Node's names (lower case).
#[derive(Clone, Copy)]
enum Algorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    fn parse(name: &str) -> Option<Algorithm> {
        Some(match name.to_ascii_lowercase().as_str() {
            "md5" => Algorithm::Md5,
            "sha1" | "sha-1" => Algorithm::Sha1,
            "sha224" | "sha-224" => Algorithm::Sha224,
            "sha256" | "sha-256" => Algorithm::Sha256,
            "sha384" | "sha-384" => Algorithm::Sha384,
            "sha512" | "sha-512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    /// The algorithm `name` names, or the error for one jsw does not hash with.
    fn named(ctx: &Ctx<'_>, name: &str) -> rquickjs::Result<Algorithm> {
        Algorithm::parse(name).ok_or_else(|| {
            Exception::throw_message(ctx, &format!("Digest method not supported: {name}"))
        })
    }
}

fn digest(algorithm: Algorithm, chunks: &Array<'_>) -> rquickjs::Result<Vec<u8>> {
    fn run<D: Digest>(chunks: &Array<'_>) -> rquickjs::Result<Vec<u8>> {
        let mut d = D::new();
        each_chunk(chunks, |c| d.update(c))?;
        Ok(d.finalize().to_vec())
    }
    match algorithm {
        Algorithm::Md5 => run::<md5::Md5>(chunks),
        Algorithm::Sha1 => run::<sha1::Sha1>(chunks),
        Algorithm::Sha224 => run::<sha2::Sha224>(chunks),
        Algorithm::Sha256 => run::<sha2::Sha256>(chunks),
        Algorithm::Sha384 => run::<sha2::Sha384>(chunks),
        Algorithm::Sha512 => run::<sha2::Sha512>(chunks),
    }
}

fn hmac(algorithm: Algorithm, key: &[u8], chunks: &Array<'_>) -> rquickjs::Result<Vec<u8>> {
    fn run<M: Mac + hmac::digest::KeyInit>(
        key: &[u8],
        chunks: &Array<'_>,
    ) -> rquickjs::Result<Vec<u8>> {
        // HMAC takes keys of any length; new_from_slice cannot fail for it.
        let mut m = <M as Mac>::new_from_slice(key).map_err(|_| rquickjs::Error::Unknown)?;
        each_chunk(chunks, |c| m.update(c))?;
        Ok(m.finalize().into_bytes().to_vec())
    }
    match algorithm {
        Algorithm::Md5 => run::<Hmac<md5::Md5>>(key, chunks),
        Algorithm::Sha1 => run::<Hmac<sha1::Sha1>>(key, chunks),
        Algorithm::Sha224 => run::<Hmac<sha2::Sha224>>(key, chunks),
        Algorithm::Sha256 => run::<Hmac<sha2::Sha256>>(key, chunks),
        Algorithm::Sha384 => run::<Hmac<sha2::Sha384>>(key, chunks),
        Algorithm::Sha512 => run::<Hmac<sha2::Sha512>>(key, chunks),
    }
}

fn pbkdf2(algorithm: Algorithm, password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
    use pbkdf2::pbkdf2_hmac;
    match algorithm {
        Algorithm::Md5 => pbkdf2_hmac::<md5::Md5>(password, salt, rounds, out),
        Algorithm::Sha1 => pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, out),
        Algorithm::Sha224 => pbkdf2_hmac::<sha2::Sha224>(password, salt, rounds, out),
        Algorithm::Sha256 => pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, out),
        Algorithm::Sha384 => pbkdf2_hmac::<sha2::Sha384>(password, salt, rounds, out),
        Algorithm::Sha512 => pbkdf2_hmac::<sha2::Sha512>(password, salt, rounds, out),
    }
}

pub fn natives<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
    let o = Object::new(ctx.clone())?;
    o.set(
        "supported",
        Function::new(ctx.clone(), |name: String| {
            Algorithm::parse(&name).is_some()
        })?,
    )?;
    o.set(
        "digest",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             name: String,
             chunks: Array<'js>|
             -> rquickjs::Result<TypedArray<'js, u8>> {
                let algorithm = Algorithm::named(&ctx, &name)?;
                TypedArray::new(ctx, digest(algorithm, &chunks)?)
            },
        )?,
    )?;
    o.set(
        "hmac",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             name: String,
             key: TypedArray<'js, u8>,
             chunks: Array<'js>|
             -> rquickjs::Result<TypedArray<'js, u8>> {
                let algorithm = Algorithm::named(&ctx, &name)?;
                let mac = hmac(algorithm, super::bytes(&key), &chunks)?;
                TypedArray::new(ctx, mac)
            },
        )?,
    )?;
    o.set(
        "pbkdf2",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             name: String,
             password: TypedArray<'js, u8>,
             salt: TypedArray<'js, u8>,
             rounds: u32,
             length: usize|
             -> rquickjs::Result<TypedArray<'js, u8>> {
                let algorithm = Algorithm::named(&ctx, &name)?;
                let mut out = vec![0u8; length];
                pbkdf2(
                    algorithm,
                    super::bytes(&password),
                    super::bytes(&salt),
                    rounds,
                    &mut out,
                );
                TypedArray::new(ctx, out)
            },
        )?,
    )?;
    Ok(o)
}
