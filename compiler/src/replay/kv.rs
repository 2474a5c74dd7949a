//! A key-value bucket seen through a request's tape: while recording, each
//! call goes to the real store and its answer is kept; in a replay the
//! answers come from the record and no store is touched (a replay never
//! writes to the server's data).

use std::sync::Arc;

use super::request::{KvAnswer, Tape};
use crate::bindings::kv::{Failure, Store};
use crate::replay::Bytes;

pub struct TapedStore {
    /// The real store (None in a replay).
    pub inner: Option<Arc<dyn Store>>,
    /// The identifier the program opened it by.
    pub bucket: String,
    pub tape: Arc<Tape>,
}

fn bytes(v: &Option<Vec<u8>>) -> Option<Bytes> {
    v.as_ref().map(|b| Bytes(b.clone()))
}

fn unbytes(v: Option<Bytes>) -> Option<Vec<u8>> {
    v.map(|b| b.0)
}

/// A call's answer as kept: `ok` turns a success into a [`KvAnswer`].
fn answer<T>(ok: impl Fn(&T) -> KvAnswer) -> impl Fn(&Result<T, Failure>) -> KvAnswer {
    move |r| match r {
        Ok(v) => ok(v),
        Err(e) => KvAnswer::Failed(e.clone()),
    }
}

/// A kept answer as the call's result: `ok` takes the success apart.
fn result<T>(
    ok: impl Fn(KvAnswer) -> Option<T>,
) -> impl Fn(KvAnswer) -> Option<Result<T, Failure>> {
    move |a| match a {
        KvAnswer::Failed(e) => Some(Err(e)),
        other => ok(other).map(Ok),
    }
}

fn diverged<T>(why: String) -> Result<T, Failure> {
    Err(format!("jsw replay: {why}"))
}

impl TapedStore {
    fn store(&self) -> Result<&Arc<dyn Store>, Failure> {
        self.inner
            .as_ref()
            .ok_or_else(|| "jsw replay: no store to ask".to_string())
    }

    async fn taped<T>(
        &self,
        op: &str,
        key: &str,
        real: impl Future<Output = Result<T, Failure>>,
        ok: impl Fn(&T) -> KvAnswer,
        from: impl Fn(KvAnswer) -> Option<T>,
    ) -> Result<T, Failure> {
        self.tape
            .kv(
                (op, &self.bucket, key),
                real,
                answer(ok),
                result(from),
                diverged,
            )
            .await
    }
}

#[async_trait::async_trait]
impl Store for TapedStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Failure> {
        let real = async { self.store()?.get(key).await };
        self.taped(
            "get",
            key,
            real,
            |v| KvAnswer::Value(bytes(v)),
            |a| match a {
                KvAnswer::Value(v) => Some(unbytes(v)),
                _ => None,
            },
        )
        .await
    }

    async fn set(&self, key: &str, value: &[u8]) -> Result<(), Failure> {
        let real = async { self.store()?.set(key, value).await };
        self.taped("set", key, real, |_| KvAnswer::Done, done).await
    }

    async fn delete(&self, key: &str) -> Result<(), Failure> {
        let real = async { self.store()?.delete(key).await };
        self.taped("delete", key, real, |_| KvAnswer::Done, done)
            .await
    }

    async fn exists(&self, key: &str) -> Result<bool, Failure> {
        let real = async { self.store()?.exists(key).await };
        self.taped(
            "exists",
            key,
            real,
            |v| KvAnswer::Exists(*v),
            |a| match a {
                KvAnswer::Exists(v) => Some(v),
                _ => None,
            },
        )
        .await
    }

    async fn keys(&self, start: usize, count: usize) -> Result<(Vec<String>, bool), Failure> {
        let real = async { self.store()?.keys(start, count).await };
        self.taped(
            "list-keys",
            &format!("{start}+{count}"),
            real,
            |(keys, more)| KvAnswer::Keys {
                keys: keys.clone(),
                more: *more,
            },
            |a| match a {
                KvAnswer::Keys { keys, more } => Some((keys, more)),
                _ => None,
            },
        )
        .await
    }

    async fn increment(&self, key: &str, delta: u64) -> Result<u64, Failure> {
        let real = async { self.store()?.increment(key, delta).await };
        self.taped(
            "increment",
            key,
            real,
            |v| KvAnswer::Number(*v),
            |a| match a {
                KvAnswer::Number(v) => Some(v),
                _ => None,
            },
        )
        .await
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, Failure> {
        let real = async { self.store()?.get_many(keys).await };
        self.taped(
            "get-many",
            &keys.join(","),
            real,
            |v| KvAnswer::Values(v.iter().map(bytes).collect()),
            |a| match a {
                KvAnswer::Values(v) => Some(v.into_iter().map(unbytes).collect()),
                _ => None,
            },
        )
        .await
    }

    async fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> Result<(), Failure> {
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        let real = async { self.store()?.set_many(pairs).await };
        self.taped("set-many", &keys.join(","), real, |_| KvAnswer::Done, done)
            .await
    }

    async fn delete_many(&self, keys: &[String]) -> Result<(), Failure> {
        let real = async { self.store()?.delete_many(keys).await };
        self.taped(
            "delete-many",
            &keys.join(","),
            real,
            |_| KvAnswer::Done,
            done,
        )
        .await
    }
}

/// `host` with each bucket seen through `tape`: the real stores behind
/// (recording), or none (`replay`).
pub fn taped_host(
    host: &crate::bindings::host::Host,
    tape: &Arc<Tape>,
    replay: bool,
) -> crate::bindings::host::Host {
    let buckets = host
        .buckets
        .iter()
        .map(|(id, store)| {
            let taped: Arc<dyn Store> = Arc::new(TapedStore {
                inner: (!replay).then(|| store.clone()),
                bucket: id.clone(),
                tape: tape.clone(),
            });
            (id.clone(), taped)
        })
        .collect();
    crate::bindings::host::Host {
        env: host.env.clone(),
        config: host.config.clone(),
        buckets,
        stores: Default::default(),
        max_value: host.max_value,
    }
}

fn done(a: KvAnswer) -> Option<()> {
    matches!(a, KvAnswer::Done).then_some(())
}
