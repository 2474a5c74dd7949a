//! What a plugin built against a world needs, worked out from the WIT with
//! wit-parser: the table of functions and types the engine lifts and lowers
//! with (engine/src/wit/, read by its `parse`), the JS modules through which
//! the program calls the world's imports, and each core function's name and
//! canonical-ABI signature.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Result, bail};
use wit_parser::abi::{AbiVariant, WasmType};
use wit_parser::{
    Function, FunctionKind, InterfaceId, LiftLowerAbi, ManglingAndAbi, Resolve, Type, TypeDefKind,
    WasmExport, WasmExportKind, WasmImport, WorldItem, WorldKey,
};

use super::{World, camel};

const MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);

/// A core value type of a canonical-ABI signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flat {
    I32,
    I64,
    F32,
    F64,
}

/// One core function of the plugin: an export it adds or an import it calls.
#[derive(Debug, Clone)]
pub struct CoreFunc {
    /// Import module ("" for exports).
    pub module: String,
    pub name: String,
    pub params: Vec<Flat>,
    pub results: Vec<Flat>,
    /// Exports whose results hold memory: the post-return export's name.
    pub post_return: Option<String>,
}

pub struct Plan {
    /// For the engine (payload).
    pub table: Vec<u8>,
    /// `specifier → JS source` of the modules the program imports the world's
    /// functions from.
    pub modules: Vec<(String, String)>,
    pub exports: Vec<CoreFunc>,
    pub imports: Vec<CoreFunc>,
}

/// The specifiers a program may import from (each imported interface, by its
/// WIT path with and without version), and the names each provides.
pub fn import_names(world: &World) -> BTreeMap<String, BTreeSet<String>> {
    let resolve = &world.resolve;
    let mut out = BTreeMap::new();
    for (key, item) in &resolve.worlds[world.world].imports {
        if let WorldItem::Interface { id, .. } = item {
            let names: BTreeSet<String> = resolve.interfaces[*id]
                .functions
                .values()
                .filter(|f| matches!(f.kind, FunctionKind::Freestanding))
                .map(|f| camel(&f.name))
                .collect();
            for specifier in specifiers(resolve, key, *id) {
                out.insert(specifier, names.clone());
            }
        }
    }
    out
}

/// `ns:pkg/iface@1.2.3` and `ns:pkg/iface`.
fn specifiers(resolve: &Resolve, key: &WorldKey, id: InterfaceId) -> Vec<String> {
    let full = resolve
        .id_of(id)
        .unwrap_or_else(|| resolve.name_world_key(key));
    match full.split_once('@') {
        Some((bare, _)) => vec![full.clone(), bare.to_string()],
        None => vec![full],
    }
}

/// Plans the plugin for `world`, with imports for the interfaces the program
/// uses (`used`: specifiers as the bundle resolved them).
pub fn plan(world: &World, used: &BTreeSet<String>) -> Result<Plan> {
    let resolve = &world.resolve;
    let w = &resolve.worlds[world.world];
    let mut table = Table {
        resolve,
        out: Vec::new(),
        count: 0,
        seen: HashMap::new(),
    };
    let mut funcs = Vec::new();
    let mut plan = Plan {
        table: Vec::new(),
        modules: Vec::new(),
        exports: Vec::new(),
        imports: Vec::new(),
    };
    for (key, item) in &w.exports {
        match item {
            WorldItem::Function(f) => {
                funcs.push(("".to_string(), None, f));
            }
            WorldItem::Interface { id, .. } => {
                let local = match key {
                    WorldKey::Name(n) => n.clone(),
                    WorldKey::Interface(i) => {
                        resolve.interfaces[*i].name.clone().unwrap_or_default()
                    }
                };
                for f in resolve.interfaces[*id].functions.values() {
                    supported(resolve, f, &local)?;
                    funcs.push((camel(&local), Some(key), f));
                }
            }
            WorldItem::Type { .. } => {}
        }
    }
    let mut exports = Vec::new();
    for (interface, key, f) in funcs {
        supported(resolve, f, &interface)?;
        let entry = table.func(&interface, f, key)?;
        let sig = resolve.wasm_signature(AbiVariant::GuestExport, f);
        let name = resolve.wasm_export_name(
            MANGLING,
            WasmExport::Func {
                interface: key,
                func: f,
                kind: WasmExportKind::Normal,
            },
        );
        let post_return = f.result.filter(|r| has_pointers(resolve, r)).map(|_| {
            resolve.wasm_export_name(
                MANGLING,
                WasmExport::Func {
                    interface: key,
                    func: f,
                    kind: WasmExportKind::PostReturn,
                },
            )
        });
        exports.push(entry);
        plan.exports.push(CoreFunc {
            module: String::new(),
            name,
            params: flats(&sig.params),
            results: flats(&sig.results),
            post_return,
        });
    }
    let mut imports = Vec::new();
    for (key, item) in &w.imports {
        let WorldItem::Interface { id, .. } = item else {
            if let WorldItem::Function(f) = item {
                bail!(
                    "the world imports the function `{}` directly ({}); jsw maps imported functions \
                     through interfaces: put it in an `interface` and import that",
                    f.name,
                    resolve.render_location(f.span)
                );
            }
            continue;
        };
        let names = specifiers(resolve, key, *id);
        if !names.iter().any(|n| used.contains(n)) {
            continue;
        }
        let mut source = String::from(
            "// The world's imports, called through the engine (jsw:wit).\nimport { call, ComponentError } from \"jsw:wit\";\n",
        );
        for f in resolve.interfaces[*id].functions.values() {
            if !matches!(f.kind, FunctionKind::Freestanding) {
                continue;
            }
            supported(resolve, f, &names[0])?;
            let index = plan.imports.len();
            let entry = table.func(&names[0], f, Some(key))?;
            let throws = entry.throws;
            imports.push(entry);
            let sig = resolve.wasm_signature(AbiVariant::GuestImport, f);
            let (module, name) = resolve.wasm_import_name(
                MANGLING,
                WasmImport::Func {
                    interface: Some(key),
                    func: f,
                },
            );
            plan.imports.push(CoreFunc {
                module,
                name,
                params: flats(&sig.params),
                results: flats(&sig.results),
                post_return: None,
            });
            let params: Vec<String> = f.params.iter().map(|p| camel(&p.name)).collect();
            let list = params.join(", ");
            let js = camel(&f.name);
            let sep = if list.is_empty() { "" } else { ", " };
            if throws {
                source.push_str(&format!(
                    "export function {js}({list}) {{\n  const r = call({index}{sep}{list});\n  if (r.tag === \"err\") throw new ComponentError(r.val);\n  return r.val;\n}}\n"
                ));
            } else {
                source.push_str(&format!(
                    "export function {js}({list}) {{\n  return call({index}{sep}{list});\n}}\n"
                ));
            }
        }
        for name in names.into_iter().filter(|n| used.contains(n)) {
            plan.modules.push((name, source.clone()));
        }
    }
    let mut out = Vec::new();
    put_u32(&mut out, table.count);
    out.extend_from_slice(&table.out);
    for list in [&exports, &imports] {
        put_u32(&mut out, list.len() as u32);
        for e in list.iter() {
            out.extend_from_slice(&e.bytes);
        }
    }
    plan.table = out;
    Ok(plan)
}

/// What jsw cannot carry yet, named with the function and where the WIT says it.
fn supported(resolve: &Resolve, f: &Function, owner: &str) -> Result<()> {
    let place = || {
        let owner = if owner.is_empty() {
            String::new()
        } else {
            format!(" in {owner}")
        };
        format!("`{}`{owner} ({})", f.name, resolve.render_location(f.span))
    };
    match f.kind {
        FunctionKind::Freestanding => Ok(()),
        FunctionKind::AsyncFreestanding => bail!(
            "{} is an async function, which jsw does not support",
            place()
        ),
        _ => bail!(
            "{} belongs to a resource; jsw plugins do not support resources yet",
            place()
        ),
    }
}

fn flats(types: &[WasmType]) -> Vec<Flat> {
    types
        .iter()
        .map(|t| match t {
            WasmType::I32 | WasmType::Pointer | WasmType::Length => Flat::I32,
            WasmType::I64 | WasmType::PointerOrI64 => Flat::I64,
            WasmType::F32 => Flat::F32,
            WasmType::F64 => Flat::F64,
        })
        .collect()
}

/// Whether values of `t` hold strings or lists, which a post-return frees.
fn has_pointers(resolve: &Resolve, t: &Type) -> bool {
    let Type::Id(id) = t else {
        return matches!(t, Type::String);
    };
    match &resolve.types[*id].kind {
        TypeDefKind::List(_) => true,
        TypeDefKind::Type(t) | TypeDefKind::Option(t) => has_pointers(resolve, t),
        TypeDefKind::Record(r) => r.fields.iter().any(|f| has_pointers(resolve, &f.ty)),
        TypeDefKind::Tuple(t) => t.types.iter().any(|t| has_pointers(resolve, t)),
        TypeDefKind::Variant(v) => v
            .cases
            .iter()
            .any(|c| c.ty.as_ref().is_some_and(|t| has_pointers(resolve, t))),
        TypeDefKind::Result(r) => [&r.ok, &r.err]
            .iter()
            .any(|t| t.as_ref().is_some_and(|t| has_pointers(resolve, t))),
        _ => false,
    }
}

struct Entry {
    bytes: Vec<u8>,
    throws: bool,
}

/// The engine's type table, written children first.
struct Table<'a> {
    resolve: &'a Resolve,
    out: Vec<u8>,
    count: u32,
    seen: HashMap<Type, u32>,
}

impl Table<'_> {
    fn func(&mut self, interface: &str, f: &Function, key: Option<&WorldKey>) -> Result<Entry> {
        let resolve = self.resolve;
        let wit = match key {
            Some(k) => format!("{}#{}", resolve.name_world_key(k), f.name),
            None => f.name.clone(),
        };
        let mut bytes = Vec::new();
        put_str(&mut bytes, interface);
        put_str(&mut bytes, &camel(&f.name));
        put_str(&mut bytes, &wit);
        put_str(&mut bytes, &resolve.render_location(f.span));
        put_u32(&mut bytes, f.params.len() as u32);
        for p in &f.params {
            let t = self
                .ty(&p.ty)
                .map_err(|e| e.context(format!("parameter `{}` of `{wit}`", p.name)))?;
            put_str(&mut bytes, &camel(&p.name));
            put_u32(&mut bytes, t);
        }
        let throws = match &f.result {
            Some(Type::Id(id)) => {
                let def = &resolve.types[*id];
                def.name.is_none() && matches!(def.kind, TypeDefKind::Result(_))
            }
            _ => false,
        };
        match &f.result {
            Some(r) => {
                let t = self
                    .ty(r)
                    .map_err(|e| e.context(format!("the result of `{wit}`")))?;
                bytes.push(1);
                put_u32(&mut bytes, t);
            }
            None => bytes.push(0),
        }
        bytes.push(throws as u8);
        Ok(Entry { bytes, throws })
    }

    fn ty(&mut self, t: &Type) -> Result<u32> {
        if let Some(&i) = self.seen.get(t) {
            return Ok(i);
        }
        let mut out = Vec::new();
        match t {
            Type::Bool => out.push(0),
            Type::U8 => out.push(1),
            Type::S8 => out.push(2),
            Type::U16 => out.push(3),
            Type::S16 => out.push(4),
            Type::U32 => out.push(5),
            Type::S32 => out.push(6),
            Type::U64 => out.push(7),
            Type::S64 => out.push(8),
            Type::F32 => out.push(9),
            Type::F64 => out.push(10),
            Type::Char => out.push(11),
            Type::String => out.push(12),
            Type::ErrorContext => bail!("`error-context` is not supported by jsw"),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.kind {
                    TypeDefKind::Type(inner) => {
                        let i = self.ty(inner)?;
                        self.seen.insert(*t, i);
                        return Ok(i);
                    }
                    TypeDefKind::List(e) => {
                        let e = self.ty(e)?;
                        out.push(13);
                        put_u32(&mut out, e);
                    }
                    TypeDefKind::Record(r) => {
                        let mut fields = Vec::new();
                        for f in &r.fields {
                            fields.push((camel(&f.name), self.ty(&f.ty)?));
                        }
                        out.push(14);
                        put_u32(&mut out, fields.len() as u32);
                        for (name, t) in fields {
                            put_str(&mut out, &name);
                            put_u32(&mut out, t);
                        }
                    }
                    TypeDefKind::Tuple(tuple) => {
                        let mut items = Vec::new();
                        for t in &tuple.types {
                            items.push(self.ty(t)?);
                        }
                        out.push(15);
                        put_u32(&mut out, items.len() as u32);
                        for t in items {
                            put_u32(&mut out, t);
                        }
                    }
                    TypeDefKind::Variant(v) => {
                        let mut cases = Vec::new();
                        for c in &v.cases {
                            let t = match &c.ty {
                                Some(t) => Some(self.ty(t)?),
                                None => None,
                            };
                            cases.push((c.name.clone(), t));
                        }
                        out.push(16);
                        put_u32(&mut out, cases.len() as u32);
                        for (name, t) in cases {
                            put_str(&mut out, &name);
                            put_maybe(&mut out, t);
                        }
                    }
                    TypeDefKind::Enum(e) => {
                        out.push(17);
                        put_u32(&mut out, e.cases.len() as u32);
                        for c in &e.cases {
                            put_str(&mut out, &c.name);
                        }
                    }
                    TypeDefKind::Flags(f) => {
                        out.push(18);
                        put_u32(&mut out, f.flags.len() as u32);
                        for flag in &f.flags {
                            put_str(&mut out, &camel(&flag.name));
                        }
                    }
                    TypeDefKind::Option(inner) => {
                        let i = self.ty(inner)?;
                        out.push(19);
                        put_u32(&mut out, i);
                    }
                    TypeDefKind::Result(r) => {
                        let ok = match &r.ok {
                            Some(t) => Some(self.ty(t)?),
                            None => None,
                        };
                        let err = match &r.err {
                            Some(t) => Some(self.ty(t)?),
                            None => None,
                        };
                        out.push(20);
                        put_maybe(&mut out, ok);
                        put_maybe(&mut out, err);
                    }
                    TypeDefKind::Handle(_) | TypeDefKind::Resource => {
                        bail!("jsw plugins do not support resources yet")
                    }
                    other => bail!("a {} type is not supported by jsw yet", other.as_str()),
                }
            }
        }
        let index = self.count;
        self.out.extend_from_slice(&out);
        self.count += 1;
        self.seen.insert(*t, index);
        Ok(index)
    }
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u32(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn put_maybe(out: &mut Vec<u8>, t: Option<u32>) {
    match t {
        Some(t) => {
            out.push(1);
            put_u32(out, t);
        }
        None => out.push(0),
    }
}
