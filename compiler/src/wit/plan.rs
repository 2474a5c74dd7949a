//! What a plugin built against a world needs, worked out from the WIT with
//! wit-parser: the table of functions and types the engine lifts and lowers
//! with (engine/src/wit/, read by its `parse`), the JS modules through which
//! the program calls the world's imports, and each core function's name and
//! canonical-ABI signature.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Result, bail};
use jsw_wire::wit::{FuncKind, TypeCode};
use wit_parser::abi::{AbiVariant, WasmType};
use wit_parser::{
    Function, FunctionKind, Handle, InterfaceId, LiftLowerAbi, ManglingAndAbi, Resolve,
    ResourceIntrinsic, Type, TypeDefKind, TypeId, TypeOwner, WasmExport, WasmExportKind,
    WasmImport, WorldItem, WorldKey,
};

use super::{World, camel};

const MANGLING: ManglingAndAbi = ManglingAndAbi::Legacy(LiftLowerAbi::Sync);

pub use jsw_wire::wit::Flat;

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
/// WIT path with and without version), and the names each provides (its
/// functions, and a class per resource).
pub fn import_names(world: &World) -> BTreeMap<String, BTreeSet<String>> {
    let resolve = &world.resolve;
    let mut out = BTreeMap::new();
    for (key, item) in &resolve.worlds[world.world].imports {
        if let WorldItem::Function(f) = item {
            // A function the world imports itself is a module of its own,
            // named by the function, as ComponentizeJS names it: the function
            // is its default export (and its camelCase name, for `import {}`).
            out.insert(
                resolve.name_world_key(key),
                BTreeSet::from(["default".to_string(), camel(&f.name)]),
            );
        }
        if let WorldItem::Interface { id, .. } = item {
            let iface = &resolve.interfaces[*id];
            let functions = iface
                .functions
                .values()
                .filter(|f| matches!(f.kind, FunctionKind::Freestanding))
                .map(|f| camel(&f.name));
            let classes = iface
                .types
                .iter()
                .filter(|(_, t)| matches!(resolve.types[**t].kind, TypeDefKind::Resource))
                .map(|(name, _)| super::pascal(name));
            let names: BTreeSet<String> = functions.chain(classes).collect();
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
    plan_with(world, used, &[])
}

/// [`plan`], and the engine also loads the modules `preload` names at build
/// time, before the program (an HTTP handler's bindings glue).
pub fn plan_with(world: &World, used: &BTreeSet<String>, preload: &[String]) -> Result<Plan> {
    let resolve = &world.resolve;
    let w = &resolve.worlds[world.world];
    let mut table = Table {
        resolve,
        out: Vec::new(),
        count: 0,
        seen: HashMap::new(),
        resources: HashMap::new(),
        exported_new: HashMap::new(),
    };
    let mut export_funcs = Vec::new();
    let mut plan = Plan {
        table: Vec::new(),
        modules: Vec::new(),
        exports: Vec::new(),
        imports: Vec::new(),
    };
    let mut imports = Vec::new();
    // The plugin's own resources: each needs `resource.new` (imported from
    // `[export]iface`) to hand out handles, and a destructor export.
    let mut dtors = Vec::new();
    for (key, item) in &w.exports {
        let WorldItem::Interface { id, .. } = item else {
            continue;
        };
        let local = camel(&export_local_name(resolve, key));
        for (_, &ty) in &resolve.interfaces[*id].types {
            if !matches!(resolve.types[ty].kind, TypeDefKind::Resource) {
                continue;
            }
            let (module, name) = resolve.wasm_import_name(
                MANGLING,
                WasmImport::ResourceIntrinsic {
                    interface: Some(key),
                    resource: ty,
                    intrinsic: ResourceIntrinsic::ExportedNew,
                },
            );
            table.exported_new.insert(ty, plan.imports.len() as u32);
            plan.imports.push(CoreFunc {
                module,
                name: name.clone(),
                params: vec![Flat::I32],
                results: vec![Flat::I32],
                post_return: None,
            });
            imports.push(table.intrinsic(&local, "new", name, ty, true, FuncKind::Function)?);
            dtors.push((local.clone(), key, ty));
        }
    }
    for (key, item) in &w.exports {
        match item {
            WorldItem::Function(f) => {
                export_funcs.push(("".to_string(), None, f));
            }
            WorldItem::Interface { id, .. } => {
                let local = export_local_name(resolve, key);
                for f in resolve.interfaces[*id].functions.values() {
                    supported(resolve, f, &local)?;
                    export_funcs.push((camel(&local), Some(key), f));
                }
            }
            WorldItem::Type { .. } => {}
        }
    }
    let mut exports = Vec::new();
    for &(ref interface, key, f) in &export_funcs {
        supported(resolve, f, interface)?;
        owned_parameters(resolve, &table, f)?;
        let entry = table.func(interface, f, key)?;
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
    for (local, key, ty) in dtors {
        exports.push(table.dtor(&local, key, ty)?);
        plan.exports.push(CoreFunc {
            module: String::new(),
            name: resolve.wasm_export_name(
                MANGLING,
                WasmExport::ResourceDtor {
                    interface: key,
                    resource: ty,
                },
            ),
            params: vec![Flat::I32],
            results: vec![],
            post_return: None,
        });
    }
    // Interfaces whose resources the exports pass: their classes must exist
    // even when the program does not import them.
    let mut owners = BTreeSet::new();
    for (_, _, f) in &export_funcs {
        for t in f.params.iter().map(|p| &p.ty).chain(f.result.iter()) {
            resource_owners(resolve, t, &mut owners);
        }
    }
    let mut preload = preload.to_vec();
    for (key, item) in &w.imports {
        let WorldItem::Interface { id, .. } = item else {
            if let WorldItem::Function(f) = item {
                let specifier = resolve.name_world_key(key);
                if used.contains(&specifier) {
                    let source =
                        world_function(resolve, f, &mut table, &mut imports, &mut plan.imports)?;
                    plan.modules.push((specifier, source));
                }
            }
            continue;
        };
        let names = specifiers(resolve, key, *id);
        let imported = names.iter().any(|n| used.contains(n));
        if !imported && !owners.contains(id) {
            continue;
        }
        let glue = Glue {
            resolve,
            key,
            specifier: &names[0],
        };
        let source = glue.module(*id, &mut table, &mut imports, &mut plan.imports)?;
        if imported {
            for name in names.into_iter().filter(|n| used.contains(n)) {
                plan.modules.push((name, source.clone()));
            }
        } else {
            preload.push(names[0].clone());
            plan.modules.push((names[0].clone(), source));
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
    put_u32(&mut out, preload.len() as u32);
    for p in &preload {
        put_str(&mut out, p);
    }
    plan.table = out;
    Ok(plan)
}

/// The JS module of one imported interface: a function per function, and a
/// class per resource (constructor, methods, statics, `Symbol.dispose`;
/// handles the program lets go of are dropped when collected), each calling
/// the engine's `call` with the import's number.
struct Glue<'a> {
    resolve: &'a Resolve,
    key: &'a WorldKey,
    specifier: &'a str,
}

impl Glue<'_> {
    fn module(
        &self,
        id: InterfaceId,
        table: &mut Table,
        entries: &mut Vec<Entry>,
        core: &mut Vec<CoreFunc>,
    ) -> Result<String> {
        let resolve = self.resolve;
        let iface = &resolve.interfaces[id];
        let mut source = String::from(
            "// The world's imports, called through the engine (jsw:wit).\n\
             import { call, ComponentError, register } from \"jsw:wit\";\n",
        );
        let mut classes: Vec<(TypeId, String)> = Vec::new();
        for (_, &ty) in &iface.types {
            if matches!(resolve.types[ty].kind, TypeDefKind::Resource) {
                classes.push((ty, String::new()));
            }
        }
        for f in iface.functions.values() {
            let owner = match f.kind {
                FunctionKind::Freestanding => None,
                FunctionKind::Constructor(r)
                | FunctionKind::Method(r)
                | FunctionKind::Static(r) => Some(r),
                _ => {
                    supported(resolve, f, self.specifier)?;
                    continue;
                }
            };
            let (list, body) = import_func(
                resolve,
                f,
                self.specifier,
                Some(self.key),
                table,
                entries,
                core,
            )?;
            let js = camel(f.item_name());
            match (owner, &f.kind) {
                (None, _) => source.push_str(&format!(
                    "export function {js}({list}) {}\n",
                    body.replace("\n  ", "\n")
                )),
                (Some(r), kind) => {
                    let member = match kind {
                        // The object the import returns (wrapped by `register`'s
                        // function) is what `new` gives.
                        FunctionKind::Constructor(_) => format!("  constructor({list}) {body}\n"),
                        FunctionKind::Static(_) => format!("  static {js}({list}) {body}\n"),
                        _ => format!("  {js}({list}) {body}\n"),
                    };
                    if let Some(class) = classes.iter_mut().find(|c| c.0 == r) {
                        class.1.push_str(&member);
                    }
                }
            }
        }
        if !classes.is_empty() {
            source.push_str(
                "const handle = Symbol(\"handle\");\n\
                 const dispose = Symbol.dispose ?? Symbol.for(\"nodejs.dispose\");\n",
            );
        }
        for (ty, members) in classes {
            let rname = resolve.types[ty].name.clone().unwrap_or_default();
            let class = super::pascal(&rname);
            let resource = table.resource(ty);
            // The drop intrinsic takes the handle as a plain number.
            let drop = core.len();
            let (module, name) = resolve.wasm_import_name(
                MANGLING,
                WasmImport::ResourceIntrinsic {
                    interface: Some(self.key),
                    resource: ty,
                    intrinsic: ResourceIntrinsic::ImportedDrop,
                },
            );
            core.push(CoreFunc {
                module,
                name,
                params: vec![Flat::I32],
                results: vec![],
                post_return: None,
            });
            entries.push(table.intrinsic(
                self.specifier,
                "drop",
                format!("{}#[resource-drop]{rname}", self.specifier),
                ty,
                false,
                FuncKind::Function,
            )?);
            let constructor = if members.contains("  constructor(") {
                String::new()
            } else {
                format!(
                    "  constructor() {{\n    throw new TypeError(\"{class} has no constructor: the host makes them\");\n  }}\n"
                )
            };
            source.push_str(&format!(
                "const {class}Drops = new FinalizationRegistry((h) => call({drop}, h));\n\
                 export class {class} {{\n{constructor}{members}  [dispose]() {{\n    const h = this[handle];\n    if (h !== undefined) {{\n      this[handle] = undefined;\n      {class}Drops.unregister(this);\n      call({drop}, h);\n    }}\n  }}\n}}\n\
                 register({resource}, (h, borrowed) => {{\n  const o = Object.create({class}.prototype);\n  o[handle] = h;\n  if (!borrowed) {class}Drops.register(o, h, o);\n  return o;\n}}, (o, own) => {{\n  const h = o instanceof {class} ? o[handle] : undefined;\n  if (h === undefined) throw new TypeError(o instanceof {class} ? \"this {class} was dropped or given away\" : \"expected a {class}\");\n  if (own) {{\n    o[handle] = undefined;\n    {class}Drops.unregister(o);\n  }}\n  return h;\n}}, (o) => {{\n  const h = o[handle];\n  if (h !== undefined) {{\n    o[handle] = undefined;\n    call({drop}, h);\n  }}\n}});\n"
            ));
        }
        Ok(source)
    }
}

/// A JS function's parameter list and its body calling import `index` through
/// the engine (a method passes `this` first; a `result` has its `err` thrown).
/// An imported function (of an interface, or of the world itself with no
/// `key`): its entry in the table, its core import, and the JS that calls it
/// (parameter list and body).
fn import_func(
    resolve: &Resolve,
    f: &Function,
    specifier: &str,
    key: Option<&WorldKey>,
    table: &mut Table,
    entries: &mut Vec<Entry>,
    core: &mut Vec<CoreFunc>,
) -> Result<(String, String)> {
    let index = core.len();
    let entry = table.func(specifier, f, key)?;
    let throws = entry.throws;
    entries.push(entry);
    let sig = resolve.wasm_signature(AbiVariant::GuestImport, f);
    let (module, name) = resolve.wasm_import_name(
        MANGLING,
        WasmImport::Func {
            interface: key,
            func: f,
        },
    );
    core.push(CoreFunc {
        module,
        name,
        params: flats(&sig.params),
        results: flats(&sig.results),
        post_return: None,
    });
    Ok(call_body(f, index, throws))
}

fn call_body(f: &Function, index: usize, throws: bool) -> (String, String) {
    let method = matches!(f.kind, FunctionKind::Method(_));
    let params: Vec<String> = f
        .params
        .iter()
        .skip(method as usize)
        .map(|p| camel(&p.name))
        .collect();
    let list = params.join(", ");
    let mut args = vec![index.to_string()];
    if method {
        args.push("this".to_string());
    }
    args.extend(params);
    let args = args.join(", ");
    let body = if throws {
        format!(
            "{{\n    const r = call({args});\n    if (r.tag === \"err\") throw new ComponentError(r.val);\n    return r.val;\n  }}"
        )
    } else {
        format!("{{\n    return call({args});\n  }}")
    };
    (list, body)
}

/// The JS module of a function the world imports itself (`import log:
/// func(...)`): the function as its default export and by its camelCase name.
fn world_function(
    resolve: &Resolve,
    f: &Function,
    table: &mut Table,
    entries: &mut Vec<Entry>,
    core: &mut Vec<CoreFunc>,
) -> Result<String> {
    supported(resolve, f, "")?;
    let (list, body) = import_func(resolve, f, "", None, table, entries, core)?;
    let js = camel(&f.name);
    // An export may be named by a reserved word; a function may not.
    let local = super::local_name(&js);
    Ok(format!(
        "// The world's import `{}`, called through the engine (jsw:wit).\n\
         import {{ call, ComponentError }} from \"jsw:wit\";\n\
         function {local}({list}) {}\n\
         export {{ {local} as default, {local} as {js} }};\n",
        f.name,
        body.replace("\n  ", "\n"),
    ))
}

/// The name of an exported interface in the world (`export calc;` → calc).
fn export_local_name(resolve: &Resolve, key: &WorldKey) -> String {
    match key {
        WorldKey::Name(n) => n.clone(),
        WorldKey::Interface(i) => resolve.interfaces[*i].name.clone().unwrap_or_default(),
    }
}

/// The host handing one of the plugin's own resources back by ownership is
/// not supported yet (by borrow it is): said at build time, with the place.
fn owned_parameters(resolve: &Resolve, table: &Table, f: &Function) -> Result<()> {
    for p in &f.params {
        if let Type::Id(id) = p.ty
            && let TypeDefKind::Handle(Handle::Own(r)) = resolve.types[id].kind
            && table.exported_new.contains_key(&table.canonical(r))
            && !matches!(f.kind, FunctionKind::Method(_))
        {
            bail!(
                "`{}` ({}) takes its own resource `{}` by ownership; jsw plugins take their own resources \
                 back only as `borrow<...>` so far",
                f.name,
                resolve.render_location(f.span),
                p.name
            );
        }
    }
    Ok(())
}

/// The interfaces that own the resources `t` mentions.
fn resource_owners(resolve: &Resolve, t: &Type, out: &mut BTreeSet<InterfaceId>) {
    let Type::Id(id) = t else { return };
    match &resolve.types[*id].kind {
        TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
            let mut r = *r;
            while let TypeDefKind::Type(Type::Id(next)) = resolve.types[r].kind {
                r = next;
            }
            if let TypeOwner::Interface(i) = resolve.types[r].owner {
                out.insert(i);
            }
        }
        TypeDefKind::Type(t) | TypeDefKind::Option(t) | TypeDefKind::List(t) => {
            resource_owners(resolve, t, out)
        }
        TypeDefKind::Record(r) => r
            .fields
            .iter()
            .for_each(|f| resource_owners(resolve, &f.ty, out)),
        TypeDefKind::Tuple(t) => t
            .types
            .iter()
            .for_each(|t| resource_owners(resolve, t, out)),
        TypeDefKind::Variant(v) => v
            .cases
            .iter()
            .flat_map(|c| c.ty.iter())
            .for_each(|t| resource_owners(resolve, t, out)),
        TypeDefKind::Result(r) => {
            r.ok.iter()
                .chain(r.err.iter())
                .for_each(|t| resource_owners(resolve, t, out))
        }
        _ => {}
    }
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
        FunctionKind::Freestanding
        | FunctionKind::Constructor(_)
        | FunctionKind::Method(_)
        | FunctionKind::Static(_) => Ok(()),
        _ => bail!(
            "{} is an async function, which jsw does not support",
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
    /// Resources by the number the engine knows them by.
    resources: HashMap<TypeId, u32>,
    /// The plugin's own resources (of exported interfaces): the import number
    /// of each one's `resource.new`.
    exported_new: HashMap<TypeId, u32>,
}

impl Table<'_> {
    /// The resource an alias stands for.
    fn canonical(&self, mut r: TypeId) -> TypeId {
        while let TypeDefKind::Type(Type::Id(next)) = self.resolve.types[r].kind {
            r = next;
        }
        r
    }

    /// The number of a resource (aliases resolved to the resource itself).
    fn resource(&mut self, mut id: TypeId) -> u32 {
        while let TypeDefKind::Type(Type::Id(next)) = self.resolve.types[id].kind {
            id = next;
        }
        let next = self.resources.len() as u32;
        *self.resources.entry(id).or_insert(next)
    }

    fn func(&mut self, interface: &str, f: &Function, key: Option<&WorldKey>) -> Result<Entry> {
        let resolve = self.resolve;
        let wit = match key {
            Some(k) => format!("{}#{}", resolve.name_world_key(k), f.name),
            None => f.name.clone(),
        };
        // Resource functions are found on their class: the class by its
        // PascalCase name, then the member by its camelCase one.
        let (kind, js) = match f.kind {
            FunctionKind::Constructor(r) => (FuncKind::Constructor, self.class_name(r)),
            FunctionKind::Method(r) => (
                FuncKind::Method,
                format!("{}.{}", self.class_name(r), camel(f.item_name())),
            ),
            FunctionKind::Static(r) => (
                FuncKind::Static,
                format!("{}.{}", self.class_name(r), camel(f.item_name())),
            ),
            _ => (FuncKind::Function, camel(&f.name)),
        };
        let mut bytes = Vec::new();
        put_str(&mut bytes, interface);
        put_str(&mut bytes, &js);
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
        bytes.push(kind.code());
        Ok(Entry { bytes, throws })
    }

    fn class_name(&self, r: TypeId) -> String {
        super::pascal(self.resolve.types[r].name.as_deref().unwrap_or_default())
    }

    /// The destructor export of an exported resource: the engine forgets the
    /// object (calling its `Symbol.dispose`, if it has one).
    fn dtor(&mut self, interface: &str, key: &WorldKey, r: TypeId) -> Result<Entry> {
        let name = self.resolve.types[r].name.clone().unwrap_or_default();
        let wit = format!("{}#[dtor]{name}", self.resolve.name_world_key(key));
        let class = self.class_name(r);
        self.intrinsic(interface, &class, wit, r, false, FuncKind::Destructor)
    }

    /// The entry of a resource intrinsic (resource.new, resource.drop, a
    /// destructor): one `u32` in, the handle or rep, and with `returns` one
    /// out; `kind` as in `func`.
    fn intrinsic(
        &mut self,
        interface: &str,
        js: &str,
        wit: String,
        r: TypeId,
        returns: bool,
        kind: FuncKind,
    ) -> Result<Entry> {
        let u32_type = self.ty(&Type::U32)?;
        let mut bytes = Vec::new();
        put_str(&mut bytes, interface);
        put_str(&mut bytes, js);
        put_str(&mut bytes, &wit);
        put_str(
            &mut bytes,
            &self.resolve.render_location(self.resolve.types[r].span),
        );
        put_u32(&mut bytes, 1);
        put_str(&mut bytes, "handle");
        put_u32(&mut bytes, u32_type);
        put_maybe(&mut bytes, returns.then_some(u32_type));
        bytes.push(0);
        bytes.push(kind.code());
        Ok(Entry {
            bytes,
            throws: false,
        })
    }

    fn ty(&mut self, t: &Type) -> Result<u32> {
        if let Some(&i) = self.seen.get(t) {
            return Ok(i);
        }
        let mut out = Vec::new();
        match t {
            Type::Bool => out.push(TypeCode::Bool.code()),
            Type::U8 => out.push(TypeCode::U8.code()),
            Type::S8 => out.push(TypeCode::S8.code()),
            Type::U16 => out.push(TypeCode::U16.code()),
            Type::S16 => out.push(TypeCode::S16.code()),
            Type::U32 => out.push(TypeCode::U32.code()),
            Type::S32 => out.push(TypeCode::S32.code()),
            Type::U64 => out.push(TypeCode::U64.code()),
            Type::S64 => out.push(TypeCode::S64.code()),
            Type::F32 => out.push(TypeCode::F32.code()),
            Type::F64 => out.push(TypeCode::F64.code()),
            Type::Char => out.push(TypeCode::Char.code()),
            Type::String => out.push(TypeCode::String.code()),
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
                        out.push(TypeCode::List.code());
                        put_u32(&mut out, e);
                    }
                    TypeDefKind::Record(r) => {
                        let mut fields = Vec::new();
                        for f in &r.fields {
                            fields.push((camel(&f.name), self.ty(&f.ty)?));
                        }
                        out.push(TypeCode::Record.code());
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
                        out.push(TypeCode::Tuple.code());
                        put_u32(&mut out, items.len() as u32);
                        for t in items {
                            put_u32(&mut out, t);
                        }
                    }
                    TypeDefKind::Variant(v) => {
                        let mut cases = Vec::new();
                        for c in &v.cases {
                            let t = c.ty.as_ref().map(|t| self.ty(t)).transpose()?;
                            cases.push((c.name.clone(), t));
                        }
                        out.push(TypeCode::Variant.code());
                        put_u32(&mut out, cases.len() as u32);
                        for (name, t) in cases {
                            put_str(&mut out, &name);
                            put_maybe(&mut out, t);
                        }
                    }
                    TypeDefKind::Enum(e) => {
                        out.push(TypeCode::Enum.code());
                        put_u32(&mut out, e.cases.len() as u32);
                        for c in &e.cases {
                            put_str(&mut out, &c.name);
                        }
                    }
                    TypeDefKind::Flags(f) => {
                        out.push(TypeCode::Flags.code());
                        put_u32(&mut out, f.flags.len() as u32);
                        for flag in &f.flags {
                            put_str(&mut out, &camel(&flag.name));
                        }
                    }
                    TypeDefKind::Option(inner) => {
                        let i = self.ty(inner)?;
                        out.push(TypeCode::Option.code());
                        put_u32(&mut out, i);
                    }
                    TypeDefKind::Result(r) => {
                        let ok = r.ok.as_ref().map(|t| self.ty(t)).transpose()?;
                        let err = r.err.as_ref().map(|t| self.ty(t)).transpose()?;
                        out.push(TypeCode::Result.code());
                        put_maybe(&mut out, ok);
                        put_maybe(&mut out, err);
                    }
                    TypeDefKind::Handle(h) => {
                        let (kind, r) = match h {
                            Handle::Own(r) => (TypeCode::Own, *r),
                            Handle::Borrow(r) => (TypeCode::Borrow, *r),
                        };
                        let new = self.exported_new.get(&self.canonical(r)).copied();
                        let r = self.resource(r);
                        match (kind, new) {
                            // The plugin's own resource: a handle is made from
                            // the object's rep with resource.new.
                            (TypeCode::Own, Some(new)) => {
                                out.push(TypeCode::OwnExported.code());
                                put_u32(&mut out, r);
                                put_u32(&mut out, new);
                            }
                            (_, Some(_)) => {
                                out.push(TypeCode::BorrowExported.code());
                                put_u32(&mut out, r);
                            }
                            _ => {
                                out.push(kind.code());
                                put_u32(&mut out, r);
                            }
                        }
                    }
                    TypeDefKind::Resource => {
                        bail!("a resource is passed by handle (own or borrow)")
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
