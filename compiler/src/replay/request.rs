//! Recording and replaying one request of `jsw serve` (`--record DIR`,
//! `jsw replay FILE`).
//!
//! A request's instance receives, beside its snapshot: the request (head and
//! body), clock readings, random bytes, the responses of its outbound
//! `fetch`es, its environment and configuration, and key-value answers. A
//! [`Tape`] sits at each of those places in the host (the WASI context's
//! clocks and random sources, the outbound hook, the key-value stores) and
//! keeps the values in the order the instance asked for them; the request's
//! console output and response are kept too, to compare a replay with.
//!
//! A replay answers from the tape. Asking for something else than the
//! recorded run did at that point (a clock where the record has random
//! bytes, another URL) is a divergence: it is noted with where it happened,
//! the instance is stopped at its next epoch tick, and the replay fails.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};

use super::{Bytes, excerpt};

/// `jsw serve --record DIR [--record-errors] [--record-sample RATE] [--record-secrets]`.
#[derive(Debug, Clone)]
pub struct RecordOptions {
    pub dir: PathBuf,
    /// Keep the requests that failed (5xx, a limit, a cut response).
    pub errors: bool,
    /// Keep this fraction of requests (0–1), spread evenly.
    pub sample: Option<f64>,
    /// Keep configuration values (else masked).
    pub secrets: bool,
    /// Names whose values are kept all the same (`--record-keep`).
    pub keep: Vec<String>,
}

impl RecordOptions {
    /// `--record DIR` alone keeps every request.
    fn keeps_all(&self) -> bool {
        !self.errors && self.sample.is_none()
    }
}

/// Which requests are recorded, across a server's requests.
pub struct Recorder {
    pub options: RecordOptions,
    seen: AtomicU64,
    saved: AtomicU64,
}

impl Recorder {
    pub fn new(options: RecordOptions) -> Result<Recorder> {
        std::fs::create_dir_all(&options.dir).with_context(|| {
            format!(
                "--record: cannot make the directory {}",
                options.dir.display()
            )
        })?;
        Ok(Recorder {
            options,
            seen: AtomicU64::new(0),
            saved: AtomicU64::new(0),
        })
    }

    /// A tape for a request that starts now, or None when it cannot be kept
    /// whatever happens (outside the sample, and errors not asked for).
    pub fn begin(&self) -> Option<Arc<Tape>> {
        let n = self.seen.fetch_add(1, Ordering::Relaxed) + 1;
        // Request n is in the sample when the running count of sampled
        // requests, rate × n, passes a whole number.
        let sampled = match self.options.sample {
            Some(rate) => (rate * n as f64).floor() > (rate * (n - 1) as f64).floor(),
            None => self.options.keeps_all(),
        };
        if !sampled && !self.options.errors {
            return None;
        }
        Some(Arc::new(Tape::recording(
            sampled,
            self.options.secrets,
            self.options.keep.clone(),
        )))
    }
}

/// What `jsw serve --record` keeps of a request.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct RequestRecord {
    pub request: HttpRequest,
    /// The key-value buckets the instance could open (by identifier).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<String>,
    /// The environment (wasi:cli) and configuration (wasi:config) the
    /// instance was given; values masked unless `--record-secrets`.
    pub env: Vec<(String, String)>,
    pub config: Vec<(String, String)>,
    /// The limits the request had.
    pub limits: RequestLimits,
    /// wasi:random/insecure-seed's answer.
    pub insecure_seed: String,
    /// Every other value the host gave the instance, in order.
    pub events: Vec<Event>,
    /// The instance's console output.
    pub stdout: Bytes,
    pub stderr: Bytes,
    pub outcome: Outcome,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    /// The request target (path and query).
    pub uri: String,
    pub headers: Vec<(String, Bytes)>,
    /// The body as the instance read it.
    pub body: Bytes,
    /// Where the body stopped short: why, and the status the server then
    /// answered with (413, 408), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_cut: Option<(String, Option<u16>)>,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct RequestLimits {
    pub max_memory: u64,
    pub timeout_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
}

/// How the request was answered.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub status: u16,
    /// Why the server answered (a failed handler, a limit), or why the
    /// response was cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The component's response headers (none when the server answered).
    pub headers: Vec<(String, Bytes)>,
    /// The body's first [`BODY_KEPT`] bytes, its length and digest.
    pub body: Bytes,
    pub body_length: u64,
    pub body_sha256: String,
}

/// How much of a response body a record keeps (its digest covers all).
pub const BODY_KEPT: usize = 1 << 20;

/// A value the host gave the instance.
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "host", rename_all = "kebab-case")]
pub enum Event {
    WallClock {
        ns: u64,
    },
    MonotonicClock {
        ns: u64,
    },
    Random {
        bytes: Bytes,
    },
    InsecureRandom {
        bytes: Bytes,
    },
    Fetch {
        method: String,
        uri: String,
        answer: FetchAnswer,
    },
    Kv {
        op: String,
        bucket: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        key: String,
        answer: KvAnswer,
    },
}

impl Event {
    fn kind(&self) -> &'static str {
        match self {
            Event::WallClock { .. } => "wall-clock",
            Event::MonotonicClock { .. } => "monotonic-clock",
            Event::Random { .. } => "random",
            Event::InsecureRandom { .. } => "insecure-random",
            Event::Fetch { .. } => "fetch",
            Event::Kv { .. } => "kv",
        }
    }

    fn describe(&self) -> String {
        match self {
            Event::WallClock { .. } => "read the wall clock".into(),
            Event::MonotonicClock { .. } => "read the monotonic clock".into(),
            Event::Random { bytes } => format!("asked for {} random bytes", bytes.0.len()),
            Event::InsecureRandom { bytes } => {
                format!("asked for {} insecure random bytes", bytes.0.len())
            }
            Event::Fetch { method, uri, .. } => format!("fetched {method} {uri}"),
            Event::Kv {
                op, bucket, key, ..
            } => {
                if key.is_empty() {
                    format!("called {op} on the key-value bucket {bucket:?}")
                } else {
                    format!("called {op}({key:?}) on the key-value bucket {bucket:?}")
                }
            }
        }
    }
}

#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(rename_all = "lowercase")]
pub enum FetchAnswer {
    Response {
        status: u16,
        headers: Vec<(String, Bytes)>,
        /// The body as the instance read it.
        body: Bytes,
        /// How the body went on after that.
        #[serde(default)]
        end: BodyEnd,
    },
    /// The request failed in the host: wasi:http's error code.
    Error { code: String },
    /// No answer came while the instance ran (it was stopped first).
    Pending,
}

/// How an outbound response body went on after what the instance read.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum BodyEnd {
    /// It ended there.
    #[default]
    Complete,
    /// It failed there.
    Cut(String),
    /// Nothing more came while the instance read (or it stopped reading).
    Open,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum KvAnswer {
    Value(Option<Bytes>),
    Done,
    Exists(bool),
    Keys { keys: Vec<String>, more: bool },
    Number(u64),
    Values(Vec<Option<Bytes>>),
    Failed(String),
}

/// One request's values, being recorded or replayed.
pub struct Tape {
    replaying: bool,
    /// In the sample: kept whatever the outcome.
    pub sampled: bool,
    secrets: bool,
    /// Record: names whose values are kept though `secrets` is off.
    keep: Vec<String>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    events: Vec<Event>,
    next: usize,
    diverged: Option<String>,
    request: HttpRequest,
    env: Vec<(String, String)>,
    config: Vec<(String, String)>,
    masked: Vec<String>,
    secret_values: Vec<Vec<u8>>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: u16,
    headers: Vec<(String, Bytes)>,
    body: Vec<u8>,
    body_length: u64,
    digest: Option<sha2::Sha256>,
    /// Record: when the request started, and what ran it.
    started: u64,
    run: Option<RunInfo>,
    /// Record: the instance is running (its console may still print).
    running: bool,
    /// Replay: the recorded request was stopped by a limit, and where the
    /// record ends the replay has reached that point.
    stopped_by_limit: bool,
    stopped_at_end: bool,
    /// Record: what to do once the response and the instance are both over.
    pending: Option<Box<dyn FnOnce() + Send>>,
}

/// What ran a recorded request.
pub struct RunInfo {
    pub module: super::ModuleRef,
    /// The module's bytes, kept beside the records once.
    pub wasm: Arc<Vec<u8>>,
    pub limits: RequestLimits,
    pub seed: u128,
    /// The key-value buckets it could open.
    pub buckets: Vec<String>,
}

impl Tape {
    fn recording(sampled: bool, secrets: bool, keep: Vec<String>) -> Tape {
        Tape {
            replaying: false,
            sampled,
            secrets,
            keep,
            state: Mutex::new(State {
                started: super::now(),
                // Room for a handler's usual clock readings and random draws.
                events: Vec::with_capacity(32),
                ..State::default()
            }),
        }
    }

    /// Record: what runs the request.
    pub fn run_info(&self, run: RunInfo) {
        self.state().run = Some(run);
    }

    /// Record: the request's instance starts (see [`Tape::when_over`]).
    pub fn instance_started(&self) {
        self.state().running = true;
    }

    /// Record: the request's instance is gone; what waited for it runs.
    pub fn instance_over(&self) {
        let pending = {
            let mut state = self.state();
            state.running = false;
            state.pending.take()
        };
        if let Some(then) = pending {
            then();
        }
    }

    /// Runs `then` once the instance is over too (now, if it is): a console
    /// line printed after the response went out belongs in the record.
    pub fn when_over(&self, then: impl FnOnce() + Send + 'static) {
        let then: Box<dyn FnOnce() + Send> = Box::new(then);
        let now = {
            let mut state = self.state();
            if state.running {
                state.pending = Some(then);
                None
            } else {
                Some(then)
            }
        };
        if let Some(then) = now {
            then();
        }
    }

    /// A tape that answers from `record`.
    pub fn replaying(record: &RequestRecord) -> Tape {
        Tape {
            replaying: true,
            sampled: false,
            secrets: true,
            keep: Vec::new(),
            state: Mutex::new(State {
                events: record.events.clone(),
                stopped_by_limit: stopped_by_limit(&record.outcome),
                ..State::default()
            }),
        }
    }

    /// Replay: the replay reached the end of the record where the recorded
    /// request was stopped by a limit (the instance is to be stopped there).
    pub fn stopped_at_end(&self) -> bool {
        self.state().stopped_at_end
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_replaying(&self) -> bool {
        self.replaying
    }

    /// Where and how the replay left the record, if it did.
    pub fn divergence(&self) -> Option<String> {
        let state = self.state();
        if let Some(d) = &state.diverged {
            return Some(d.clone());
        }
        (state.next < state.events.len()).then(|| {
            format!(
                "the replayed request ended after {} host values, but the record holds {}: the \
                 recorded run then {}",
                state.next,
                state.events.len(),
                state.events[state.next].describe()
            )
        })
    }

    /// The replay left the record, or reached the point where a limit
    /// stopped the recorded request: the instance is to be stopped.
    pub fn has_diverged(&self) -> bool {
        let state = self.state();
        state.diverged.is_some() || state.stopped_at_end
    }

    /// Record: a value the host gave. Replay: the recorded value, when the
    /// next recorded one is of the same kind and `matches`.
    fn next(&self, asked: &Event, matches: impl Fn(&Event) -> bool) -> Option<Event> {
        let mut state = self.state();
        if !self.replaying {
            return None;
        }
        if state.diverged.is_some() {
            return None;
        }
        let index = state.next;
        let total = state.events.len();
        match state.events.get(index) {
            Some(recorded) if recorded.kind() == asked.kind() && matches(recorded) => {
                let recorded = recorded.clone();
                state.next += 1;
                Some(recorded)
            }
            Some(recorded) => {
                state.diverged = Some(format!(
                    "the replay diverged from the record at host value {} of {total}: the program {}, \
                     where the recorded run {}",
                    index + 1,
                    asked.describe(),
                    recorded.describe()
                ));
                None
            }
            None if state.stopped_by_limit => {
                state.stopped_at_end = true;
                None
            }
            None => {
                state.diverged = Some(format!(
                    "the replay diverged from the record after its last host value ({total}): the \
                     program then {}, which the recorded run never did",
                    asked.describe()
                ));
                None
            }
        }
    }

    fn push(&self, event: Event) -> usize {
        let mut state = self.state();
        state.events.push(event);
        state.events.len() - 1
    }

    /// A clock reading (`real` reads the host's clock).
    fn clock(&self, wall: bool, real: impl FnOnce() -> u64) -> u64 {
        let asked = if wall {
            Event::WallClock { ns: 0 }
        } else {
            Event::MonotonicClock { ns: 0 }
        };
        if self.replaying {
            return match self.next(&asked, |_| true) {
                Some(Event::WallClock { ns } | Event::MonotonicClock { ns }) => ns,
                _ => real(),
            };
        }
        let ns = real();
        self.push(if wall {
            Event::WallClock { ns }
        } else {
            Event::MonotonicClock { ns }
        });
        ns
    }

    /// Random bytes (`real` fills them from the host's source).
    fn random(&self, insecure: bool, buf: &mut [u8], real: impl FnOnce(&mut [u8])) {
        let asked = |bytes: Vec<u8>| {
            if insecure {
                Event::InsecureRandom {
                    bytes: Bytes(bytes),
                }
            } else {
                Event::Random {
                    bytes: Bytes(bytes),
                }
            }
        };
        if self.replaying {
            let len = buf.len();
            let same_length = |e: &Event| match e {
                Event::Random { bytes } | Event::InsecureRandom { bytes } => bytes.0.len() == len,
                _ => false,
            };
            match self.next(&asked(vec![0; len]), same_length) {
                Some(Event::Random { bytes } | Event::InsecureRandom { bytes }) => {
                    buf.copy_from_slice(&bytes.0)
                }
                _ => real(buf),
            }
            return;
        }
        real(buf);
        self.push(asked(buf.to_vec()));
    }

    /// The instance's console output.
    pub fn console(&self, stderr: bool, bytes: &[u8]) {
        let mut state = self.state();
        if stderr {
            state.stderr.extend_from_slice(bytes);
        } else {
            state.stdout.extend_from_slice(bytes);
        }
    }

    /// Record: the request's head as the instance gets it.
    pub fn request_head(&self, method: &str, uri: &str, headers: &http::HeaderMap) {
        let mut state = self.state();
        state.request.method = method.to_string();
        state.request.uri = uri.to_string();
        let mut kept = Vec::new();
        for (name, value) in headers {
            let mut value = value.as_bytes().to_vec();
            // Credentials are secrets as configuration values are.
            if !self.secrets && CREDENTIAL_HEADERS.contains(&name.as_str()) && !value.is_empty() {
                state.secret_values.push(value.clone());
                state.masked.push(format!("the {name} header"));
                value.fill(b'*');
            }
            kept.push((name.as_str().to_string(), Bytes(value)));
        }
        state.request.headers = kept;
    }

    /// Record: more of the request body, as the instance reads it.
    pub fn request_body(&self, bytes: &[u8]) {
        self.state().request.body.0.extend_from_slice(bytes);
    }

    /// Record: the request body stopped short (a limit, the client).
    pub fn request_body_cut(&self, why: &str, status: Option<u16>) {
        self.state().request.body_cut = Some((why.to_string(), status));
    }

    /// Record: the environment and configuration the instance is given,
    /// masked unless the tape keeps secrets.
    pub fn bindings(&self, env: &[(String, String)], config: &[(String, String)]) {
        let mut state = self.state();
        let mut mask = |pairs: &[(String, String)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| {
                    if self.secrets || v.is_empty() || self.keep.contains(k) {
                        (k.clone(), v.clone())
                    } else {
                        state.masked.push(k.clone());
                        state.secret_values.push(v.as_bytes().to_vec());
                        (k.clone(), "*".repeat(v.chars().count()))
                    }
                })
                .collect()
        };
        let env = mask(env);
        let config = mask(config);
        state.env = env;
        state.config = config;
    }

    /// The response's head (the component's).
    pub fn response_head(&self, status: u16, headers: &http::HeaderMap) {
        let mut state = self.state();
        state.status = status;
        state.headers = headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), Bytes(v.as_bytes().to_vec())))
            .collect();
    }

    /// More of the response body, as it goes out.
    pub fn response_body(&self, bytes: &[u8]) {
        use sha2::Digest as _;
        let mut state = self.state();
        state.body_length += bytes.len() as u64;
        let room = BODY_KEPT.saturating_sub(state.body.len());
        state
            .body
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
        state
            .digest
            .get_or_insert_with(sha2::Sha256::new)
            .update(bytes);
    }

    /// The response as it went out: the status the server gave (its own,
    /// when it answered), and its reason when it failed.
    pub fn outcome(&self, status: u16, failure: Option<&str>) -> Outcome {
        use sha2::Digest as _;
        let mut state = self.state();
        let digest = state.digest.take().unwrap_or_default().finalize();
        let server_answered = status != state.status || state.status == 0;
        Outcome {
            status,
            failure: failure.map(str::to_string),
            headers: if server_answered {
                Vec::new()
            } else {
                state.headers.clone()
            },
            body: Bytes(std::mem::take(&mut state.body)),
            body_length: state.body_length,
            body_sha256: crate::cache::hex(&digest),
        }
    }

    /// Record: the request's record, once it is over; secrets the program
    /// printed or sent back are masked there too.
    fn finish(
        &self,
        outcome: Outcome,
        limits: RequestLimits,
        insecure_seed: u128,
        buckets: Vec<String>,
    ) -> (RequestRecord, Vec<String>) {
        let mut state = self.state();
        let mut record = RequestRecord {
            buckets,
            request: std::mem::take(&mut state.request),
            env: std::mem::take(&mut state.env),
            config: std::mem::take(&mut state.config),
            limits,
            insecure_seed: insecure_seed.to_string(),
            events: std::mem::take(&mut state.events),
            stdout: Bytes(std::mem::take(&mut state.stdout)),
            stderr: Bytes(std::mem::take(&mut state.stderr)),
            outcome,
        };
        for secret in &state.secret_values {
            for out in [
                &mut record.stdout.0,
                &mut record.stderr.0,
                &mut record.outcome.body.0,
            ] {
                super::p1::scrub(out, secret);
            }
            // And wherever the program passed one on: URLs, bodies, keys.
            for event in &mut record.events {
                match event {
                    Event::Fetch { uri, answer, .. } => {
                        scrub_string(uri, secret);
                        if let FetchAnswer::Response { body, .. } = answer {
                            super::p1::scrub(&mut body.0, secret);
                        }
                    }
                    Event::Kv { key, answer, .. } => {
                        scrub_string(key, secret);
                        match answer {
                            KvAnswer::Value(Some(v)) => super::p1::scrub(&mut v.0, secret),
                            KvAnswer::Values(vs) => {
                                for v in vs.iter_mut().flatten() {
                                    super::p1::scrub(&mut v.0, secret);
                                }
                            }
                            KvAnswer::Keys { keys, .. } => {
                                for k in keys {
                                    scrub_string(k, secret);
                                }
                            }
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
        }
        // A body kept whole is digested as kept: what a replay, which sees
        // the masked values, sends back.
        if !state.secret_values.is_empty()
            && record.outcome.body.0.len() as u64 == record.outcome.body_length
        {
            record.outcome.body_sha256 = super::sha256(&record.outcome.body.0);
        }
        let mut masked = std::mem::take(&mut state.masked);
        masked.sort();
        masked.dedup();
        (record, masked)
    }

    /// Replay: what the replayed instance printed.
    pub fn printed(&self) -> (Vec<u8>, Vec<u8>) {
        let state = self.state();
        (state.stdout.clone(), state.stderr.clone())
    }

    /// A key-value call: recorded, or answered from the record.
    pub async fn kv<T>(
        &self,
        (op, bucket, key): (&str, &str, &str),
        real: impl Future<Output = T>,
        answer: impl Fn(&T) -> KvAnswer,
        from: impl Fn(KvAnswer) -> Option<T>,
        diverged: impl Fn(String) -> T,
    ) -> T {
        let asked = Event::Kv {
            op: op.to_string(),
            bucket: bucket.to_string(),
            key: key.to_string(),
            answer: KvAnswer::Done,
        };
        if self.replaying {
            let same = |e: &Event| matches!(e, Event::Kv { op: o, bucket: b, key: k, .. } if o == op && b == bucket && k == key);
            return match self.next(&asked, same) {
                Some(Event::Kv { answer, .. }) => from(answer).unwrap_or_else(|| {
                    diverged(format!("the record's answer to {op} does not fit"))
                }),
                _ => diverged("the replay diverged from the record".into()),
            };
        }
        let result = real.await;
        let Event::Kv {
            op, bucket, key, ..
        } = asked
        else {
            unreachable!("built above")
        };
        self.push(Event::Kv {
            op,
            bucket,
            key,
            answer: answer(&result),
        });
        result
    }

    /// Replay: the recorded answer to an outbound request.
    pub fn replay_fetch(&self, method: &str, uri: &str) -> Option<FetchAnswer> {
        let asked = Event::Fetch {
            method: method.to_string(),
            uri: uri.to_string(),
            answer: FetchAnswer::Error {
                code: String::new(),
            },
        };
        let same = |e: &Event| matches!(e, Event::Fetch { method: m, uri: u, .. } if m == method && u == uri);
        match self.next(&asked, same) {
            Some(Event::Fetch { answer, .. }) => Some(answer),
            _ => None,
        }
    }

    /// Record: an outbound request, at the point the instance made it; its
    /// answer comes later ([`Tape::fetch_answer`], at the index returned).
    pub fn record_fetch(&self, method: &str, uri: &str, answer: FetchAnswer) -> usize {
        self.push(Event::Fetch {
            method: method.to_string(),
            uri: uri.to_string(),
            answer,
        })
    }

    /// Record: the answer to the outbound request at `index`.
    pub fn fetch_answer(&self, index: usize, answer: FetchAnswer) {
        if let Some(Event::Fetch { answer: slot, .. }) = self.state().events.get_mut(index) {
            *slot = answer;
        }
    }

    /// Record: how the body of the outbound response at `index` ended.
    pub fn fetch_end(&self, index: usize, end: BodyEnd) {
        if let Some(Event::Fetch {
            answer: FetchAnswer::Response { end: slot, .. },
            ..
        }) = self.state().events.get_mut(index)
        {
            *slot = end;
        }
    }

    /// Record: more of an outbound response's body, as the instance reads it.
    pub fn fetch_body(&self, index: usize, bytes: &[u8]) {
        if let Some(Event::Fetch {
            answer: FetchAnswer::Response { body, .. },
            ..
        }) = self.state().events.get_mut(index)
        {
            body.0.extend_from_slice(bytes);
        }
    }
}

/// The wall clock, through a tape.
pub struct WallClock(
    pub Arc<Tape>,
    pub Box<dyn wasmtime_wasi::HostWallClock + Send>,
);

impl wasmtime_wasi::HostWallClock for WallClock {
    fn resolution(&self) -> Duration {
        self.1.resolution()
    }

    fn now(&self) -> Duration {
        Duration::from_nanos(self.0.clock(true, || self.1.now().as_nanos() as u64))
    }
}

/// The monotonic clock, through a tape.
pub struct MonotonicClock(
    pub Arc<Tape>,
    pub Box<dyn wasmtime_wasi::HostMonotonicClock + Send>,
);

impl wasmtime_wasi::HostMonotonicClock for MonotonicClock {
    fn resolution(&self) -> u64 {
        self.1.resolution()
    }

    fn now(&self) -> u64 {
        self.0.clock(false, || self.1.now())
    }
}

/// A random source, through a tape.
pub struct Random {
    pub tape: Arc<Tape>,
    pub insecure: bool,
    pub real: Box<dyn wasmtime_wasi::Rng + Send>,
}

impl rand::TryRng for Random {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let real = &mut self.real;
        self.tape
            .random(self.insecure, dst, |buf| real.fill_bytes(buf));
        Ok(())
    }
}

impl Tape {
    /// Routes a WASI context's clocks and random sources through the tape,
    /// and gives it `seed` as wasi:random/insecure-seed's answer.
    pub fn install(self: &Arc<Self>, wasi: &mut wasmtime_wasi::WasiCtxBuilder, seed: u128) {
        wasi.wall_clock(WallClock(self.clone(), wasmtime_wasi::clocks::wall_clock()))
            .monotonic_clock(MonotonicClock(
                self.clone(),
                wasmtime_wasi::clocks::monotonic_clock(),
            ))
            .secure_random(Random {
                tape: self.clone(),
                insecure: false,
                real: wasmtime_wasi::thread_rng(),
            })
            .insecure_random(Random {
                tape: self.clone(),
                insecure: true,
                real: wasmtime_wasi::thread_rng(),
            })
            .insecure_random_seed(seed);
    }
}

/// Request headers that carry credentials: masked in records unless
/// `--record-secrets`.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie"];

fn scrub_string(text: &mut String, secret: &[u8]) {
    let mut bytes = std::mem::take(text).into_bytes();
    super::p1::scrub(&mut bytes, secret);
    *text = String::from_utf8(bytes).unwrap_or_default();
}

/// Whether a limit stopped the recorded request (`--timeout`,
/// `--cpu-limit`, `--fuel`, `--max-memory`).
fn stopped_by_limit(outcome: &Outcome) -> bool {
    outcome.status == 504
        || outcome.failure.as_deref().is_some_and(|f| {
            ["timeout:", "cpu:", "fuel:", "memory:"]
                .iter()
                .any(|limit| f.starts_with(limit) || f.contains(&format!("cut off: {limit}")))
        })
}

/// A name for a request's record: when, which process, which request, the
/// status, the method and the path.
pub fn file_name(seq: u64, status: u16, method: &str, target: &str) -> String {
    let now = super::now();
    let [y, mo, d, h, mi, s] = crate::profile::utc(now as i64);
    let path = target.split('?').next().unwrap_or_default();
    let mut slug: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    slug = slug.trim_matches('_').chars().take(40).collect();
    if slug.is_empty() {
        slug = "root".into();
    }
    format!(
        "{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}-{}-{seq:06}-{status}-{method}-{slug}.json",
        std::process::id()
    )
}

impl Recorder {
    /// Saves a finished request's record when the options keep it;
    /// returns its path.
    pub fn keep(&self, tape: &Tape, outcome: Outcome) -> Result<Option<PathBuf>> {
        let failed = outcome.status >= 500
            || matches!(outcome.status, 408 | 413)
            || outcome.failure.is_some();
        if !(tape.sampled || (self.options.errors && failed)) {
            return Ok(None);
        }
        let (method, target, started, run) = {
            let mut state = tape.state();
            (
                state.request.method.clone(),
                state.request.uri.clone(),
                state.started,
                state.run.take(),
            )
        };
        // A request the server refused before an instance ran (a body too
        // large to start with) has nothing to replay.
        let Some(run) = run else {
            return Ok(None);
        };
        super::keep_module(&self.options.dir, &run.wasm, &run.module.sha256)?;
        let status = outcome.status;
        let (request, masked) = tape.finish(outcome, run.limits, run.seed, run.buckets);
        let mut record = super::Record::new(
            run.module,
            self.options.secrets,
            started,
            super::Run::Request(Box::new(request)),
        );
        record.masked = masked;
        let seq = self.saved.fetch_add(1, Ordering::Relaxed) + 1;
        let path = self
            .options
            .dir
            .join(file_name(seq, status, &method, &target));
        record.save(&path)?;
        Ok(Some(path))
    }
}

/// Compares a replay's outcome and console with the record's; None when
/// they are the same, else what differs.
pub fn compare(
    record: &RequestRecord,
    outcome: &Outcome,
    stdout: &[u8],
    stderr: &[u8],
) -> Option<String> {
    let r = &record.outcome;
    if r.status != outcome.status {
        return Some(format!(
            "the replay was answered {}, the recorded request {}",
            outcome.status, r.status
        ));
    }
    if r.headers != outcome.headers {
        return Some("the replay's response headers differ from the recorded ones".into());
    }
    if r.body_sha256 != outcome.body_sha256 || r.body_length != outcome.body_length {
        return Some(format!(
            "the replay's response body ({} bytes, {}) differs from the recorded one ({} bytes, {})",
            outcome.body_length,
            excerpt(&outcome.body.0),
            r.body_length,
            excerpt(&r.body.0)
        ));
    }
    if record.stdout.0 != stdout {
        return Some(format!(
            "the replay printed {} on stdout, the recorded request {}",
            excerpt(stdout),
            excerpt(&record.stdout.0)
        ));
    }
    if record.stderr.0 != stderr {
        return Some(format!(
            "the replay printed {} on stderr, the recorded request {}",
            excerpt(stderr),
            excerpt(&record.stderr.0)
        ));
    }
    None
}
