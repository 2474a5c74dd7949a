//! The step debugger with the real `jsw` binary: `jsw run --inspect-brk` and
//! `jsw replay --inspect-brk` driven over loopback by a raw Chrome DevTools
//! protocol client (a WebSocket speaking the protocol as DevTools does):
//! breakpoints by TypeScript line, stepping, scopes, evaluation, pause on
//! exceptions, `debugger;`, console output to the client, and the program's
//! own output unchanged by all of it.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use serde_json::{Value, json};
use support::cdp::{self, Client, line_of};
use support::server::{Server, request};
use support::{jsw, text};

fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/debugger")
}

/// A temp dir with the test programs.
fn programs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "program.ts",
        "failing.ts",
        "handler.ts",
        "steps.ts",
        "idle.ts",
    ] {
        std::fs::copy(sources().join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    jsw()
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Connects, enables both domains, and returns the client with the script
/// id and URL of `name`.
fn attach(url: &str, name: &str) -> (Client, String, String) {
    let mut client = Client::connect(url);
    client.ok("Runtime.enable", json!({}));
    let context = client.event("Runtime.executionContextCreated");
    assert_eq!(context["params"]["context"]["id"], 1);
    client.ok("Debugger.enable", json!({}));
    loop {
        let parsed = client.event("Debugger.scriptParsed");
        let url = parsed["params"]["url"].as_str().unwrap().to_string();
        if url.ends_with(&format!("/{name}")) {
            assert!(url.starts_with("file:///"), "{url}");
            let id = parsed["params"]["scriptId"].as_str().unwrap().to_string();
            return (client, id, url);
        }
    }
}

fn top(paused: &Value) -> &Value {
    &paused["params"]["callFrames"][0]
}

fn line(frame: &Value) -> u64 {
    frame["location"]["lineNumber"].as_u64().unwrap()
}

/// The frame's local variables, by name, as the client sees them.
fn locals(client: &mut Client, frame: &Value) -> serde_json::Map<String, Value> {
    let scope = frame["scopeChain"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["type"] == "local")
        .expect("a local scope");
    let properties = client.ok(
        "Runtime.getProperties",
        json!({"objectId": scope["object"]["objectId"], "ownProperties": true}),
    );
    properties["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["value"].clone()))
        .collect()
}

fn finish(mut child: Child, stderr: impl Read) -> (Option<i32>, String, String) {
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    let mut stderr = stderr;
    stderr.read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    (status.code(), out, err)
}

#[test]
fn breakpoints_steps_scopes_and_evaluation_in_typescript_lines() {
    let dir = programs();
    let source = std::fs::read_to_string(dir.path().join("program.ts")).unwrap();
    let plain = support::jsw_in(dir.path(), &["run", "program.ts"]);
    support::expect_success(&plain);

    let mut child = spawn(
        dir.path(),
        &["run", "program.ts", "--inspect-brk=127.0.0.1:0"],
    );
    let (url, stderr) = cdp::listening(&mut child);
    let (mut client, script, script_url) = attach(&url, "program.ts");

    // The client reads the TypeScript itself, and sets breakpoints in its lines.
    let shown = client.ok("Debugger.getScriptSource", json!({"scriptId": script}));
    assert_eq!(shown["scriptSource"].as_str().unwrap(), source);
    let dy = line_of(&source, "marker: dy");
    let set = client.ok(
        "Debugger.setBreakpointByUrl",
        json!({"url": script_url, "lineNumber": dy}),
    );
    assert_eq!(set["locations"][0]["lineNumber"], dy, "{set}");
    assert_eq!(set["locations"][0]["scriptId"], script.as_str());
    let breakpoint = set["breakpointId"].clone();

    // --inspect-brk: stopped before main's first line.
    client.ok("Runtime.runIfWaitingForDebugger", json!({}));
    let start = client.event("Debugger.paused");
    assert_eq!(start["params"]["reason"], "Break on start");
    assert_eq!(top(&start)["functionName"], "main");
    assert_eq!(line(top(&start)), line_of(&source, "marker: first"));

    client.ok("Debugger.resume", json!({}));
    client.event("Debugger.resumed");
    let hit = client.event("Debugger.paused");
    assert_eq!(hit["params"]["hitBreakpoints"], json!([breakpoint]));
    let frames = hit["params"]["callFrames"].as_array().unwrap();
    assert_eq!(frames[0]["functionName"], "distance");
    assert_eq!(line(&frames[0]), dy);
    assert_eq!(frames[0]["url"], script_url.as_str());
    assert_eq!(frames[1]["functionName"], "main");
    assert_eq!(line(&frames[1]), line_of(&source, "marker: call"));
    // dx is computed, dy not yet (in its temporal dead zone: not listed).
    let vars = locals(&mut client, &frames[0]);
    assert_eq!(vars["dx"]["value"], -3, "{vars:?}");
    assert!(!vars.contains_key("dy"), "{vars:?}");
    assert_eq!(vars["a"]["type"], "object");
    let main_vars = locals(&mut client, &frames[1]);
    assert_eq!(main_vars["i"]["value"], 1);
    assert_eq!(main_vars["total"]["value"], 0);
    // The points array, expanded as a client expands it.
    let points = client.ok(
        "Runtime.getProperties",
        json!({"objectId": main_vars["points"]["objectId"], "ownProperties": true}),
    );
    let names: Vec<&str> = points["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["0", "1", "2", "length"]);

    // Evaluate in a frame: its variables, and what they lead to.
    let frame_id = frames[0]["callFrameId"].clone();
    let evaluated = client.ok(
        "Debugger.evaluateOnCallFrame",
        json!({"callFrameId": frame_id, "expression": "dx * 10 + b.y"}),
    );
    assert_eq!(evaluated["result"]["value"], -26, "{evaluated}");
    let failed = client.ok(
        "Debugger.evaluateOnCallFrame",
        json!({"callFrameId": frame_id, "expression": "nothing.here"}),
    );
    assert!(
        failed["exceptionDetails"]["text"]
            .as_str()
            .unwrap()
            .contains("ReferenceError"),
        "{failed}"
    );

    // Step over: the next line of distance, dy now computed.
    client.ok("Debugger.stepOver", json!({}));
    let stepped = client.event("Debugger.paused");
    assert_eq!(line(top(&stepped)), dy + 1);
    assert_eq!(locals(&mut client, top(&stepped))["dy"]["value"], -4);
    // Step out: back in main, on the line that called.
    client.ok("Debugger.stepOut", json!({}));
    let out = client.event("Debugger.paused");
    assert_eq!(top(&out)["functionName"], "main");
    assert_eq!(line(top(&out)), line_of(&source, "marker: call"));
    // Step into the next call: distance again, its first line.
    client.ok(
        "Debugger.removeBreakpoint",
        json!({"breakpointId": breakpoint}),
    );
    let mut into = Value::Null;
    for _ in 0..4 {
        client.ok("Debugger.stepInto", json!({}));
        into = client.event("Debugger.paused");
        if top(&into)["functionName"] == "distance" {
            break;
        }
    }
    assert_eq!(top(&into)["functionName"], "distance", "{into}");
    assert_eq!(line(top(&into)), dy - 1);

    client.ok("Debugger.resume", json!({}));
    // Console output reaches the client too, as values it can expand.
    let logged = client.event("Runtime.consoleAPICalled");
    assert_eq!(logged["params"]["type"], "log");
    assert_eq!(logged["params"]["args"][0]["value"], "total:10");
    assert_eq!(logged["params"]["args"][1]["type"], "object");
    let rest = client.rest();
    assert!(
        rest.iter()
            .any(|m| m["method"] == "Runtime.executionContextDestroyed"),
        "{rest:?}"
    );
    let (status, out, _) = finish(child, stderr);
    assert_eq!(status, Some(0));
    assert_eq!(out, text(&plain.stdout), "the debugger changed the output");
}

#[test]
fn exceptions_pause_where_thrown_and_debugger_statements_stop() {
    let dir = programs();
    let source = std::fs::read_to_string(dir.path().join("failing.ts")).unwrap();
    let plain = support::jsw_in(dir.path(), &["run", "failing.ts"]);
    support::expect_code(&plain, 1);

    let mut child = spawn(
        dir.path(),
        &["run", "failing.ts", "--inspect-brk=127.0.0.1:0"],
    );
    let (url, stderr) = cdp::listening(&mut child);
    let (mut client, _, _) = attach(&url, "failing.ts");
    client.ok(
        "Debugger.setPauseOnExceptions",
        json!({"state": "uncaught"}),
    );
    client.ok("Runtime.runIfWaitingForDebugger", json!({}));
    client.event("Debugger.paused");
    client.ok("Debugger.resume", json!({}));

    // The caught throw does not stop; `debugger;` does, after the await.
    let statement = client.event("Debugger.paused");
    assert_eq!(line(top(&statement)), line_of(&source, "marker: debugger"));
    let seed = locals(&mut client, top(&statement))["seed"]["value"]
        .as_f64()
        .unwrap();
    client.ok("Debugger.resume", json!({}));

    // The uncaught one stops where it is thrown, with the error.
    let thrown = client.event("Debugger.paused");
    assert_eq!(thrown["params"]["reason"], "exception");
    let description = thrown["params"]["data"]["description"].as_str().unwrap();
    assert!(
        description.starts_with("RangeError: too big: 7"),
        "{description}"
    );
    assert_eq!(thrown["params"]["data"]["uncaught"], true);
    assert_eq!(top(&thrown)["functionName"], "check");
    assert_eq!(line(top(&thrown)), line_of(&source, "marker: throw"));
    assert_eq!(locals(&mut client, top(&thrown))["n"]["value"], 7);
    client.ok("Debugger.resume", json!({}));
    client.rest();
    let (status, out, err) = finish(child, stderr);
    assert_eq!(status, Some(1));
    assert_eq!(out, format!("caught too big: 5\nseed {seed}\n"));
    assert!(
        err.contains("Uncaught RangeError: too big: 7\n    at check (failing.ts:3:"),
        "{err}"
    );
}

#[test]
fn replay_under_the_debugger_stops_at_the_recorded_values() {
    let dir = programs();
    let source = std::fs::read_to_string(dir.path().join("failing.ts")).unwrap();
    let recorded = support::jsw_in(dir.path(), &["run", "--record", "run.json", "failing.ts"]);
    support::expect_code(&recorded, 1);
    let printed = text(&recorded.stdout);
    let seed: f64 = printed
        .lines()
        .find_map(|l| l.strip_prefix("seed "))
        .unwrap()
        .parse()
        .unwrap();

    let mut child = spawn(
        dir.path(),
        &["replay", "run.json", "--inspect-brk=127.0.0.1:0"],
    );
    let (url, stderr) = cdp::listening(&mut child);
    let (mut client, _, script_url) = attach(&url, "failing.ts");
    let at = line_of(&source, "console.log(\"seed\"");
    client.ok(
        "Debugger.setBreakpointByUrl",
        json!({"url": script_url, "lineNumber": at}),
    );
    client.ok("Runtime.runIfWaitingForDebugger", json!({}));
    client.event("Debugger.paused");
    client.ok("Debugger.resume", json!({}));
    // `debugger;` first, then the breakpoint: the recorded random value.
    client.event("Debugger.paused");
    client.ok("Debugger.resume", json!({}));
    let hit = client.event("Debugger.paused");
    assert_eq!(line(top(&hit)), at);
    let replayed_seed = client.ok(
        "Debugger.evaluateOnCallFrame",
        json!({"callFrameId": top(&hit)["callFrameId"], "expression": "seed"}),
    );
    assert_eq!(replayed_seed["result"]["value"].as_f64(), Some(seed));
    client.ok("Debugger.resume", json!({}));
    client.rest();
    let (status, out, err) = finish(child, stderr);
    assert_eq!(status, Some(1), "{err}");
    assert_eq!(out, printed);
    assert!(
        err.contains("jsw replay: reproduced the recorded run"),
        "{err}"
    );
}

#[test]
fn detaching_lets_the_program_finish() {
    let dir = programs();
    let source = std::fs::read_to_string(dir.path().join("program.ts")).unwrap();
    let mut child = spawn(
        dir.path(),
        &["run", "program.ts", "--inspect-brk=127.0.0.1:0"],
    );
    let (url, stderr) = cdp::listening(&mut child);
    let (mut client, _, script_url) = attach(&url, "program.ts");
    client.ok(
        "Debugger.setBreakpointByUrl",
        json!({"url": script_url, "lineNumber": line_of(&source, "marker: return")}),
    );
    client.ok("Runtime.runIfWaitingForDebugger", json!({}));
    client.event("Debugger.paused");
    client.ok("Debugger.resume", json!({}));
    client.event("Debugger.paused");
    // The client goes away while the program is paused: like Node, it runs on
    // without the breakpoints.
    drop(client);
    let (status, out, _) = finish(child, stderr);
    assert_eq!(status, Some(0));
    assert_eq!(out, "total:10 { points: 3 }\n");
}

#[test]
fn the_target_list_and_what_inspect_refuses() {
    let dir = programs();
    let mut child = spawn(
        dir.path(),
        &["run", "program.ts", "--inspect-brk=127.0.0.1:0"],
    );
    let (url, stderr) = cdp::listening(&mut child);
    let host = url.trim_start_matches("ws://").split('/').next().unwrap();
    let list = cdp::http_get(host, "/json/list");
    let body: Value = serde_json::from_str(&list[list.find("\r\n\r\n").unwrap() + 4..]).unwrap();
    assert_eq!(body[0]["webSocketDebuggerUrl"], url.as_str());
    assert_eq!(body[0]["type"], "node");
    assert!(body[0]["url"].as_str().unwrap().ends_with("/program.ts"));
    let version = cdp::http_get(host, "/json/version");
    assert!(version.contains("\"Protocol-Version\""), "{version}");

    // One client at a time.
    let client = Client::connect(&url);
    let second = cdp::upgrade_refused(&url);
    assert!(second.starts_with("HTTP/1.1 409"), "{second}");
    drop(client);
    let (status, out, _) = finish(child, stderr);
    assert_eq!(status, Some(0));
    assert_eq!(out, "total:10 { points: 3 }\n");

    let compiled = support::compile(dir.path(), &["program.ts", "-o", "program.wasm"]);
    support::expect_success(&compiled);
    for (args, message) in [
        (
            &["run", "program.wasm", "--inspect"][..],
            "--inspect debugs a program from its source",
        ),
        (
            &["run", "program.ts", "--inspect=nowhere:port"][..],
            "--inspect=nowhere:port: expected [HOST:]PORT",
        ),
        (
            &["run", "program.ts", "--inspect", "--record", "r.json"][..],
            "--record and --inspect do not go together",
        ),
        (
            &["run", "program.ts", "--inspect", "--timeout", "5s"][..],
            "leave --timeout out under --inspect",
        ),
    ] {
        let out = support::jsw_in(dir.path(), args);
        support::expect_failure_containing(&out, 1, &[message]);
    }
    // A port in use is named.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = support::jsw_in(
        dir.path(),
        &["run", "program.ts", &format!("--inspect={port}")],
    );
    support::expect_failure_containing(&out, 1, &["cannot listen on 127.0.0.1:"]);
}

/// The debugger's URL from a server's log.
fn listening_in(server: &Server) -> String {
    server.expect("Debugger listening on ws://");
    let log = server.log();
    log.lines()
        .find_map(|l| l.strip_prefix("Debugger listening on "))
        .unwrap()
        .to_string()
}

fn order(server: &Server, qty: u32) -> std::thread::JoinHandle<support::server::Response> {
    let addr = server.addr;
    std::thread::spawn(move || {
        let body = format!(r#"{{"id":"o{qty}","qty":{qty}}}"#);
        request(addr, "POST", "/", &[], body.as_bytes()).unwrap()
    })
}

#[test]
fn served_requests_stop_at_breakpoints_each_in_a_fresh_instance() {
    let dir = programs();
    let source = std::fs::read_to_string(dir.path().join("handler.ts")).unwrap();
    let server = Server::start(dir.path(), "handler.ts", &["--inspect=127.0.0.1:0"]);
    let url = listening_in(&server);
    let mut client = Client::connect(&url);
    client.ok("Runtime.enable", json!({}));
    client.ok("Debugger.enable", json!({}));
    let at = line_of(&source, "marker: price");
    let set = client.ok(
        "Debugger.setBreakpointByUrl",
        json!({"urlRegex": "handler\\.ts$", "lineNumber": at}),
    );
    let id = set["breakpointId"].clone();
    // Between requests there is no instance to ask.
    let idle = client.call("Runtime.evaluate", json!({"expression": "1 + 1"}));
    assert!(
        idle["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no request is running"),
        "{idle}"
    );
    // Each request is a fresh instance, and the breakpoint holds in each.
    for qty in [2u32, 3] {
        let answer = order(&server, qty);
        let hit = client.event("Debugger.paused");
        assert_eq!(hit["params"]["hitBreakpoints"], json!([id]));
        let frames = hit["params"]["callFrames"].as_array().unwrap();
        assert_eq!(frames[0]["functionName"], "total");
        assert_eq!(line(&frames[0]), at);
        assert_eq!(frames[1]["functionName"], "fetch");
        let qty_seen = client.ok(
            "Debugger.evaluateOnCallFrame",
            json!({"callFrameId": frames[1]["callFrameId"], "expression": "order.qty"}),
        );
        assert_eq!(qty_seen["result"]["value"], qty);
        client.ok("Debugger.resume", json!({}));
        let response = answer.join().unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.text(), format!("total {}\n", 7 * qty));
        client.event("Runtime.executionContextDestroyed");
    }
    // Misuse is refused before anything is served.
    let compiled = support::compile(dir.path(), &["handler.ts", "-o", "handler.wasm"]);
    support::expect_success(&compiled);
    for (args, message) in [
        (
            &["serve", "handler.wasm", "--inspect"][..],
            "--inspect debugs a handler from its source",
        ),
        (
            &["serve", "handler.ts", "--inspect", "--timeout", "5s"][..],
            "leave them out under --inspect",
        ),
        (
            &["serve", "handler.ts", "--inspect", "--workers", "2"][..],
            "leave --workers out",
        ),
    ] {
        let out = support::jsw_in(dir.path(), args);
        support::expect_failure_containing(&out, 1, &[message]);
    }
}

#[test]
fn a_failed_request_replays_under_the_debugger_and_stops_where_it_threw() {
    let dir = programs();
    let source = std::fs::read_to_string(dir.path().join("handler.ts")).unwrap();
    let records = dir.path().join("records");
    let mut server = Server::start(
        dir.path(),
        "handler.ts",
        &["--record", records.to_str().unwrap(), "--record-errors"],
    );
    assert_eq!(order(&server, 9).join().unwrap().status, 500);
    assert_eq!(order(&server, 1).join().unwrap().status, 200);
    // Written once the instance is over.
    let started = std::time::Instant::now();
    while support::records(&records).is_empty()
        && started.elapsed() < std::time::Duration::from_secs(20)
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // With the default workers too, the server says where it went.
    server.expect("recorded POST / (500) in ");
    server.terminate();
    let record = support::records(&records)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no record: {}", server.log()));

    let plain = support::jsw_in(dir.path(), &["replay", record.to_str().unwrap()]);
    support::expect_success(&plain);
    let printed = text(&plain.stdout);
    let stamp: f64 = printed
        .lines()
        .find_map(|l| l.strip_prefix("order o9 "))
        .unwrap()
        .parse()
        .unwrap();

    let mut child = spawn(
        dir.path(),
        &[
            "replay",
            record.to_str().unwrap(),
            "--inspect-brk=127.0.0.1:0",
        ],
    );
    let (url, stderr) = cdp::listening(&mut child);
    let (mut client, _, _) = attach(&url, "handler.ts");
    client.ok(
        "Debugger.setPauseOnExceptions",
        json!({"state": "uncaught"}),
    );
    client.ok("Runtime.runIfWaitingForDebugger", json!({}));
    let start = client.event("Debugger.paused");
    assert_eq!(top(&start)["functionName"], "fetch");
    client.ok("Debugger.resume", json!({}));
    let thrown = client.event("Debugger.paused");
    assert_eq!(thrown["params"]["reason"], "exception");
    assert_eq!(top(&thrown)["functionName"], "total");
    assert_eq!(line(top(&thrown)), line_of(&source, "marker: throw"));
    // The clock reading is the recorded one.
    let seen = client.ok(
        "Debugger.evaluateOnCallFrame",
        json!({"callFrameId": thrown["params"]["callFrames"][1]["callFrameId"], "expression": "stamp"}),
    );
    assert_eq!(seen["result"]["value"].as_f64(), Some(stamp));
    client.ok("Debugger.resume", json!({}));
    client.rest();
    let (status, out, err) = finish(child, stderr);
    assert_eq!(status, Some(0), "{err}");
    assert_eq!(out, printed);
    assert!(
        err.contains("jsw replay: reproduced the recorded request: status 500"),
        "{err}"
    );
}

#[test]
fn steps_go_by_source_lines_stop_at_breakpoints_and_stay_in_their_async_function() {
    let dir = programs();
    let source = std::fs::read_to_string(dir.path().join("steps.ts")).unwrap();
    let at = |marker: &str| line_of(&source, marker);
    let mut child = spawn(
        dir.path(),
        &["run", "steps.ts", "--inspect-brk=127.0.0.1:0"],
    );
    let (url, stderr) = cdp::listening(&mut child);
    let (mut client, _, script_url) = attach(&url, "steps.ts");
    client.ok(
        "Debugger.setBreakpointByUrl",
        json!({"url": script_url, "lineNumber": at("marker: add")}),
    );
    client.ok("Runtime.runIfWaitingForDebugger", json!({}));
    client.event("Debugger.paused");
    client.ok("Debugger.resume", json!({}));
    let step = |client: &mut Client, how: &str| -> (String, u64) {
        client.ok(how, json!({}));
        let paused = client.event("Debugger.paused");
        (
            top(&paused)["functionName"].as_str().unwrap().to_string(),
            line(top(&paused)),
        )
    };
    // `debugger;`, then stepping over goes line by line.
    let stopped = client.event("Debugger.paused");
    assert_eq!(line(top(&stopped)), at("marker: debugger"));
    assert_eq!(
        step(&mut client, "Debugger.stepOver"),
        ("counted".into(), at("marker: q"))
    );
    assert_eq!(
        step(&mut client, "Debugger.stepOver"),
        ("counted".into(), at("marker: call add"))
    );
    // Stepping over a call stops at a breakpoint inside it.
    assert_eq!(
        step(&mut client, "Debugger.stepOver"),
        ("add".into(), at("marker: add"))
    );
    client.ok("Debugger.stepOut", json!({}));
    client.event("Debugger.paused");
    // A statement the build spreads over lines is one step.
    let mut into = step(&mut client, "Debugger.stepInto");
    while into.0 != "spread" {
        into = step(&mut client, "Debugger.stepInto");
    }
    assert_eq!(into.1, at("marker: spread"));
    assert_eq!(
        step(&mut client, "Debugger.stepInto"),
        ("spread".into(), at("marker: spread return"))
    );
    // Over an await: the next line of main, not the other async function
    // that runs while main waits.
    client.ok("Debugger.stepOut", json!({}));
    client.event("Debugger.paused");
    let mut over = step(&mut client, "Debugger.stepOver");
    while over.1 != at("marker: await") {
        assert_eq!(over.0, "main");
        over = step(&mut client, "Debugger.stepOver");
    }
    assert_eq!(
        step(&mut client, "Debugger.stepOver"),
        ("main".into(), at("marker: after await"))
    );
    client.ok("Debugger.resume", json!({}));
    client.rest();
    let (status, out, _) = finish(child, stderr);
    assert_eq!(status, Some(0));
    assert_eq!(out, "6\n");
}

#[test]
fn a_program_waiting_on_a_timer_answers_the_client_meanwhile() {
    let dir = programs();
    let mut child = spawn(dir.path(), &["run", "idle.ts", "--inspect=127.0.0.1:0"]);
    let (url, stderr) = cdp::listening(&mut child);
    let mut client = Client::connect(&url);
    client.ok("Runtime.enable", json!({}));
    // Answered while main waits: the timer has not fired yet.
    let during = client.ok(
        "Runtime.evaluate",
        json!({"expression": "String(globalThis.fired)"}),
    );
    assert_eq!(during["result"]["value"], "undefined");
    client.rest();
    let (status, out, _) = finish(child, stderr);
    assert_eq!(status, Some(0));
    assert_eq!(out, "fired\n");
}
