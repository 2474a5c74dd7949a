//! The embedded store: one SQLite file, `kv.sqlite3` under `--data-dir`, a
//! row per key of each binding. SQLite lets every worker process open the
//! file at once (writes take turns under its lock), and in WAL mode a write
//! is in the file when the call returns: a killed server loses no write it
//! acknowledged (a power cut may lose the last ones: `synchronous=NORMAL`).
//!
//! Calls are short and run on the request's thread; one connection per
//! process, behind a mutex.

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
    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Failure> {
        // A panic elsewhere while holding the lock leaves the connection usable.
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn).map_err(|e| format!("the embedded store {}: {e}", self.path.display()))
    }
}

#[async_trait::async_trait]
impl Store for Bucket {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Failure> {
        self.with(|c| {
            c.prepare_cached("SELECT value FROM kv WHERE bucket = ?1 AND key = ?2")?
                .query_row(params![self.bucket, key], |r| r.get(0))
                .optional()
        })
    }

    async fn set(&self, key: &str, value: &[u8]) -> Result<(), Failure> {
        self.with(|c| {
            c.prepare_cached("INSERT OR REPLACE INTO kv (bucket, key, value) VALUES (?1, ?2, ?3)")?
                .execute(params![self.bucket, key, value])
                .map(drop)
        })
    }

    async fn delete(&self, key: &str) -> Result<(), Failure> {
        self.with(|c| {
            c.prepare_cached("DELETE FROM kv WHERE bucket = ?1 AND key = ?2")?
                .execute(params![self.bucket, key])
                .map(drop)
        })
    }

    async fn exists(&self, key: &str) -> Result<bool, Failure> {
        self.with(|c| {
            c.prepare_cached("SELECT 1 FROM kv WHERE bucket = ?1 AND key = ?2")?
                .exists(params![self.bucket, key])
        })
    }

    async fn keys(&self, start: usize, count: usize) -> Result<(Vec<String>, bool), Failure> {
        let mut keys = self.with(|c| {
            c.prepare_cached(
                "SELECT key FROM kv WHERE bucket = ?1 ORDER BY key LIMIT ?2 OFFSET ?3",
            )?
            .query_map(
                params![self.bucket, (count + 1) as i64, start as i64],
                |r| r.get::<_, String>(0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()
        })?;
        let more = keys.len() > count;
        keys.truncate(count);
        Ok((keys, more))
    }

    async fn increment(&self, key: &str, delta: u64) -> Result<u64, Failure> {
        let mut failure = None;
        let result = self.with(|c| {
            // IMMEDIATE: the write lock first, so that no other worker's
            // increment reads the same value in between.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current: Option<Vec<u8>> = tx
                .prepare_cached("SELECT value FROM kv WHERE bucket = ?1 AND key = ?2")?
                .query_row(params![self.bucket, key], |r| r.get(0))
                .optional()?;
            let next = match counter(key, current.as_deref(), delta) {
                Ok(next) => next,
                Err(e) => {
                    failure = Some(e);
                    return Ok(0);
                }
            };
            tx.prepare_cached(
                "INSERT OR REPLACE INTO kv (bucket, key, value) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![self.bucket, key, next.to_string().as_bytes()])?;
            tx.commit()?;
            Ok(next)
        })?;
        match failure {
            Some(e) => Err(e),
            None => Ok(result),
        }
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, Failure> {
        self.with(|c| {
            let mut stmt =
                c.prepare_cached("SELECT value FROM kv WHERE bucket = ?1 AND key = ?2")?;
            keys.iter()
                .map(|k| {
                    stmt.query_row(params![self.bucket, k], |r| r.get(0))
                        .optional()
                })
                .collect()
        })
    }

    async fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> Result<(), Failure> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT OR REPLACE INTO kv (bucket, key, value) VALUES (?1, ?2, ?3)",
                )?;
                for (k, v) in pairs {
                    stmt.execute(params![self.bucket, k, v])?;
                }
            }
            tx.commit()
        })
    }

    async fn delete_many(&self, keys: &[String]) -> Result<(), Failure> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut stmt =
                    tx.prepare_cached("DELETE FROM kv WHERE bucket = ?1 AND key = ?2")?;
                for k in keys {
                    stmt.execute(params![self.bucket, k])?;
                }
            }
            tx.commit()
        })
    }
}
