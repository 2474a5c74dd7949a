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
