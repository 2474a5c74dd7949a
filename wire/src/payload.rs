//! The program `jsw compile` hands to the engine: written by the compiler,
//! read by the engine from stdin inside the snapshot sandbox. Binary and
//! length-prefixed, so that no escaping is ever needed:
//!
//! ```text
//! "JSW1" mode:u8 entry:str entry_export:str count:u32 module*count [wit:bytes]
//! module = kind:u8 name:str source:str positions:bytes imports:str verbatim:u8
//! str, bytes = len:u32 (little-endian) then the bytes
//! ```
//!
//! `imports` is `specifier \0 module name \0` pairs; `verbatim` is 0 for a
//! generated position table, or 1 + the number of header lines before the file
//! as written; `wit` follows only in [`Mode::Wit`] (the world's table) and
//! [`Mode::Http`] (the table of the host imports a handler's bindings use).

use crate::reader::Reader;

pub const MAGIC: &[u8; 4] = b"JSW1";

/// How much of the program runs inside the snapshot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Top level evaluated at build time; the exported entry function runs at start.
    Snapshot,
    /// Modules compiled at build time; the whole program runs at start.
    Script,
    /// Nothing but the payload itself is kept: engine, globals and program all
    /// start at run time. Exists to measure what the snapshot saves.
    Deferred,
    /// Top level evaluated at build time, then its fetch handler is found; each
    /// HTTP request is a run (engine built with the `http` feature).
    Http,
    /// Top level evaluated at build time, then the functions a WIT world
    /// exports are found in the entry; the host calls them (feature `wit`).
    Wit,
}

impl Mode {
    const ALL: [Mode; 5] = [
        Mode::Snapshot,
        Mode::Script,
        Mode::Deferred,
        Mode::Http,
        Mode::Wit,
    ];

    pub const fn code(self) -> u8 {
        match self {
            Mode::Snapshot => 0,
            Mode::Script => 1,
            Mode::Deferred => 2,
            Mode::Http => 3,
            Mode::Wit => 4,
        }
    }

    pub fn from_code(code: u8) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// What a module of the payload is, and so how the engine registers it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ModuleKind {
    /// An ES module, linked by QuickJS.
    Esm,
    /// A CommonJS module: a script evaluating to `[requireMap, factory]`.
    CommonJs,
    /// One of the engine's own JS parts implementing a Node built-in the
    /// program imports (the compiler's bundle/builtins.rs), evaluated before
    /// the program with jsw's internals.
    Part,
    /// A classic script: global code, compiled at build time and run when the
    /// entry starts or when first imported or required.
    Script,
}

impl ModuleKind {
    const ALL: [ModuleKind; 4] = [
        ModuleKind::Esm,
        ModuleKind::CommonJs,
        ModuleKind::Part,
        ModuleKind::Script,
    ];

    pub const fn code(self) -> u8 {
        match self {
            ModuleKind::Esm => 0,
            ModuleKind::CommonJs => 1,
            ModuleKind::Part => 2,
            ModuleKind::Script => 3,
        }
    }

    pub fn from_code(code: u8) -> Option<ModuleKind> {
        ModuleKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    pub kind: ModuleKind,
    pub name: String,
    pub source: String,
    /// The packed position table ([`crate::positions::pack`]).
    pub positions: Vec<u8>,
    /// For an ES module kept as written: (specifier, module name) pairs.
    pub imports: Vec<(String, String)>,
    /// Kept as written after this many header lines: positions are the
    /// source's, and the table holds only the exceptions.
    pub verbatim: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payload {
    pub mode: Mode,
    /// The entry module's name.
    pub entry: String,
    /// The exported function to call at start, if there is one.
    pub entry_export: Option<String>,
    pub modules: Vec<Module>,
    /// In [`Mode::Wit`]: the world's functions and types (the compiler's
    /// `wit/plan.rs` writes it, the engine's `wit/mod.rs` reads it).
    pub wit: Vec<u8>,
}

impl Payload {
    /// The bytes the engine reads. Panics on a header line count above 254
    /// (the compiler's verbatim modules have one or two).
    pub fn encode(&self) -> Vec<u8> {
        fn bytes(out: &mut Vec<u8>, b: &[u8]) {
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(b);
        }
        let size: usize = self
            .modules
            .iter()
            .map(|m| m.source.len() + m.positions.len() + 64)
            .sum();
        let mut out = Vec::with_capacity(size + self.wit.len() + 64);
        out.extend_from_slice(MAGIC);
        out.push(self.mode.code());
        bytes(&mut out, self.entry.as_bytes());
        bytes(
            &mut out,
            self.entry_export.as_deref().unwrap_or("").as_bytes(),
        );
        out.extend_from_slice(&(self.modules.len() as u32).to_le_bytes());
        for module in &self.modules {
            out.push(module.kind.code());
            bytes(&mut out, module.name.as_bytes());
            bytes(&mut out, module.source.as_bytes());
            bytes(&mut out, &module.positions);
            let mut imports = String::new();
            for (specifier, name) in &module.imports {
                imports.push_str(specifier);
                imports.push('\0');
                imports.push_str(name);
                imports.push('\0');
            }
            bytes(&mut out, imports.as_bytes());
            out.push(module.verbatim.map_or(0, |n| {
                u8::try_from(n + 1).expect("a verbatim module has at most 254 header lines")
            }));
        }
        if matches!(self.mode, Mode::Wit | Mode::Http) {
            bytes(&mut out, &self.wit);
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Payload, String> {
        let mut r = Reader::new(bytes, "program payload");
        if r.take(4)? != MAGIC {
            return Err("not a jsw program payload".into());
        }
        let code = r.byte()?;
        let mode = Mode::from_code(code).ok_or(format!("unknown mode {code}"))?;
        let entry = r.string()?;
        let entry_export = Some(r.string()?).filter(|e| !e.is_empty());
        let count = r.u32()?;
        let mut modules = Vec::with_capacity(count.min(1 << 16) as usize);
        for _ in 0..count {
            let code = r.byte()?;
            let kind = ModuleKind::from_code(code).ok_or(format!("unknown module kind {code}"))?;
            let name = r.string()?;
            let source = r.string()?;
            let positions = r.bytes()?.to_vec();
            let list = r.string()?;
            let mut parts = list.split('\0');
            let mut imports = Vec::new();
            while let (Some(specifier), Some(name)) = (parts.next(), parts.next()) {
                imports.push((specifier.to_string(), name.to_string()));
            }
            let verbatim = match r.byte()? {
                0 => None,
                n => Some(n as u32 - 1),
            };
            modules.push(Module {
                kind,
                name,
                source,
                positions,
                imports,
                verbatim,
            });
        }
        let wit = if matches!(mode, Mode::Wit | Mode::Http) {
            r.bytes()?.to_vec()
        } else {
            Vec::new()
        };
        if r.left() > 0 {
            return Err(format!(
                "{} bytes after the end of the program payload",
                r.left()
            ));
        }
        Ok(Payload {
            mode,
            entry,
            entry_export,
            modules,
            wit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(mode: Mode) -> Payload {
        Payload {
            mode,
            entry: "app.ts".into(),
            entry_export: Some("main".into()),
            modules: vec![
                Module {
                    kind: ModuleKind::Esm,
                    name: "app.ts".into(),
                    source: "import x from './x.cjs?esm';\nexport function main() {}".into(),
                    positions: crate::positions::pack(&[0, 0, 0, 0, 1, 7, 1, 4]),
                    imports: vec![("./x.cjs".into(), "x.cjs?esm".into())],
                    verbatim: None,
                },
                Module {
                    kind: ModuleKind::CommonJs,
                    name: "x.cjs".into(),
                    source: "module.exports = 'é';".into(),
                    positions: vec![],
                    imports: vec![],
                    verbatim: Some(2),
                },
                Module {
                    kind: ModuleKind::Part,
                    name: "node:zlib".into(),
                    source: String::new(),
                    positions: vec![],
                    imports: vec![],
                    verbatim: Some(0),
                },
                Module {
                    kind: ModuleKind::Script,
                    name: "s.js".into(),
                    source: "var a = 1".into(),
                    positions: vec![1, 2, 3],
                    imports: vec![],
                    verbatim: None,
                },
            ],
            wit: if mode == Mode::Wit {
                vec![9, 8, 7]
            } else {
                vec![]
            },
        }
    }

    #[test]
    fn every_mode_round_trips() {
        for mode in Mode::ALL {
            let payload = sample(mode);
            assert_eq!(Payload::decode(&payload.encode()), Ok(payload));
        }
        let none = Payload {
            entry_export: None,
            modules: vec![],
            ..sample(Mode::Script)
        };
        assert_eq!(Payload::decode(&none.encode()), Ok(none));
    }

    #[test]
    fn the_layout_is_the_documented_one() {
        let bytes = Payload {
            mode: Mode::Http,
            entry: "a".into(),
            entry_export: None,
            modules: vec![],
            wit: vec![],
        }
        .encode();
        // The last four bytes: an empty table of host imports.
        assert_eq!(bytes, b"JSW1\x03\x01\0\0\0a\0\0\0\0\0\0\0\0\0\0\0\0");
    }

    #[test]
    fn bad_payloads_are_errors_not_panics() {
        let good = sample(Mode::Wit).encode();
        for cut in 0..good.len() {
            assert!(Payload::decode(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut bad = good.clone();
        bad[4] = 9;
        assert_eq!(Payload::decode(&bad), Err("unknown mode 9".into()));
        assert!(Payload::decode(b"JSW2").is_err());
        let mut long = good;
        long.push(0);
        assert!(Payload::decode(&long).is_err());
    }
}
