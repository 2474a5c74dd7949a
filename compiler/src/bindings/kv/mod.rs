//! Key-value buckets in `jsw serve`: wasi:keyvalue's store, atomics and batch
//! over one [`Store`] per binding, the embedded one (sqlite.rs, a file under
//! `--data-dir` every worker opens) or Redis (redis.rs).
//!
//! A store that fails (Redis down, the disk full) answers the call with
//! wasi:keyvalue's `other` error, which the program's namespace turns into a
//! rejected promise; the instance and the server go on, and the next call
//! tries again.

mod redis;
mod sqlite;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use wasmtime::component::Resource;

use super::host::BindingsView;
use super::host::generated::wasi::keyvalue::{atomics, batch, store};

/// Keys are at most this many bytes (as in Workers KV).
pub const MAX_KEY: usize = 512;
/// Values are at most this many bytes (as in Workers KV); `--kv-max-value`
/// may lower it. The program's side stops reading a stream past it.
pub const DEFAULT_MAX_VALUE: usize = 25 << 20;
/// Keys a `list-keys` page holds.
const PAGE: usize = 1000;

/// A store's failure, said to the program.
pub type Failure = String;

/// One binding's data. Keys are strings, values bytes; `increment` keeps a
/// decimal number (a missing key counts from 0), atomically across workers.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Failure>;
    async fn set(&self, key: &str, value: &[u8]) -> Result<(), Failure>;
    async fn delete(&self, key: &str) -> Result<(), Failure>;
    async fn exists(&self, key: &str) -> Result<bool, Failure>;
    /// The keys from `start` (in sorted order), at most `count` of them, and
    /// whether more follow.
    async fn keys(&self, start: usize, count: usize) -> Result<(Vec<String>, bool), Failure>;
    async fn increment(&self, key: &str, delta: u64) -> Result<u64, Failure>;
    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, Failure>;
    async fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> Result<(), Failure>;
    async fn delete_many(&self, keys: &[String]) -> Result<(), Failure>;
}

/// Where `--kv` keeps a binding's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// The embedded store under `--data-dir`.
    Embedded,
    /// `redis://HOST:PORT[/DB]`.
    Redis { host: String, port: u16, db: u32 },
}

/// Parses `--kv NAME` or `--kv NAME=redis://HOST:PORT[/DB]` of `jsw serve`.
pub fn parse_binding(spec: &str) -> Result<(String, Backend)> {
    let (name, url) = match spec.split_once('=') {
        Some((name, url)) => (name, Some(url)),
        None => (spec, None),
    };
    super::check_binding_name(name)?;
    let backend = match url {
        None => Backend::Embedded,
        Some(url) => parse_redis_url(url)
            .with_context(|| format!("--kv {name}: `{}` is not a store", redacted(url)))?,
    };
    Ok((name.to_string(), backend))
}

/// A URL as it may be shown: without the password of a `user:password@`.
fn redacted(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, _)), Some(at)) => format!("{scheme}://…{}", &url[at..]),
        _ => url.to_string(),
    }
}

fn parse_redis_url(url: &str) -> Result<Backend> {
    let Some(rest) = url.strip_prefix("redis://") else {
        bail!(
            "give redis://HOST:PORT[/DB] for Redis, or no `=…` for the embedded store (kept under --data-dir)"
        );
    };
    let (addr, db) = match rest.split_once('/') {
        Some((addr, "")) => (addr, 0),
        Some((addr, db)) => (
            addr,
            db.parse::<u32>()
                .with_context(|| format!("`{db}` is not a database number"))?,
        ),
        None => (rest, 0),
    };
    if addr.contains('@') {
        bail!("passwords in the URL are not supported; run Redis on a private address");
    }
    let (host, port) = match addr.rsplit_once(':') {
        Some((host, port)) => (
            host,
            port.parse::<u16>()
                .with_context(|| format!("`{port}` is not a port"))?,
        ),
        None => (addr, 6379),
    };
    if host.is_empty() {
        bail!("the URL names no host");
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Ok(Backend::Redis {
        host: host.to_string(),
        port,
        db,
    })
}

/// Opens the stores of the `--kv` bindings: the embedded ones in one file
/// under `data_dir` (made if missing), the Redis ones connected lazily (a
/// Redis that is down at start is an error of the requests that use it, not
/// of the server).
pub fn open_stores(
    bindings: &[(String, Backend)],
    data_dir: &Path,
) -> Result<BTreeMap<String, Arc<dyn Store>>> {
    let mut out: BTreeMap<String, Arc<dyn Store>> = BTreeMap::new();
    let mut file = None;
    for (name, backend) in bindings {
        let store: Arc<dyn Store> = match backend {
            Backend::Embedded => {
                if file.is_none() {
                    file = Some(sqlite::File::open(data_dir)?);
                }
                Arc::new(file.as_ref().expect("opened above").bucket(name)?)
            }
            Backend::Redis { host, port, db } => {
                Arc::new(redis::Redis::new(host.clone(), *port, *db))
            }
        };
        if out.insert(name.clone(), store).is_some() {
            bail!("--kv {name} is given twice");
        }
    }
    Ok(out)
}

/// A bucket the program opened: its store, under the identifier it asked for.
pub struct Bucket {
    store: Arc<dyn Store>,
}

fn other(e: Failure) -> store::Error {
    store::Error::Other(e)
}

fn check_key(key: &str) -> Result<(), store::Error> {
    if key.len() > MAX_KEY {
        return Err(other(format!(
            "a key is at most {MAX_KEY} bytes; this one has {}",
            key.len()
        )));
    }
    Ok(())
}

impl BindingsView<'_> {
    fn bucket(&self, bucket: &Resource<Bucket>) -> wasmtime::Result<Arc<dyn Store>> {
        Ok(self.table.get(bucket)?.store.clone())
    }

    fn check_value(&self, value: &[u8]) -> Result<(), store::Error> {
        if value.len() > self.host.max_value {
            return Err(other(format!(
                "a value is at most {} bytes on this server (--kv-max-value); this one has {}",
                self.host.max_value,
                value.len()
            )));
        }
        Ok(())
    }
}

type Answer<T> = wasmtime::Result<Result<T, store::Error>>;

impl store::Host for BindingsView<'_> {
    async fn open(&mut self, identifier: String) -> Answer<Resource<Bucket>> {
        let Some(store) = self.host.buckets.get(&identifier) else {
            return Ok(Err(store::Error::NoSuchStore));
        };
        let bucket = Bucket {
            store: store.clone(),
        };
        Ok(Ok(self.table.push(bucket)?))
    }
}

impl store::HostBucket for BindingsView<'_> {
    async fn get(&mut self, bucket: Resource<Bucket>, key: String) -> Answer<Option<Vec<u8>>> {
        let store = self.bucket(&bucket)?;
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        Ok(store.get(&key).await.map_err(other))
    }

    async fn set(&mut self, bucket: Resource<Bucket>, key: String, value: Vec<u8>) -> Answer<()> {
        let store = self.bucket(&bucket)?;
        if let Err(e) = check_key(&key).and_then(|()| self.check_value(&value)) {
            return Ok(Err(e));
        }
        Ok(store.set(&key, &value).await.map_err(other))
    }

    async fn delete(&mut self, bucket: Resource<Bucket>, key: String) -> Answer<()> {
        let store = self.bucket(&bucket)?;
        Ok(store.delete(&key).await.map_err(other))
    }

    async fn exists(&mut self, bucket: Resource<Bucket>, key: String) -> Answer<bool> {
        let store = self.bucket(&bucket)?;
        Ok(store.exists(&key).await.map_err(other))
    }

    async fn list_keys(
        &mut self,
        bucket: Resource<Bucket>,
        cursor: Option<u64>,
    ) -> Answer<store::KeyResponse> {
        let store = self.bucket(&bucket)?;
        let start = cursor.unwrap_or(0) as usize;
        Ok(store
            .keys(start, PAGE)
            .await
            .map(|(keys, more)| store::KeyResponse {
                cursor: more.then(|| (start + keys.len()) as u64),
                keys,
            })
            .map_err(other))
    }

    async fn drop(&mut self, bucket: Resource<Bucket>) -> wasmtime::Result<()> {
        self.table.delete(bucket)?;
        Ok(())
    }
}

impl atomics::Host for BindingsView<'_> {
    async fn increment(
        &mut self,
        bucket: Resource<Bucket>,
        key: String,
        delta: u64,
    ) -> Answer<u64> {
        let store = self.bucket(&bucket)?;
        if let Err(e) = check_key(&key) {
            return Ok(Err(e));
        }
        Ok(store.increment(&key, delta).await.map_err(other))
    }
}

impl batch::Host for BindingsView<'_> {
    async fn get_many(
        &mut self,
        bucket: Resource<Bucket>,
        keys: Vec<String>,
    ) -> Answer<Vec<Option<(String, Vec<u8>)>>> {
        let store = self.bucket(&bucket)?;
        if let Err(e) = keys.iter().try_for_each(|k| check_key(k)) {
            return Ok(Err(e));
        }
        Ok(store
            .get_many(&keys)
            .await
            .map(|values| {
                keys.into_iter()
                    .zip(values)
                    .map(|(k, v)| v.map(|v| (k, v)))
                    .collect()
            })
            .map_err(other))
    }

    async fn set_many(
        &mut self,
        bucket: Resource<Bucket>,
        key_values: Vec<(String, Vec<u8>)>,
    ) -> Answer<()> {
        let store = self.bucket(&bucket)?;
        for (k, v) in &key_values {
            if let Err(e) = check_key(k).and_then(|()| self.check_value(v)) {
                return Ok(Err(e));
            }
        }
        Ok(store.set_many(&key_values).await.map_err(other))
    }

    async fn delete_many(&mut self, bucket: Resource<Bucket>, keys: Vec<String>) -> Answer<()> {
        let store = self.bucket(&bucket)?;
        Ok(store.delete_many(&keys).await.map_err(other))
    }
}

/// What `increment` keeps: a decimal number from 0 to 2^63 - 1, digits
/// only, no leading zero (what Redis's INCRBY takes, so that both stores
/// agree).
pub const MAX_COUNTER: u64 = i64::MAX as u64;

fn not_a_number(key: &str) -> Failure {
    format!(
        "the value of {key} is not a whole number from 0 to 2^63 - 1, so it cannot be incremented"
    )
}

fn past_the_limit(key: &str) -> Failure {
    format!("incrementing {key} would pass 2^63 - 1")
}

/// Parses a counter for an increment and adds `delta` to it.
fn counter(key: &str, value: Option<&[u8]>, delta: u64) -> Result<u64, Failure> {
    let current = match value {
        None => 0,
        Some(bytes) => {
            let digits = !bytes.is_empty()
                && bytes.iter().all(u8::is_ascii_digit)
                && (bytes[0] != b'0' || bytes.len() == 1);
            std::str::from_utf8(bytes)
                .ok()
                .filter(|_| digits)
                .and_then(|s| s.parse::<u64>().ok())
                .filter(|n| *n <= MAX_COUNTER)
                .ok_or_else(|| not_a_number(key))?
        }
    };
    current
        .checked_add(delta)
        .filter(|n| *n <= MAX_COUNTER)
        .ok_or_else(|| past_the_limit(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_parse() {
        assert_eq!(
            parse_binding("CACHE").unwrap(),
            ("CACHE".into(), Backend::Embedded)
        );
        assert_eq!(
            parse_binding("C=redis://127.0.0.1:6380/2").unwrap().1,
            Backend::Redis {
                host: "127.0.0.1".into(),
                port: 6380,
                db: 2
            }
        );
        assert_eq!(
            parse_binding("C=redis://cache").unwrap().1,
            Backend::Redis {
                host: "cache".into(),
                port: 6379,
                db: 0
            }
        );
        assert!(parse_binding("C=http://x").is_err());
        assert!(parse_binding("C=redis://h:port").is_err());
        let e = format!(
            "{:#}",
            parse_binding("C=redis://u:hunter2@h:1").unwrap_err()
        );
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn counters() {
        assert_eq!(counter("k", None, 3), Ok(3));
        assert_eq!(counter("k", Some(b"41"), 1), Ok(42));
        assert_eq!(counter("k", Some(b"0"), 0), Ok(0));
        for bad in [&b"x"[..], b"-10", b" 5", b"007", b"", b"1.5"] {
            assert_eq!(
                counter("k", Some(bad), 1),
                Err(not_a_number("k")),
                "{bad:?}"
            );
        }
        let max = MAX_COUNTER.to_string();
        assert_eq!(
            counter("k", Some(max.as_bytes()), 1),
            Err(past_the_limit("k"))
        );
        assert_eq!(
            counter("k", Some(b"1"), MAX_COUNTER),
            Err(past_the_limit("k"))
        );
    }
}
