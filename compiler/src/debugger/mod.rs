//! `--inspect`: the host's half of jsw's step debugger. It serves the Chrome
//! DevTools protocol as `node --inspect` does (`/json/version`, `/json/list`
//! and one WebSocket per run), so Chrome DevTools (`chrome://inspect`) and VS
//! Code's JavaScript debugger (`"request": "attach"`) connect without an
//! extension.
//!
//! The protocol itself is the engine's (engine/src/debugger/): a module built
//! with the debug engine imports `jsw_debug.receive/read/send`, and this file
//! passes the client's messages to it and its answers back. A paused program
//! waits inside `receive`. Two messages are the host's own: the client's
//! `Debugger.getScriptSource` is answered here from the file the script's URL
//! names (the engine holds only generated code), and the guest hears
//! `jsw.attached` (with the program's folder, for URLs) and `jsw.detached`
//! when a client comes and goes.

mod websocket;

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use serde_json::{Value, json};
use wasmtime::{Caller, Extern, Linker};

use crate::WasmtimeResultExt;

/// Where to listen: `--inspect[=[HOST:]PORT]`, as Node takes it.
pub fn parse_address(text: &str) -> Result<SocketAddr> {
    let text = text.trim();
    // As `jsw serve --addr` takes them: a bare port is loopback's, `:PORT`
    // every IPv4 interface's.
    let with_host = if text.chars().all(|c| c.is_ascii_digit()) {
        format!("127.0.0.1:{text}")
    } else if let Some(port) = text.strip_prefix(':') {
        format!("0.0.0.0:{port}")
    } else {
        text.to_string()
    };
    use std::net::ToSocketAddrs;
    with_host
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .with_context(|| {
            format!("--inspect={text}: expected [HOST:]PORT, e.g. --inspect=9229 or --inspect=127.0.0.1:9229")
        })
}

/// The port `node --inspect` listens on, and so the one clients look at first.
pub const DEFAULT_ADDRESS: &str = "127.0.0.1:9229";

/// One program's debugging session: the listener, the client (one at a
/// time) and the messages on their way to the guest.
pub struct Inspector {
    address: SocketAddr,
    id: String,
    shared: Arc<Shared>,
    /// One instance after another (`jsw serve --inspect`: one per request),
    /// not one for the whole session; see [`Inspector::begin_instance`].
    serving: bool,
}

struct Shared {
    /// Messages for the guest, and the one `receive` announced.
    inbox: Mutex<Inbox>,
    arrived: Condvar,
    /// The connected client's stream (for writing), if any.
    client: Mutex<Option<TcpStream>>,
    /// Script ids the guest announced, and their URLs.
    scripts: Mutex<HashMap<String, String>>,
    /// The program's folder (scripts' URLs are under it).
    root: PathBuf,
    title: String,
    url: String,
    /// `jsw serve --inspect`: the client's requests that set up a session
    /// (enable, breakpoints, exceptions), for each new instance; and
    /// whether an instance runs now.
    sticky: Mutex<Vec<Value>>,
    running: std::sync::atomic::AtomicBool,
    internal: std::sync::atomic::AtomicU64,
}

/// Requests that set up a session rather than ask about the instance now.
const STICKY: &[&str] = &[
    "Runtime.enable",
    "Runtime.disable",
    "Debugger.enable",
    "Debugger.disable",
    "Debugger.setBreakpointByUrl",
    "Debugger.setPauseOnExceptions",
    "Debugger.setBreakpointsActive",
    "Debugger.setSkipAllPauses",
    "Debugger.setAsyncCallStackDepth",
    "Debugger.setBlackboxPatterns",
];

/// What the host answers a session request with itself (`jsw serve
/// --inspect`, where instances come and go): the guest's own answer goes
/// only to the instance's copy.
fn sticky_answer(method: &str, params: &Value) -> Value {
    match method {
        "Debugger.enable" => json!({"debuggerId": "jsw-debugger"}),
        "Debugger.setBreakpointByUrl" => {
            json!({"breakpointId": breakpoint_id(params), "locations": []})
        }
        _ => json!({}),
    }
}

/// V8's id of a breakpoint set by URL (the agent makes the same).
fn breakpoint_id(params: &Value) -> String {
    let line = params["lineNumber"].as_u64().unwrap_or(0);
    let column = params["columnNumber"].as_u64().unwrap_or(0);
    match params["url"].as_str() {
        Some(url) => format!("1:{line}:{column}:{url}"),
        None => format!(
            "4:{line}:{column}:{}",
            params["urlRegex"].as_str().unwrap_or("")
        ),
    }
}

#[derive(Default)]
struct Inbox {
    queue: VecDeque<String>,
    staged: Vec<u8>,
}

impl Inspector {
    /// Listens on `address` for the program at `program` and prints where,
    /// as Node does (tools look for the `Debugger listening on` line).
    /// `serving`: instances come and go (see [`Inspector::begin_instance`]).
    pub fn start(address: SocketAddr, program: &Path, serving: bool) -> Result<Arc<Inspector>> {
        let listener = TcpListener::bind(address).map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                " (another debugger or program is using it: pick another port with --inspect=HOST:PORT)"
            } else {
                ""
            };
            anyhow::anyhow!("--inspect: cannot listen on {address}: {e}{hint}")
        })?;
        let address = listener
            .local_addr()
            .context("--inspect: the listener's address")?;
        let absolute = std::path::absolute(program).unwrap_or_else(|_| program.to_path_buf());
        let root = absolute
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        let shared = Arc::new(Shared {
            inbox: Mutex::new(Inbox::default()),
            arrived: Condvar::new(),
            client: Mutex::new(None),
            scripts: Mutex::new(HashMap::new()),
            root,
            title: program
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            url: format!("file://{}", absolute.display()),
            sticky: Mutex::new(Vec::new()),
            running: std::sync::atomic::AtomicBool::new(false),
            internal: std::sync::atomic::AtomicU64::new(0),
        });
        let inspector = Arc::new(Inspector {
            address,
            id: session_id(),
            shared,
            serving,
        });
        let serving = inspector.clone();
        std::thread::Builder::new()
            .name("jsw-inspector".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let serving = serving.clone();
                    let _ = std::thread::Builder::new()
                        .name("jsw-inspector-client".into())
                        .spawn(move || serving.serve(stream));
                }
            })
            .context("--inspect: starting the listener's thread")?;
        eprintln!("Debugger listening on {}", inspector.websocket_url());
        Ok(inspector)
    }

    pub fn websocket_url(&self) -> String {
        format!("ws://{}/{}", self.address, self.id)
    }

    /// One connection: an HTTP request for the target list, or the WebSocket.
    fn serve(&self, stream: TcpStream) {
        let Ok(reader_stream) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(reader_stream);
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line.trim().is_empty() => break,
                Ok(_) => {
                    if let Some((name, value)) = line.split_once(':') {
                        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
                    }
                }
            }
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_string();
        let mut stream = stream;
        let upgrade = headers
            .get("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("websocket"));
        if upgrade {
            if path.trim_start_matches('/') != self.id {
                let _ = respond(
                    &mut stream,
                    "404 Not Found",
                    "text/plain",
                    b"no such target\n",
                );
                return;
            }
            let Some(key) = headers.get("sec-websocket-key") else {
                let _ = respond(
                    &mut stream,
                    "400 Bad Request",
                    "text/plain",
                    b"no Sec-WebSocket-Key\n",
                );
                return;
            };
            self.session(stream, reader, key);
            return;
        }
        let host = headers
            .get("host")
            .cloned()
            .unwrap_or_else(|| self.address.to_string());
        let body = match path.split('?').next().unwrap_or("") {
            "/json/version" => json!({
                "Browser": format!("jsw/{}", env!("CARGO_PKG_VERSION")),
                "Protocol-Version": "1.3",
            }),
            "/json" | "/json/list" => {
                let ws = format!("{host}/{}", self.id);
                json!([{
                    "description": "jsw instance",
                    "devtoolsFrontendUrl": format!("devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws={ws}"),
                    "devtoolsFrontendUrlCompat": format!("devtools://devtools/bundled/inspector.html?experiments=true&v8only=true&ws={ws}"),
                    "id": self.id,
                    "title": self.shared.title,
                    "type": "node",
                    "url": self.shared.url,
                    "webSocketDebuggerUrl": format!("ws://{ws}"),
                }])
            }
            _ => {
                let _ = respond(&mut stream, "404 Not Found", "text/plain", b"not found\n");
                return;
            }
        };
        let text = serde_json::to_vec_pretty(&body).unwrap_or_default();
        let _ = respond(
            &mut stream,
            "200 OK",
            "application/json; charset=UTF-8",
            &text,
        );
    }

    /// A client's WebSocket, until it closes. One client at a time: a second
    /// is turned away while the first is there.
    fn session(&self, mut stream: TcpStream, mut reader: BufReader<TcpStream>, key: &str) {
        {
            let mut client = self.shared.client.lock().unwrap();
            if client.is_some() {
                let _ = respond(
                    &mut stream,
                    "409 Conflict",
                    "text/plain",
                    b"a debugger is already attached to this program\n",
                );
                return;
            }
            let accept = websocket::accept_key(key);
            let handshake = format!(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            );
            if stream.write_all(handshake.as_bytes()).is_err() {
                return;
            }
            let _ = stream.set_nodelay(true);
            *client = stream.try_clone().ok();
        }
        if !self.serving || self.running() {
            self.deliver(self.attached());
        }
        loop {
            let mut out = match stream.try_clone() {
                Ok(s) => s,
                Err(_) => break,
            };
            match websocket::read_message(&mut reader, &mut out) {
                Ok(websocket::Incoming::Text(text)) => self.on_client_message(text),
                Ok(websocket::Incoming::Closed) | Err(_) => break,
            }
        }
        *self.shared.client.lock().unwrap() = None;
        self.shared.sticky.lock().unwrap().clear();
        if !self.serving || self.running() {
            self.deliver(json!({"method": "jsw.detached"}).to_string());
        }
    }

    fn attached(&self) -> String {
        let root = self.shared.root.display().to_string();
        json!({"method": "jsw.attached", "params": {"root": root}}).to_string()
    }

    fn running(&self) -> bool {
        self.shared
            .running
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    fn internal_copy(&self, message: &Value) -> String {
        let n = self
            .shared
            .internal
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        json!({"id": format!("jsw:{n}"), "method": message["method"], "params": message["params"]})
            .to_string()
    }

    /// `jsw serve --inspect`: an instance starts. With a client attached, it
    /// is told first of everything the client set up (its enables,
    /// breakpoints and exceptions setting), ahead of any message waiting;
    /// `wait`: it then stops at its first line. Whether a client is there.
    pub fn begin_instance(&self, wait: bool) -> bool {
        self.shared
            .running
            .store(true, std::sync::atomic::Ordering::SeqCst);
        if self.shared.client.lock().unwrap().is_none() {
            return false;
        }
        let mut first = vec![self.attached()];
        for message in self.shared.sticky.lock().unwrap().iter() {
            first.push(self.internal_copy(message));
        }
        if wait {
            first.push(self.internal_copy(&json!({"method": "Runtime.runIfWaitingForDebugger"})));
        }
        let mut inbox = self.shared.inbox.lock().unwrap();
        for message in first.into_iter().rev() {
            inbox.queue.push_front(message);
        }
        drop(inbox);
        self.shared.arrived.notify_all();
        true
    }

    /// `jsw serve --inspect`: the instance is over; the client hears that
    /// its context is gone (the next request's is a new one).
    pub fn end_instance(&self) {
        self.shared
            .running
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.context_destroyed();
    }

    /// The client hears that the instance's execution context is gone.
    fn context_destroyed(&self) {
        self.to_client(
            &json!({"method": "Runtime.executionContextDestroyed", "params": {"executionContextId": 1}})
                .to_string(),
        );
    }

    /// `jsw serve --inspect`: a client's request, answered here when it sets
    /// up the session (and copied to the instance that runs, if one does),
    /// passed on when an instance runs, refused when none does.
    fn serving_message(&self, message: Value, text: String) {
        let method = message["method"].as_str().unwrap_or("").to_string();
        let id = message.get("id").cloned().unwrap_or(Value::Null);
        if STICKY.contains(&method.as_str()) || method == "Debugger.removeBreakpoint" {
            let answer = {
                let mut sticky = self.shared.sticky.lock().unwrap();
                if method == "Debugger.removeBreakpoint" {
                    let gone = message["params"]["breakpointId"].as_str().unwrap_or("");
                    sticky.retain(|m| {
                        m["method"] != "Debugger.setBreakpointByUrl"
                            || breakpoint_id(&m["params"]) != gone
                    });
                    json!({"id": id, "result": {}})
                } else if method == "Debugger.setBreakpointByUrl"
                    && sticky.iter().any(|m| {
                        m["method"] == "Debugger.setBreakpointByUrl"
                            && breakpoint_id(&m["params"]) == breakpoint_id(&message["params"])
                    })
                {
                    json!({"id": id, "error": {"code": -32000, "message": "Breakpoint at specified location already exists."}})
                } else {
                    sticky.push(message.clone());
                    json!({"id": id, "result": sticky_answer(&method, &message["params"])})
                }
            };
            self.to_client(&answer.to_string());
            if self.running() {
                self.deliver(self.internal_copy(&message));
            }
            return;
        }
        if self.running() {
            self.deliver(text);
            return;
        }
        let answer = match method.as_str() {
            "Runtime.runIfWaitingForDebugger"
            | "Runtime.releaseObjectGroup"
            | "Profiler.enable" => {
                json!({"id": id, "result": {}})
            }
            _ => json!({"id": id, "error": {"code": -32000, "message":
                "no request is running: jsw serve --inspect debugs each request while it runs (send one)"}}),
        };
        self.to_client(&answer.to_string());
    }

    /// A message from the client: the host's own, or the guest's.
    fn on_client_message(&self, text: String) {
        // Not JSON: the guest's agent answers it (with -32700).
        let Ok(message) = serde_json::from_str::<Value>(&text) else {
            self.deliver(text);
            return;
        };
        if message["method"] == "Debugger.getScriptSource"
            && let Some(id) = message.get("id")
        {
            let script = message["params"]["scriptId"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let url = self.shared.scripts.lock().unwrap().get(&script).cloned();
            if let Some(source) = url.as_deref().and_then(source_of_url) {
                self.to_client(&json!({"id": id, "result": {"scriptSource": source}}).to_string());
                return;
            }
        }
        if self.serving {
            self.serving_message(message, text);
            return;
        }
        self.deliver(text);
    }

    fn deliver(&self, text: String) {
        self.shared.inbox.lock().unwrap().queue.push_back(text);
        self.shared.arrived.notify_all();
    }

    fn to_client(&self, text: &str) {
        let mut client = self.shared.client.lock().unwrap();
        if let Some(stream) = client.as_mut()
            && websocket::write_frame(stream, 1, text.as_bytes()).is_err()
        {
            *client = None;
        }
    }

    /// A message from the guest: noted (script URLs), then to the client
    /// (not the answers to the host's own copies of the client's requests).
    fn on_guest_message(&self, text: &str) {
        if text.starts_with("{\"id\":\"jsw:") {
            return;
        }
        if text.contains("\"Debugger.scriptParsed\"")
            && let Ok(message) = serde_json::from_str::<Value>(text)
            && let (Some(id), Some(url)) = (
                message["params"]["scriptId"].as_str(),
                message["params"]["url"].as_str(),
            )
        {
            self.shared
                .scripts
                .lock()
                .unwrap()
                .insert(id.to_string(), url.to_string());
        }
        self.to_client(text);
    }

    /// The guest's `receive(timeout_ms)`: waits up to `timeout_ms` (-1: for
    /// ever) for a message for the guest and stages it for `read`; its
    /// length, or -1 when none came.
    fn receive(&self, timeout_ms: i32) -> i32 {
        let timeout = u64::try_from(timeout_ms).ok().map(Duration::from_millis);
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut inbox = self.shared.inbox.lock().unwrap();
        loop {
            if let Some(message) = inbox.queue.pop_front() {
                inbox.staged = message.into_bytes();
                return inbox.staged.len().min(i32::MAX as usize) as i32;
            }
            match deadline {
                None => inbox = self.shared.arrived.wait(inbox).unwrap(),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return -1;
                    }
                    inbox = self
                        .shared
                        .arrived
                        .wait_timeout(inbox, deadline - now)
                        .unwrap()
                        .0;
                }
            }
        }
    }

    /// The guest's `read`: the message `receive` staged.
    fn take_staged(&self) -> Vec<u8> {
        std::mem::take(&mut self.shared.inbox.lock().unwrap().staged)
    }

    /// The run is over: the client hears that its context is gone, and the
    /// connection closes.
    pub fn finish(&self) {
        self.context_destroyed();
        if let Some(mut stream) = self.shared.client.lock().unwrap().take() {
            let _ = websocket::write_frame(&mut stream, 8, &1000u16.to_be_bytes());
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// A run under the debugger: the inspector, whether the program waits for a
/// client before its first line (`--inspect-brk`), and whether it is live
/// (not a replay, whose writes and waits must be the record's): its stdout
/// shows at each pause, its timers wait on the debugger's channel.
#[derive(Clone)]
pub struct Session {
    pub inspector: Arc<Inspector>,
    pub wait: bool,
    pub live: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("url", &self.inspector.websocket_url())
            .field("wait", &self.wait)
            .finish()
    }
}

impl Session {
    /// Starts listening for the program at `program`.
    pub fn start(address: SocketAddr, wait: bool, program: &Path) -> Result<Session> {
        let inspector = Inspector::start(address, program, false)?;
        if wait {
            eprintln!(
                "jsw: waiting for a debugger before the program starts (Chrome: chrome://inspect; \
                 VS Code: an \"attach\" configuration on port {})",
                inspector.address.port()
            );
        }
        Ok(Session {
            inspector,
            wait,
            live: true,
        })
    }

    /// `jsw serve --inspect`: the session outlives each request's instance.
    pub fn serving(address: SocketAddr, wait: bool, program: &Path) -> Result<Session> {
        let inspector = Inspector::start(address, program, true)?;
        Ok(Session {
            inspector,
            wait,
            live: true,
        })
    }

    /// The `jsw-configure` flags that turn the engine's debugger on.
    pub fn flags(&self) -> u32 {
        use jsw_wire::names::configure::{DEBUG, DEBUG_LIVE, DEBUG_WAIT};
        DEBUG | if self.wait { DEBUG_WAIT } else { 0 } | if self.live { DEBUG_LIVE } else { 0 }
    }
}

/// Gives a module built with the debug engine its channel to `inspector`.
pub fn add_to_linker<T: 'static>(linker: &mut Linker<T>, inspector: Arc<Inspector>) -> Result<()> {
    let module = jsw_wire::names::DEBUG_IMPORTS;
    let receiving = inspector.clone();
    linker
        .func_wrap(module, "receive", move |timeout_ms: i32| -> i32 {
            receiving.receive(timeout_ms)
        })
        .context_wt("defining jsw_debug.receive")?;
    let reading = inspector.clone();
    linker
        .func_wrap(
            module,
            "read",
            move |mut caller: Caller<'_, T>, ptr: i32, len: i32| -> wasmtime::Result<()> {
                let staged = reading.take_staged();
                let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                    return Err(wasmtime::format_err!("the module exports no memory"));
                };
                let len = (len.max(0) as usize).min(staged.len());
                memory
                    .write(&mut caller, ptr as u32 as usize, &staged[..len])
                    .map_err(|_| {
                        wasmtime::format_err!("jsw_debug.read: out of the module's memory")
                    })
            },
        )
        .context_wt("defining jsw_debug.read")?;
    linker
        .func_wrap(
            module,
            "send",
            move |mut caller: Caller<'_, T>, ptr: i32, len: i32| -> wasmtime::Result<()> {
                let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                    return Err(wasmtime::format_err!("the module exports no memory"));
                };
                let mut buf = vec![0u8; len.max(0) as usize];
                memory
                    .read(&caller, ptr as u32 as usize, &mut buf)
                    .map_err(|_| {
                        wasmtime::format_err!("jsw_debug.send: out of the module's memory")
                    })?;
                inspector.on_guest_message(&String::from_utf8_lossy(&buf));
                Ok(())
            },
        )
        .context_wt("defining jsw_debug.send")?;
    Ok(())
}

/// A debug component's side of the channel: the WIT world it imports.
const CHANNEL_WIT: &str = include_str!("channel.wit");

/// Declares the channel's imports in a debug HTTP engine's snapshot (the
/// core module the component is made from), so that the component imports
/// `jsw:debug/channel` as jsw_wire::names::DEBUG_INTERFACE.
pub fn embed_channel(core: &mut Vec<u8>) -> Result<()> {
    let mut resolve = wit_parser::Resolve::new();
    let package = resolve
        .push_str("channel.wit", CHANNEL_WIT)
        .context("reading the debugger's channel WIT")?;
    let world = resolve
        .select_world(&[package], Some("debuggee"))
        .context("selecting the debugger's world")?;
    wit_component::embed_component_metadata(
        core,
        &resolve,
        world,
        wit_component::StringEncoding::UTF8,
    )
    .context("declaring the debugger's channel in the snapshot")
}

/// Gives a debug component (`jsw serve --inspect`, `jsw replay --inspect`)
/// its channel to `inspector`.
pub fn add_to_component_linker<T: 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    inspector: Arc<Inspector>,
) -> Result<()> {
    let mut channel = linker
        .instance(jsw_wire::names::DEBUG_INTERFACE)
        .context_wt("defining the debugger's channel")?;
    let receiving = inspector.clone();
    channel
        .func_wrap(
            "receive",
            move |_, (timeout_ms,): (i32,)| -> wasmtime::Result<(i32,)> {
                Ok((receiving.receive(timeout_ms),))
            },
        )
        .context_wt("defining jsw:debug/channel.receive")?;
    let reading = inspector.clone();
    channel
        .func_wrap("read", move |_, (): ()| -> wasmtime::Result<(Vec<u8>,)> {
            Ok((reading.take_staged(),))
        })
        .context_wt("defining jsw:debug/channel.read")?;
    channel
        .func_wrap(
            "send",
            move |_, (message,): (Vec<u8>,)| -> wasmtime::Result<()> {
                inspector.on_guest_message(&String::from_utf8_lossy(&message));
                Ok(())
            },
        )
        .context_wt("defining jsw:debug/channel.send")?;
    Ok(())
}

/// The text of the file a `file://` URL names.
fn source_of_url(url: &str) -> Option<String> {
    let path = url.strip_prefix("file://")?;
    let decoded = percent_decode(path);
    std::fs::read_to_string(decoded).ok()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

/// A fresh id for the session's WebSocket path (a UUID's shape, as Node's):
/// only a client that read `/json/list` or the printed URL finds it.
fn session_id() -> String {
    let mut bytes = [0u8; 16];
    let random = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes));
    if random.is_err() {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
            ^ (std::process::id() as u128) << 64;
        bytes = seed.to_le_bytes();
    }
    // Version 4 and RFC 4122's variant, so the id reads as the UUID it is.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = crate::cache::hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_node_takes_them() {
        assert_eq!(parse_address("9230").unwrap().to_string(), "127.0.0.1:9230");
        assert_eq!(
            parse_address("0.0.0.0:9229").unwrap().to_string(),
            "0.0.0.0:9229"
        );
        assert!(parse_address("nowhere:port").is_err());
    }

    #[test]
    fn urls_decode_to_paths() {
        assert_eq!(percent_decode("/a%20b/c.ts"), "/a b/c.ts");
        assert_eq!(percent_decode("/100%"), "/100%");
    }
}
