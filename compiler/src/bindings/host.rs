//! What `jsw serve` gives every request's instance beside WASI and wasi:http:
//! its configuration (config.rs) and its key-value buckets (kv/), linked from
//! the `host` world of wit/world.wit.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Result;
use wasmtime::component::{HasData, Linker, ResourceTable};

use super::kv::Store;
use crate::WasmtimeResultExt;

pub(crate) mod generated {
    wasmtime::component::bindgen!({
        path: "src/bindings/wit",
        world: "jsw:bindings/host",
        imports: { default: async | trappable },
        with: {
            "wasi:keyvalue/store.bucket": crate::bindings::kv::Bucket,
        },
    });
}

/// The server's bindings, shared by every request.
#[derive(Default)]
pub struct Host {
    /// `--env` and `--env-file`, in order (the last of a name wins).
    pub env: Vec<(String, String)>,
    /// `--config`, in order (the last of a name wins).
    pub config: Vec<(String, String)>,
    /// Bucket identifier → its store, for the version being served.
    pub buckets: BTreeMap<String, Arc<dyn Store>>,
    /// The stores by binding name (`--kv NAME…`).
    pub stores: BTreeMap<String, Arc<dyn Store>>,
    /// Largest value a put may store, in bytes.
    pub max_value: usize,
}

impl Host {
    /// The identifiers a component's bindings open, mapped to the stores
    /// `--kv` gave their names. A binding without a store is left out: its
    /// `open` then fails with `no-such-store`, which the program can catch.
    pub fn for_component(&self, declared: &BTreeMap<String, String>) -> Host {
        let mut buckets = BTreeMap::new();
        for (name, store) in &self.stores {
            let identifier = declared.get(name).cloned().unwrap_or_else(|| name.clone());
            buckets.insert(identifier, store.clone());
        }
        Host {
            env: self.env.clone(),
            config: self.config.clone(),
            buckets,
            stores: self.stores.clone(),
            max_value: self.max_value,
        }
    }

    /// The environment as wasi:cli gives it: the last value of each name.
    pub fn environment(&self) -> Vec<(String, String)> {
        let mut seen: Vec<(String, String)> = Vec::new();
        for (k, v) in &self.env {
            match seen.iter_mut().find(|(s, _)| s == k) {
                Some(slot) => slot.1 = v.clone(),
                None => seen.push((k.clone(), v.clone())),
            }
        }
        seen
    }
}

/// One request's view of the bindings.
pub struct BindingsView<'a> {
    pub host: &'a Host,
    pub table: &'a mut ResourceTable,
}

struct HasBindings;

impl HasData for HasBindings {
    type Data<'a> = BindingsView<'a>;
}

/// Adds wasi:config and wasi:keyvalue to a linker whose store data gives a
/// [`BindingsView`].
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    view: fn(&mut T) -> BindingsView<'_>,
) -> Result<()> {
    use generated::wasi::{config, keyvalue};
    config::store::add_to_linker::<_, HasBindings>(linker, view)
        .context_wt("linking wasi:config")?;
    keyvalue::store::add_to_linker::<_, HasBindings>(linker, view)
        .context_wt("linking wasi:keyvalue/store")?;
    keyvalue::atomics::add_to_linker::<_, HasBindings>(linker, view)
        .context_wt("linking wasi:keyvalue/atomics")?;
    keyvalue::batch::add_to_linker::<_, HasBindings>(linker, view)
        .context_wt("linking wasi:keyvalue/batch")?;
    Ok(())
}
