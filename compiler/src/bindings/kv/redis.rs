//! Redis as a binding's store (`--kv NAME=redis://HOST:PORT[/DB]`): the
//! binding is the whole database DB, so several workers and machines share
//! it. The client speaks RESP2 over tokio's TCP, with a few idle connections
//! kept for reuse. A connection that fails is dropped and the next call
//! connects again, so a Redis that restarts is picked up without restarting
//! the server; while it is down, each call fails with an error that names it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::{Failure, Store};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// Idle connections kept per store.
const IDLE: usize = 64;
/// How long a listing's sorted keys serve the pages after its first: SCAN
/// has no order, so the whole database is read and sorted once per listing,
/// not once per page.
const LISTING: Duration = Duration::from_secs(2);

pub struct Redis {
    host: String,
    port: u16,
    db: u32,
    idle: Mutex<Vec<BufReader<TcpStream>>>,
    /// The keys of the last listing, sorted, and when they were read.
    listing: Mutex<Option<Listing>>,
}

type Listing = (std::time::Instant, std::sync::Arc<Vec<String>>);

#[derive(Debug)]
enum Reply {
    Simple,
    Error(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Reply>>),
}

impl Redis {
    pub fn new(host: String, port: u16, db: u32) -> Redis {
        Redis {
            host,
            port,
            db,
            idle: Mutex::new(Vec::new()),
            listing: Mutex::new(None),
        }
    }

    fn name(&self) -> String {
        format!("redis at {}:{}", self.host, self.port)
    }

    async fn connect(&self) -> std::io::Result<BufReader<TcpStream>> {
        let stream = tokio::time::timeout(
            CONNECT_TIMEOUT,
            TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "connecting timed out"))??;
        stream.set_nodelay(true)?;
        let mut conn = BufReader::new(stream);
        if self.db != 0 {
            let db = self.db.to_string();
            if let Some(Reply::Error(e)) =
                roundtrip(&mut conn, &[vec![b"SELECT".as_slice(), db.as_bytes()]])
                    .await?
                    .pop()
            {
                return Err(std::io::Error::other(format!("SELECT {db}: {e}")));
            }
        }
        Ok(conn)
    }

    /// Sends `commands` in one write and reads their replies.
    async fn call(&self, commands: &[Vec<&[u8]>]) -> Result<Vec<Reply>, Failure> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let fresh = idle.is_none();
        let mut conn = match idle {
            Some(conn) => conn,
            None => self
                .connect()
                .await
                .map_err(|e| format!("{}: cannot connect: {e}", self.name()))?,
        };
        let mut outcome = tokio::time::timeout(CALL_TIMEOUT, roundtrip(&mut conn, commands)).await;
        // An idle connection Redis closed meanwhile (a restart): once more on a new one.
        if !fresh && matches!(outcome, Ok(Err(_))) {
            conn = self
                .connect()
                .await
                .map_err(|e| format!("{}: cannot connect: {e}", self.name()))?;
            outcome = tokio::time::timeout(CALL_TIMEOUT, roundtrip(&mut conn, commands)).await;
        }
        let replies = match outcome {
            Ok(Ok(replies)) => replies,
            Ok(Err(e)) => return Err(format!("{}: {e}", self.name())),
            Err(_) => {
                return Err(format!(
                    "{}: no answer within {CALL_TIMEOUT:?}",
                    self.name()
                ));
            }
        };
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE {
            idle.push(conn);
        }
        drop(idle);
        for reply in &replies {
            if let Reply::Error(e) = reply {
                return Err(format!("{}: {e}", self.name()));
            }
        }
        Ok(replies)
    }

    async fn one(&self, command: Vec<&[u8]>) -> Result<Reply, Failure> {
        let mut replies = self.call(&[command]).await?;
        replies
            .pop()
            .ok_or_else(|| format!("{}: no reply", self.name()))
    }

    fn unexpected(&self, reply: Reply) -> Failure {
        format!("{}: unexpected reply {reply:?}", self.name())
    }
}

async fn roundtrip(
    conn: &mut BufReader<TcpStream>,
    commands: &[Vec<&[u8]>],
) -> std::io::Result<Vec<Reply>> {
    let mut out = Vec::new();
    for args in commands {
        out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
        for arg in args {
            out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            out.extend_from_slice(arg);
            out.extend_from_slice(b"\r\n");
        }
    }
    conn.get_mut().write_all(&out).await?;
    let mut replies = Vec::with_capacity(commands.len());
    for _ in commands {
        replies.push(read_reply(conn).await?);
    }
    Ok(replies)
}

fn read_reply<'a>(
    conn: &'a mut BufReader<TcpStream>,
) -> Pin<Box<dyn Future<Output = std::io::Result<Reply>> + Send + 'a>> {
    Box::pin(async move {
        let mut line = Vec::new();
        if conn.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the connection closed",
            ));
        }
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "not a RESP reply");
        let text = std::str::from_utf8(&line)
            .map_err(|_| bad())?
            .trim_end_matches(['\r', '\n']);
        let (kind, rest) = text.split_at_checked(1).ok_or_else(bad)?;
        let number = || rest.parse::<i64>().map_err(|_| bad());
        Ok(match kind {
            "+" => Reply::Simple,
            "-" => Reply::Error(rest.to_string()),
            ":" => Reply::Integer(number()?),
            "$" => match number()? {
                n if n < 0 => Reply::Bulk(None),
                n => {
                    let mut data = vec![0; n as usize + 2];
                    conn.read_exact(&mut data).await?;
                    data.truncate(n as usize);
                    Reply::Bulk(Some(data))
                }
            },
            "*" => match number()? {
                n if n < 0 => Reply::Array(None),
                n => {
                    let mut items = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        items.push(read_reply(conn).await?);
                    }
                    Reply::Array(Some(items))
                }
            },
            _ => return Err(bad()),
        })
    })
}

#[async_trait::async_trait]
impl Store for Redis {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Failure> {
        match self.one(vec![b"GET", key.as_bytes()]).await? {
            Reply::Bulk(value) => Ok(value),
            other => Err(self.unexpected(other)),
        }
    }

    async fn set(&self, key: &str, value: &[u8]) -> Result<(), Failure> {
        match self.one(vec![b"SET", key.as_bytes(), value]).await? {
            Reply::Simple => Ok(()),
            other => Err(self.unexpected(other)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), Failure> {
        self.one(vec![b"DEL", key.as_bytes()]).await.map(drop)
    }

    async fn exists(&self, key: &str) -> Result<bool, Failure> {
        match self.one(vec![b"EXISTS", key.as_bytes()]).await? {
            Reply::Integer(n) => Ok(n > 0),
            other => Err(self.unexpected(other)),
        }
    }

    async fn keys(&self, start: usize, count: usize) -> Result<(Vec<String>, bool), Failure> {
        // A later page of a listing just read.
        if start > 0 {
            let cached = self
                .listing
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            if let Some((at, all)) = cached
                && at.elapsed() < LISTING
            {
                let more = all.len() > start + count;
                return Ok((all.iter().skip(start).take(count).cloned().collect(), more));
            }
        }
        // SCAN has no order: the pages come from the sorted whole.
        let mut all = Vec::new();
        let mut cursor = b"0".to_vec();
        loop {
            let reply = self.one(vec![b"SCAN", &cursor, b"COUNT", b"1000"]).await?;
            let Reply::Array(Some(mut parts)) = reply else {
                return Err(self.unexpected(reply));
            };
            let (Some(Reply::Array(Some(keys))), Some(Reply::Bulk(Some(next)))) =
                (parts.pop(), parts.pop())
            else {
                return Err(format!("{}: unexpected SCAN reply", self.name()));
            };
            for key in keys {
                if let Reply::Bulk(Some(key)) = key {
                    all.push(String::from_utf8_lossy(&key).into_owned());
                }
            }
            if next == b"0" {
                break;
            }
            cursor = next;
        }
        all.sort();
        all.dedup();
        let more = all.len() > start + count;
        let page = all.iter().skip(start).take(count).cloned().collect();
        *self.listing.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((std::time::Instant::now(), std::sync::Arc::new(all)));
        Ok((page, more))
    }

    async fn increment(&self, key: &str, delta: u64) -> Result<u64, Failure> {
        // INCRBY would also take a negative number or one with spaces; the
        // script refuses what the embedded store refuses, in the same step.
        // (The sum comes back as the stored text: a Lua number is a double,
        // which would round it.)
        const SCRIPT: &[u8] = b"local v = redis.call('GET', KEYS[1]) \
            if v and not (v == '0' or string.match(v, '^[1-9]%d*$')) then \
              return redis.error_reply('JSWNAN') end \
            redis.call('INCRBY', KEYS[1], ARGV[1]) \
            return redis.call('GET', KEYS[1])";
        if delta > super::MAX_COUNTER {
            return Err(super::past_the_limit(key));
        }
        let delta = delta.to_string();
        match self
            .one(vec![
                b"EVAL",
                SCRIPT,
                b"1",
                key.as_bytes(),
                delta.as_bytes(),
            ])
            .await
        {
            Ok(Reply::Bulk(Some(sum))) => std::str::from_utf8(&sum)
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or_else(|| super::not_a_number(key)),
            Ok(other) => Err(self.unexpected(other)),
            Err(e) if e.contains("JSWNAN") || e.contains("not an integer") => {
                Err(super::not_a_number(key))
            }
            Err(e) if e.contains("overflow") => Err(super::past_the_limit(key)),
            Err(e) => Err(e),
        }
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<Vec<u8>>>, Failure> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut command: Vec<&[u8]> = vec![b"MGET"];
        command.extend(keys.iter().map(|k| k.as_bytes()));
        match self.one(command).await? {
            Reply::Array(Some(values)) => values
                .into_iter()
                .map(|v| match v {
                    Reply::Bulk(v) => Ok(v),
                    other => Err(self.unexpected(other)),
                })
                .collect(),
            other => Err(self.unexpected(other)),
        }
    }

    async fn set_many(&self, pairs: &[(String, Vec<u8>)]) -> Result<(), Failure> {
        if pairs.is_empty() {
            return Ok(());
        }
        let mut command: Vec<&[u8]> = vec![b"MSET"];
        for (k, v) in pairs {
            command.push(k.as_bytes());
            command.push(v);
        }
        self.one(command).await.map(drop)
    }

    async fn delete_many(&self, keys: &[String]) -> Result<(), Failure> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut command: Vec<&[u8]> = vec![b"DEL"];
        command.extend(keys.iter().map(|k| k.as_bytes()));
        self.one(command).await.map(drop)
    }
}
