//! Components: a snapshotted core module becomes a WASI 0.2 component.
//!
//! The HTTP engine is a wasm32-wasip1 module that also imports `wasi:http` and
//! exports `wasi:http/incoming-handler`. After Wizer has pre-initialized it, the
//! preview 1 imports it still has (clocks, random, stdio) are bridged by the
//! proxy adapter from `wasi-preview1-component-adapter-provider`, and
//! `wit-component` wraps module and adapter into a `wasi:http/proxy` component.
//! Snapshotting the core module and wrapping it afterwards keeps one snapshot
//! path for commands and components, and the component holds nothing but the
//! snapshot, the adapter and the glue between them.

pub mod invoke;
pub mod plugin;

use anyhow::{Context, Result};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER,
};
use wasm_encoder::{ExportKind, ExportSection, RawSection};
use wasmparser::{Parser, Payload};

/// The interface every HTTP component exports.
pub const INCOMING_HANDLER: &str = "wasi:http/incoming-handler";

/// Wraps a snapshotted HTTP engine into a `wasi:http/proxy` component.
pub fn proxy(core: &[u8]) -> Result<Vec<u8>> {
    // The engine is also a command (`_start`, `jsw-configure`); a proxy has no
    // use for those exports and the world does not allow them.
    let core = keep_exports(core, |name| {
        name == "memory" || name == "cabi_realloc" || name.starts_with(INCOMING_HANDLER)
    })?;
    wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&core)
        .context("reading the snapshot's component metadata")?
        .adapter(
            WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
            WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER,
        )
        .context("adding the preview 1 proxy adapter")?
        .encode()
        .context("encoding the wasi:http component")
}

/// Whether `wasm` is a component (rather than a core module).
pub fn is_component(wasm: &[u8]) -> bool {
    Parser::is_component(wasm)
}

/// Whether the component `wasm` is an HTTP handler (exports
/// `wasi:http/incoming-handler`) rather than, say, a plugin.
pub fn is_http_handler(wasm: &[u8]) -> bool {
    // Nested modules and components have export sections of their own: only
    // the outermost component's count.
    let mut depth = 0;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(Payload::Version { .. }) => depth += 1,
            Ok(Payload::End(_)) => depth -= 1,
            Ok(Payload::ComponentExportSection(exports)) if depth == 1 => {
                for export in exports.into_iter().flatten() {
                    if export.name.name.starts_with(INCOMING_HANDLER) {
                        return true;
                    }
                }
            }
            Err(_) => return false,
            _ => {}
        }
    }
    false
}

/// What to say about a component given where a command was expected.
pub fn not_a_command(name: &str, wasm: &[u8]) -> String {
    let source = !name.ends_with(".wasm");
    if is_http_handler(wasm) && source {
        format!(
            "{name} has a fetch handler: it is an HTTP handler, not a command. Serve it with \
             `jsw serve {name}`, or compile it (`jsw compile {name}`) for any wasi:http host"
        )
    } else if is_http_handler(wasm) {
        format!(
            "{name} is a wasi:http component (an HTTP handler), not a command: serve it with \
             `jsw serve {name}` or `wasmtime serve -S cli=y {name}`"
        )
    } else {
        format!(
            "{name} is a component, not a command: call one of its exports with \
             `jsw run --invoke 'name(args)' {name}` (or `wasmtime run --invoke`)"
        )
    }
}

/// Copies a core module, keeping only the exports `keep` accepts.
fn keep_exports(wasm: &[u8], keep: impl Fn(&str) -> bool) -> Result<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.context("reading the snapshot module")?;
        match payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::ExportSection(reader) => {
                let mut exports = ExportSection::new();
                for export in reader {
                    let export = export?;
                    if !keep(export.name) {
                        continue;
                    }
                    let kind = match export.kind {
                        wasmparser::ExternalKind::Func => ExportKind::Func,
                        wasmparser::ExternalKind::Table => ExportKind::Table,
                        wasmparser::ExternalKind::Memory => ExportKind::Memory,
                        wasmparser::ExternalKind::Global => ExportKind::Global,
                        wasmparser::ExternalKind::Tag => ExportKind::Tag,
                        other => anyhow::bail!("unexpected export kind {other:?}"),
                    };
                    exports.export(export.name, kind, export.index);
                }
                module.section(&exports);
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection {
                        id,
                        data: &wasm[range],
                    });
                }
            }
        }
    }
    Ok(module.finish())
}

/// The smallest `wasi:http/proxy` component: its handler answers 200 with an
/// empty body and does nothing else. Instantiate + handle of it is the floor
/// that `jsw bench` measures HTTP components against.
pub fn empty_handler() -> Result<Vec<u8>> {
    use wasm_encoder::{
        CodeSection, CustomSection, EntityType, Function, FunctionSection, ImportSection,
        MemorySection, MemoryType, Module, TypeSection, ValType,
    };
    use wasmparser::KnownCustom;
    // The proxy world as the HTTP engine's bindings describe it: the custom
    // section wit-component reads to know what the imports mean.
    let mut world = None;
    for payload in Parser::new(0).parse_all(crate::ENGINE_HTTP_WASM) {
        if let Payload::CustomSection(section) = payload.context("reading the HTTP engine")?
            && section.name().starts_with("component-type:")
            && section.name().contains(":proxy:")
            && matches!(section.as_known(), KnownCustom::Unknown)
            && world.is_none()
        {
            world = Some((section.name().to_string(), section.data().to_vec()));
        }
    }
    let (name, data) = world.context("the HTTP engine has no component-type section")?;
    const TYPES: &str = "wasi:http/types@0.2.12";
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]); // 0: [constructor]fields
    types.ty().function([ValType::I32], [ValType::I32]); // 1: [constructor]outgoing-response
    // 2: [static]response-outparam.set(param, result<outgoing-response, error-code>), flattened
    let i32 = ValType::I32;
    types
        .ty()
        .function([i32, i32, i32, i32, ValType::I64, i32, i32, i32, i32], []);
    types.ty().function([i32, i32], []); // 3: handle(request, response-out)
    types.ty().function([i32], []); // 4: [resource-drop]incoming-request
    module.section(&types);
    let mut imports = ImportSection::new();
    imports.import(TYPES, "[constructor]fields", EntityType::Function(0));
    imports.import(
        TYPES,
        "[constructor]outgoing-response",
        EntityType::Function(1),
    );
    imports.import(
        TYPES,
        "[static]response-outparam.set",
        EntityType::Function(2),
    );
    imports.import(
        TYPES,
        "[resource-drop]incoming-request",
        EntityType::Function(4),
    );
    module.section(&imports);
    let mut functions = FunctionSection::new();
    functions.function(3);
    module.section(&functions);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export(
        &format!("{INCOMING_HANDLER}@0.2.12#handle"),
        ExportKind::Func,
        4,
    );
    module.section(&exports);
    let mut body = Function::new([]);
    body.instructions()
        .local_get(0)
        .call(3) // drop the request
        .local_get(1) // response-out
        .i32_const(0) // ok
        .call(0) // new fields
        .call(1) // new outgoing-response with them
        .i32_const(0)
        .i64_const(0)
        .i32_const(0)
        .i32_const(0)
        .i32_const(0)
        .i32_const(0)
        .call(2)
        .end();
    let mut code = CodeSection::new();
    code.function(&body);
    module.section(&code);
    module.section(&CustomSection {
        name: name.into(),
        data: data.into(),
    });
    wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module.finish())
        .context("reading the empty handler's component metadata")?
        .encode()
        .context("encoding the empty handler")
}
