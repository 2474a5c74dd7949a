//! Reading the little-endian, length-prefixed records both of jsw's binary
//! formats are made of: the program payload and a plugin's world table.

/// A cursor over bytes; every read past the end is an error naming `what`
/// is being read, never a panic.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// `what` names the format in errors ("truncated WIT table").
    pub fn new(bytes: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader {
            bytes,
            pos: 0,
            what,
        }
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("truncated {}", self.what))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    pub fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `u32` length, then that many bytes.
    pub fn bytes(&mut self) -> Result<&'a [u8], String> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    /// A `u32` length, then that many bytes of UTF-8.
    pub fn string(&mut self) -> Result<String, String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| format!("{} is not UTF-8", self.what))
    }

    /// Bytes not read yet.
    pub fn left(&self) -> usize {
        self.bytes.len() - self.pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_and_names_what_is_cut() {
        let mut r = Reader::new(b"\x07\x02\0\0\0hi\xff\xff", "test table");
        assert_eq!(r.byte(), Ok(7));
        assert_eq!(r.string(), Ok("hi".into()));
        assert_eq!(r.left(), 2);
        assert_eq!(r.u32(), Err("truncated test table".into()));
        let mut bad = Reader::new(b"\x01\0\0\0\xff", "test table");
        assert_eq!(bad.string(), Err("test table is not UTF-8".into()));
        assert_eq!(
            Reader::new(b"", "x").take(usize::MAX),
            Err("truncated x".into())
        );
    }
}
