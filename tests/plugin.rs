//! Plugins: `jsw compile --wit` builds a component of a WIT world, and a Rust
//! host made with wasmtime's `bindgen!` over the same WIT calls every type in
//! both directions and checks the values exactly, including errors, traps and
//! state kept between calls. The wasmtime CLI (`--invoke`) is a second host.

// The WIT has functions of many parameters on purpose (flat values past 16).
#![allow(clippy::too_many_arguments)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use wasmtime::component::Resource;

use support::*;
use wasmtime::component::{Component, HasSelf, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

wasmtime::component::bindgen!({
    path: "../tests/plugin/everything/wit",
    world: "everything",
    additional_derives: [PartialEq],
});

use acme::suite::host;

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/plugin/everything")
}

struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    log: Arc<Mutex<Vec<String>>>,
    /// Blobs by handle number; how many are alive, and dropped by the plugin.
    blob_data: std::collections::HashMap<u32, Vec<u8>>,
    next_blob: u32,
    blobs: u32,
    dropped: u32,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

type Scalars = (bool, u8, i8, u16, i16, u32, i32, u64, i64, f32, f64, char);

impl host::Host for State {
    fn log(&mut self, msg: String) {
        self.log.lock().unwrap().push(msg);
    }
    fn scalars(
        &mut self,
        b: bool,
        a8: u8,
        s8v: i8,
        a16: u16,
        s16v: i16,
        a32: u32,
        s32v: i32,
        a64: u64,
        s64v: i64,
        f: f32,
        d: f64,
        c: char,
    ) -> Scalars {
        (b, a8, s8v, a16, s16v, a32, s32v, a64, s64v, f, d, c)
    }
    fn lookup(&mut self, key: String) -> Result<Option<String>, String> {
        match key.as_str() {
            "known" => Ok(Some("value of known".into())),
            "absent" => Ok(None),
            other => Err(format!("no access to {other}")),
        }
    }
    fn bytes(&mut self, n: u32) -> Vec<u8> {
        (0..n as u8).map(|i| i * 3).collect()
    }
    fn mirror(
        &mut self,
        p: Point,
        perms: Perms,
        c: Color,
        s: Shape,
    ) -> (Point, Perms, Color, Shape) {
        (p, perms, c, s)
    }
    #[allow(clippy::too_many_arguments)]
    fn wide(
        &mut self,
        a: u32,
        b: u32,
        c: u32,
        d: u32,
        e: u32,
        f: u32,
        g: u32,
        h: u32,
        i: u32,
        j: u32,
        k: u32,
        l: u32,
        m: u32,
        n: u32,
        o: u32,
        p: u32,
        q: u32,
    ) -> u64 {
        [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]
            .iter()
            .map(|&v| v as u64)
            .sum::<u64>()
            * 1000
    }
    fn live_blobs(&mut self) -> u32 {
        self.blobs
    }
}

impl State {
    /// A new blob: its bytes under a fresh handle number.
    fn blob(&mut self, data: Vec<u8>) -> Resource<Blob> {
        self.next_blob += 1;
        self.blob_data.insert(self.next_blob, data);
        self.blobs += 1;
        Resource::new_own(self.next_blob)
    }
}

impl host::HostBlob for State {
    fn new(&mut self, init: Vec<u8>) -> Resource<Blob> {
        self.blob(init)
    }
    fn write(&mut self, blob: Resource<Blob>, bytes: Vec<u8>) {
        self.blob_data.get_mut(&blob.rep()).unwrap().extend(bytes);
    }
    fn read(&mut self, blob: Resource<Blob>, n: u32) -> Vec<u8> {
        let data = &self.blob_data[&blob.rep()];
        data[..data.len().min(n as usize)].to_vec()
    }
    fn size(&mut self, blob: Resource<Blob>) -> u32 {
        self.blob_data[&blob.rep()].len() as u32
    }
    fn merge(&mut self, lhs: Resource<Blob>, rhs: Resource<Blob>) -> Resource<Blob> {
        let mut data = self.blob_data[&lhs.rep()].clone();
        data.extend(&self.blob_data[&rhs.rep()]);
        self.blob(data)
    }
    fn drop(&mut self, blob: Resource<Blob>) -> wasmtime::Result<()> {
        self.blob_data.remove(&blob.rep());
        self.blobs -= 1;
        self.dropped += 1;
        Ok(())
    }
}

/// The issue's example world, for the bad-input tests.
const TRANSFORMER: &str = "package acme:plugin;
interface host { log: func(level: u8, msg: string); }
world transformer {
  import host;
  record item { id: u32, name: string, tags: list<string>, price: option<f64> }
  variant outcome { kept(item), dropped(string) }
  export transform: func(items: list<item>) -> list<outcome>;
  export version: func() -> string;
}
";

/// Compiles `source` as plugin.ts against TRANSFORMER; the build must fail,
/// write nothing, and say `expected` (each line) on stderr.
fn fails_with(source: &str, extra: &[&str], expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wit")).unwrap();
    write(&dir.path().join("wit"), "plugin.wit", TRANSFORMER);
    write(dir.path(), "plugin.ts", source);
    let mut args = vec!["plugin.ts", "--wit", "wit", "-o", "plugin.wasm"];
    args.extend_from_slice(extra);
    let out = compile(dir.path(), &args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for line in expected {
        assert!(stderr.contains(line), "expected {line:?} in:\n{stderr}");
    }
    assert!(!dir.path().join("plugin.wasm").exists());
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_module_that_does_not_satisfy_the_world_fails_the_build() {
    fails_with(
        "export const version = \"1.0\";\n",
        &[],
        &[
            "error: plugin.ts does not match the world acme:plugin/transformer:",
            "plugin.ts does not export `transform`: the world exports `transform` (wit/plugin.wit:7:10); add `export function transform(...)`",
            "plugin.ts exports `version` as the string \"1.0\", not a function: the world exports `version` (wit/plugin.wit:8:10)",
        ],
    );
    fails_with(
        "export function transform(items, options, more) { return []; }\nexport function version() { return \"1\"; }\n",
        &[],
        &[
            "plugin.ts exports `transform` taking 3 parameters, but the world's `transform` (wit/plugin.wit:7:10) passes 1",
        ],
    );
}

#[test]
fn imports_the_world_does_not_have_are_located_errors() {
    let exports = "export function transform(items) { return []; }\nexport function version() { return \"1\"; }\n";
    fails_with(
        &format!("import {{ logg }} from \"acme:plugin/host\";\nlogg;\n{exports}"),
        &[],
        &[
            "error: the WIT interface 'acme:plugin/host' has no function 'logg' (it has: log)",
            "--> plugin.ts:1:10",
        ],
    );
    fails_with(
        &format!("import {{ log }} from \"acme:plugin/hosts\";\nlog;\n{exports}"),
        &[],
        &[
            "error: the world does not import \"acme:plugin/hosts\" (it imports: acme:plugin/host)",
            "--> plugin.ts:1:21",
        ],
    );
    // The host is not there while the top level runs at build time.
    fails_with(
        &format!("import {{ log }} from \"acme:plugin/host\";\nlog(1, \"hi\");\n{exports}"),
        &[],
        &[
            "acme:plugin/host#log is the host's, and cannot be called at build time",
            "at plugin.ts:2:1",
        ],
    );
}

#[test]
fn bad_wit_is_a_clear_error() {
    let ok = "export function transform(items) { return []; }\nexport function version() { return \"1\"; }\n";
    fails_with(
        ok,
        &["--world", "nope"],
        &["error: no such world in wit (its worlds: transformer)"],
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plugin.ts", ok);
    let out = compile(dir.path(), &["plugin.ts", "--wit", "missing"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("missing does not exist"),
        "{}",
        text(&out.stderr)
    );
    write(
        dir.path(),
        "broken.wit",
        "package a:b;\nworld w {\n  export f: func() -> strin;\n}\n",
    );
    let out = compile(dir.path(), &["plugin.ts", "--wit", "broken.wit"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("broken.wit:3:23"),
        "{}",
        text(&out.stderr)
    );
}

/// The suite's plugin, compiled once per test process.
fn component_bytes() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plugin.wasm");
        let output = jsw()
            .current_dir(suite())
            .args([
                "compile",
                "plugin.ts",
                "--wit",
                "wit",
                "--world",
                "everything",
                "-o",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        std::fs::read(out).unwrap()
    })
}

struct Plugin {
    store: Store<State>,
    world: Everything,
    log: Arc<Mutex<Vec<String>>>,
    stderr: MemoryOutputPipe,
}

fn instantiate() -> Plugin {
    // One engine and one compiled component for every test of the process.
    static COMPILED: std::sync::OnceLock<(Engine, Component)> = std::sync::OnceLock::new();
    let (engine, component) = COMPILED.get_or_init(|| {
        let engine = Engine::new(&Config::new()).unwrap();
        let component = Component::new(&engine, component_bytes()).unwrap();
        (engine, component)
    });
    let mut linker: Linker<State> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
    Everything::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s).unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let stderr = MemoryOutputPipe::new(1 << 20);
    let state = State {
        wasi: WasiCtx::builder().stderr(stderr.clone()).build(),
        table: ResourceTable::new(),
        log: log.clone(),
        blob_data: Default::default(),
        next_blob: 0,
        blobs: 0,
        dropped: 0,
    };
    let mut store = Store::new(engine, state);
    let world = Everything::instantiate(&mut store, component, &linker).unwrap();
    Plugin {
        store,
        world,
        log,
        stderr,
    }
}

fn item(id: u32, name: &str, tags: &[&str], price: Option<f64>, color: Color) -> Item {
    Item {
        id,
        name: name.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        price,
        color,
    }
}

#[test]
fn records_variants_lists_and_options_cross_both_ways() {
    let mut p = instantiate();
    let items = vec![
        item(1, "lamp", &["sale"], Some(40.0), Color::Red),
        item(2, "desk", &[], Some(100.0), Color::DarkGreen),
        item(3, "chair", &["sale", "clearance"], Some(80.0), Color::Blue),
        item(4, "ghost", &["sale"], None, Color::Red),
    ];
    let out = p.world.call_transform(&mut p.store, &items).unwrap();
    assert_eq!(
        out,
        vec![
            Outcome::Kept(item(1, "LAMP", &["sale"], Some(20.0), Color::Red)),
            Outcome::Skipped,
            Outcome::Kept(item(
                3,
                "CHAIR",
                &["sale", "clearance"],
                Some(10.0),
                Color::Blue
            )),
            Outcome::Dropped("ghost".into()),
        ]
    );
    assert_eq!(
        *p.log.lock().unwrap(),
        vec!["transform: 4 items".to_string()]
    );
    // A thousand items, twice: memory the calls allocate is given back.
    let many: Vec<Item> = (0..1000)
        .map(|i| {
            item(
                i,
                &format!("item {i}"),
                &["sale"],
                Some(i as f64),
                Color::Blue,
            )
        })
        .collect();
    for _ in 0..2 {
        let out = p.world.call_transform(&mut p.store, &many).unwrap();
        assert_eq!(out.len(), 1000);
        assert_eq!(
            out[999],
            Outcome::Kept(item(999, "ITEM 999", &["sale"], Some(499.5), Color::Blue))
        );
    }
}

#[test]
fn every_scalar_keeps_its_value_at_the_limits() {
    let mut p = instantiate();
    let cases: Vec<Scalars> = vec![
        (
            true,
            255,
            -128,
            65535,
            -32768,
            u32::MAX,
            i32::MIN,
            u64::MAX,
            i64::MIN,
            1.5,
            std::f64::consts::PI,
            '🦀',
        ),
        (
            false,
            0,
            127,
            0,
            32767,
            0,
            i32::MAX,
            0,
            i64::MAX,
            -0.0,
            -1e300,
            'a',
        ),
        (
            true,
            7,
            -1,
            300,
            -300,
            1 << 31,
            -1,
            1 << 53,
            -(1 << 53),
            f32::MAX,
            f64::MIN_POSITIVE,
            '\u{10FFFF}',
        ),
    ];
    for c in cases {
        let got = p
            .world
            .call_scalars(
                &mut p.store,
                c.0,
                c.1,
                c.2,
                c.3,
                c.4,
                c.5,
                c.6,
                c.7,
                c.8,
                c.9,
                c.10,
                c.11,
            )
            .unwrap();
        assert_eq!(format!("{got:?}"), format!("{c:?}"));
    }
}

#[test]
fn flags_enums_nested_options_results_typed_lists_and_tuples_round_trip() {
    let mut p = instantiate();
    let point = Point { x: -42, y: 0.5 };
    let cases = [
        (
            Perms::READ | Perms::EXEC,
            Color::DarkGreen,
            Shape::Rect(Point { x: 1, y: 2.0 }),
            Some(Some(7)),
            Ok(3),
        ),
        (
            Perms::empty(),
            Color::Red,
            Shape::Circle(2.5),
            Some(None),
            Err("bad".to_string()),
        ),
        (Perms::all(), Color::Blue, Shape::Empty, None, Ok(0)),
    ];
    for (perms, color, shape, option, result) in cases {
        let longs = vec![i64::MIN, 0, i64::MAX];
        let floats = vec![1.25f32, -0.5];
        let tuple = ("tuple text".to_string(), 'é');
        let got = p
            .world
            .call_roundtrip(
                &mut p.store,
                point,
                perms,
                color,
                shape,
                option,
                result.as_ref().map(|v| *v).map_err(String::as_str),
                &longs,
                &floats,
                (&tuple.0, tuple.1),
            )
            .unwrap();
        assert_eq!(got.0, point);
        assert_eq!(got.1, perms);
        assert_eq!(got.2, color);
        assert_eq!(got.3, shape);
        assert_eq!(got.4, option);
        assert_eq!(got.5, result);
        assert_eq!(got.6, longs);
        assert_eq!(got.7, floats);
        assert_eq!(got.8, tuple);
    }
}

#[test]
fn more_than_sixteen_flat_values_pass_through_memory() {
    let mut p = instantiate();
    let got = p
        .world
        .call_wide(
            &mut p.store,
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            13,
            14,
            15,
            16,
            u32::MAX,
        )
        .unwrap();
    let expected: u64 = (1..=16u64).map(|i| i * i).sum::<u64>() + 17 * u32::MAX as u64;
    assert_eq!(got, expected);
}

#[test]
fn the_plugin_calls_the_host_with_every_type() {
    let mut p = instantiate();
    let got = p.world.call_host_round(&mut p.store).unwrap();
    let value: serde_json::Value = serde_json::from_str(&got).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "s": [true, 255, -128, 65535, -32768, 4294967295u32, -2147483648i32,
                  "18446744073709551615n", "-9223372036854775808n", 1.5, std::f64::consts::PI, "🦀"],
            "m": [{"x": "-5n", "y": 0.25}, {"read": true, "writeAll": false, "exec": true},
                  "dark-green", {"tag": "rect", "val": {"x": "7n", "y": 2}}],
            "b": [0, 3, 6, 9, 12],
            "bytesType": "Uint8Array",
            "w": format!("{}n", (1..=17u64).sum::<u64>() * 1000),
        })
    );
}

#[test]
fn errors_cross_as_results_both_ways() {
    let mut p = instantiate();
    let calc = p.world.acme_suite_calc();
    assert_eq!(calc.call_add(&mut p.store, 40, 2).unwrap(), 42);
    assert_eq!(calc.call_add(&mut p.store, i32::MAX, 1).unwrap(), i32::MIN);
    assert_eq!(calc.call_divide(&mut p.store, 1.0, 4.0).unwrap(), Ok(0.25));
    // A thrown Error becomes `err` with its message (the error type is a string).
    assert_eq!(
        calc.call_divide(&mut p.store, 1.0, 0.0).unwrap(),
        Err("division by zero".to_string())
    );
    // The host's `err` is thrown in JS as a ComponentError whose payload,
    // uncaught, becomes this export's `err`.
    assert_eq!(
        p.world.call_use_host(&mut p.store, "known").unwrap(),
        Ok("value of known".into())
    );
    assert_eq!(
        p.world.call_use_host(&mut p.store, "absent").unwrap(),
        Ok("(none)".into())
    );
    assert_eq!(
        p.world.call_use_host(&mut p.store, "secret").unwrap(),
        Err("no access to secret".into())
    );
}

#[test]
fn state_promises_and_timers_live_on_between_calls() {
    let mut p = instantiate();
    for expected in 1..=3 {
        assert_eq!(p.world.call_counter(&mut p.store).unwrap(), expected);
    }
    assert_eq!(p.world.call_later(&mut p.store, 5).unwrap(), "after 5 ms");
    // A fresh instance starts from the snapshot again.
    let mut q = instantiate();
    assert_eq!(q.world.call_counter(&mut q.store).unwrap(), 1);
}

#[test]
fn a_wrong_value_from_js_is_a_clear_error_not_a_crash() {
    // The plugin passes a number where the host takes a string: a TypeError
    // the plugin can catch, naming the function and parameter.
    let mut p = instantiate();
    assert_eq!(
        p.world.call_bad_argument(&mut p.store).unwrap(),
        "TypeError: acme:suite/host@0.1.0#log argument `msg`: expected a string, got the number 42"
    );
    // An export that throws with no error type to return: the call traps,
    // the host gets an error and stays up, stderr says why.
    let err = p.world.call_fails(&mut p.store).unwrap_err();
    assert!(format!("{err:?}").contains("unreachable"), "{err:?}");
    let stderr = text(&p.stderr.contents());
    assert!(
        stderr.contains("TypeError: this export always fails"),
        "{stderr}"
    );
    assert!(stderr.contains("`fails` threw"), "{stderr}");
    // A result of the wrong shape.
    let mut q = instantiate();
    let err = q.world.call_wrong_shape(&mut q.store).unwrap_err();
    assert!(format!("{err:?}").contains("unreachable"), "{err:?}");
    let stderr = text(&q.stderr.contents());
    assert!(
        stderr.contains(
            "the value `wrong-shape` returned, result: expected tag \"kept\" | \"dropped\" | \"skipped\", got the string \"bogus\""
        ),
        "{stderr}"
    );
    // The host is still fine: a new instance works.
    let mut r = instantiate();
    assert_eq!(r.world.call_counter(&mut r.store).unwrap(), 1);
}

#[test]
fn resources_are_classes_whose_handles_cross_both_ways() {
    let mut p = instantiate();
    let got = p.world.call_blobs(&mut p.store).unwrap();
    let value: serde_json::Value = serde_json::from_str(&got).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "live": 3,
            "sizes": [3, 1, 4],
            "read": [1, 2, 3, 9],
            "after": 0,
            "afterDispose": "TypeError: this Blob was dropped or given away",
            "isBlob": true,
            "noConstructor": "this Blob was dropped or given away",
        })
    );
    assert_eq!(p.store.data().dropped, 3);
    // A handle the host lends (borrow) and one it gives away (own).
    let lent = p.store.data_mut().blob(vec![1, 2, 3, 4, 5]);
    let borrowed = Resource::<Blob>::new_borrow(lent.rep());
    assert_eq!(p.world.call_blob_size(&mut p.store, borrowed).unwrap(), 5);
    assert_eq!(
        p.store.data().dropped,
        3,
        "a borrowed handle is not dropped"
    );
    let given = p.store.data_mut().blob(vec![7; 6]);
    assert_eq!(p.world.call_take_blob(&mut p.store, given).unwrap(), 6);
    assert_eq!(
        p.store.data().dropped,
        4,
        "the plugin disposed of the blob it was given"
    );
    // A blob the plugin makes and gives to the host.
    let made = p.world.call_give_blob(&mut p.store).unwrap();
    assert_eq!(p.store.data().blob_data[&made.rep()], vec![4, 5, 6]);
}

#[test]
fn the_plugins_own_resources_are_its_classes_held_by_the_host() {
    let mut p = instantiate();
    let counters = p.world.acme_suite_counters();
    let counter = counters.counter();
    let a = counter.call_constructor(&mut p.store, 5).unwrap();
    assert_eq!(counter.call_inc(&mut p.store, a, 2).unwrap(), 7);
    assert_eq!(counter.call_inc(&mut p.store, a, 3).unwrap(), 10);
    assert_eq!(
        counter.call_label(&mut p.store, a).unwrap(),
        "counter at 10"
    );
    let (b, c) = counter.call_pair(&mut p.store, 1, 100).unwrap();
    assert_eq!(counter.call_sum(&mut p.store, a, c).unwrap(), 110);
    let d = counters.call_make(&mut p.store, 40).unwrap();
    assert_eq!(counter.call_inc(&mut p.store, d, 2).unwrap(), 42);
    assert_eq!(counters.call_disposed(&mut p.store).unwrap(), 0);
    // Dropping the host's handle runs the destructor: the object's
    // Symbol.dispose, and the plugin forgets it.
    for handle in [a, b, c] {
        handle.resource_drop(&mut p.store).unwrap();
    }
    assert_eq!(counters.call_disposed(&mut p.store).unwrap(), 3);
    assert_eq!(
        counter.call_label(&mut p.store, d).unwrap(),
        "counter at 42"
    );
    d.resource_drop(&mut p.store).unwrap();
    assert_eq!(counters.call_disposed(&mut p.store).unwrap(), 4);
}

/// A CommonJS entry's `module.exports` are the plugin's exports, as Node
/// code writes them.
#[test]
fn a_commonjs_entry_exports_through_module_exports() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "calc.wit",
        "package acme:calc;\nworld calc {\n  export add: func(a: s32, b: s32) -> s32;\n  export half: func(x: f64) -> result<f64, string>;\n}\n",
    );
    write(
        dir.path(),
        "calc.cjs",
        "const sum = (a, b) => a + b;\nmodule.exports = { add: sum, half(x) { if (x < 0) throw new Error(\"negative\"); return x / 2; } };\n",
    );
    let out = compile(
        dir.path(),
        &["calc.cjs", "--wit", "calc.wit", "-o", "calc.wasm"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = |call: &str| {
        let out = jsw()
            .current_dir(dir.path())
            .args(["run", "--invoke", call, "calc.wasm"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    assert_eq!(run("add(40, 2)"), "42\n");
    assert_eq!(run("half(-1.0)"), "err(\"negative\")\n");
    write(dir.path(), "bad.cjs", "exports.add = 1;\n");
    let out = compile(
        dir.path(),
        &["bad.cjs", "--wit", "calc.wit", "-o", "bad.wasm"],
    );
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("error: bad.cjs does not match the world acme:calc/calc:"),
        "{said}"
    );
    assert!(
        said.contains("bad.cjs exports `add` as the number 1, not a function: the world exports `add` (calc.wit:3:10); set `exports.add`"),
        "{said}"
    );
}

/// The declarations `jsw types` writes for the world type-check the plugin
/// (tsc from the pinned tests/npm-packages).
#[test]
fn the_plugin_type_checks_against_its_declarations() {
    let Some(packages) = support::npm_packages() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = jsw()
        .args(["types", "--wit"])
        .arg(suite().join("wit"))
        .arg("-o")
        .arg(dir.path().join("world.d.ts"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::copy(suite().join("plugin.ts"), dir.path().join("plugin.ts")).unwrap();
    write(
        dir.path(),
        "tsconfig.json",
        r#"{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "lib": ["es2022", "esnext.disposable", "dom"], "module": "es2022", "moduleResolution": "bundler" }, "files": ["world.d.ts", "plugin.ts"] }"#,
    );
    let out = std::process::Command::new(packages.join("node_modules/.bin/tsc"))
        .current_dir(dir.path())
        .args(["-p", "."])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn jsw_run_and_bench_invoke_exports() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("wit")).unwrap();
    write(&dir.path().join("wit"), "plugin.wit", TRANSFORMER);
    write(
        dir.path(),
        "plugin.ts",
        "import { log } from \"acme:plugin/host\";\n\
         export function transform(items) { log(1, `${items.length} items`); return items.map((i) => ({ tag: \"dropped\", val: i.name })); }\n\
         export function version() { return \"1.0.0\"; }\n",
    );
    let out = compile(
        dir.path(),
        &["plugin.ts", "--wit", "wit", "-o", "plugin.wasm"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = |call: &str| {
        jsw()
            .current_dir(dir.path())
            .args(["run", "--invoke", call, "plugin.wasm"])
            .output()
            .unwrap()
    };
    let out = run("version()");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "\"1.0.0\"\n");
    // The host's functions are the host's: jsw run says which one was missing.
    let out = run("transform([{id: 1, name: \"a\", tags: [], price: none}])");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the plugin called the host function `acme:plugin/host#log`"),
        "{}",
        text(&out.stderr)
    );
    let out = run("versions()");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "the component exports no function `versions` (its functions: transform, version)"
        ),
        "{}",
        text(&out.stderr)
    );
    // Where a command or an HTTP handler is expected, a plugin says what it is.
    let out = jsw()
        .current_dir(dir.path())
        .args(["run", "plugin.wasm"])
        .output()
        .unwrap();
    assert!(
        text(&out.stderr).contains(
            "plugin.wasm is a component, not a command: call one of its exports with `jsw run --invoke 'name(args)' plugin.wasm`"
        ),
        "{}",
        text(&out.stderr)
    );
    let out = jsw()
        .current_dir(dir.path())
        .args(["bench", "plugin.wasm"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("plugin.wasm is a component, but not an HTTP handler"),
        "{}",
        text(&out.stderr)
    );
    // jsw bench stands in for the host with default values.
    let out = jsw()
        .current_dir(dir.path())
        .args(["bench", "-n", "3", "--warmup", "1", "--invoke"])
        .arg("transform([{id: 1, name: \"a\", tags: [], price: none}])")
        .arg("plugin.wasm")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("calls/s"), "{table}");
    assert!(table.contains("plugin.wasm: [dropped(\"a\")]"), "{table}");
}

/// WASI interfaces the world imports are modules the plugin imports, beside
/// the engine's own WASI (console, Date, Math.random) that works as in a command.
#[test]
fn wasi_interfaces_of_the_world_work_beside_the_engines_own() {
    let dir = tempfile::tempdir().unwrap();
    let wasi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/plugin/wasi");
    let out = jsw()
        .current_dir(&wasi)
        .args(["compile", "dice.js", "--wit", "wit", "-o"])
        .arg(dir.path().join("dice.wasm"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = jsw()
        .current_dir(dir.path())
        .args(["run", "--invoke", "roll(6)", "dice.wasm"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "\"{\\\"inRange\\\":true,\\\"bytes\\\":\\\"Uint8Array\\\",\\\"date\\\":true,\\\"random\\\":true}\"\n"
    );
    assert_eq!(text(&out.stderr), "rolled at a plausible time\n");
}

#[test]
fn the_wasmtime_cli_invokes_exports() {
    let Some(wasmtime) = wasmtime_cli() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "calc.wit",
        "package acme:calc;\nworld calc {\n  export add: func(a: s32, b: s32) -> s32;\n  export greet: func(name: string) -> result<string, string>;\n}\n",
    );
    write(
        dir.path(),
        "calc.ts",
        "export function add(a: number, b: number) { return a + b; }\nexport function greet(name: string) { if (!name) throw new Error(\"no name\"); return `hello, ${name}`; }\n",
    );
    let out = compile(
        dir.path(),
        &["calc.ts", "--wit", "calc.wit", "-o", "calc.wasm"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let invoke = |call: &str| {
        let out = std::process::Command::new(&wasmtime)
            .args(["run", "--invoke", call, "calc.wasm"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    };
    assert_eq!(invoke("add(40, 2)"), "42");
    assert_eq!(invoke("greet(\"wasm\")"), "ok(\"hello, wasm\")");
    assert_eq!(invoke("greet(\"\")"), "err(\"no name\")");
}

/// Runs `jsw run --invoke call plugin.wasm` in `dir`.
fn invoke(dir: &Path, call: &str) -> std::process::Output {
    jsw()
        .current_dir(dir)
        .args(["run", "--invoke", call, "plugin.wasm"])
        .output()
        .unwrap()
}

/// Compiles `source` as plugin.js against the world `wit` (as plugin.wit) in a
/// new temp dir, which it returns.
fn plugin_of(wit: &str, source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plugin.wit", wit);
    write(dir.path(), "plugin.js", source);
    let out = compile(
        dir.path(),
        &["plugin.js", "--wit", "plugin.wit", "-o", "plugin.wasm"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

/// Issue 23: an `Error` thrown by an export whose `err` type is not a string
/// reported the shape of `err` ("expected a u8, got an object") instead of
/// what was thrown. As jco's `getErrorPayload` does, such an error is
/// rethrown: the call fails with the thrown message. A value that is not an
/// `E` says it was thrown, and 64-bit values out of range are shown.
#[test]
fn a_thrown_error_that_cannot_be_the_err_type_fails_with_its_message() {
    let dir = plugin_of(
        "package a:b;\nworld w {\n  export parse: func(s: string) -> result<u16, u8>;\n  \
         export code: func() -> result<u16, u8>;\n  export odd: func() -> result<u16, u8>;\n  \
         export big: func() -> s64;\n  export wrapped: func() -> result<u16, u8>;\n}\n",
        "export function parse(s) { if (s === \"\") throw new Error(\"empty input\"); return s.length; }\n\
         export function code() { throw 7; }\n\
         export function odd() { throw \"nope\"; }\n\
         export function big() { return 2n ** 63n; }\n\
         export function wrapped() { throw Object.assign(new Error(\"with payload\"), { payload: 9 }); }\n",
    );
    let out = invoke(dir.path(), "parse(\"ab\")");
    assert_eq!(text(&out.stdout), "ok(2)\n", "{}", text(&out.stderr));
    // The value itself, or an Error's `payload`, is the `err`.
    assert_eq!(text(&invoke(dir.path(), "code()").stdout), "err(7)\n");
    assert_eq!(text(&invoke(dir.path(), "wrapped()").stdout), "err(9)\n");

    let out = invoke(dir.path(), "parse(\"\")");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Error: empty input"), "{stderr}");
    assert!(
        stderr
            .contains("`parse` threw an Error (see above), which is not a value of its `err` type"),
        "{stderr}"
    );
    assert!(!stderr.contains("expected a u8"), "{stderr}");

    let out = invoke(dir.path(), "odd()");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "`odd` threw a value that is not of its `err` type; result.val: expected a u8 (an integer from 0 to 255), got the string \"nope\""
        ),
        "{}",
        text(&out.stderr)
    );

    let out = invoke(dir.path(), "big()");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "expected an s64 (a bigint from -9223372036854775808 to 9223372036854775807), got the bigint 9223372036854775808n"
        ),
        "{}",
        text(&out.stderr)
    );
}

const WORLD_FUNCTIONS: &str = "package a:b;\nworld w {\n  record point { x: s32, y: s32 }\n  \
    import log: func(msg: string);\n  import move-by: func(p: point, d: s32) -> result<point, string>;\n  \
    export run: func(d: s32) -> string;\n}\n";

/// Issue 23: a function the world imports itself (`import log: func(...)`)
/// could not be imported (`import { log } from "a:b/w"` even said "npm install
/// a:b"). As in ComponentizeJS, it is the default export of a module named by
/// the function (`import log from "log"`; jsw also exports it by name).
#[test]
fn functions_the_world_imports_itself_are_modules_named_by_the_function() {
    use wasmtime::component::Val;
    let dir = plugin_of(
        WORLD_FUNCTIONS,
        "import log from \"log\";\nimport { moveBy } from \"move-by\";\n\
         export function run(d) {\n  log(`moving by ${d}`);\n  \
         try { return JSON.stringify(moveBy({ x: 1, y: 2 }, d)); } catch (e) { return `${e.name}: ${e.message}`; }\n}\n",
    );
    let engine = Engine::new(&Config::new()).unwrap();
    let component = Component::from_file(&engine, dir.path().join("plugin.wasm")).unwrap();
    /// WASI, and what `log` was given.
    struct Logged(WasiCtx, ResourceTable, Vec<String>);
    impl WasiView for Logged {
        fn ctx(&mut self) -> WasiCtxView<'_> {
            WasiCtxView {
                ctx: &mut self.0,
                table: &mut self.1,
            }
        }
    }
    let mut linker: Linker<Logged> = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
    let mut root = linker.root();
    root.func_wrap("log", |mut store, (msg,): (String,)| {
        store.data_mut().2.push(msg);
        Ok(())
    })
    .unwrap();
    root.func_new("move-by", |_, _, params, results| {
        let (Val::Record(p), Val::S32(d)) = (&params[0], &params[1]) else {
            panic!("{params:?}")
        };
        results[0] = if *d == 0 {
            Val::Result(Err(Some(Box::new(Val::String("not moving".into())))))
        } else {
            let moved = p
                .iter()
                .map(|(k, v)| match v {
                    Val::S32(n) => (k.clone(), Val::S32(n + d)),
                    other => panic!("{other:?}"),
                })
                .collect();
            Val::Result(Ok(Some(Box::new(Val::Record(moved)))))
        };
        Ok(())
    })
    .unwrap();
    let mut store = Store::new(
        &engine,
        Logged(WasiCtx::builder().build(), ResourceTable::new(), Vec::new()),
    );
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let run = instance
        .get_typed_func::<(i32,), (String,)>(&mut store, "run")
        .unwrap();
    assert_eq!(run.call(&mut store, (3,)).unwrap().0, r#"{"x":4,"y":5}"#);
    assert_eq!(
        run.call(&mut store, (0,)).unwrap().0,
        "ComponentError: not moving"
    );
    assert_eq!(store.data().2, ["moving by 3", "moving by 0"]);

    // `jsw run --invoke` names the missing host function.
    let out = invoke(dir.path(), "run(1)");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the plugin called the host function `log`"),
        "{}",
        text(&out.stderr)
    );

    // The world's own path is not a module of its imports.
    write(
        dir.path(),
        "wrong.js",
        "import { log } from \"a:b/w\";\nexport function run(d) { log(\"x\"); return \"\"; }\n",
    );
    let out = compile(
        dir.path(),
        &["wrong.js", "--wit", "plugin.wit", "-o", "wrong.wasm"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("npm install"), "{stderr}");
    assert!(
        stderr.contains("the world does not import \"a:b/w\" (it imports: log, move-by)"),
        "{stderr}"
    );
}

/// `jsw types` declares each such function as its own module, and TypeScript
/// accepts a plugin written against them.
#[test]
fn functions_the_world_imports_itself_are_declared_for_typescript() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plugin.wit", WORLD_FUNCTIONS);
    let out = jsw()
        .current_dir(dir.path())
        .args(["types", "--wit", "plugin.wit", "-o", "world.d.ts"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dts = std::fs::read_to_string(dir.path().join("world.d.ts")).unwrap();
    assert!(
        dts.contains(
            "declare module \"move-by\" {\n  import type { Point } from \"a:b/w\";\n  \
             function moveBy(p: Point, d: number): Point;\n  export { moveBy as default, moveBy as moveBy };\n}\n"
        ),
        "{dts}"
    );
    let Some(packages) = support::npm_packages() else {
        return;
    };
    write(
        dir.path(),
        "plugin.ts",
        "import log from \"log\";\nimport { moveBy } from \"move-by\";\nimport type { Point } from \"a:b/w\";\n\
         const start: Point = { x: 1, y: 2 };\n\
         export function run(d: number): string { log(\"moving\"); return JSON.stringify(moveBy(start, d)); }\n",
    );
    write(
        dir.path(),
        "tsconfig.json",
        r#"{ "compilerOptions": { "strict": true, "noEmit": true, "target": "es2022", "module": "es2022", "moduleResolution": "bundler" }, "files": ["world.d.ts", "plugin.ts"] }"#,
    );
    let out = std::process::Command::new(packages.join("node_modules/.bin/tsc"))
        .current_dir(dir.path())
        .args(["-p", "."])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}
