//! One client connection and the limits that protect the server from clients:
//! how long a request head, an idle keep-alive connection and a request body
//! may take, how many connections a worker holds, how big a body may be.
//!
//! hyper's own `header_read_timeout` starts when a connection begins waiting
//! for a head, idle or not, so it cannot tell a slow head (a slowloris client,
//! Node's `headersTimeout`, 60 s) from an idle keep-alive connection (Node's
//! `keepAliveTimeout`, 5 s). Here the connection's socket is watched instead
//! ([`Tracked`]): its first byte starts a head, the request reaching the
//! service ends it, and the end of the response starts the idle time. A
//! watchdog beside the connection closes it when either lasts too long.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Limits on what clients may do (per worker).
#[derive(Debug, Clone)]
pub struct ClientLimits {
    /// From a request's first byte to the end of its head.
    pub header_timeout: Duration,
    /// An open connection with no request on it.
    pub keepalive_timeout: Duration,
    /// From the end of a request's head to the end of its body.
    pub body_timeout: Duration,
    /// Connections one worker holds at once; past it, new ones get a 503.
    pub max_connections: usize,
    /// Bytes a request body may have; past it, 413.
    pub max_body: u64,
}

impl Default for ClientLimits {
    fn default() -> Self {
        ClientLimits {
            header_timeout: Duration::from_secs(60),
            keepalive_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(60),
            max_connections: default_max_connections(),
            max_body: 100 << 20,
        }
    }
}

/// Header fields a request may have (hyper's default); more get a 431.
pub const MAX_HEADERS: usize = 100;
/// Bytes a request head may have; more get a 431 (Node allows 16 KiB, nginx 8 KiB
/// per line by default; cookies and tokens need more than either).
pub const MAX_HEAD: usize = 64 * 1024;

/// Raises the process's soft limit on open files to its hard limit, as
/// servers do (each connection holds one), and returns the limit now in force.
pub fn raise_fd_limit() -> u64 {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
        limit.rlim_cur
    }
}

/// The default for `--max-connections`: what the open-files limit (its hard
/// limit, which the server raises its own to) leaves after a reserve for the
/// server's own files, at most 10,000 per worker.
pub fn default_max_connections() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 1024,
        rlim_max: 1024,
    };
    // SAFETY: getrlimit with a valid pointer to a local struct.
    unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    limit.rlim_max.saturating_sub(256).clamp(32, 10_000) as usize
}

/// Where a connection is between requests.
const IDLE: u8 = 0;
/// A request head is arriving.
const HEAD: u8 = 1;
/// A request is being answered.
const BUSY: u8 = 2;

/// What a connection is doing, and since when: shared by its socket, its
/// requests and its watchdog.
pub struct Activity {
    /// The connection's socket (see [`Activity::reset_on_close`]).
    fd: std::os::fd::RawFd,
    phase: AtomicU8,
    /// Milliseconds since `origin` at the last change of phase.
    since: AtomicU64,
    origin: Instant,
}

impl Activity {
    fn new(fd: std::os::fd::RawFd) -> Arc<Activity> {
        Arc::new(Activity {
            fd,
            phase: AtomicU8::new(IDLE),
            since: AtomicU64::new(0),
            origin: Instant::now(),
        })
    }

    fn set(&self, phase: u8) {
        self.since
            .store(self.origin.elapsed().as_millis() as u64, Ordering::Relaxed);
        self.phase.store(phase, Ordering::Relaxed);
    }

    /// The head is in: the request is the server's now.
    pub fn busy(&self) {
        self.set(BUSY);
    }

    /// The response is over: the connection waits for the next request.
    pub fn idle(&self) {
        self.set(IDLE);
    }

    /// A response was cut: the connection is closed with a reset, not a
    /// FIN. An HTTP/1.0 client (or a proxy speaking it, as nginx does to
    /// upstreams by default) reads a body until the connection closes, and
    /// would take a cut one, closed normally, for a complete one.
    pub fn reset_on_close(&self) {
        let linger = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: setsockopt on the connection's own socket, which is open
        // while its response body (the caller) is being polled.
        unsafe {
            libc::setsockopt(
                self.fd,
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&raw const linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }

    fn state(&self) -> (u8, Duration) {
        let since = Duration::from_millis(self.since.load(Ordering::Relaxed));
        (
            self.phase.load(Ordering::Relaxed),
            self.origin.elapsed().saturating_sub(since),
        )
    }
}

/// The connection's socket: a read that brings the first bytes of a request
/// marks the start of its head.
pub struct Tracked {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before && self.activity.phase.load(Ordering::Relaxed) == IDLE {
            self.activity.set(HEAD);
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Serves one connection until it closes, a limit closes it, or the server
/// stops (`stop`), then lets its request in flight finish.
pub async fn serve(
    stream: TcpStream,
    peer: std::net::SocketAddr,
    server: Arc<super::Server>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let activity = Activity::new(std::os::fd::AsRawFd::as_raw_fd(&stream));
    let peers = crate::telemetry::Peers {
        local: stream.local_addr().ok(),
        remote: Some(peer),
    };
    let io = wasmtime_wasi_http::io::TokioIo::new(Tracked {
        stream,
        activity: activity.clone(),
    });
    let limits = server.client_limits.clone();
    let log = server.log;
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |req| {
            activity.busy();
            super::request::handle(server.clone(), req, activity.clone(), peers)
        })
    };
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .max_headers(MAX_HEADERS)
        .max_header_size(MAX_HEAD)
        .serve_connection(io, service);
    tokio::pin!(connection);
    // Checked a few times within the shortest limit.
    let tick = (limits.header_timeout.min(limits.keepalive_timeout) / 4)
        .clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut closing = false;
    loop {
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = stop.changed(), if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep(tick) => {
                let (phase, took) = activity.state();
                if phase == IDLE && took >= limits.keepalive_timeout && !closing {
                    // Idle keep-alive connections close quietly, as in Node.
                    closing = true;
                    connection.as_mut().graceful_shutdown();
                } else if phase == HEAD && took >= limits.header_timeout {
                    log.error(&format!(
                        "closed the connection from {peer}: its request head was not complete after {} (--header-timeout)",
                        super::request::human(limits.header_timeout)
                    ));
                    return;
                }
            }
        }
    }
}

/// Refuses a connection past `--max-connections`: a 503 that asks the client
/// to come back, then the connection closes.
pub async fn refuse(mut stream: TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream
            .write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 20\r\nconnection: close\r\n\r\nService Unavailable\n",
            )
            .await;
        let _ = stream.shutdown().await;
        // What the client sent is read (and dropped) before closing: closing
        // with unread bytes resets the connection, and the client could lose
        // the 503 before it reads it.
        let mut sink = [0u8; 4096];
        let mut left = 64 * 1024;
        while left > 0 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left -= n.min(left),
            }
        }
    })
    .await;
}

/// Why a request body was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    TooLarge,
    TooSlow,
}

/// What became of a request body, for the request to answer with.
#[derive(Default)]
pub struct BodyState {
    hit: std::sync::Mutex<Option<BodyLimit>>,
    /// Bytes of the body read so far (for the request's metrics).
    received: std::sync::atomic::AtomicU64,
}

impl BodyState {
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    pub fn hit(&self) -> Option<BodyLimit> {
        *self.hit.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, limit: BodyLimit) {
        *self.hit.lock().unwrap_or_else(|e| e.into_inner()) = Some(limit);
    }
}

/// A request body with a size cap and a deadline for its arrival.
pub struct Limited {
    inner: hyper::body::Incoming,
    max: u64,
    seen: u64,
    deadline: Pin<Box<tokio::time::Sleep>>,
    state: Arc<BodyState>,
    /// `--record`: the body is kept as the instance reads it.
    tape: Option<Arc<crate::replay::request::Tape>>,
}

impl Limited {
    pub fn new(
        inner: hyper::body::Incoming,
        limits: &ClientLimits,
        state: Arc<BodyState>,
    ) -> Limited {
        Limited {
            inner,
            max: limits.max_body,
            seen: 0,
            deadline: Box::pin(tokio::time::sleep(limits.body_timeout)),
            state,
            tape: None,
        }
    }

    /// The same, keeping the body on `tape`.
    pub fn taped(mut self, tape: Option<Arc<crate::replay::request::Tape>>) -> Limited {
        self.tape = tape;
        self
    }
}

impl Body for Limited {
    type Data = Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, wasmtime_wasi_http::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.seen += data.len() as u64;
                    self.state.received.store(self.seen, Ordering::Relaxed);
                    if self.seen > self.max {
                        self.state.set(BodyLimit::TooLarge);
                        let max = self.max;
                        let why =
                            format!("the request body is larger than {max} bytes (--max-body)");
                        if let Some(tape) = &self.tape {
                            tape.request_body_cut(&why, Some(413));
                        }
                        return Poll::Ready(Some(Err(wasmtime_wasi_http::Error::InternalError(
                            Some(why),
                        ))));
                    }
                    if let Some(tape) = &self.tape {
                        tape.request_body(data);
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                let e: wasmtime_wasi_http::Error = e.into();
                if let Some(tape) = &self.tape {
                    tape.request_body_cut(&e.to_string(), None);
                }
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                if self.deadline.as_mut().poll(cx).is_ready() {
                    self.state.set(BodyLimit::TooSlow);
                    let why = "the request body did not arrive in time (--body-timeout)";
                    if let Some(tape) = &self.tape {
                        tape.request_body_cut(why, Some(408));
                    }
                    return Poll::Ready(Some(Err(wasmtime_wasi_http::Error::InternalError(Some(
                        why.into(),
                    )))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
