//! TypeScript declarations for a WIT world, so that editors and `tsc` check a
//! plugin against the world it is built for.
//!
//! The file is a script of ambient modules, one per interface, named by its WIT
//! path (`acme:plugin/host`), and one for the world itself
//! (`acme:plugin/transformer`) holding the world's own types and what the plugin
//! must export. Names and shapes are jco's: kebab-case becomes camelCase
//! (functions, fields, parameters) or PascalCase (types); `u64`/`s64` are
//! `bigint`; `option<T>` is `T | undefined` (a record field `f?: T`); variants
//! are `{ tag, val }` objects; enums are string unions; flags are objects of
//! booleans; `list<u8>` and the other numeric lists are typed arrays; a function
//! returning `result<T, E>` returns `T` and throws for `err`; resources are
//! classes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{Result, bail};
use wit_parser::{
    Function, FunctionKind, Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner,
    WorldItem, WorldKey,
};

use super::{World, camel, pascal};

/// The declarations file for `world`.
pub fn declarations(world: &World) -> Result<String> {
    let resolve = &world.resolve;
    let w = &resolve.worlds[world.world];
    let world_module = world_module_name(resolve, world);
    let mut out = format!(
        "// TypeScript declarations for the WIT world {world_module}, written by `jsw types`.\n\
         // A plugin's exports are checked with:\n\
         //   import * as plugin from \"./plugin\";\n\
         //   plugin satisfies typeof import(\"{world_module}\");\n"
    );
    let mut world_body = Module::new(resolve, Scope::World);
    for (key, item) in &w.imports {
        match item {
            WorldItem::Interface { id, .. } => {
                let name = interface_module_name(resolve, key, *id);
                out.push_str(&interface_module(resolve, &name, *id, true)?);
            }
            WorldItem::Type { id, .. } => world_body.typedef(*id)?,
            WorldItem::Function(f) => {
                // Its own module, named by the function (as ComponentizeJS
                // names it), the function its default export.
                let mut m = Module::new(resolve, Scope::World);
                m.world_module = Some(world_module.clone());
                m.docs(&f.docs, "  ");
                let sig = m.signature(f, 0)?;
                let js = camel(&f.name);
                let local = super::local_name(&js);
                writeln!(
                    m.body,
                    "  function {local}{sig};\n  export {{ {local} as default, {local} as {js} }};"
                )?;
                out.push_str(&m.finish(&resolve.name_world_key(key)));
            }
        }
    }
    for (key, item) in &w.exports {
        match item {
            WorldItem::Interface { id, .. } => {
                let name = interface_module_name(resolve, key, *id);
                out.push_str(&interface_module(resolve, &name, *id, false)?);
                let local = match key {
                    WorldKey::Name(n) => n.clone(),
                    WorldKey::Interface(i) => {
                        resolve.interfaces[*i].name.clone().unwrap_or_default()
                    }
                };
                writeln!(
                    world_body.body,
                    "  export * as {} from {};",
                    camel(&local),
                    quote(&name)
                )?;
            }
            WorldItem::Function(f) => world_body.function(f)?,
            WorldItem::Type { id, .. } => world_body.typedef(*id)?,
        }
    }
    out.push_str(&world_body.finish(&world_module));
    if out.contains("[Symbol.dispose]") {
        // `Symbol.dispose` is in TypeScript's esnext.disposable library, which
        // a project targeting an older ES version does not load.
        out.insert_str(0, "/// <reference lib=\"esnext.disposable\" />\n");
    }
    Ok(out)
}

pub(super) fn world_module_name(resolve: &Resolve, world: &World) -> String {
    let w = &resolve.worlds[world.world];
    match w.package {
        Some(p) => {
            let name = &resolve.packages[p].name;
            let version = name
                .version
                .as_ref()
                .map(|v| format!("@{v}"))
                .unwrap_or_default();
            format!("{}:{}/{}{version}", name.namespace, name.name, w.name)
        }
        None => w.name.clone(),
    }
}

/// An interface's module specifier: its WIT path (`acme:plugin/host`, with
/// `@version` when versioned), or the world's name for it when it is inline.
fn interface_module_name(resolve: &Resolve, key: &WorldKey, id: InterfaceId) -> String {
    resolve
        .id_of(id)
        .unwrap_or_else(|| resolve.name_world_key(key))
}

/// `imported`: the host's interface (its resources are handles the plugin
/// holds) rather than one the plugin exports.
fn interface_module(
    resolve: &Resolve,
    name: &str,
    id: InterfaceId,
    imported: bool,
) -> Result<String> {
    let iface = &resolve.interfaces[id];
    let mut m = Module::new(resolve, Scope::Interface(id));
    m.imported = imported;
    for (_, &ty) in &iface.types {
        m.typedef(ty)?;
    }
    for f in iface.functions.values() {
        if matches!(f.kind, FunctionKind::Freestanding) {
            m.function(f)?;
        } else if matches!(f.kind, FunctionKind::AsyncFreestanding) {
            bail!(
                "`{}` in {name} is an async function, which jsw does not support",
                f.name
            );
        }
    }
    Ok(m.finish(name))
}

#[derive(Clone, Copy, PartialEq)]
enum Scope {
    World,
    Interface(InterfaceId),
}

/// One `declare module` block being written: its body, and the types it takes
/// from other interfaces.
struct Module<'a> {
    resolve: &'a Resolve,
    scope: Scope,
    body: String,
    imports: BTreeSet<(String, String)>,
    /// An imported interface's module.
    imported: bool,
    /// The module of a function the world imports: the world's own types
    /// are imported from the world's module.
    world_module: Option<String>,
}

impl<'a> Module<'a> {
    fn new(resolve: &'a Resolve, scope: Scope) -> Self {
        Module {
            resolve,
            scope,
            body: String::new(),
            imports: BTreeSet::new(),
            imported: false,
            world_module: None,
        }
    }

    fn finish(self, name: &str) -> String {
        let mut out = format!("\ndeclare module {} {{\n", quote(name));
        for (module, ty) in &self.imports {
            let _ = writeln!(out, "  import type {{ {ty} }} from {};", quote(module));
        }
        out.push_str(&self.body);
        out.push_str("}\n");
        out
    }

    fn docs(&mut self, docs: &wit_parser::Docs, indent: &str) {
        if let Some(text) = &docs.contents {
            let _ = writeln!(self.body, "{indent}/**");
            for line in text.lines() {
                let _ = writeln!(self.body, "{indent} * {line}");
            }
            let _ = writeln!(self.body, "{indent} */");
        }
    }

    fn function(&mut self, f: &Function) -> Result<()> {
        self.docs(&f.docs, "  ");
        let sig = self.signature(f, 0)?;
        writeln!(self.body, "  export function {}{sig};", camel(&f.name))?;
        Ok(())
    }

    /// `(params): result`, leaving out the first `skip` parameters (a method's self).
    fn signature(&mut self, f: &Function, skip: usize) -> Result<String> {
        let mut params = Vec::new();
        for p in f.params.iter().skip(skip) {
            params.push(format!("{}: {}", camel(&p.name), self.ty(&p.ty)?));
        }
        let result = match &f.result {
            None => "void".to_string(),
            Some(t) => self.returned(t)?,
        };
        Ok(format!("({}): {result}", params.join(", ")))
    }

    /// A function's result: `result<T, E>` is returned as `T` (or nothing) and
    /// its `err` thrown.
    fn returned(&mut self, t: &Type) -> Result<String> {
        if let Type::Id(id) = t {
            let def = &self.resolve.types[*id];
            if let (None, TypeDefKind::Result(r)) = (&def.name, &def.kind) {
                return match &r.ok {
                    Some(ok) => self.ty(ok),
                    None => Ok("void".to_string()),
                };
            }
        }
        self.ty(t)
    }

    fn typedef(&mut self, id: TypeId) -> Result<()> {
        let def = &self.resolve.types[id];
        let Some(wit_name) = def.name.as_deref() else {
            return Ok(());
        };
        let name = pascal(wit_name);
        self.docs(&def.docs, "  ");
        match &def.kind {
            TypeDefKind::Record(r) => {
                writeln!(self.body, "  export interface {name} {{")?;
                for field in &r.fields {
                    let (optional, ty) = match self.option_inner(&field.ty) {
                        Some(inner) => ("?", self.ty(&inner)?),
                        None => ("", self.ty(&field.ty)?),
                    };
                    writeln!(self.body, "    {}{optional}: {ty};", camel(&field.name))?;
                }
                writeln!(self.body, "  }}")?;
            }
            TypeDefKind::Flags(f) => {
                writeln!(self.body, "  export interface {name} {{")?;
                for flag in &f.flags {
                    writeln!(self.body, "    {}?: boolean;", camel(&flag.name))?;
                }
                writeln!(self.body, "  }}")?;
            }
            TypeDefKind::Variant(v) => {
                let cases: Vec<String> = v
                    .cases
                    .iter()
                    .map(|c| format!("{name}{}", pascal(&c.name)))
                    .collect();
                writeln!(
                    self.body,
                    "  export type {name} = {};",
                    join_or_never(&cases)
                )?;
                for (case, case_name) in v.cases.iter().zip(&cases) {
                    match &case.ty {
                        Some(t) => {
                            let ty = self.ty(t)?;
                            writeln!(
                                self.body,
                                "  export interface {case_name} {{ tag: {}; val: {ty}; }}",
                                quote(&case.name)
                            )?;
                        }
                        None => writeln!(
                            self.body,
                            "  export interface {case_name} {{ tag: {}; }}",
                            quote(&case.name)
                        )?,
                    }
                }
            }
            TypeDefKind::Enum(e) => {
                let cases: Vec<String> = e.cases.iter().map(|c| quote(&c.name)).collect();
                writeln!(
                    self.body,
                    "  export type {name} = {};",
                    join_or_never(&cases)
                )?;
            }
            TypeDefKind::Resource => self.resource(id, &name)?,
            // `use iface.{name}` (or an alias of the same name): the type is
            // re-exported under the name it has where it is defined.
            TypeDefKind::Type(Type::Id(target))
                if self.resolve.types[*target]
                    .name
                    .as_deref()
                    .is_some_and(|n| pascal(n) == name) =>
            {
                let target_name = self.reference(*target, wit_name);
                if self.imports.iter().any(|(_, t)| *t == target_name) {
                    writeln!(self.body, "  export type {{ {target_name} }};")?;
                }
            }
            TypeDefKind::Type(_)
            | TypeDefKind::Tuple(_)
            | TypeDefKind::List(_)
            | TypeDefKind::Option(_)
            | TypeDefKind::Result(_)
            | TypeDefKind::Handle(_) => {
                // An alias (or `use`) of a type defined elsewhere keeps its own name.
                let ty = self.anonymous(id)?;
                writeln!(self.body, "  export type {name} = {ty};")?;
            }
            other => bail!(
                "the WIT type `{wit_name}` is a {}, which jsw does not support yet",
                other.as_str()
            ),
        }
        Ok(())
    }

    fn resource(&mut self, id: TypeId, name: &str) -> Result<()> {
        let Scope::Interface(owner) = self.scope else {
            writeln!(self.body, "  export class {name} {{}}")?;
            return Ok(());
        };
        let functions: Vec<&Function> = self.resolve.interfaces[owner]
            .functions
            .values()
            .filter(|f| match f.kind {
                FunctionKind::Method(r)
                | FunctionKind::Static(r)
                | FunctionKind::Constructor(r)
                | FunctionKind::AsyncMethod(r)
                | FunctionKind::AsyncStatic(r) => r == id,
                _ => false,
            })
            .collect();
        writeln!(self.body, "  export class {name} {{")?;
        let mut has_constructor = false;
        for f in functions {
            self.docs(&f.docs, "    ");
            let method = f.name.rsplit('.').next().unwrap_or(&f.name);
            match f.kind {
                FunctionKind::Constructor(_) => {
                    has_constructor = true;
                    let mut params = Vec::new();
                    for p in &f.params {
                        params.push(format!("{}: {}", camel(&p.name), self.ty(&p.ty)?));
                    }
                    writeln!(self.body, "    constructor({});", params.join(", "))?;
                }
                FunctionKind::Method(_) => {
                    let sig = self.signature(f, 1)?;
                    writeln!(self.body, "    {}{sig};", camel(method))?;
                }
                FunctionKind::Static(_) => {
                    let sig = self.signature(f, 0)?;
                    writeln!(self.body, "    static {}{sig};", camel(method))?;
                }
                _ => bail!(
                    "`{}` is an async resource function, which jsw does not support",
                    f.name
                ),
            }
        }
        if !has_constructor {
            // The host makes them; the guest cannot.
            writeln!(self.body, "    private constructor();")?;
        }
        if self.imported {
            writeln!(
                self.body,
                "    /** Drops the handle now; otherwise it is dropped once the object is collected. */\n    [Symbol.dispose](): void;"
            )?;
        }
        writeln!(self.body, "  }}")?;
        Ok(())
    }

    /// `T` when `t` is `option<T>`.
    fn option_inner(&self, t: &Type) -> Option<Type> {
        let Type::Id(id) = t else { return None };
        match &self.resolve.types[*id] {
            def if def.name.is_none() => match def.kind {
                TypeDefKind::Option(inner) => Some(inner),
                _ => None,
            },
            _ => None,
        }
    }

    fn ty(&mut self, t: &Type) -> Result<String> {
        Ok(match t {
            Type::Bool => "boolean".into(),
            Type::U8 | Type::U16 | Type::U32 | Type::S8 | Type::S16 | Type::S32 => "number".into(),
            Type::F32 | Type::F64 => "number".into(),
            Type::U64 | Type::S64 => "bigint".into(),
            Type::Char | Type::String => "string".into(),
            Type::ErrorContext => bail!("`error-context` is not supported by jsw"),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.name {
                    Some(name) => self.reference(*id, name),
                    None => self.anonymous(*id)?,
                }
            }
        })
    }

    /// A named type, imported into this module when another interface owns it.
    fn reference(&mut self, id: TypeId, name: &str) -> String {
        let name = pascal(name);
        match self.resolve.types[id].owner {
            TypeOwner::Interface(owner) if Scope::Interface(owner) != self.scope => {
                if let Some(module) = self.resolve.id_of(owner) {
                    self.imports.insert((module, name.clone()));
                }
            }
            TypeOwner::World(_) => {
                if let Some(module) = &self.world_module {
                    self.imports.insert((module.clone(), name.clone()));
                }
            }
            _ => {}
        }
        name
    }

    /// The shape of an unnamed type (or the target of an alias).
    fn anonymous(&mut self, id: TypeId) -> Result<String> {
        let def = &self.resolve.types[id];
        Ok(match &def.kind {
            TypeDefKind::Type(t) => self.ty(t)?,
            TypeDefKind::List(t) => match typed_array(t) {
                Some(array) => array.to_string(),
                None => format!("Array<{}>", self.ty(t)?),
            },
            TypeDefKind::Tuple(t) => {
                let items: Result<Vec<String>> = t.types.iter().map(|t| self.ty(t)).collect();
                format!("[{}]", items?.join(", "))
            }
            TypeDefKind::Option(inner) => {
                if self.option_inner(inner).is_some() {
                    // `undefined` cannot tell none from some(none): tagged, as jco does.
                    format!(
                        "{{ tag: \"some\"; val: {} }} | {{ tag: \"none\" }}",
                        self.ty(inner)?
                    )
                } else {
                    format!("{} | undefined", self.ty(inner)?)
                }
            }
            TypeDefKind::Result(r) => {
                let ok = match &r.ok {
                    Some(t) => format!("{{ tag: \"ok\"; val: {} }}", self.ty(t)?),
                    None => "{ tag: \"ok\"; val?: undefined }".to_string(),
                };
                let err = match &r.err {
                    Some(t) => format!("{{ tag: \"err\"; val: {} }}", self.ty(t)?),
                    None => "{ tag: \"err\"; val?: undefined }".to_string(),
                };
                format!("{ok} | {err}")
            }
            TypeDefKind::Handle(Handle::Own(r) | Handle::Borrow(r)) => {
                let name = self.resolve.types[*r].name.clone().unwrap_or_default();
                self.reference(*r, &name)
            }
            other => bail!("a {} type is not supported by jsw yet", other.as_str()),
        })
    }
}

/// jco's typed arrays for lists of numbers.
fn typed_array(t: &Type) -> Option<&'static str> {
    Some(match t {
        Type::U8 => "Uint8Array",
        Type::S8 => "Int8Array",
        Type::U16 => "Uint16Array",
        Type::S16 => "Int16Array",
        Type::U32 => "Uint32Array",
        Type::S32 => "Int32Array",
        Type::U64 => "BigUint64Array",
        Type::S64 => "BigInt64Array",
        Type::F32 => "Float32Array",
        Type::F64 => "Float64Array",
        _ => return None,
    })
}

fn join_or_never(items: &[String]) -> String {
    if items.is_empty() {
        "never".to_string()
    } else {
        items.join(" | ")
    }
}

fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
