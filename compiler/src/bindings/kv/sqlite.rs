//! The embedded store: one SQLite file, `kv.sqlite3` under `--data-dir`, a
//! row per key of each binding. SQLite lets every worker process open the
//! file at once (writes take turns under its lock), and in WAL mode a write
//! is in the file when the call returns: a killed server loses no write it
//! acknowledged (a power cut may lose the last ones: `synchronous=NORMAL`).
//!
//! Calls run on tokio's blocking threads, so that a call waiting for another
//! worker's write lock does not hold up the requests of its own worker; one
//! connection per process, behind a mutex.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{Failure, Store, counter};

/// The store file every embedded binding shares.
pub struct File {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

impl File {
    pub fn open(dir: &Path) -> Result<File> {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot make the data directory {} (choose another with --data-dir)",
                dir.display()
            )
        })?;
        let path = dir.join("kv.sqlite3");
        let conn = Connection::open(&path)
            .with_context(|| format!("cannot open the key-value store {}", path.display()))?;
        // Another worker may hold the write lock for a moment.
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .and_then(|()| conn.pragma_update(None, "journal_mode", "WAL"))
            .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
            .and_then(|()| {
                conn.execute_batch(
                    "CREATE TABLE IF NOT EXISTS kv (
                        bucket TEXT NOT NULL,
                        key TEXT NOT NULL,
                        value BLOB NOT NULL,
                        PRIMARY KEY (bucket, key)
                    ) WITHOUT ROWID",
                )
            })
            .with_context(|| format!("cannot prepare the key-value store {}", path.display()))?;
        Ok(File {
            path,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    pub fn bucket(&self, name: &str) -> Result<Bucket> {
        Ok(Bucket {
            path: self.path.clone(),
            conn: self.conn.clone(),
            bucket: name.to_string(),
        })
    }
}

/// One binding's rows.
pub struct Bucket {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    bucket: String,
}

impl Bucket {
    /// Runs `f` on the connection, with the bucket's name, off the request's thread.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection, &str) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, Failure> {
        let (conn, bucket) = (self.conn.clone(), self.bucket.clone());
        let outcome = tokio::task::spawn_blocking(move || {
            // A panic elsewhere while holding the lock leaves the connection usable.
            let mut conn = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut conn, &bucket)
        })
        .await
        .map_err(|e| format!("the embedded store {}: {e}", self.path.display()))?;
        outcome.map_err(|e| format!("the embedded store {}: {e}", self.path.display()))
    }
}

const GET: &str = "SELECT value FROM kv WHERE bucket = ?1 AND key = ?2";
const SET: &str = "INSERT OR REPLACE INTO kv (bucket, key, value) VALUES (?1, ?2, ?3)";
const DELETE: &str = "DELETE FROM kv WHERE bucket = ?1 AND key = ?2";

#[async_trait::async_trait]
impl Store for Bucket {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Failure> {
        let key = key.to_string();
        self.run(move |c, bucket| {
            c.prepare_cached(GET)?
                .query_row(params![bucket, key], |r| r.get(0))
                .optional()
        })
        .await
    }

    async fn set(&self, key: &str, value: &[u8]) -> Result<(), Failure> {
        let (key, value) = (key.to_string(), value.to_vec());
        self.run(move |c, bucket| {
            c.prepare_cached(SET)?
                .execute(params![bucket, key, value])
                .map(drop)
        })
        .await
    }

    async fn delete(&self, key: &str) -> Result<(), Failure> {
        let key = key.to_string();
        self.run(move |c, bucket| {
            c.prepare_cached(DELETE)?
                .execute(params![bucket, key])
                .map(drop)
        })
        .await
    }

    async fn exists(&self, key: &str) -> Result<bool, Failure> {
        let key = key.to_string();
        self.run(move |c, bucket| {
            c.prepare_cached("SELECT 1 FROM kv WHERE bucket = ?1 AND key = ?2")?
                .exists(params![bucket, key])
        })
        .await
    }

    async fn keys(&self, start: usize, count: usize) -> Result<(Vec<String>, bool), Failure> {
        let mut keys = self
            .run(move |c, bucket| {
                c.prepare_cached(
                    "SELECT key FROM kv WHERE bucket = ?1 ORDER BY key LIMIT ?2 OFFSET ?3",
                )?
                .query_map(params![bucket, (count + 1) as i64, start as i64], |r| {
                    r.get::<_, String>(0)
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .await?;
        let more = keys.len() > count;
        keys.truncate(count);
        Ok((keys, more))
    }

    async fn increment(&self, key: &str, delta: u64) -> Result<u64, Failure> {
        let key = key.to_string();
        self.run(move |c, bucket| {
            // IMMEDIATE: the write lock first, so that no other worker's
            // increment reads the same value in between.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current: Option<Vec<u8>> = tx
                .prepare_cached(GET)?
                .query_row(params![bucket, key], |r| r.get(0))
                .optional()?;
            let next = match counter(&key, current.as_deref(), delta) {
                Ok(next) => next,
                Err(refused) => return Ok(Err(refused)),
            };
            tx.prepare_cached(SET)?
                .execute(params![bucket, key, next.to_string().as_bytes()])?;
            tx.commit()?;
            Ok(Ok(next))
        })
        .await?
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, Failure> {
        let keys = keys.to_vec();
        self.run(move |c, bucket| {
            let mut stmt = c.prepare_cached(GET)?;
            keys.iter()
                .map(|k| stmt.query_row(params![bucket, k], |r| r.get(0)).optional())
                .collect()
        })
        .await
    }

    async fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> Result<(), Failure> {
        let pairs = pairs.to_vec();
        self.run(move |c, bucket| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt = tx.prepare_cached(SET)?;
                for (k, v) in &pairs {
                    stmt.execute(params![bucket, k, v])?;
                }
            }
            tx.commit()
        })
        .await
    }

    async fn delete_many(&self, keys: &[String]) -> Result<(), Failure> {
        let keys = keys.to_vec();
        self.run(move |c, bucket| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt = tx.prepare_cached(DELETE)?;
                for k in &keys {
                    stmt.execute(params![bucket, k])?;
                }
            }
            tx.commit()
        })
        .await
    }
}
