//! stdin as programs see it when a person types or another program writes with
//! pauses: each test runs the same program under `jsw run` and under Node,
//! feeds it input through a pipe or a terminal (a pty) a line at a time, and
//! checks that what the program printed after each line (an answer, a `line`
//! event, a `data` chunk) came before the next line was written, and was the
//! same under both. Needs Node and python3 (its `pty` module drives the
//! terminal); without them the tests say SKIPPED, except under CI.

mod support;

use std::path::Path;
use std::process::Command;

use support::{jsw, text};

/// Runs a command on a pipe or a pty and plays a script against it. Argument 1
/// is the mode, 2 the script (JSON), the rest the command. The script is a list
/// of steps `[input, marker]`: write `input` (none: write nothing; in pipe mode
/// the empty string closes stdin), then read until the output holds `marker`
/// (if not empty) and a little longer. What was read during each step is one segment; the
/// last segment is what comes after the script, until the program exits.
/// Prints {"segments": [...], "alive": [...], "status": n, "timeouts": [...]}
/// as JSON: `alive` says whether the program was still running after each step.
const DRIVER: &str = r#"
import json, os, pty, select, subprocess, sys, time
mode, script, cmd = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
if mode == "pty":
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=subprocess.DEVNULL, close_fds=True)
    os.close(slave)
    out_fd, write = master, (lambda b: os.write(master, b))
else:
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out_fd = proc.stdout.fileno()
    def write(b):
        try:
            if b:
                proc.stdin.write(b)
                proc.stdin.flush()
            else:
                proc.stdin.close()
        except BrokenPipeError:
            pass
closed = False
def read_for(seconds, marker, segment):
    global closed
    end = time.time() + seconds
    while not closed and time.time() < end:
        ready, _, _ = select.select([out_fd], [], [], max(0, end - time.time()))
        if not ready:
            continue
        try:
            chunk = os.read(out_fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            closed = True
            break
        segment += chunk
        if marker is not None and marker.encode() in segment:
            return segment, True
    return segment, marker is None
segments, timeouts, alive = [], [], []
for data, marker in script:
    if data is not None:
        write(data.encode())
    segment = b""
    if marker:
        segment, found = read_for(30, marker, segment)
        if not found:
            timeouts.append(marker)
    # What the same turn of the program prints right after the marker.
    segment, _ = read_for(0.3, None, segment)
    segments.append(segment.decode("utf-8", "replace"))
    alive.append(proc.poll() is None)
segment, _ = read_for(30, None, b"")
segments.append(segment.decode("utf-8", "replace"))
try:
    status = proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    status = "still running"
print(json.dumps({"segments": segments, "alive": alive, "status": status, "timeouts": timeouts}))
"#;

fn tools_available() -> bool {
    for tool in ["node", "python3"] {
        if Command::new(tool).arg("--version").output().is_err() {
            support::skip(&format!("{tool} is not installed"));
            return false;
        }
    }
    true
}

/// What the program printed, step by step, and how it ended.
#[derive(Debug)]
struct Transcript {
    segments: Vec<String>,
    alive: Vec<bool>,
    status: String,
    timeouts: Vec<String>,
}

fn drive(mode: &str, script: &[(Option<&str>, &str)], command: &[&Path]) -> Transcript {
    let steps: Vec<String> = script
        .iter()
        .map(|(input, marker)| {
            let input = input.map_or("null".to_string(), json_string);
            format!("[{input}, {}]", json_string(marker))
        })
        .collect();
    let out = Command::new("python3")
        .args(["-c", DRIVER, mode, &format!("[{}]", steps.join(", "))])
        .args(command)
        .output()
        .unwrap();
    assert!(out.status.success(), "driver failed: {}", text(&out.stderr));
    parse_transcript(&text(&out.stdout))
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out + "\""
}

/// The driver's JSON, read with just enough of a parser for its shape: string
/// lists, booleans and a status. Terminal control sequences and carriage returns are left
/// out: Node's readline redraws the prompt on a terminal, jsw's leaves that to
/// the terminal itself; what the program printed is the same text.
fn parse_transcript(json: &str) -> Transcript {
    fn strings(json: &str, key: &str) -> Vec<String> {
        let start = json.find(&format!("\"{key}\": [")).expect(key) + key.len() + 5;
        let mut items = Vec::new();
        let mut chars = json[start..].chars();
        let mut current: Option<String> = None;
        while let Some(c) = chars.next() {
            match (c, current.as_mut()) {
                ('"', None) => current = Some(String::new()),
                ('"', Some(_)) => items.push(current.take().unwrap()),
                ('\\', Some(s)) => match chars.next().unwrap() {
                    'n' => s.push('\n'),
                    'r' => s.push('\r'),
                    't' => s.push('\t'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let code = u32::from_str_radix(&hex, 16).unwrap();
                        s.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    other => s.push(other),
                },
                (c, Some(s)) => s.push(c),
                (']', None) => break,
                _ => {}
            }
        }
        items
    }
    let status_at = json.find("\"status\": ").expect("status") + 10;
    let status = json[status_at..]
        .split([',', '}'])
        .next()
        .unwrap()
        .trim()
        .trim_matches('"')
        .to_string();
    let alive_at = json.find("\"alive\": [").expect("alive") + 10;
    let alive = json[alive_at..json[alive_at..].find(']').unwrap() + alive_at]
        .split(", ")
        .filter(|s| !s.is_empty())
        .map(|s| s == "true")
        .collect();
    Transcript {
        segments: strings(json, "segments").iter().map(|s| plain(s)).collect(),
        alive,
        status,
        timeouts: strings(json, "timeouts"),
    }
}

/// Text without terminal control sequences (ESC [ ... letter) and without \r.
fn plain(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out
}

/// Runs `source` (an ES module) under Node and under jsw with the same script,
/// checks that both saw every marker in time, printed the same and ended the
/// same way, and returns both transcripts (jsw's first).
fn same_as_node(
    source: &str,
    mode: &str,
    script: &[(Option<&str>, &str)],
) -> Option<(Transcript, Transcript)> {
    if !tools_available() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    support::write(dir.path(), "app.mjs", source);
    let compile = jsw()
        .current_dir(dir.path())
        .args(["compile", "-q", "app.mjs", "-o", "app.wasm"])
        .output()
        .unwrap();
    assert!(compile.status.success(), "{}", text(&compile.stderr));
    let node = drive(
        mode,
        script,
        &[Path::new("node"), &dir.path().join("app.mjs")],
    );
    assert!(
        node.timeouts.is_empty(),
        "Node itself missed {:?}: {node:#?}",
        node.timeouts
    );
    let jsw_path = Path::new(env!("CARGO_BIN_EXE_jsw"));
    let run = drive(
        mode,
        script,
        &[jsw_path, Path::new("run"), &dir.path().join("app.wasm")],
    );
    assert!(
        run.timeouts.is_empty(),
        "jsw printed nothing for {:?} before the next input (Node did):\njsw: {run:#?}\nnode: {node:#?}",
        run.timeouts
    );
    // When a program ends is compared only where a test says so: how long
    // exiting takes differs.
    assert_eq!(
        (&run.segments, &run.status),
        (&node.segments, &node.status),
        "jsw (left) and Node (right) differ:\njsw: {run:#?}\nnode: {node:#?}"
    );
    Some((run, node))
}

const QUESTIONS: &str = r#"
import { createInterface } from "node:readline/promises";
const rl = createInterface({ input: process.stdin, output: process.stdout });
const name = await rl.question("name? ");
console.log(`hello ${name}`);
const age = await rl.question("age? ");
console.log(`${name} is ${age}`);
rl.close();
"#;

#[test]
fn questions_are_answered_as_each_line_arrives_through_a_pipe() {
    let script = [
        (None, "name? "),
        (Some("bob\n"), "hello bob"),
        (Some("42\n"), "bob is 42"),
    ];
    if let Some((run, _)) = same_as_node(QUESTIONS, "pipe", &script) {
        assert_eq!(
            run.segments,
            ["name? ", "hello bob\nage? ", "bob is 42\n", ""]
        );
        assert_eq!(run.status, "0");
    }
}

#[test]
fn questions_are_answered_as_each_line_arrives_on_a_terminal() {
    let script = [
        (None, "name? "),
        (Some("bob\n"), "hello bob"),
        (Some("42\n"), "bob is 42"),
    ];
    if let Some((run, _)) = same_as_node(QUESTIONS, "pty", &script) {
        // The terminal echoes what was typed.
        assert_eq!(
            run.segments,
            ["name? ", "bob\nhello bob\nage? ", "42\nbob is 42\n", ""]
        );
    }
}

const LINES: &str = r#"
import { createInterface } from "node:readline";
const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => console.log(`line ${JSON.stringify(line)}`));
rl.on("close", () => console.log("closed"));
console.log("ready");
"#;

#[test]
fn line_events_fire_when_the_line_arrives() {
    let script = [
        (None, "ready"),
        (Some("one\n"), "line \"one\""),
        (Some("two\nthree\n"), "line \"three\""),
        (Some("four"), ""),
        (Some(""), "closed"),
    ];
    if let Some((run, _)) = same_as_node(LINES, "pipe", &script) {
        assert_eq!(
            run.segments,
            [
                "ready\n",
                "line \"one\"\n",
                "line \"two\"\nline \"three\"\n",
                "",
                "line \"four\"\nclosed\n",
                ""
            ]
        );
    }
}

#[test]
fn line_events_fire_when_the_line_is_typed() {
    let script = [
        (None, "ready"),
        (Some("one\n"), "line \"one\""),
        (Some("two\n"), "line \"two\""),
        (Some("\x04"), "closed"),
    ];
    same_as_node(LINES, "pty", &script);
}

const CHUNKS: &str = r#"
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => console.log(`data ${JSON.stringify(chunk)}`));
process.stdin.on("end", () => console.log("end"));
setTimeout(() => console.log("a timer fires while stdin waits"), 50);
"#;

#[test]
fn data_events_carry_each_write_at_once() {
    let script = [
        (None, "a timer fires while stdin waits"),
        (Some("abc"), "data \"abc\""),
        (Some("de\nf"), "data \"de\\nf\""),
        (Some(""), "end"),
    ];
    same_as_node(CHUNKS, "pipe", &script);
}

const PAUSE: &str = r#"
process.stdin.on("data", (chunk) => {
  console.log(`data ${JSON.stringify(String(chunk))}`);
  setTimeout(() => {
    // Nobody reads any more: the program ends without waiting for stdin's end.
    process.stdin.pause();
    console.log("paused");
  }, 20);
});
console.log("ready");
"#;

#[test]
fn a_paused_stdin_lets_the_program_end() {
    let script = [(None, "ready"), (Some("x\n"), "paused")];
    if let Some((run, _)) = same_as_node(PAUSE, "pipe", &script) {
        assert_eq!(run.segments, ["ready\n", "data \"x\\n\"\npaused\n", ""]);
        assert_eq!(run.status, "0");
    }
}

const CLOSE_IN_LINE: &str = r#"
import { createInterface } from "node:readline";
const rl = createInterface({ input: process.stdin });
// Closed inside its own 'line' listener: the stream goes on reading ahead, so
// Node (and jsw) only end when stdin does.
rl.once("line", (line) => {
  console.log(`line ${line}`);
  rl.close();
});
console.log("ready");
"#;

#[test]
fn readline_closed_in_a_line_listener_ends_with_stdin() {
    let script = [
        (None, "ready"),
        (Some("x\n"), "line x"),
        (Some("y\n"), ""),
        (Some(""), ""),
    ];
    if let Some((run, node)) = same_as_node(CLOSE_IN_LINE, "pipe", &script) {
        assert_eq!(node.alive[..3], [true, true, true]);
        assert_eq!(run.alive[..3], [true, true, true]);
    }
}
