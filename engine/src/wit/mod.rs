//! Plugin mode (cargo feature `wit`): the engine as the core of a component
//! that exports and imports the functions of a WIT world.
//!
//! The compiler sends the world's functions and types (derived from the WIT
//! with wit-parser) in the payload. At build time the top level runs and every
//! export the world asks for is looked up in the entry module, so a missing or
//! mistyped one fails the build. After the snapshot the compiler adds, for each
//! world export, a core function with the export's canonical-ABI signature that
//! parks its flat arguments in `ARGS` and calls `jsw-wit-call`; and it replaces
//! the `jsw` `wit-import` import with a dispatcher that calls the world's real
//! imports with the flat values `call_import` leaves in `IMPORT_SLOTS`. Lifting
//! and lowering happen here (abi.rs), against the ABI's rules.
//!
//! Unlike an HTTP handler's instance, a plugin's instance serves many calls:
//! state the program keeps between calls stays, as in any component.

mod abi;
pub mod memory;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rquickjs::function::{Rest, This};
use rquickjs::module::{Declarations, Exports, ModuleDef};
use rquickjs::{Ctx, Exception, Function, Object, Persistent, Value};

use abi::{Allocs, Fail, FlatReader, Kind, Types};
use jsw_wire::reader::Reader;
use jsw_wire::wit::{FuncKind, MAX_FLAT_PARAMS, TypeCode};

/// Build-time exit status: the program does not satisfy the world (the
/// compiler turns the lines on stderr into its error).
pub const MISMATCH: i32 = jsw_wire::BuildExit::WorldMismatch.status();

struct Func {
    /// "" for a function of the world itself, else the camelCase name of the
    /// exported interface (the entry's namespace export holding it).
    interface: String,
    /// The JS (camelCase) name.
    js: String,
    /// The WIT name, with its interface, for messages.
    wit: String,
    /// Where the WIT declares it (file:line), for messages.
    at: String,
    params: Vec<(String, u32)>,
    result: Option<u32>,
    /// The result is `result<T, E>`: JS returns `T` and throws the error.
    throws: bool,
    /// How the JS side is called: a function, or a resource's constructor
    /// (`new`), method (`this` is the first argument), static, or destructor.
    kind: FuncKind,
}

impl Func {
    fn flat_params(&self, types: &Types) -> usize {
        self.params.iter().map(|p| types.get(p.1).flat.len()).sum()
    }

    fn flat_results(&self, types: &Types) -> usize {
        self.result.map_or(0, |r| types.get(r).flat.len())
    }

    /// Memory for the parameters as one tuple: (size, align, offsets).
    fn param_layout(&self, types: &Types) -> (u32, u32, Vec<u32>) {
        let (mut size, mut align, mut offsets) = (0u32, 1u32, Vec::new());
        for p in &self.params {
            let t = types.get(p.1);
            size = size.div_ceil(t.align) * t.align;
            offsets.push(size);
            size += t.size;
            align = align.max(t.align);
        }
        (size.div_ceil(align) * align, align, offsets)
    }
}

type Found = (
    Persistent<Function<'static>>,
    Option<Persistent<Value<'static>>>,
);

struct Table {
    types: Types,
    exports: Vec<Func>,
    imports: Vec<Func>,
    /// The generated modules of interfaces whose resources the exports pass:
    /// loaded at build time so that their classes are registered.
    preload: Vec<String>,
}

thread_local! {
    static TABLE: RefCell<Option<Rc<Table>>> = const { RefCell::new(None) };
    /// The exports' functions, found at build time.
    /// The exports' functions (and `this` for statics), found at build time;
    /// None for destructors, which the engine runs itself.
    static FOUND: RefCell<Vec<Option<Found>>> = const { RefCell::new(Vec::new()) };
    /// Memory behind the last export's result, freed by its post-return.
    static RETURNED: RefCell<Allocs> = RefCell::new(Allocs::default());
    static STARTED: Cell<bool> = const { Cell::new(false) };
}

/// Flat arguments of an export call (a pointer to them when there are more
/// than 16), written by the compiler's glue.
static mut ARGS: [u64; MAX_FLAT_PARAMS] = [0; MAX_FLAT_PARAMS];
/// An export's flat result (or the address of its results in memory).
static mut RESULT: [u64; 1] = [0];
/// An import call's flat arguments, then (in slot 0) its flat result.
static mut IMPORT_SLOTS: [u64; MAX_FLAT_PARAMS + 1] = [0; MAX_FLAT_PARAMS + 1];

#[link(wasm_import_module = "jsw")]
unsafe extern "C" {
    /// Replaced by the compiler with a dispatcher over the world's imports.
    #[link_name = "wit-import"]
    fn wit_import(index: u32, slots: *mut u64);
}

#[unsafe(export_name = "jsw-wit-args")]
pub extern "C" fn args_address() -> *mut u64 {
    (&raw mut ARGS).cast()
}

#[unsafe(export_name = "cabi_realloc")]
pub extern "C" fn cabi_realloc(
    old: *mut u8,
    old_size: usize,
    align: usize,
    new_size: usize,
) -> *mut u8 {
    memory::realloc(old, old_size, align, new_size)
}

/// Reads the table the compiler wrote (compiler/src/wit/plan.rs).
#[allow(clippy::type_complexity)]
fn parse(bytes: &[u8]) -> Result<(Types, Vec<Func>, Vec<Func>, Vec<String>), String> {
    let mut r = Reader::new(bytes, "WIT table");
    let mut types = Types::default();
    for _ in 0..r.u32()? {
        let code = r.byte()?;
        let Some(code) = TypeCode::from_code(code) else {
            return Err(format!("unknown WIT type kind {code}"));
        };
        let kind = match code {
            TypeCode::Bool => Kind::Bool,
            TypeCode::U8 => Kind::U8,
            TypeCode::S8 => Kind::S8,
            TypeCode::U16 => Kind::U16,
            TypeCode::S16 => Kind::S16,
            TypeCode::U32 => Kind::U32,
            TypeCode::S32 => Kind::S32,
            TypeCode::U64 => Kind::U64,
            TypeCode::S64 => Kind::S64,
            TypeCode::F32 => Kind::F32,
            TypeCode::F64 => Kind::F64,
            TypeCode::Char => Kind::Char,
            TypeCode::String => Kind::String,
            TypeCode::List => Kind::List(ty(&mut r, &types)?),
            TypeCode::Record => {
                let mut fields = Vec::new();
                for _ in 0..r.u32()? {
                    fields.push((r.string()?, ty(&mut r, &types)?));
                }
                Kind::Record(fields)
            }
            TypeCode::Tuple => {
                let mut items = Vec::new();
                for _ in 0..r.u32()? {
                    items.push(ty(&mut r, &types)?);
                }
                Kind::Tuple(items)
            }
            TypeCode::Variant => {
                let mut cases = Vec::new();
                for _ in 0..r.u32()? {
                    let name = r.string()?;
                    cases.push((name, maybe_ty(&mut r, &types)?));
                }
                Kind::Variant(cases)
            }
            TypeCode::Enum | TypeCode::Flags => {
                let enumeration = code == TypeCode::Enum;
                let mut names = Vec::new();
                for _ in 0..r.u32()? {
                    names.push(r.string()?);
                }
                if enumeration {
                    Kind::Enum(names)
                } else {
                    Kind::Flags(names)
                }
            }
            TypeCode::Option => Kind::Option(ty(&mut r, &types)?),
            TypeCode::Result => {
                let ok = maybe_ty(&mut r, &types)?;
                Kind::Result(ok, maybe_ty(&mut r, &types)?)
            }
            TypeCode::Own => Kind::Own(r.u32()?),
            TypeCode::Borrow => Kind::Borrow(r.u32()?),
            TypeCode::OwnExported => {
                let _resource = r.u32()?;
                Kind::OwnExported(r.u32()?)
            }
            TypeCode::BorrowExported => {
                let _resource = r.u32()?;
                Kind::BorrowExported
            }
        };
        types.push(kind);
    }
    let funcs = |r: &mut Reader| -> Result<Vec<Func>, String> {
        let mut out = Vec::new();
        for _ in 0..r.u32()? {
            let interface = r.string()?;
            let js = r.string()?;
            let wit = r.string()?;
            let at = r.string()?;
            let mut params = Vec::new();
            for _ in 0..r.u32()? {
                params.push((r.string()?, ty(r, &types)?));
            }
            let result = maybe_ty(r, &types)?;
            let throws = r.byte()? == 1;
            let code = r.byte()?;
            let kind = FuncKind::from_code(code)
                .ok_or_else(|| format!("unknown WIT function kind {code}"))?;
            out.push(Func {
                interface,
                js,
                wit,
                at,
                params,
                result,
                throws,
                kind,
            });
        }
        Ok(out)
    };
    let exports = funcs(&mut r)?;
    let imports = funcs(&mut r)?;
    let mut preload = Vec::new();
    for _ in 0..r.u32()? {
        preload.push(r.string()?);
    }
    Ok((types, exports, imports, preload))
}

/// A type index that must refer to a type defined before it.
fn ty(r: &mut Reader, types: &Types) -> Result<u32, String> {
    let t = r.u32()?;
    if t >= types.len() {
        return Err(format!("WIT type {t} is used before it is defined"));
    }
    Ok(t)
}

fn maybe_ty(r: &mut Reader, types: &Types) -> Result<Option<u32>, String> {
    match r.byte()? {
        0 => Ok(None),
        _ => ty(r, types).map(Some),
    }
}

/// At build time, before the top level runs: reads the world's table.
pub fn prepare(table: &[u8]) -> Result<(), i32> {
    let (types, exports, imports, preload) = parse(table).map_err(|e| {
        crate::io::write(2, format!("jsw: {e}\n").as_bytes());
        jsw_wire::BuildExit::Software.status()
    })?;
    TABLE.set(Some(Rc::new(Table {
        types,
        exports,
        imports,
        preload,
    })));
    Ok(())
}

/// HTTP mode at build time, before the top level runs: reads the table of
/// the host imports the handler uses (compiler/src/bindings/) and loads the
/// glue modules that install them on `jsw.host` (process.env, the handler's
/// `env`).
pub fn load_imports<'js>(ctx: &Ctx<'js>, bytes: &[u8]) -> Result<(), i32> {
    prepare(bytes)?;
    let table = table();
    table.types.make_atoms(ctx);
    for module in &table.preload {
        crate::event_loop::settle(ctx, crate::mode::import(ctx, module))?;
    }
    Ok(())
}

/// At build time, after the top level ran: finds every function the world
/// exports in the entry's namespace. Prints what is missing or mistyped and
/// returns `MISMATCH` when the program does not satisfy the world.
pub fn resolve<'js>(ctx: &Ctx<'js>, entry: &str, namespace: Value<'js>) -> Result<(), i32> {
    let table = table();
    table.types.make_atoms(ctx);
    for module in &table.preload {
        crate::event_loop::settle(ctx, crate::mode::import(ctx, module))?;
    }
    let mut found = Vec::new();
    let mut problems = String::new();
    let namespace = namespace.into_object().map(|ns| {
        // A CommonJS entry's exports are its `module.exports`, which the
        // namespace holds as `default`.
        match ns.get::<_, Object>("default") {
            Ok(exports) if entry.ends_with(jsw_wire::names::MAIN_SUFFIX) => exports,
            _ => ns,
        }
    });
    // The entry as the user named it (a CommonJS entry is loaded as `x.cjs?main`).
    let commonjs = entry.ends_with(jsw_wire::names::MAIN_SUFFIX);
    let entry = entry.split('?').next().unwrap_or(entry);
    for f in &table.exports {
        let holder: Option<Object> = match (&namespace, f.interface.as_str()) {
            (Some(ns), "") => Some(ns.clone()),
            (Some(ns), name) => ns.get::<_, Value>(name).ok().and_then(|v| v.into_object()),
            (None, _) => None,
        };
        let path = if f.interface.is_empty() {
            format!("`{}`", f.js)
        } else {
            format!("`{}.{}`", f.interface, f.js)
        };
        // A resource member is found on its class (`Class.member`).
        let (class, member) = match f.js.split_once('.') {
            Some((class, member)) => (class, Some(member)),
            None => (f.js.as_str(), None),
        };
        let get = |o: &Object<'js>, name: &str| {
            o.get::<_, Value>(name).ok().filter(|v| !v.is_undefined())
        };
        let class_value = holder.as_ref().and_then(|h| get(h, class));
        let (value, this): (Option<Value>, Option<Value>) = match (f.kind, member) {
            (FuncKind::Destructor, _) => {
                found.push(None);
                continue;
            }
            (FuncKind::Method, Some(m)) => (
                class_value
                    .as_ref()
                    .and_then(|c| c.as_object())
                    .and_then(|c| c.get::<_, Object>("prototype").ok())
                    .and_then(|p| get(&p, m)),
                None,
            ),
            (FuncKind::Static, Some(m)) => (
                class_value
                    .as_ref()
                    .and_then(|c| c.as_object())
                    .and_then(|c| get(c, m)),
                class_value.clone(),
            ),
            _ => (class_value, None),
        };
        match value.as_ref().and_then(|v| v.as_function()) {
            Some(function) => {
                let length: usize = function.get("length").unwrap_or(0);
                let passed = f.params.len() - (f.kind == FuncKind::Method) as usize;
                if length > passed {
                    problems.push_str(&format!(
                        "{entry} exports {path} taking {length} parameters, but the world's `{}` ({}) passes {passed}\n",
                        f.wit, f.at,
                    ));
                }
                found.push(Some((
                    Persistent::save(ctx, function.clone()),
                    this.map(|t| Persistent::save(ctx, t)),
                )));
            }
            None => {
                let what = match value {
                    Some(v) => format!("exports {path} as {}, not a function", abi::describe(&v)),
                    None => format!("does not export {path}"),
                };
                let hint = match (f.kind, f.interface.is_empty()) {
                    (FuncKind::Function, true) if commonjs => format!("set `exports.{}`", f.js),
                    (FuncKind::Function, true) => format!("add `export function {}(...)`", f.js),
                    (FuncKind::Function, false) => {
                        format!(
                            "export an object `{}` with a function `{}`",
                            f.interface, f.js
                        )
                    }
                    _ => format!(
                        "export an object `{}` with a class `{class}` that has it",
                        f.interface
                    ),
                };
                problems.push_str(&format!(
                    "{entry} {what}: the world exports `{}` ({}); {hint}\n",
                    f.wit, f.at
                ));
            }
        }
    }
    if !problems.is_empty() {
        crate::io::write(2, problems.as_bytes());
        return Err(MISMATCH);
    }
    FOUND.set(found);
    Ok(())
}

fn table() -> Rc<Table> {
    TABLE
        .with_borrow(|t| t.clone())
        .unwrap_or_else(|| trap("this component holds no plugin"))
}

/// Ends the call with a trap after saying why: the host sees the call fail,
/// and the instance is not used again.
fn trap(message: &str) -> ! {
    crate::io::write(2, format!("jsw: {message}\n").as_bytes());
    crate::io::flush();
    core::arch::wasm32::unreachable()
}

/// Runs export `index` with the arguments in `ARGS`; returns where its flat
/// result is.
#[unsafe(export_name = "jsw-wit-call")]
pub extern "C" fn call(index: u32) -> *mut u64 {
    RETURNED.with_borrow_mut(Allocs::free_all);
    let table = table();
    let Some(ctx) = crate::mode::context() else {
        trap("this component holds no program")
    };
    let f = table
        .exports
        .get(index as usize)
        .unwrap_or_else(|| trap(&format!("no export number {index}")));
    // The call's stack starts here, not where the build's was.
    // SAFETY: the runtime lives as long as the instance.
    unsafe { crate::stack::refresh(ctx.get_runtime_ptr()) };
    ctx.with(|ctx| {
        if !STARTED.replace(true)
            && let Err(e) = crate::globals::start(&ctx)
        {
            crate::event_loop::report(&ctx, e);
            trap("the engine could not start");
        }
        let args = lift_args(&ctx, &table, f).unwrap_or_else(|e| {
            trap(&failure(
                &ctx,
                e,
                &format!("the host's arguments to `{}`", f.wit),
            ))
        });
        let found = FOUND.with_borrow(|found| found.get(index as usize).cloned().flatten());
        let outcome = match (f.kind, found) {
            (FuncKind::Destructor, _) => {
                let rep = args.first().and_then(|v| v.as_number()).unwrap_or(0.0) as u32;
                abi::forget(&ctx, rep).map(|()| Value::new_undefined(ctx.clone()))
            }
            (kind, Some((function, this))) => {
                let function = function
                    .restore(&ctx)
                    .unwrap_or_else(|_| trap("the export's function is gone"));
                let mut args = args;
                match kind {
                    FuncKind::Constructor => {
                        rquickjs::Constructor::from_value(function.into_value())
                            .and_then(|c| c.construct::<_, Value>((Rest(args),)))
                    }
                    FuncKind::Method if !args.is_empty() => {
                        let this = args.remove(0);
                        function.call::<_, Value>((This(this), Rest(args)))
                    }
                    _ => match this.map(|t| t.restore(&ctx)) {
                        Some(Ok(this)) => function.call::<_, Value>((This(this), Rest(args))),
                        _ => function.call::<_, Value>((Rest(args),)),
                    },
                }
            }
            (_, None) => trap("the export's function is gone"),
        };
        let outcome = match outcome {
            Ok(v) => crate::event_loop::settle_call(&ctx, v, || {
                trap("the export returned a promise that can never settle (nothing is left to run)")
            }),
            Err(rquickjs::Error::Exception) => Err(ctx.catch()),
            Err(e) => trap(&format!("`{}` failed: {e}", f.wit)),
        };
        if let Err(e) = abi::release_lent(&ctx) {
            crate::event_loop::report(&ctx, e);
            trap("giving back the handles lent to the call failed");
        }
        let threw = outcome.is_err();
        let value = match (outcome, f.throws) {
            (Ok(v), false) => v,
            (Ok(v), true) => tagged(&ctx, "ok", v),
            (Err(thrown), true) => match error_payload(&ctx, &table, f, thrown) {
                Ok(payload) => tagged(&ctx, "err", payload),
                // jco rethrows such an error: the call fails with the thrown
                // message, not with a complaint about the shape of `err`.
                Err(thrown) => {
                    crate::globals::report_uncaught(&ctx, thrown);
                    trap(&format!(
                        "`{}` threw an Error (see above), which is not a value of its `err` type: \
                         throw the `err` value itself, or an Error with a `payload` property that holds it",
                        f.wit
                    ))
                }
            },
            (Err(thrown), false) => {
                crate::globals::report_uncaught(&ctx, thrown);
                trap(&format!(
                    "`{}` threw (see above); the world gives it no error to return",
                    f.wit
                ))
            }
        };
        if let Some(r) = f.result {
            RETURNED.with_borrow_mut(|allocs| {
                let lowered = if table.types.get(r).flat.len() <= 1 {
                    let mut out = Vec::with_capacity(1);
                    table
                        .types
                        .lower(&ctx, r, &value, &mut out, allocs)
                        .map(|()| out.first().copied().unwrap_or(0))
                } else {
                    let ty = table.types.get(r);
                    let area = allocs.alloc(ty.size, ty.align);
                    table
                        .types
                        .store(&ctx, r, &value, area, allocs)
                        .map(|()| area as u64)
                };
                match lowered {
                    // SAFETY: single-threaded; read by the compiler's glue right after.
                    Ok(raw) => unsafe { RESULT[0] = raw },
                    Err(e) => {
                        let what = if threw {
                            format!(
                                "`{}` threw a value that is not of its `err` type; result",
                                f.wit
                            )
                        } else {
                            format!("the value `{}` returned, result", f.wit)
                        };
                        trap(&failure(&ctx, e, &what))
                    }
                }
            });
        }
        let _ = crate::globals::drain_jobs(&ctx);
    });
    crate::io::flush();
    (&raw mut RESULT).cast()
}

/// Frees what the last export's result held, once the host has read it.
#[unsafe(export_name = "jsw-wit-post")]
pub extern "C" fn post_return(_index: u32) {
    RETURNED.with_borrow_mut(Allocs::free_all);
}

fn lift_args<'js>(ctx: &Ctx<'js>, table: &Table, f: &Func) -> Result<Vec<Value<'js>>, Fail> {
    let types = &table.types;
    let mut values = Vec::with_capacity(f.params.len());
    // SAFETY: single-threaded; written by the glue just before this call.
    let slots: [u64; MAX_FLAT_PARAMS] = unsafe { ARGS };
    if f.flat_params(types) > MAX_FLAT_PARAMS {
        let area = slots[0] as u32;
        let (_, _, offsets) = f.param_layout(types);
        for (p, offset) in f.params.iter().zip(offsets) {
            values.push(
                types
                    .load(ctx, p.1, area + offset, true)
                    .map_err(|e| e.at_param(&p.0))?,
            );
        }
        memory::free(area);
    } else {
        let mut reader = FlatReader {
            values: &slots,
            pos: 0,
        };
        for p in &f.params {
            values.push(
                types
                    .lift(ctx, p.1, &mut reader, true)
                    .map_err(|e| e.at_param(&p.0))?,
            );
        }
    }
    Ok(values)
}

/// The message for a value that does not fit its type (or a JS exception
/// raised while reading it).
fn failure(ctx: &Ctx<'_>, e: Fail, what: &str) -> String {
    match e.describe(what) {
        Some(message) => message,
        None => {
            let thrown = ctx.catch();
            crate::globals::report_uncaught(ctx, thrown);
            format!("reading {what} threw (see above)")
        }
    }
}

fn tagged<'js>(ctx: &Ctx<'js>, tag: &str, val: Value<'js>) -> Value<'js> {
    let object = Object::new(ctx.clone()).unwrap_or_else(|_| trap("out of memory"));
    let _ = object.set("tag", tag);
    let _ = object.set("val", val);
    object.into_value()
}

/// What a thrown value becomes as a result's `err`, as jco's
/// `getErrorPayload` does it: its `payload` when it has one (a
/// `ComponentError`), an `Error`'s message when `E` is `string`, else the
/// value itself. An `Error` without a `payload` for any other `E` is no value
/// of it: that is `Err(thrown)`, and the call fails as jco's rethrow would.
fn error_payload<'js>(
    ctx: &Ctx<'js>,
    table: &Table,
    f: &Func,
    thrown: Value<'js>,
) -> Result<Value<'js>, Value<'js>> {
    if let Some(object) = thrown.as_object()
        && object.contains_key("payload").unwrap_or(false)
    {
        return Ok(object.get("payload").unwrap_or(thrown));
    }
    let err = f.result.and_then(|r| match table.types.get(r).kind {
        Kind::Result(_, err) => err,
        _ => None,
    });
    let is_error = thrown.as_object().is_some_and(|o| {
        ctx.globals()
            .get::<_, Value>("Error")
            .is_ok_and(|error| o.is_instance_of(&error))
    });
    match err.map(|e| &table.types.get(e).kind) {
        Some(Kind::String) if !thrown.is_string() => {
            let message: Option<String> = thrown
                .as_object()
                .and_then(|o| o.get::<_, Value>("message").ok())
                .and_then(|m| m.as_string().and_then(|s| s.to_string().ok()));
            let text = message.unwrap_or_else(|| {
                ctx.globals()
                    .get::<_, Function>("String")
                    .and_then(|s| s.call::<_, String>((thrown.clone(),)))
                    .unwrap_or_default()
            });
            Ok(rquickjs::String::from_str(ctx.clone(), &text)
                .map(|s| s.into_value())
                .unwrap_or(thrown))
        }
        // `result<T>` has no `err` value: any throw is its `err`.
        None => Ok(thrown),
        _ if is_error => Err(thrown),
        _ => Ok(thrown),
    }
}

/// Calls import `index` with flat values (resource intrinsics); returns its
/// flat result.
pub fn raw_import(index: u32, flat: &[u64]) -> u64 {
    // SAFETY: single-threaded; the dispatcher reads the slots and writes slot 0.
    unsafe {
        let slots = (&raw mut IMPORT_SLOTS).cast::<u64>();
        std::ptr::copy_nonoverlapping(flat.as_ptr(), slots, flat.len());
        wit_import(index, slots);
        *slots
    }
}

/// `call(index, ...args)` of the `jsw:wit` module: calls import `index` of the
/// world. For a function returning `result`, returns `{ tag, val }` and the
/// generated module throws the error.
fn call_import<'js>(
    ctx: Ctx<'js>,
    index: u32,
    args: Rest<Value<'js>>,
) -> rquickjs::Result<Value<'js>> {
    let table = TABLE
        .with_borrow(|t| t.clone())
        .ok_or_else(|| Exception::throw_message(&ctx, "this program has no WIT world"))?;
    let f = table
        .imports
        .get(index as usize)
        .ok_or_else(|| Exception::throw_range(&ctx, "no such import"))?;
    if crate::phase::is_build() {
        return Err(Exception::throw_message(
            &ctx,
            &format!(
                "{} is the host's, and cannot be called at build time (the top level runs while jsw compiles): call it from an exported function or the fetch handler",
                f.wit
            ),
        ));
    }
    if args.0.len() < f.params.len() {
        return Err(Exception::throw_type(
            &ctx,
            &format!(
                "{} takes {} arguments, got {}",
                f.wit,
                f.params.len(),
                args.0.len()
            ),
        ));
    }
    let types = &table.types;
    let mut allocs = Allocs::default();
    let mut flat = Vec::with_capacity(MAX_FLAT_PARAMS + 1);
    let lowered = (|| -> Result<(), Fail> {
        if f.flat_params(types) > MAX_FLAT_PARAMS {
            let (size, align, offsets) = f.param_layout(types);
            let area = allocs.alloc(size, align);
            for ((p, offset), v) in f.params.iter().zip(offsets).zip(&args.0) {
                types
                    .store(&ctx, p.1, v, area + offset, &mut allocs)
                    .map_err(|e| e.at_param(&p.0))?;
            }
            flat.push(area as u64);
        } else {
            for (p, v) in f.params.iter().zip(&args.0) {
                types
                    .lower(&ctx, p.1, v, &mut flat, &mut allocs)
                    .map_err(|e| e.at_param(&p.0))?;
            }
        }
        Ok(())
    })();
    if let Err(e) = lowered {
        allocs.free_all();
        return Err(match e.describe(&format!("{} argument", f.wit)) {
            Some(message) => Exception::throw_type(&ctx, &message),
            None => rquickjs::Error::Exception,
        });
    }
    let retptr = match f.result {
        Some(r) if f.flat_results(types) > 1 => {
            let ty = types.get(r);
            let area = allocs.alloc(ty.size, ty.align);
            flat.push(area as u64);
            Some(area)
        }
        _ => None,
    };
    let result = raw_import(index, &flat);
    let value = match (f.result, retptr) {
        (None, _) => Ok(Value::new_undefined(ctx.clone())),
        (Some(r), Some(area)) => types.load(&ctx, r, area, true),
        (Some(r), None) => types.lift(
            &ctx,
            r,
            &mut FlatReader {
                values: &[result],
                pos: 0,
            },
            true,
        ),
    };
    allocs.free_all();
    value.map_err(
        |e| match e.describe(&format!("the value {} returned", f.wit)) {
            Some(message) => Exception::throw_type(&ctx, &message),
            None => rquickjs::Error::Exception,
        },
    )
}

/// The `jsw:wit` module the generated import modules use.
pub struct WitModule;

impl ModuleDef for WitModule {
    fn declare(decl: &Declarations) -> rquickjs::Result<()> {
        decl.declare("call")?;
        decl.declare("ComponentError")?;
        decl.declare("register")?;
        decl.declare("host")?;
        Ok(())
    }

    fn evaluate<'js>(ctx: &Ctx<'js>, exports: &Exports<'js>) -> rquickjs::Result<()> {
        exports.export(
            "call",
            Function::new(ctx.clone(), call_import)?.with_name("call")?,
        )?;
        // jco's error for a host function's `err`: the value is its `payload`.
        let class: Value = ctx.eval(
            r#"(class ComponentError extends Error {
                constructor(payload) {
                    super(typeof payload === "string" ? payload : `${String(payload)} (see error.payload)`);
                    Object.defineProperty(this, "name", { value: "ComponentError", configurable: true, writable: true });
                    Object.defineProperty(this, "payload", { value: payload, enumerable: typeof payload !== "string" });
                }
            })"#,
        )?;
        exports.export("ComponentError", class)?;
        exports.export(
            "register",
            Function::new(
                ctx.clone(),
                |ctx: Ctx<'js>,
                 index: u32,
                 wrap: Function<'js>,
                 unwrap: Function<'js>,
                 release: Function<'js>| {
                    abi::register(&ctx, index, [wrap, unwrap, release]);
                },
            )?,
        )?;
        // `host(name, value)`: the bindings glue (compiler/src/bindings/)
        // hands the engine's JS (process.js, http.js) what it reads per
        // request, as `jsw.host[name]`.
        exports.export(
            "host",
            Function::new(
                ctx.clone(),
                |ctx: Ctx<'js>, name: String, value: Value<'js>| {
                    let jsw = crate::globals::internals(&ctx).ok_or(rquickjs::Error::Unknown)?;
                    let host = match jsw.get::<_, Option<Object>>("host")? {
                        Some(host) => host,
                        None => {
                            let host = Object::new(ctx.clone())?;
                            jsw.set("host", host.clone())?;
                            host
                        }
                    };
                    host.set(name, value)
                },
            )?,
        )?;
        Ok(())
    }
}
