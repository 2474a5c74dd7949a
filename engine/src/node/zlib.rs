//! Deflate and inflate for node:zlib: zlib, gzip and raw streams, compressed by
//! flate2 (miniz_oxide) and decompressed here around flate2's raw inflater, so
//! that a bad input gets zlib's own error (a wrong header, a bad checksum, a
//! truncated stream are different errors in Node, with different codes).

use std::io::Write;

use flate2::{Compression, Crc, Decompress, FlushDecompress, Status};
use rquickjs::{Ctx, Function, Object, TypedArray};

/// A zlib failure as Node reports it: message, code and errno.
struct ZError(&'static str, &'static str, i32);

const TRUNCATED: ZError = ZError("unexpected end of file", "Z_BUF_ERROR", -5);
const BAD_HEADER: ZError = ZError("incorrect header check", "Z_DATA_ERROR", -3);
const BAD_DATA: ZError = ZError("invalid deflate data", "Z_DATA_ERROR", -3);
const BAD_CHECK: ZError = ZError("incorrect data check", "Z_DATA_ERROR", -3);
const BAD_LENGTH: ZError = ZError("incorrect length check", "Z_DATA_ERROR", -3);
const BAD_METHOD: ZError = ZError("unknown compression method", "Z_DATA_ERROR", -3);
const TOO_LARGE: ZError = ZError("", "ERR_BUFFER_TOO_LARGE", 0);

fn compress(format: &str, input: &[u8], level: i32) -> Vec<u8> {
    let level = if level < 0 {
        Compression::default()
    } else {
        Compression::new(level.min(9) as u32)
    };
    // Writing into a Vec cannot fail.
    let finish = |r: std::io::Result<Vec<u8>>| r.unwrap_or_default();
    match format {
        "gzip" => {
            // Node's header: no name, no time, "Unix" as the operating system.
            let mut e = flate2::GzBuilder::new()
                .operating_system(3)
                .write(Vec::new(), level);
            let _ = e.write_all(input);
            finish(e.finish())
        }
        "raw" => {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), level);
            let _ = e.write_all(input);
            finish(e.finish())
        }
        _ => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), level);
            let _ = e.write_all(input);
            finish(e.finish())
        }
    }
}

/// Inflates the raw deflate stream at the start of `input`; returns the output
/// and how many input bytes the stream took.
fn inflate_raw(input: &[u8], limit: usize) -> Result<(Vec<u8>, usize), ZError> {
    let mut d = Decompress::new(false);
    let mut out = Vec::with_capacity((input.len() * 3).clamp(64, 1 << 20));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= limit {
                return Err(TOO_LARGE);
            }
            out.reserve(out.len().max(64));
        }
        let (in_before, out_before) = (d.total_in() as usize, out.len());
        let status = d
            .decompress_vec(&input[in_before..], &mut out, FlushDecompress::None)
            .map_err(|_| BAD_DATA)?;
        if status == Status::StreamEnd {
            break;
        }
        // No progress with room to write: the stream wants input that is not there.
        if d.total_in() as usize == in_before && out.len() == out_before {
            return Err(TRUNCATED);
        }
    }
    if out.len() > limit {
        return Err(TOO_LARGE);
    }
    Ok((out, d.total_in() as usize))
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

fn inflate_zlib(input: &[u8], limit: usize) -> Result<Vec<u8>, ZError> {
    if input.len() < 2 {
        return Err(TRUNCATED);
    }
    let (cmf, flg) = (input[0], input[1]);
    if cmf & 0x0f != 8 || !(cmf as u16 * 256 + flg as u16).is_multiple_of(31) {
        return Err(BAD_HEADER);
    }
    if flg & 0x20 != 0 {
        return Err(ZError("need dictionary", "Z_NEED_DICT", 2));
    }
    let (out, used) = inflate_raw(&input[2..], limit)?;
    let trailer = input.get(2 + used..2 + used + 4).ok_or(TRUNCATED)?;
    if u32::from_be_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) != adler32(&out) {
        return Err(BAD_CHECK);
    }
    Ok(out)
}

/// One or more gzip members, as Node's gunzip reads them.
fn inflate_gzip(mut input: &[u8], limit: usize) -> Result<Vec<u8>, ZError> {
    let mut all = Vec::new();
    loop {
        let body = gzip_header(input)?;
        let (out, used) = inflate_raw(&input[body..], limit.saturating_sub(all.len()))?;
        let trailer = input.get(body + used..body + used + 8).ok_or(TRUNCATED)?;
        let mut crc = Crc::new();
        crc.update(&out);
        if u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) != crc.sum() {
            return Err(BAD_CHECK);
        }
        if u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]) != out.len() as u32
        {
            return Err(BAD_LENGTH);
        }
        all.extend_from_slice(&out);
        input = &input[body + used + 8..];
        // Another member follows only if it starts with gzip's magic; anything
        // else after a member is ignored, as zlib does.
        if !input.starts_with(&[0x1f, 0x8b]) {
            return Ok(all);
        }
    }
}

/// Length of the gzip header at the start of `input`.
fn gzip_header(input: &[u8]) -> Result<usize, ZError> {
    if input.len() < 10 {
        return Err(if input.len() >= 2 && input[..2] != [0x1f, 0x8b] {
            BAD_HEADER
        } else {
            TRUNCATED
        });
    }
    if input[..2] != [0x1f, 0x8b] {
        return Err(BAD_HEADER);
    }
    if input[2] != 8 {
        return Err(BAD_METHOD);
    }
    let flags = input[3];
    let mut at = 10;
    if flags & 4 != 0 {
        let len = input.get(at..at + 2).ok_or(TRUNCATED)?;
        at += 2 + u16::from_le_bytes([len[0], len[1]]) as usize;
    }
    for bit in [8, 16] {
        if flags & bit != 0 {
            let end = input
                .get(at..)
                .ok_or(TRUNCATED)?
                .iter()
                .position(|&b| b == 0);
            at += end.ok_or(TRUNCATED)? + 1;
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    if at > input.len() {
        return Err(TRUNCATED);
    }
    Ok(at)
}

fn decompress(format: &str, input: &[u8], limit: usize) -> Result<Vec<u8>, ZError> {
    match format {
        "raw" => inflate_raw(input, limit).map(|(out, _)| out),
        "gzip" => inflate_gzip(input, limit),
        // unzip: gzip or zlib, told apart by gzip's magic bytes.
        "unzip" if input.starts_with(&[0x1f, 0x8b]) => inflate_gzip(input, limit),
        "unzip" if input.len() < 2 && input.first().is_none_or(|&b| b == 0x1f) => Err(TRUNCATED),
        _ => inflate_zlib(input, limit),
    }
}

/// The CRC-32 (IEEE 802.3, as zlib computes it) table, made at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// zlib's crc32(value, bytes): the checksum of `bytes` continuing from `value`
/// (the checksum of what came before, 0 to start). flate2's Crc always starts
/// from 0, and zlib.crc32 takes the running value.
fn crc32(value: u32, bytes: &[u8]) -> u32 {
    let mut c = !value;
    for &b in bytes {
        c = CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

pub fn natives<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
    let o = Object::new(ctx.clone())?;
    o.set(
        "crc32",
        Function::new(
            ctx.clone(),
            |input: TypedArray<'js, u8>, value: f64| -> f64 {
                crc32(value as u32, super::bytes(&input)) as f64
            },
        )?,
    )?;
    o.set(
        "compress",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, format: String, input: TypedArray<'js, u8>, level: i32| {
                TypedArray::<u8>::new(ctx, compress(&format, super::bytes(&input), level))
            },
        )?,
    )?;
    o.set(
        "decompress",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>,
             format: String,
             input: TypedArray<'js, u8>,
             limit: f64|
             -> rquickjs::Result<TypedArray<'js, u8>> {
                let limit = if limit >= 1.0 {
                    limit as usize
                } else {
                    usize::MAX
                };
                match decompress(&format, super::bytes(&input), limit) {
                    Ok(out) => TypedArray::new(ctx, out),
                    Err(ZError(message, code, errno)) => {
                        let e = super::new_error(&ctx, message)?;
                        e.set("errno", errno)?;
                        e.set("code", code)?;
                        Err(ctx.throw(e.into_value()))
                    }
                }
            },
        )?,
    )?;
    Ok(o)
}
