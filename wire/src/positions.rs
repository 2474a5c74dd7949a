//! Position tables: where each generated line and column of a bundled module
//! came from in its source file. The compiler's transform writes them (one per
//! module), the engine's `Error.prototype.stack` reads them when a trace passes
//! through the module.
//!
//! A table is sorted `[gen line, gen col, src line, src col]` quadruples,
//! packed as LEB128 varints of the generated line delta, the generated column
//! (a delta on the same line), the zigzag source-line delta and the source
//! column: about 4–5 bytes an entry instead of 16.

/// Packs sorted quadruples, flattened (`flat.len()` a multiple of 4).
pub fn pack(flat: &[u32]) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    let mut out = Vec::with_capacity(flat.len());
    let (mut line, mut col, mut src_line) = (0u32, 0u32, 0i64);
    for q in flat.chunks_exact(4) {
        varint(&mut out, (q[0] - line) as u64);
        if q[0] != line {
            col = 0;
        }
        varint(&mut out, (q[1] - col) as u64);
        let d = q[2] as i64 - src_line;
        varint(&mut out, ((d << 1) ^ (d >> 63)) as u64);
        varint(&mut out, q[3] as u64);
        (line, col, src_line) = (q[0], q[1], q[2] as i64);
    }
    out
}

/// The quadruples of a packed table. A truncated or corrupt table gives the
/// entries before the damage (a stack trace then shows generated positions
/// past it, never garbage).
pub fn unpack(bytes: &[u8]) -> Vec<[u32; 4]> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let mut i = 0;
    let mut next = || -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = *bytes.get(i)?;
            i += 1;
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Some(v);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    };
    let (mut line, mut col, mut src_line) = (0u32, 0u32, 0i64);
    while let (Some(dl), Some(c), Some(ds), Some(sc)) = (next(), next(), next(), next()) {
        if dl != 0 {
            col = 0;
        }
        line = line.wrapping_add(dl as u32);
        col = col.wrapping_add(c as u32);
        src_line += ((ds >> 1) as i64) ^ -((ds & 1) as i64);
        out.push([line, col, src_line.max(0) as u32, sc as u32]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip() {
        let quads: Vec<[u32; 4]> = vec![
            [0, 0, 0, 0],
            [0, 5, 3, 2],
            [0, 300, 1, 1],
            [2, 1, 0, 9],
            [2, 70_000, 40_000, 200],
            [9, 0, 12, 0],
            [100_000, 3, 5, 4_000_000],
        ];
        let flat: Vec<u32> = quads.iter().flatten().copied().collect();
        let packed = pack(&flat);
        assert!(packed.len() < flat.len() * 4);
        assert_eq!(unpack(&packed), quads);
        assert!(unpack(&[]).is_empty());
    }

    #[test]
    fn damage_keeps_what_came_before() {
        let packed = pack(&[0, 1, 0, 1, 1, 1, 1, 1]);
        let cut = &packed[..packed.len() - 1];
        assert_eq!(unpack(cut), vec![[0, 1, 0, 1]]);
        assert_eq!(unpack(&[0xff; 20]), Vec::<[u32; 4]>::new());
    }
}
