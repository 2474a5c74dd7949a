//! The program handed to the engine by `jsw compile`, read from stdin inside the
//! init sandbox. Binary and length-prefixed so that no escaping is ever needed.

use std::io::Read;

pub const MAGIC: &[u8; 4] = b"JSW1";

/// How much of the program runs inside the snapshot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Top level evaluated at build time; the exported entry function runs at start.
    Snapshot,
    /// Modules compiled at build time; the whole program runs at start.
    Script,
    /// Top level evaluated at build time, then its fetch handler is found; each
    /// HTTP request is a run (engine built with the `http` feature).
    Http,
    /// Top level evaluated at build time, then the functions a WIT world
    /// exports are found in the entry; the host calls them (feature `wit`).
    Wit,
    /// Nothing but the payload itself is kept: engine, globals and program all start
    /// at run time. Exists to measure what the snapshot saves.
    Deferred,
}

pub struct Module {
    /// An ES module (false) or a CommonJS script (true).
    pub commonjs: bool,
    /// One of the engine's own parts (a Node built-in's JS half) that the compiler
    /// put in because the program imports that built-in; evaluated before it.
    pub part: bool,
    pub name: String,
    pub source: String,
    /// A classic script (global code), run when first required.
    pub script: bool,
    /// Packed position table (see compiler/src/bundle/transform.rs `pack_positions`).
    pub positions: Vec<u8>,
    /// For an ES module kept as written: `specifier \0 module name \0` pairs.
    pub imports: String,
    /// Kept as written after this many header lines: positions are the source's,
    /// and the table holds only the exceptions.
    pub verbatim: Option<u32>,
}

pub struct Payload {
    pub mode: Mode,
    pub entry: String,
    /// Name of the exported function to call at start ("" when there is none).
    pub entry_export: String,
    pub modules: Vec<Module>,
    /// In `Wit` mode: the world's functions and types (compiler/src/wit/table.rs).
    pub wit: Vec<u8>,
}

impl Payload {
    pub fn read_stdin() -> Result<Payload, String> {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read the program: {e}"))?;
        Payload::parse(&bytes)
    }

    pub fn parse(bytes: &[u8]) -> Result<Payload, String> {
        let mut r = Reader { bytes, pos: 0 };
        if r.take(4)? != MAGIC {
            return Err("not a jsw program payload".into());
        }
        let mode = match r.take(1)?[0] {
            0 => Mode::Snapshot,
            1 => Mode::Script,
            2 => Mode::Deferred,
            3 => Mode::Http,
            4 => Mode::Wit,
            m => return Err(format!("unknown mode {m}")),
        };
        let entry = r.string()?;
        let entry_export = r.string()?;
        let count = r.u32()?;
        let mut modules = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let kind = r.take(1)?[0];
            let (commonjs, part, script) = (kind == 1, kind == 2, kind == 3);
            let name = r.string()?;
            let source = r.string()?;
            let len = r.u32()? as usize;
            let positions = r.take(len)?.to_vec();
            let imports = r.string()?;
            let verbatim = match r.take(1)?[0] {
                0 => None,
                n => Some(n as u32 - 1),
            };
            modules.push(Module {
                commonjs,
                part,
                script,
                name,
                source,
                positions,
                imports,
                verbatim,
            });
        }
        let wit = if mode == Mode::Wit {
            let len = r.u32()? as usize;
            r.take(len)?.to_vec()
        } else {
            Vec::new()
        };
        Ok(Payload {
            mode,
            entry,
            entry_export,
            modules,
            wit,
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or("truncated program payload")?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Result<String, String> {
        let len = self.u32()? as usize;
        let b = self.take(len)?;
        String::from_utf8(b.to_vec()).map_err(|_| "program payload is not UTF-8".to_string())
    }
}
