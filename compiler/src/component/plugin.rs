//! Plugins: a snapshotted plugin engine becomes a component of a WIT world.
//!
//! The engine is the same for every world: it exports `jsw-wit-call` and imports
//! `jsw` `wit-import`, and lifts and lowers values itself (engine/src/wit/).
//! What is particular to the world is added here, to the core module Wizer
//! wrote, as plain Wasm:
//! - per world export, a function with the export's canonical-ABI signature
//!   (and name) that parks its flat arguments in the engine's argument slots,
//!   calls `jsw-wit-call` and returns the flat result it finds;
//! - per export whose result holds memory, its post-return, which tells the
//!   engine to free it;
//! - the world's imports the program uses, with their canonical signatures,
//!   and in place of the `jsw` `wit-import` import a dispatcher that calls one
//!   of them with the flat values the engine left in memory.
//!
//! Adding imports shifts every defined function's index, so the module is
//! re-encoded with the indices remapped. The world is then embedded and
//! `wit-component` wraps module and WASI adapter into the component, as for
//! HTTP handlers.

use anyhow::{Context, Result};
use jsw_wire::names::{WIT_ARGS_EXPORT, WIT_CALL_EXPORT, WIT_POST_EXPORT};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};
use wasm_encoder::reencode::{Error as ReencodeError, Reencode, utils};
use wasm_encoder::{
    CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    Instruction, MemArg, TypeSection, ValType,
};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

use crate::wit::World;
use crate::wit::plan::{CoreFunc, Flat, Plan};

const IMPORT_MODULE: &str = "jsw";
const IMPORT_NAME: &str = "wit-import";

/// Wraps a snapshotted plugin engine into a component of `world`.
pub fn plugin(core: &[u8], world: &World, plan: &Plan) -> Result<Vec<u8>> {
    let mut module = rewrite(core, plan).context("adding the world's functions to the snapshot")?;
    wit_component::embed_component_metadata(
        &mut module,
        &world.resolve,
        world.world,
        wit_component::StringEncoding::UTF8,
    )
    .context("embedding the world in the snapshot")?;
    wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)
        .context("reading the plugin's component metadata")?
        .adapter(
            WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
            WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        )
        .context("adding the preview 1 adapter")?
        .encode()
        .context("encoding the plugin component")
}

/// What the snapshot holds that the rewrite needs: its function imports, the
/// engine's entry points and how many types it has.
struct Layout {
    imported_funcs: u32,
    /// Index (among function imports) of `jsw` `wit-import`.
    dispatch_import: u32,
    defined_funcs: u32,
    types: u32,
    args: u32,
    call: u32,
    post: u32,
}

fn layout(core: &[u8]) -> Result<Layout> {
    let (mut imported_funcs, mut dispatch_import, mut defined_funcs, mut types) = (0, None, 0, 0);
    let (mut args, mut call, mut post) = (None, None, None);
    for payload in Parser::new(0).parse_all(core) {
        match payload? {
            Payload::TypeSection(s) => types = s.count(),
            Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    let import = import?;
                    if let TypeRef::Func(_) = import.ty {
                        if import.module == IMPORT_MODULE && import.name == IMPORT_NAME {
                            dispatch_import = Some(imported_funcs);
                        }
                        imported_funcs += 1;
                    }
                }
            }
            Payload::FunctionSection(s) => defined_funcs = s.count(),
            Payload::ExportSection(s) => {
                for export in s {
                    let export = export?;
                    if export.kind == ExternalKind::Func {
                        match export.name {
                            WIT_ARGS_EXPORT => args = Some(export.index),
                            WIT_CALL_EXPORT => call = Some(export.index),
                            WIT_POST_EXPORT => post = Some(export.index),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let missing = || anyhow::anyhow!("the snapshot is not of the plugin engine");
    Ok(Layout {
        imported_funcs,
        dispatch_import: dispatch_import.ok_or_else(missing)?,
        defined_funcs,
        types,
        args: args.ok_or_else(missing)?,
        call: call.ok_or_else(missing)?,
        post: post.ok_or_else(missing)?,
    })
}

struct Rewrite<'a> {
    plan: &'a Plan,
    layout: Layout,
}

impl Rewrite<'_> {
    /// New index of an old function: the dispatch import leaves the imports,
    /// the world's imports join them, and the dispatcher is defined after the
    /// engine's own functions.
    fn map(&self, old: u32) -> u32 {
        let l = &self.layout;
        let added = self.plan.imports.len() as u32;
        if old < l.dispatch_import {
            old
        } else if old == l.dispatch_import {
            self.dispatcher()
        } else if old < l.imported_funcs {
            old - 1
        } else {
            old - 1 + added
        }
    }

    fn imported(&self) -> u32 {
        self.layout.imported_funcs - 1 + self.plan.imports.len() as u32
    }

    fn dispatcher(&self) -> u32 {
        self.imported() + self.layout.defined_funcs
    }

    /// The functions added after the dispatcher: each world export (its
    /// function index, its number for `jsw-wit-call`, and whether this is its
    /// post-return), an export with a post-return followed by it.
    fn added_funcs(&self) -> Vec<(u32, u32, &CoreFunc, bool)> {
        let mut index = self.dispatcher() + 1;
        let mut out = Vec::new();
        for (export, f) in self.plan.exports.iter().enumerate() {
            out.push((index, export as u32, f, false));
            index += 1;
            if f.post_return.is_some() {
                out.push((index, export as u32, f, true));
                index += 1;
            }
        }
        out
    }

    /// Type indices of the added types: the world's imports', the dispatcher's,
    /// then one per added function in `added_funcs` order.
    fn import_type(&self, i: usize) -> u32 {
        self.layout.types + i as u32
    }

    fn dispatcher_type(&self) -> u32 {
        self.layout.types + self.plan.imports.len() as u32
    }
}

fn val(f: Flat) -> ValType {
    match f {
        Flat::I32 => ValType::I32,
        Flat::I64 => ValType::I64,
        Flat::F32 => ValType::F32,
        Flat::F64 => ValType::F64,
    }
}

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg {
        offset,
        align,
        memory_index: 0,
    }
}

/// Pushes the i64 form of the flat value on the stack (zero-extended bits).
fn widen(body: &mut Function, f: Flat) {
    match f {
        Flat::I32 => {
            body.instruction(&Instruction::I64ExtendI32U);
        }
        Flat::I64 => {}
        Flat::F32 => {
            body.instruction(&Instruction::I32ReinterpretF32);
            body.instruction(&Instruction::I64ExtendI32U);
        }
        Flat::F64 => {
            body.instruction(&Instruction::I64ReinterpretF64);
        }
    }
}

fn load(body: &mut Function, f: Flat, offset: u64) {
    body.instruction(&match f {
        Flat::I32 => Instruction::I32Load(mem(offset, 2)),
        Flat::I64 => Instruction::I64Load(mem(offset, 3)),
        Flat::F32 => Instruction::F32Load(mem(offset, 2)),
        Flat::F64 => Instruction::F64Load(mem(offset, 3)),
    });
}

impl Reencode for Rewrite<'_> {
    type Error = std::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, ReencodeError<Self::Error>> {
        Ok(self.map(func))
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        utils::parse_type_section(self, types, section)?;
        for f in &self.plan.imports {
            types.ty().function(
                f.params.iter().map(|t| val(*t)),
                f.results.iter().map(|t| val(*t)),
            );
        }
        types.ty().function([ValType::I32, ValType::I32], []);
        for (_, _, f, post) in self.added_funcs() {
            if post {
                types.ty().function(f.results.iter().map(|t| val(*t)), []);
            } else {
                types.ty().function(
                    f.params.iter().map(|t| val(*t)),
                    f.results.iter().map(|t| val(*t)),
                );
            }
        }
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        for import in section.into_imports() {
            let import = import?;
            if import.module == IMPORT_MODULE && import.name == IMPORT_NAME {
                continue;
            }
            let ty = self.entity_type(import.ty)?;
            imports.import(import.module, import.name, ty);
        }
        for (i, f) in self.plan.imports.iter().enumerate() {
            imports.import(
                &f.module,
                &f.name,
                EntityType::Function(self.import_type(i)),
            );
        }
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        utils::parse_function_section(self, functions, section)?;
        functions.function(self.dispatcher_type());
        let first = self.dispatcher_type() + 1;
        for (k, _) in self.added_funcs().iter().enumerate() {
            functions.function(first + k as u32);
        }
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        utils::parse_code_section(self, code, section)?;
        code.function(&self.dispatch_body());
        for (_, export, f, post) in self.added_funcs() {
            code.function(&if post {
                self.post_body(export)
            } else {
                self.export_body(export, f)
            });
        }
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), ReencodeError<Self::Error>> {
        for export in section {
            let export = export?;
            // The engine is also a command (`_start`) and has its own entry
            // points; the component exports the world and what the ABI needs
            // (and, for an HTTP handler with bindings, its handler).
            if export.name == "memory"
                || export.name == "cabi_realloc"
                || export.name.starts_with(super::INCOMING_HANDLER)
            {
                let kind = self.export_kind(export.kind)?;
                let index = self.external_index(export.kind, export.index)?;
                exports.export(export.name, kind, index);
            }
        }
        for (index, _, f, post) in self.added_funcs() {
            let name = if post {
                f.post_return.as_deref().unwrap_or_default()
            } else {
                &f.name
            };
            exports.export(name, ExportKind::Func, index);
        }
        Ok(())
    }
}

impl Rewrite<'_> {
    /// `(index, slots)`: loads import `index`'s flat arguments from the slots,
    /// calls it, and stores its flat result (if any) in slot 0.
    fn dispatch_body(&self) -> Function {
        // Locals 2..=5: one of each flat type, for holding a result.
        let mut body = Function::new([
            (1, ValType::I32),
            (1, ValType::I64),
            (1, ValType::F32),
            (1, ValType::F64),
        ]);
        let count = self.plan.imports.len() as u32;
        if count == 0 {
            body.instruction(&Instruction::Unreachable);
            body.instruction(&Instruction::End);
            return body;
        }
        body.instruction(&Instruction::Block(wasm_encoder::BlockType::Empty)); // done
        for _ in 0..count {
            body.instruction(&Instruction::Block(wasm_encoder::BlockType::Empty));
        }
        body.instruction(&Instruction::LocalGet(0));
        body.instruction(&Instruction::BrTable(
            (0..count).collect::<Vec<_>>().into(),
            count,
        ));
        for (i, f) in self.plan.imports.iter().enumerate() {
            body.instruction(&Instruction::End);
            for (j, p) in f.params.iter().enumerate() {
                body.instruction(&Instruction::LocalGet(1));
                load(&mut body, *p, 8 * j as u64);
            }
            body.instruction(&Instruction::Call(
                self.layout.imported_funcs - 1 + i as u32,
            ));
            if let Some(r) = f.results.first() {
                let local = 2 + *r as u32;
                body.instruction(&Instruction::LocalSet(local));
                body.instruction(&Instruction::LocalGet(1));
                body.instruction(&Instruction::LocalGet(local));
                widen(&mut body, *r);
                body.instruction(&Instruction::I64Store(mem(0, 3)));
            }
            body.instruction(&Instruction::Br(count - 1 - i as u32));
        }
        body.instruction(&Instruction::End);
        body.instruction(&Instruction::End);
        body
    }

    /// A world export: its flat arguments go to the engine's slots, then
    /// `jsw-wit-call(index)` runs it and says where the flat result is.
    fn export_body(&self, export: u32, f: &CoreFunc) -> Function {
        let base = f.params.len() as u32;
        let mut body = Function::new([(1, ValType::I32)]);
        body.instruction(&Instruction::Call(self.map(self.layout.args)));
        body.instruction(&Instruction::LocalSet(base));
        for (j, p) in f.params.iter().enumerate() {
            body.instruction(&Instruction::LocalGet(base));
            body.instruction(&Instruction::LocalGet(j as u32));
            widen(&mut body, *p);
            body.instruction(&Instruction::I64Store(mem(8 * j as u64, 3)));
        }
        body.instruction(&Instruction::I32Const(export as i32));
        body.instruction(&Instruction::Call(self.map(self.layout.call)));
        match f.results.first() {
            Some(r) => load(&mut body, *r, 0),
            None => {
                body.instruction(&Instruction::Drop);
            }
        }
        body.instruction(&Instruction::End);
        body
    }

    fn post_body(&self, export: u32) -> Function {
        let mut body = Function::new([]);
        body.instruction(&Instruction::I32Const(export as i32));
        body.instruction(&Instruction::Call(self.map(self.layout.post)));
        body.instruction(&Instruction::End);
        body
    }
}

pub(crate) fn rewrite(core: &[u8], plan: &Plan) -> Result<Vec<u8>> {
    let layout = layout(core)?;
    let mut rewrite = Rewrite { plan, layout };
    let mut module = wasm_encoder::Module::new();
    rewrite
        .parse_core_module(&mut module, Parser::new(0), core)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(module.finish())
}
