//! The guest side of bindings: which of them a handler uses, the JS modules
//! that give them to it (engine/src/http/env.js and kv.js), and the core
//! module that imports exactly those interfaces.
//!
//! The HTTP engine calls WIT imports the way plugins do (engine/src/wit/):
//! the program's calls go through the `jsw` `wit-import` import, which the
//! plugin rewrite replaces with a dispatcher over the imports the plan lists.
//! A handler that uses no binding gets a dispatcher with nothing to call, and
//! its component imports the proxy world alone.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, Result};
use wit_parser::Resolve;

use super::Declared;
use crate::bundle::{Bundle, BundledModule, ModuleKind};
use crate::wit::World;
use crate::wit::plan::{self, Plan};

pub const ENVIRONMENT: &str = "wasi:cli/environment@0.2.0";
pub const CONFIG: &str = "wasi:config/store@0.2.0-rc.1";
pub const KV_STORE: &str = "wasi:keyvalue/store@0.2.0-draft";
pub const KV_ATOMICS: &str = "wasi:keyvalue/atomics@0.2.0-draft";
pub const KV_BATCH: &str = "wasi:keyvalue/batch@0.2.0-draft";

/// The module programs import key-value namespaces from.
pub const KV_MODULE: &str = "jsw:kv";
/// What `jsw:kv` exports.
const KV_EXPORTS: &[&str] = &["open", "bindings", "KVNamespace", "KVError"];
/// The environment glue: imported by nothing, loaded before the program.
const ENV_MODULE: &str = "jsw:bindings-env";

const WORLD_WIT: &str = include_str!("wit/world.wit");
const DEPS_WIT: &[(&str, &str)] = &[
    ("cli.wit", include_str!("wit/deps/cli.wit")),
    ("config.wit", include_str!("wit/deps/config.wit")),
    ("keyvalue.wit", include_str!("wit/deps/keyvalue.wit")),
];
const ENV_JS: &str = include_str!("../../../engine/src/http/env.js");
const KV_JS: &str = include_str!("../../../engine/src/http/kv.js");

/// The line the engine writes at build time when the handler takes `env`
/// (a second parameter) and the program was built without its environment:
/// the compiler then builds it again with it.
pub const WANTS_ENV_LINE: &[u8] = b"\x1ejsw-wants-env\n";

/// The world of everything a handler may import beside the proxy world.
pub fn world() -> Result<World> {
    let mut resolve = Resolve::new();
    for (name, text) in DEPS_WIT {
        resolve
            .push_str(name, text)
            .with_context(|| format!("reading jsw's bindings WIT ({name})"))?;
    }
    let package = resolve
        .push_str("world.wit", WORLD_WIT)
        .context("reading jsw's bindings WIT (world.wit)")?;
    let world = resolve
        .select_world(&[package], Some("bindings"))
        .context("selecting jsw's bindings world")?;
    Ok(World { resolve, world })
}

/// The specifiers an HTTP handler may import (the bindings' interfaces, with
/// and without version, and `jsw:kv`) and the names each provides.
pub fn import_names() -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut names = plan::import_names(&world()?);
    names.insert(
        KV_MODULE.to_string(),
        KV_EXPORTS.iter().map(|s| s.to_string()).collect(),
    );
    Ok(names)
}

/// What a handler's build adds for its bindings.
pub struct Guest {
    pub world: World,
    pub plan: Plan,
    /// The program has its environment (process.env, `env`'s variables).
    pub env: bool,
    pub kv: BTreeMap<String, String>,
}

/// Works out the bindings `bundle` uses and adds their modules to it.
/// `wants_env`: the build found a handler that takes `env`.
pub fn prepare(bundle: &mut Bundle, declared: &Declared, wants_env: bool) -> Result<Guest> {
    let world = world()?;
    let kv = !declared.kv.is_empty() || bundle.wit_used.contains(KV_MODULE);
    let env = declared.env
        || wants_env
        || bundle
            .modules
            .iter()
            .any(|m| m.kind != ModuleKind::Part && m.code.contains("process.env"));
    let mut used: BTreeSet<String> = bundle
        .wit_used
        .iter()
        .filter(|s| *s != KV_MODULE)
        .cloned()
        .collect();
    let mut preload = Vec::new();
    if env {
        used.extend([ENVIRONMENT.to_string(), CONFIG.to_string()]);
        preload.push(ENV_MODULE.to_string());
    }
    if kv {
        used.extend([KV_STORE, KV_ATOMICS, KV_BATCH].map(String::from));
        preload.push(KV_MODULE.to_string());
    }
    let plan = plan::plan_with(&world, &used, &preload)?;
    let mut add = |name: &str, code: String| {
        bundle.modules.push(BundledModule {
            name: name.to_string(),
            kind: ModuleKind::Esm,
            code,
            positions: Vec::new(),
            verbatim: None,
            imports: Vec::new(),
        })
    };
    for (name, code) in &plan.modules {
        add(name, code.clone());
    }
    if env {
        add(ENV_MODULE, ENV_JS.to_string());
    }
    if kv {
        let bindings = serde_json::to_string(&declared.kv).expect("a map of strings");
        add(KV_MODULE, KV_JS.replace("\"@JSW_KV_BINDINGS@\"", &bindings));
    }
    Ok(Guest {
        world,
        plan,
        env,
        kv: declared.kv.clone(),
    })
}

impl Guest {
    /// The handler calls host imports: it is built with the HTTP engine that
    /// can (`http,wit`), and [`link`]ed.
    pub fn uses_imports(&self) -> bool {
        !self.plan.imports.is_empty()
    }
}

/// The snapshot's core module with the bindings' imports in place of the
/// engine's `wit-import`, and their world embedded for wit-component.
pub fn link(core: &[u8], guest: &Guest) -> Result<Vec<u8>> {
    let mut module = crate::component::plugin::rewrite(core, &guest.plan)
        .context("adding the bindings' imports to the snapshot")?;
    if guest.uses_imports() {
        wit_component::embed_component_metadata(
            &mut module,
            &guest.world.resolve,
            guest.world.world,
            wit_component::StringEncoding::UTF8,
        )
        .context("embedding the bindings' world in the snapshot")?;
    }
    Ok(module)
}

/// Adds the custom section that lists the component's key-value bindings.
pub fn mark_bindings(component: &mut Vec<u8>, kv: &BTreeMap<String, String>) {
    if kv.is_empty() {
        return;
    }
    let data: String = kv.iter().map(|(n, b)| format!("{n}={b}\n")).collect();
    let section = wasm_encoder::CustomSection {
        name: super::SECTION.into(),
        data: data.as_bytes().into(),
    };
    use wasm_encoder::Encode;
    // A component's custom sections go anywhere between its sections.
    component.push(0);
    section.encode(component);
}

/// Takes the engine's [`WANTS_ENV_LINE`] out of the build's stderr; whether
/// it was there.
pub fn take_wants_env(stderr: &mut Vec<u8>) -> bool {
    match stderr
        .windows(WANTS_ENV_LINE.len())
        .position(|w| w == WANTS_ENV_LINE)
    {
        Some(at) => {
            stderr.drain(at..at + WANTS_ENV_LINE.len());
            true
        }
        None => false,
    }
}
