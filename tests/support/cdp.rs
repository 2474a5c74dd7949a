//! A Chrome DevTools protocol client as DevTools speaks it: a raw RFC 6455
//! WebSocket (masked frames out, as clients must), JSON requests with ids,
//! and the events that arrive between the answers kept for later.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};

pub struct Client {
    stream: TcpStream,
    next_id: u64,
    pub events: VecDeque<Value>,
}

/// `ws://HOST:PORT/PATH` -> (`HOST:PORT`, `/PATH`).
fn split_url(url: &str) -> (String, String) {
    let rest = url.strip_prefix("ws://").expect("a ws:// URL");
    let slash = rest.find('/').unwrap();
    (rest[..slash].to_string(), rest[slash..].to_string())
}

/// The debugger URL a `--inspect` run prints first on stderr (as Node does),
/// and the rest of stderr, still to be read.
pub fn listening(child: &mut Child) -> (String, BufReader<ChildStderr>) {
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("Debugger listening on ")
        .unwrap_or_else(|| panic!("expected `Debugger listening on ws://…`, got {line:?}"))
        .to_string();
    (url, stderr)
}

/// A plain GET of the HTTP side (`/json/list`, `/json/version`).
pub fn http_get(host: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    text
}

/// The answer to a WebSocket upgrade the server turns down.
pub fn upgrade_refused(url: &str) -> String {
    let (host, path) = split_url(url);
    let mut stream = TcpStream::connect(&host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    text
}

impl Client {
    pub fn connect(url: &str) -> Client {
        let (host, path) = split_url(url);
        let mut stream = TcpStream::connect(&host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let key = base64::engine::general_purpose::STANDARD.encode(b"jsw-test-key-16b");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head);
        assert!(head.starts_with("HTTP/1.1 101"), "handshake: {head}");
        // RFC 6455's accept value for this key.
        let accept = {
            use sha1::{Digest, Sha1};
            let mut sha = Sha1::new();
            sha.update(key.as_bytes());
            sha.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
            base64::engine::general_purpose::STANDARD.encode(sha.finalize())
        };
        assert!(
            head.contains(&format!("Sec-WebSocket-Accept: {accept}")),
            "{head}"
        );
        Client {
            stream,
            next_id: 1,
            events: VecDeque::new(),
        }
    }

    fn write_text(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mask = [0x37u8, 0xfa, 0x21, 0x3d];
        let mut frame = vec![0x81u8];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&frame).unwrap();
    }

    /// The next message, or None when the server closed the connection.
    pub fn read(&mut self) -> Option<Value> {
        let mut head = [0u8; 2];
        self.stream.read_exact(&mut head).ok()?;
        assert_eq!(head[1] & 0x80, 0, "servers do not mask");
        let len = match head[1] & 0x7f {
            126 => {
                let mut b = [0u8; 2];
                self.stream.read_exact(&mut b).unwrap();
                u16::from_be_bytes(b) as usize
            }
            127 => {
                let mut b = [0u8; 8];
                self.stream.read_exact(&mut b).unwrap();
                u64::from_be_bytes(b) as usize
            }
            n => n as usize,
        };
        let mut payload = vec![0u8; len];
        self.stream.read_exact(&mut payload).unwrap();
        if head[0] & 0x0f == 8 {
            return None;
        }
        Some(serde_json::from_slice(&payload).expect("a JSON message"))
    }

    /// Sends a request and waits for its answer; the whole answer (with
    /// `result` or `error`).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.write_text(&json!({"id": id, "method": method, "params": params}).to_string());
        loop {
            let message = self
                .read()
                .unwrap_or_else(|| panic!("the connection closed before {method} was answered"));
            if message["id"] == id {
                return message;
            }
            self.events.push_back(message);
        }
    }

    /// The `result` of a request that must succeed.
    pub fn ok(&mut self, method: &str, params: Value) -> Value {
        let answer = self.call(method, params);
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// The next event named `method` (earlier ones of other names are kept).
    pub fn event(&mut self, method: &str) -> Value {
        if let Some(i) = self.events.iter().position(|e| e["method"] == method) {
            return self.events.remove(i).unwrap();
        }
        loop {
            let message = self
                .read()
                .unwrap_or_else(|| panic!("the connection closed while waiting for {method}"));
            if message["method"] == method {
                return message;
            }
            self.events.push_back(message);
        }
    }

    /// Every message until the server closes the connection.
    pub fn rest(&mut self) -> Vec<Value> {
        let mut all: Vec<Value> = self.events.drain(..).collect();
        while let Some(message) = self.read() {
            all.push(message);
        }
        all
    }
}

/// The 0-based line of the first line of `source` containing `marker`.
pub fn line_of(source: &str, marker: &str) -> u64 {
    source
        .lines()
        .position(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with {marker:?}")) as u64
}
