//! The component model's canonical ABI, run inside the engine: values of a
//! world's types move between the host's representation (flat core values, or
//! bytes in linear memory laid out as the ABI says) and JS values named and
//! shaped as jco shapes them. The types come from the compiler, which derives
//! them from the WIT with wit-parser; nothing here parses WIT.
//!
//! Flat values travel as raw 64-bit patterns: an i32 or f32 in the low 32 bits
//! (zero-extended), an i64 or f64 in all 64. Joining the flat types of a
//! variant's cases then never changes the bits a case reads.

use std::fmt::Write as _;

use rquickjs::{Array, BigInt, Ctx, Function, Object, Persistent, TypedArray, Value, qjs};

use super::memory;

pub use jsw_wire::wit::Flat;

pub enum Kind {
    Bool,
    U8,
    S8,
    U16,
    S16,
    U32,
    S32,
    U64,
    S64,
    F32,
    F64,
    Char,
    String,
    List(u32),
    /// Fields by their JS (camelCase) names.
    Record(Vec<(String, u32)>),
    Tuple(Vec<u32>),
    /// Cases by their WIT names, which are the JS tags.
    Variant(Vec<(String, Option<u32>)>),
    Enum(Vec<String>),
    /// Flags by their JS (camelCase) names.
    Flags(Vec<String>),
    Option(u32),
    Result(Option<u32>, Option<u32>),
    /// A handle to a resource (by its index in the program's resources),
    /// owned or borrowed.
    Own(u32),
    Borrow(u32),
    /// A handle to one of the plugin's own resources (an exported
    /// interface's), with the import number of its `resource.new`; borrowed,
    /// it is the object's rep (one numbering for all of them).
    OwnExported(u32),
    BorrowExported,
}

pub struct Ty {
    pub kind: Kind,
    pub size: u32,
    pub align: u32,
    pub flat: Vec<Flat>,
    /// Where a variant's (option's, result's) payload starts.
    payload: u32,
    /// A record's field names as QuickJS atoms, made once (the runtime keeps
    /// them): setting and getting fields then skips hashing each name.
    atoms: std::cell::OnceCell<Vec<qjs::JSAtom>>,
}

/// A value that does not have the shape its WIT type asks for, and where in
/// the value it is (built up as the error travels out).
pub enum Fail {
    /// A JS exception is pending (a getter threw, say).
    Js,
    Shape {
        path: Vec<String>,
        message: String,
    },
}

impl From<rquickjs::Error> for Fail {
    fn from(_: rquickjs::Error) -> Self {
        Fail::Js
    }
}

impl Fail {
    fn shape(message: String) -> Fail {
        Fail::Shape {
            path: Vec::new(),
            message,
        }
    }

    /// The path starts at a named parameter.
    pub fn at_param(self, name: &str) -> Fail {
        self.at(|| format!(" `{name}`"))
    }

    fn at(mut self, step: impl FnOnce() -> String) -> Fail {
        if let Fail::Shape { path, .. } = &mut self {
            path.push(step());
        }
        self
    }

    /// "`what`.a[3]: expected ..." (None for a JS exception, which is pending).
    pub fn describe(&self, what: &str) -> Option<String> {
        match self {
            Fail::Js => None,
            Fail::Shape { path, message } => {
                let mut out = what.to_string();
                for step in path.iter().rev() {
                    out.push_str(step);
                }
                let _ = write!(out, ": {message}");
                Some(out)
            }
        }
    }
}

type Lowered<T> = Result<T, Fail>;

fn align_to(x: u32, a: u32) -> u32 {
    x.div_ceil(a) * a
}

fn discriminant_size(cases: usize) -> u32 {
    match cases {
        0..=256 => 1,
        257..=65536 => 2,
        _ => 4,
    }
}

/// Allocations made while lowering, freed once the other side is done with them.
#[derive(Default)]
pub struct Allocs(Vec<u32>);

impl Allocs {
    pub fn alloc(&mut self, size: u32, align: u32) -> u32 {
        let ptr = memory::alloc(size, align);
        self.0.push(ptr);
        ptr
    }

    pub fn free_all(&mut self) {
        for ptr in self.0.drain(..) {
            memory::free(ptr);
        }
    }
}

#[derive(Default)]
pub struct Types {
    list: Vec<Ty>,
}

impl Types {
    pub fn get(&self, index: u32) -> &Ty {
        &self.list[index as usize]
    }

    pub fn len(&self) -> u32 {
        self.list.len() as u32
    }

    /// Adds a type whose parts are already in the table, working out its layout.
    pub fn push(&mut self, kind: Kind) {
        let leaf = |size: u32, flat: Flat| (size, size, vec![flat], 0);
        let (size, align, flat, payload) = match &kind {
            Kind::Bool | Kind::U8 | Kind::S8 => leaf(1, Flat::I32),
            Kind::U16 | Kind::S16 => leaf(2, Flat::I32),
            Kind::U32
            | Kind::S32
            | Kind::Char
            | Kind::Own(_)
            | Kind::Borrow(_)
            | Kind::OwnExported(_)
            | Kind::BorrowExported => leaf(4, Flat::I32),
            Kind::U64 | Kind::S64 => leaf(8, Flat::I64),
            Kind::F32 => leaf(4, Flat::F32),
            Kind::F64 => leaf(8, Flat::F64),
            Kind::String | Kind::List(_) => (8, 4, vec![Flat::I32, Flat::I32], 0),
            Kind::Record(fields) => self.sequence(fields.iter().map(|f| f.1)),
            Kind::Tuple(items) => self.sequence(items.iter().copied()),
            Kind::Variant(cases) => self.variant(cases.iter().map(|c| c.1)),
            Kind::Enum(names) => self.variant(names.iter().map(|_| None)),
            Kind::Option(t) => self.variant([None, Some(*t)].into_iter()),
            Kind::Result(ok, err) => self.variant([*ok, *err].into_iter()),
            Kind::Flags(names) => match names.len() {
                0 => (0, 1, vec![], 0),
                1..=8 => (1, 1, vec![Flat::I32], 0),
                9..=16 => (2, 2, vec![Flat::I32], 0),
                n => {
                    let words = n.div_ceil(32);
                    (4 * words as u32, 4, vec![Flat::I32; words], 0)
                }
            },
        };
        self.list.push(Ty {
            kind,
            size,
            align,
            flat,
            payload,
            atoms: std::cell::OnceCell::new(),
        });
    }

    fn sequence(&self, items: impl Iterator<Item = u32>) -> (u32, u32, Vec<Flat>, u32) {
        let (mut size, mut align, mut flat) = (0, 1, Vec::new());
        for t in items {
            let t = self.get(t);
            size = align_to(size, t.align) + t.size;
            align = align.max(t.align);
            flat.extend_from_slice(&t.flat);
        }
        (align_to(size, align), align, flat, 0)
    }

    fn variant(&self, cases: impl Iterator<Item = Option<u32>>) -> (u32, u32, Vec<Flat>, u32) {
        let cases: Vec<Option<u32>> = cases.collect();
        let disc = discriminant_size(cases.len());
        let (mut case_align, mut case_size) = (1, 0);
        let mut joined: Vec<Flat> = Vec::new();
        for t in cases.iter().flatten() {
            let t = self.get(*t);
            case_align = case_align.max(t.align);
            case_size = case_size.max(t.size);
            for (i, f) in t.flat.iter().enumerate() {
                match joined.get_mut(i) {
                    Some(j) => *j = j.join(*f),
                    None => joined.push(*f),
                }
            }
        }
        let payload = align_to(disc, case_align);
        let align = disc.max(case_align);
        let mut flat = vec![Flat::I32];
        flat.extend(joined);
        (align_to(payload + case_size, align), align, flat, payload)
    }

    // ---- host to JS ----

    /// Lifts a value from flat core values. `free`: the memory its strings and
    /// lists live in is this side's to free once read.
    pub fn lift<'js>(
        &self,
        ctx: &Ctx<'js>,
        t: u32,
        flat: &mut FlatReader<'_>,
        free: bool,
    ) -> Lowered<Value<'js>> {
        let ty = self.get(t);
        match &ty.kind {
            Kind::String | Kind::List(_) => {
                let ptr = flat.next() as u32;
                let len = flat.next() as u32;
                self.lift_buffer(ctx, t, ptr, len, free)
            }
            Kind::Record(_) | Kind::Tuple(_) => {
                let mut values = Vec::new();
                for item in self.members(t) {
                    values.push(self.lift(ctx, item, flat, free)?);
                }
                self.assemble(ctx, t, values)
            }
            Kind::Variant(_) | Kind::Option(_) | Kind::Result(..) => {
                let start = flat.pos;
                let case = flat.next() as u32;
                let payload = self.case_type(t, case)?;
                let val = match payload {
                    Some(p) => Some(self.lift(ctx, p, flat, free)?),
                    None => None,
                };
                flat.pos = start + ty.flat.len();
                self.make_case(ctx, t, case, val)
            }
            Kind::Flags(names) => {
                let mut words = Vec::with_capacity(names.len().div_ceil(32));
                for _ in 0..ty.flat.len() {
                    words.push(flat.next() as u32);
                }
                self.make_flags(ctx, names, &words)
            }
            _ => self.scalar(ctx, &ty.kind, flat.next()),
        }
    }

    /// Lifts a value stored at `addr`.
    pub fn load<'js>(&self, ctx: &Ctx<'js>, t: u32, addr: u32, free: bool) -> Lowered<Value<'js>> {
        let ty = self.get(t);
        match &ty.kind {
            Kind::String | Kind::List(_) => {
                let ptr = memory::read_u32(addr);
                let len = memory::read_u32(addr + 4);
                self.lift_buffer(ctx, t, ptr, len, free)
            }
            Kind::Record(_) | Kind::Tuple(_) => {
                let mut values = Vec::new();
                let mut offset = 0;
                for item in self.members(t) {
                    let it = self.get(item);
                    offset = align_to(offset, it.align);
                    values.push(self.load(ctx, item, addr + offset, free)?);
                    offset += it.size;
                }
                self.assemble(ctx, t, values)
            }
            Kind::Variant(_) | Kind::Option(_) | Kind::Result(..) | Kind::Enum(_) => {
                let case = match discriminant_size(self.case_count(t)) {
                    1 => memory::read_u8(addr) as u32,
                    2 => memory::read_u16(addr) as u32,
                    _ => memory::read_u32(addr),
                };
                if let Kind::Enum(_) = ty.kind {
                    return self.make_case(ctx, t, case, None);
                }
                let val = match self.case_type(t, case)? {
                    Some(p) => Some(self.load(ctx, p, addr + ty.payload, free)?),
                    None => None,
                };
                self.make_case(ctx, t, case, val)
            }
            Kind::Flags(names) => {
                let words: Vec<u32> = match ty.size {
                    0 => vec![],
                    1 => vec![memory::read_u8(addr) as u32],
                    2 => vec![memory::read_u16(addr) as u32],
                    n => (0..n / 4).map(|i| memory::read_u32(addr + 4 * i)).collect(),
                };
                self.make_flags(ctx, names, &words)
            }
            kind => {
                let raw = match ty.size {
                    1 => memory::read_u8(addr) as u64,
                    2 => memory::read_u16(addr) as u64,
                    4 => memory::read_u32(addr) as u64,
                    _ => memory::read_u64(addr),
                };
                // Loads of narrow integers sign-extend as the flat form would.
                let raw = match kind {
                    Kind::S8 => raw as u8 as i8 as i32 as u32 as u64,
                    Kind::S16 => raw as u16 as i16 as i32 as u32 as u64,
                    _ => raw,
                };
                self.scalar(ctx, kind, raw)
            }
        }
    }

    /// Makes every record's field atoms now (at build time, into the snapshot).
    pub fn make_atoms(&self, ctx: &Ctx<'_>) {
        for t in 0..self.len() {
            self.field_atoms(ctx, t);
        }
    }

    fn field_atoms(&self, ctx: &Ctx<'_>, t: u32) -> &[qjs::JSAtom] {
        let ty = self.get(t);
        ty.atoms.get_or_init(|| match &ty.kind {
            Kind::Record(fields) => fields
                .iter()
                // SAFETY: a live context; the atom is never freed, so it stays
                // valid for the runtime's life.
                .map(|(name, _)| unsafe {
                    qjs::JS_NewAtomLen(ctx.as_raw().as_ptr(), name.as_ptr().cast(), name.len() as _)
                })
                .collect(),
            _ => Vec::new(),
        })
    }

    /// The types of a record's fields or a tuple's items, in order.
    fn members(&self, t: u32) -> impl Iterator<Item = u32> + '_ {
        let (fields, items): (&[(String, u32)], &[u32]) = match &self.get(t).kind {
            Kind::Record(fields) => (fields, &[]),
            Kind::Tuple(items) => (&[], items),
            _ => (&[], &[]),
        };
        fields.iter().map(|f| f.1).chain(items.iter().copied())
    }

    fn case_count(&self, t: u32) -> usize {
        match &self.get(t).kind {
            Kind::Variant(c) => c.len(),
            Kind::Enum(n) => n.len(),
            _ => 2,
        }
    }

    fn case_type(&self, t: u32, case: u32) -> Lowered<Option<u32>> {
        let count = self.case_count(t);
        if case as usize >= count {
            return Err(Fail::shape(format!(
                "case {case} does not exist (the type has {count})"
            )));
        }
        Ok(match &self.get(t).kind {
            Kind::Variant(c) => c[case as usize].1,
            Kind::Option(p) => (case == 1).then_some(*p),
            Kind::Result(ok, err) => {
                if case == 0 {
                    *ok
                } else {
                    *err
                }
            }
            _ => None,
        })
    }

    /// A value of one flat word: a number, bigint, boolean, char or handle.
    fn scalar<'js>(&self, ctx: &Ctx<'js>, kind: &Kind, raw: u64) -> Lowered<Value<'js>> {
        match kind {
            Kind::Own(r) => return wrap(ctx, *r, raw as u32, false),
            Kind::Borrow(r) => return wrap(ctx, *r, raw as u32, true),
            Kind::BorrowExported => return own_object(ctx, raw as u32),
            Kind::OwnExported(_) => {
                return Err(Fail::shape(
                    "jsw plugins take their own resources back only by borrow".into(),
                ));
            }
            _ => {}
        }
        let ctx = ctx.clone();
        Ok(match kind {
            Kind::Bool => Value::new_bool(ctx, raw as u32 != 0),
            Kind::U8 => Value::new_int(ctx, raw as u8 as i32),
            Kind::S8 => Value::new_int(ctx, raw as u8 as i8 as i32),
            Kind::U16 => Value::new_int(ctx, raw as u16 as i32),
            Kind::S16 => Value::new_int(ctx, raw as u16 as i16 as i32),
            Kind::U32 => Value::new_number(ctx, raw as u32 as f64),
            Kind::S32 => Value::new_int(ctx, raw as u32 as i32),
            Kind::U64 => BigInt::from_u64(ctx, raw)?.into_value(),
            Kind::S64 => BigInt::from_i64(ctx, raw as i64)?.into_value(),
            // new_float, not new_number, which would turn -0 into 0.
            Kind::F32 => Value::new_float(ctx, f32::from_bits(raw as u32) as f64),
            Kind::F64 => Value::new_float(ctx, f64::from_bits(raw)),
            Kind::Char => {
                let c = char::from_u32(raw as u32).ok_or_else(|| {
                    Fail::shape(format!("{:#x} is not a Unicode scalar value", raw as u32))
                })?;
                rquickjs::String::from_str(ctx, c.encode_utf8(&mut [0; 4]))?.into_value()
            }
            _ => unreachable!("not a scalar"),
        })
    }

    fn lift_buffer<'js>(
        &self,
        ctx: &Ctx<'js>,
        t: u32,
        ptr: u32,
        len: u32,
        free: bool,
    ) -> Lowered<Value<'js>> {
        let value = match &self.get(t).kind {
            Kind::String => {
                let bytes = memory::bytes(ptr, len);
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| Fail::shape("the string is not UTF-8".into()))?;
                rquickjs::String::from_str(ctx.clone(), text)?.into_value()
            }
            Kind::List(elem) => {
                let elem = *elem;
                match self.typed_array(ctx, elem, ptr, len)? {
                    Some(array) => array,
                    None => {
                        let array = Array::new(ctx.clone())?;
                        let size = self.get(elem).size;
                        for i in 0..len {
                            let v = self
                                .load(ctx, elem, ptr + i * size, free)
                                .map_err(|f| f.at(|| format!("[{i}]")))?;
                            array.set(i as usize, v)?;
                        }
                        array.into_value()
                    }
                }
            }
            _ => unreachable!("not a buffer"),
        };
        if free && len > 0 {
            memory::free(ptr);
        }
        Ok(value)
    }

    /// A list of numbers as the typed array jco gives it.
    fn typed_array<'js>(
        &self,
        ctx: &Ctx<'js>,
        elem: u32,
        ptr: u32,
        len: u32,
    ) -> Lowered<Option<Value<'js>>> {
        // A macro, as rquickjs does not export the trait typed array items share.
        macro_rules! make {
            ($t:ty) => {{
                let size = std::mem::size_of::<$t>() as u32;
                let items: Vec<$t> = (0..len)
                    .map(|i| memory::read::<$t>(ptr + i * size))
                    .collect();
                Ok(Some(
                    TypedArray::<$t>::new(ctx.clone(), items)?.into_value(),
                ))
            }};
        }
        match self.get(elem).kind {
            Kind::U8 => make!(u8),
            Kind::S8 => make!(i8),
            Kind::U16 => make!(u16),
            Kind::S16 => make!(i16),
            Kind::U32 => make!(u32),
            Kind::S32 => make!(i32),
            Kind::U64 => make!(u64),
            Kind::S64 => make!(i64),
            Kind::F32 => make!(f32),
            Kind::F64 => make!(f64),
            _ => Ok(None),
        }
    }

    fn assemble<'js>(
        &self,
        ctx: &Ctx<'js>,
        t: u32,
        values: Vec<Value<'js>>,
    ) -> Lowered<Value<'js>> {
        Ok(match &self.get(t).kind {
            Kind::Record(_) => {
                let object = Object::new(ctx.clone())?;
                for (atom, v) in self.field_atoms(ctx, t).iter().zip(values) {
                    set_field(ctx, &object, *atom, v)?;
                }
                object.into_value()
            }
            _ => {
                let array = Array::new(ctx.clone())?;
                for (i, v) in values.into_iter().enumerate() {
                    array.set(i, v)?;
                }
                array.into_value()
            }
        })
    }

    fn make_case<'js>(
        &self,
        ctx: &Ctx<'js>,
        t: u32,
        case: u32,
        val: Option<Value<'js>>,
    ) -> Lowered<Value<'js>> {
        let tagged = |tag: &str, val: Option<Value<'js>>| -> Lowered<Value<'js>> {
            let object = Object::new(ctx.clone())?;
            object.set("tag", tag)?;
            if let Some(v) = val {
                object.set("val", v)?;
            }
            Ok(object.into_value())
        };
        match &self.get(t).kind {
            Kind::Variant(cases) => tagged(&cases[case as usize].0, val),
            Kind::Enum(names) => {
                let name = names
                    .get(case as usize)
                    .ok_or_else(|| Fail::shape(format!("enum case {case} does not exist")))?;
                Ok(rquickjs::String::from_str(ctx.clone(), name)?.into_value())
            }
            Kind::Option(inner) => {
                if self.is_option(*inner) {
                    // `undefined` cannot tell none from some(none): tagged, as jco does.
                    tagged(if case == 0 { "none" } else { "some" }, val)
                } else {
                    Ok(val.unwrap_or_else(|| Value::new_undefined(ctx.clone())))
                }
            }
            _ => tagged(if case == 0 { "ok" } else { "err" }, val),
        }
    }

    fn is_option(&self, t: u32) -> bool {
        matches!(self.get(t).kind, Kind::Option(_))
    }

    fn make_flags<'js>(
        &self,
        ctx: &Ctx<'js>,
        names: &[String],
        words: &[u32],
    ) -> Lowered<Value<'js>> {
        let object = Object::new(ctx.clone())?;
        for (i, name) in names.iter().enumerate() {
            let set = words.get(i / 32).is_some_and(|w| w & (1 << (i % 32)) != 0);
            object.set(name.as_str(), set)?;
        }
        Ok(object.into_value())
    }

    // ---- JS to host ----

    /// Lowers a JS value to flat core values.
    pub fn lower<'js>(
        &self,
        ctx: &Ctx<'js>,
        t: u32,
        v: &Value<'js>,
        out: &mut Vec<u64>,
        allocs: &mut Allocs,
    ) -> Lowered<()> {
        let ty = self.get(t);
        match &ty.kind {
            Kind::String | Kind::List(_) => {
                let (ptr, len) = self.lower_buffer(ctx, t, v, allocs)?;
                out.push(ptr as u64);
                out.push(len as u64);
            }
            Kind::Record(_) | Kind::Tuple(_) => {
                for (item, value) in self.parts(t, v)? {
                    self.lower(ctx, item, &value.1, out, allocs)
                        .map_err(|f| f.at(|| value.0.clone()))?;
                }
            }
            Kind::Variant(_) | Kind::Option(_) | Kind::Result(..) | Kind::Enum(_) => {
                let start = out.len();
                let (case, payload) = self.which_case(t, v)?;
                out.push(case as u64);
                if let Some((p, val)) = payload {
                    self.lower(ctx, p, &val, out, allocs)
                        .map_err(|f| f.at(|| self.val_step(t)))?;
                }
                out.resize(start + ty.flat.len(), 0);
            }
            Kind::Flags(names) => {
                let words = self.flag_words(names, v)?;
                out.extend(words.iter().take(ty.flat.len()).map(|w| *w as u64));
            }
            kind => out.push(self.number(kind, v)?),
        }
        Ok(())
    }

    /// Stores a JS value at `addr`.
    pub fn store<'js>(
        &self,
        ctx: &Ctx<'js>,
        t: u32,
        v: &Value<'js>,
        addr: u32,
        allocs: &mut Allocs,
    ) -> Lowered<()> {
        let ty = self.get(t);
        match &ty.kind {
            Kind::String | Kind::List(_) => {
                let (ptr, len) = self.lower_buffer(ctx, t, v, allocs)?;
                memory::write(addr, &ptr.to_le_bytes());
                memory::write(addr + 4, &len.to_le_bytes());
            }
            Kind::Record(_) | Kind::Tuple(_) => {
                let mut offset = 0;
                for (item, value) in self.parts(t, v)? {
                    let it = self.get(item);
                    offset = align_to(offset, it.align);
                    self.store(ctx, item, &value.1, addr + offset, allocs)
                        .map_err(|f| f.at(|| value.0.clone()))?;
                    offset += it.size;
                }
            }
            Kind::Variant(_) | Kind::Option(_) | Kind::Result(..) | Kind::Enum(_) => {
                let (case, payload) = self.which_case(t, v)?;
                match discriminant_size(self.case_count(t)) {
                    1 => memory::write(addr, &[case as u8]),
                    2 => memory::write(addr, &(case as u16).to_le_bytes()),
                    _ => memory::write(addr, &case.to_le_bytes()),
                }
                if let Some((p, val)) = payload {
                    self.store(ctx, p, &val, addr + ty.payload, allocs)
                        .map_err(|f| f.at(|| self.val_step(t)))?;
                }
            }
            Kind::Flags(names) => {
                let words = self.flag_words(names, v)?;
                match ty.size {
                    0 => {}
                    1 => memory::write(addr, &[words[0] as u8]),
                    2 => memory::write(addr, &(words[0] as u16).to_le_bytes()),
                    _ => {
                        for (i, w) in words.iter().enumerate() {
                            memory::write(addr + 4 * i as u32, &w.to_le_bytes());
                        }
                    }
                }
            }
            kind => {
                let raw = self.number(kind, v)?;
                memory::write(addr, &raw.to_le_bytes()[..ty.size as usize]);
            }
        }
        Ok(())
    }

    fn val_step(&self, t: u32) -> String {
        match self.get(t).kind {
            Kind::Option(inner) if !self.is_option(inner) => String::new(),
            _ => ".val".into(),
        }
    }

    /// A record's fields or a tuple's items, with the path step naming each.
    #[allow(clippy::type_complexity)]
    fn parts<'js>(&self, t: u32, v: &Value<'js>) -> Lowered<Vec<(u32, (String, Value<'js>))>> {
        match &self.get(t).kind {
            Kind::Record(fields) => {
                let object = v.as_object().ok_or_else(|| {
                    Fail::shape(format!("expected an object, got {}", describe(v)))
                })?;
                let mut out = Vec::with_capacity(fields.len());
                for ((name, ft), atom) in fields.iter().zip(self.field_atoms(v.ctx(), t)) {
                    let value = get_field(v.ctx(), object, *atom)?;
                    out.push((*ft, (format!(".{name}"), value)));
                }
                Ok(out)
            }
            Kind::Tuple(items) => {
                let array = v.as_array().ok_or_else(|| {
                    Fail::shape(format!("expected an array (a tuple), got {}", describe(v)))
                })?;
                if array.len() != items.len() {
                    return Err(Fail::shape(format!(
                        "expected a tuple of {} items, got {}",
                        items.len(),
                        array.len()
                    )));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    out.push((*it, (format!("[{i}]"), array.get::<Value>(i)?)));
                }
                Ok(out)
            }
            _ => unreachable!("not a record or tuple"),
        }
    }

    /// Which case a JS value is, and its payload's type and value.
    #[allow(clippy::type_complexity)]
    fn which_case<'js>(&self, t: u32, v: &Value<'js>) -> Lowered<(u32, Option<(u32, Value<'js>)>)> {
        let tag_of = |names: &[&str]| -> Lowered<(u32, Value<'js>)> {
            let object = v.as_object().ok_or_else(|| {
                Fail::shape(format!(
                    "expected {{ tag, val }} with tag {}, got {}",
                    names.join(" | "),
                    describe(v)
                ))
            })?;
            let tag: Value = object.get("tag")?;
            let tag_text = tag.as_string().and_then(|s| s.to_string().ok());
            let index = tag_text
                .as_deref()
                .and_then(|t| names.iter().position(|n| *n == t))
                .ok_or_else(|| {
                    Fail::shape(format!(
                        "expected tag {}, got {}",
                        names
                            .iter()
                            .map(|n| format!("\"{n}\""))
                            .collect::<Vec<_>>()
                            .join(" | "),
                        describe(&tag)
                    ))
                })?;
            Ok((index as u32, object.get("val")?))
        };
        match &self.get(t).kind {
            Kind::Variant(cases) => {
                let names: Vec<&str> = cases.iter().map(|c| c.0.as_str()).collect();
                let (case, val) = tag_of(&names)?;
                Ok((case, cases[case as usize].1.map(|p| (p, val))))
            }
            Kind::Enum(names) => {
                let text = v.as_string().and_then(|s| s.to_string().ok());
                let case = text
                    .as_deref()
                    .and_then(|t| names.iter().position(|n| n == t))
                    .ok_or_else(|| {
                        Fail::shape(format!(
                            "expected one of {}, got {}",
                            names
                                .iter()
                                .map(|n| format!("\"{n}\""))
                                .collect::<Vec<_>>()
                                .join(", "),
                            describe(v)
                        ))
                    })?;
                Ok((case as u32, None))
            }
            Kind::Option(inner) => {
                if self.is_option(*inner) {
                    let (case, val) = tag_of(&["none", "some"])?;
                    Ok((case, (case == 1).then_some((*inner, val))))
                } else if v.is_undefined() || v.is_null() {
                    Ok((0, None))
                } else {
                    Ok((1, Some((*inner, v.clone()))))
                }
            }
            Kind::Result(ok, err) => {
                let (case, val) = tag_of(&["ok", "err"])?;
                let payload = if case == 0 { *ok } else { *err };
                Ok((case, payload.map(|p| (p, val))))
            }
            _ => unreachable!("not a variant"),
        }
    }

    fn flag_words(&self, names: &[String], v: &Value<'_>) -> Lowered<Vec<u32>> {
        let object = v.as_object().ok_or_else(|| {
            Fail::shape(format!("expected an object of flags, got {}", describe(v)))
        })?;
        let mut words = vec![0u32; names.len().div_ceil(32).max(1)];
        for (i, name) in names.iter().enumerate() {
            let set: Value = object.get(name.as_str())?;
            if truthy(&set) {
                words[i / 32] |= 1 << (i % 32);
            }
        }
        Ok(words)
    }

    /// A number, bigint, boolean, char or resource object as its flat bits.
    fn number<'js>(&self, kind: &Kind, v: &Value<'js>) -> Lowered<u64> {
        let ctx = v.ctx();
        match kind {
            Kind::Own(r) => return Ok(unwrap(ctx, *r, v, true)? as u64),
            Kind::Borrow(r) => return Ok(unwrap(ctx, *r, v, false)? as u64),
            Kind::OwnExported(new) => return Ok(new_handle(ctx, *new, v)? as u64),
            Kind::BorrowExported => return Ok(rep_of(ctx, v)? as u64),
            _ => {}
        }
        let int = |min: f64, max: f64, name: &str| -> Lowered<u64> {
            match v.as_number() {
                Some(n) if n.fract() == 0.0 && n >= min && n <= max => Ok(n as i64 as u64),
                _ => Err(Fail::shape(format!(
                    "expected {name} (an integer from {min} to {max}), got {}",
                    describe(v)
                ))),
            }
        };
        Ok(match kind {
            Kind::Bool => match v.as_bool() {
                Some(b) => b as u64,
                None => {
                    return Err(Fail::shape(format!(
                        "expected a boolean, got {}",
                        describe(v)
                    )));
                }
            },
            Kind::U8 => int(0.0, 255.0, "a u8")?,
            Kind::S8 => int(-128.0, 127.0, "an s8")? as u32 as u64,
            Kind::U16 => int(0.0, 65535.0, "a u16")?,
            Kind::S16 => int(-32768.0, 32767.0, "an s16")? as u32 as u64,
            Kind::U32 => int(0.0, 4294967295.0, "a u32")?,
            Kind::S32 => int(-2147483648.0, 2147483647.0, "an s32")? as u32 as u64,
            Kind::U64 | Kind::S64 => big(kind, v)?,
            Kind::F32 => match v.as_number() {
                Some(n) => (n as f32).to_bits() as u64,
                None => {
                    return Err(Fail::shape(format!(
                        "expected a number, got {}",
                        describe(v)
                    )));
                }
            },
            Kind::F64 => match v.as_number() {
                Some(n) => n.to_bits(),
                None => {
                    return Err(Fail::shape(format!(
                        "expected a number, got {}",
                        describe(v)
                    )));
                }
            },
            Kind::Char => {
                let text = v.as_string().and_then(|s| s.to_string().ok());
                let mut chars = text.as_deref().unwrap_or("").chars();
                match (chars.next(), chars.next(), text.is_some()) {
                    (Some(c), None, true) => c as u64,
                    _ => {
                        return Err(Fail::shape(format!(
                            "expected a string of one character (a char), got {}",
                            describe(v)
                        )));
                    }
                }
            }
            _ => unreachable!("not a number"),
        })
    }

    fn lower_buffer<'js>(
        &self,
        ctx: &Ctx<'js>,
        t: u32,
        v: &Value<'js>,
        allocs: &mut Allocs,
    ) -> Lowered<(u32, u32)> {
        match &self.get(t).kind {
            Kind::String => {
                let text = match v.as_string() {
                    Some(s) => s.to_string().map_err(|_| {
                        Fail::shape(
                            "the string holds a lone surrogate, which UTF-8 cannot carry".into(),
                        )
                    })?,
                    None => {
                        return Err(Fail::shape(format!(
                            "expected a string, got {}",
                            describe(v)
                        )));
                    }
                };
                let len = text.len() as u32;
                if len == 0 {
                    return Ok((1, 0));
                }
                let ptr = allocs.alloc(len, 1);
                memory::write(ptr, text.as_bytes());
                Ok((ptr, len))
            }
            Kind::List(elem) => {
                let elem = *elem;
                let et = self.get(elem);
                if let Some(bytes) = typed_bytes(&et.kind, v) {
                    let len = bytes.len() as u32 / et.size;
                    if len == 0 {
                        return Ok((et.align, 0));
                    }
                    let ptr = allocs.alloc(bytes.len() as u32, et.align);
                    memory::write(ptr, &bytes);
                    return Ok((ptr, len));
                }
                let array = v.as_array().ok_or_else(|| {
                    let wanted = match typed_name(&et.kind) {
                        Some(name) => format!("a {name} or an array"),
                        None => "an array".into(),
                    };
                    Fail::shape(format!("expected {wanted}, got {}", describe(v)))
                })?;
                let len = array.len() as u32;
                if len == 0 {
                    return Ok((et.align, 0));
                }
                let ptr = allocs.alloc(len * et.size, et.align);
                for i in 0..len {
                    let item: Value = array.get(i as usize)?;
                    self.store(ctx, elem, &item, ptr + i * et.size, allocs)
                        .map_err(|f| f.at(|| format!("[{i}]")))?;
                }
                Ok((ptr, len))
            }
            _ => unreachable!("not a buffer"),
        }
    }
}

/// A resource's JS functions: wrap a handle in an object of its class, and
/// take the handle back out (registered by the generated module of the
/// interface that defines it).
/// The third drops a borrowed handle when the call that lent it ends.
type Class = [Persistent<Function<'static>>; 3];

thread_local! {
    static RESOURCES: std::cell::RefCell<Vec<Option<Class>>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Objects made for handles lent to the current export call.
    static LENT: std::cell::RefCell<Vec<(u32, Persistent<Value<'static>>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `register(index, wrap, unwrap, release)` of the `jsw:wit` module.
pub fn register<'js>(ctx: &Ctx<'js>, index: u32, functions: [Function<'js>; 3]) {
    RESOURCES.with_borrow_mut(|list| {
        if list.len() <= index as usize {
            list.resize_with(index as usize + 1, || None);
        }
        list[index as usize] = Some(functions.map(|f| Persistent::save(ctx, f)));
    });
}

/// The canonical ABI wants handles lent to an export dropped before it
/// returns: their objects stop working, and the handles go back.
pub fn release_lent(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    for (index, object) in LENT.with_borrow_mut(std::mem::take) {
        if let Ok(release) = resource(ctx, index, 2) {
            release.call::<_, ()>((object.restore(ctx)?,))?;
        }
    }
    Ok(())
}

fn resource<'js>(ctx: &Ctx<'js>, index: u32, which: usize) -> Lowered<Function<'js>> {
    let found = RESOURCES.with_borrow(|list| {
        list.get(index as usize)
            .and_then(|r| r.as_ref())
            .map(|functions| functions[which].clone())
    });
    match found {
        Some(f) => Ok(f.restore(ctx)?),
        None => Err(Fail::shape(
            "a resource handle of an interface the program does not import".into(),
        )),
    }
}

/// A JS object of the resource's class for a handle (a borrowed one is not
/// dropped when the object is collected).
fn wrap<'js>(ctx: &Ctx<'js>, index: u32, handle: u32, borrowed: bool) -> Lowered<Value<'js>> {
    let object: Value = resource(ctx, index, 0)?.call((handle, borrowed))?;
    if borrowed {
        LENT.with_borrow_mut(|lent| lent.push((index, Persistent::save(ctx, object.clone()))));
    }
    Ok(object)
}

/// The handle a JS object of the resource's class holds; `own` moves it out.
fn unwrap<'js>(ctx: &Ctx<'js>, index: u32, v: &Value<'js>, own: bool) -> Lowered<u32> {
    Ok(resource(ctx, index, 1)?.call((v.clone(), own))?)
}

fn set_field<'js>(
    ctx: &Ctx<'js>,
    object: &Object<'js>,
    atom: qjs::JSAtom,
    v: Value<'js>,
) -> rquickjs::Result<()> {
    // SAFETY: live values of this context; JS_SetProperty takes the reference
    // it is given, and `v` drops its own.
    let status = unsafe {
        let raw = ctx.as_raw().as_ptr();
        qjs::JS_SetProperty(
            raw,
            object.as_raw(),
            atom,
            qjs::JS_DupValue(raw, v.as_raw()),
        )
    };
    if status < 0 {
        return Err(rquickjs::Error::Exception);
    }
    Ok(())
}

fn get_field<'js>(
    ctx: &Ctx<'js>,
    object: &Object<'js>,
    atom: qjs::JSAtom,
) -> rquickjs::Result<Value<'js>> {
    // SAFETY: a live object of this context; the result is owned.
    let value = unsafe { qjs::JS_GetProperty(ctx.as_raw().as_ptr(), object.as_raw(), atom) };
    // SAFETY: reads the tag of a value just returned.
    if unsafe { qjs::JS_VALUE_GET_TAG(value) } == qjs::JS_TAG_EXCEPTION {
        return Err(rquickjs::Error::Exception);
    }
    // SAFETY: owned, of this context.
    Ok(unsafe { Value::from_raw(ctx.clone(), value) })
}

/// The plugin's own resource objects, by rep: the host holds handles to them,
/// so they stay alive until its last handle is dropped (`forget`).
fn reps<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Object<'js>> {
    thread_local! {
        static REPS: std::cell::RefCell<Option<Persistent<Object<'static>>>> = const { std::cell::RefCell::new(None) };
    }
    if let Some(reps) = REPS.with_borrow(|r| r.clone()) {
        return reps.restore(ctx);
    }
    let reps: Object = ctx.eval(
        r#"(() => {
            const reps = new WeakMap(), objects = [undefined], free = [];
            return {
                rep(o) {
                    if (o === null || (typeof o !== "object" && typeof o !== "function")) return undefined;
                    let r = reps.get(o);
                    if (r === undefined) {
                        r = free.pop() ?? objects.length;
                        objects[r] = o;
                        reps.set(o, r);
                    }
                    return r;
                },
                get(r) { return objects[r]; },
                forget(r) {
                    const o = objects[r];
                    if (o === undefined) return;
                    objects[r] = undefined;
                    reps.delete(o);
                    free.push(r);
                    const dispose = o[Symbol.dispose];
                    if (typeof dispose === "function") dispose.call(o);
                },
            };
        })()"#,
    )?;
    REPS.set(Some(Persistent::save(ctx, reps.clone())));
    Ok(reps)
}

fn own_object<'js>(ctx: &Ctx<'js>, rep: u32) -> Lowered<Value<'js>> {
    let object: Value = reps(ctx)?.get::<_, Function>("get")?.call((rep,))?;
    if object.is_undefined() {
        return Err(Fail::shape(format!("no resource object has rep {rep}")));
    }
    Ok(object)
}

fn rep_of<'js>(ctx: &Ctx<'js>, v: &Value<'js>) -> Lowered<u32> {
    let rep: Option<u32> = reps(ctx)?.get::<_, Function>("rep")?.call((v.clone(),))?;
    rep.ok_or_else(|| Fail::shape(format!("expected a resource object, got {}", describe(v))))
}

/// A new handle for the host to the plugin's own object.
fn new_handle<'js>(ctx: &Ctx<'js>, new: u32, v: &Value<'js>) -> Lowered<u32> {
    let rep = rep_of(ctx, v)?;
    Ok(super::raw_import(new, &[rep as u64]) as u32)
}

/// The host dropped its last handle to the object with `rep`.
pub fn forget(ctx: &Ctx<'_>, rep: u32) -> rquickjs::Result<()> {
    reps(ctx)?.get::<_, Function>("forget")?.call((rep,))
}

fn big(kind: &Kind, v: &Value<'_>) -> Lowered<u64> {
    let signed = matches!(kind, Kind::S64);
    let name = if signed { "an s64" } else { "a u64" };
    let bad = || {
        Fail::shape(format!(
            "expected {name} (a bigint from {} to {}), got {}",
            if signed { i64::MIN as i128 } else { 0 },
            if signed {
                i64::MAX as i128
            } else {
                u64::MAX as i128
            },
            describe(v)
        ))
    };
    if let Some(n) = v.as_number() {
        // A whole number that is exactly representable is taken as well.
        let ok = n.fract() == 0.0 && n.abs() <= 9007199254740991.0 && (signed || n >= 0.0);
        return if ok { Ok(n as i64 as u64) } else { Err(bad()) };
    }
    if !v.is_big_int() {
        return Err(bad());
    }
    let ctx = v.ctx();
    let raw = v.as_raw();
    // SAFETY: `raw` is a live bigint of this context; the conversions wrap
    // modulo 2^64, and converting back tells whether the value was in range.
    let (bits, back) = unsafe {
        if signed {
            let mut x = 0i64;
            qjs::JS_ToBigInt64(ctx.as_raw().as_ptr(), &mut x, raw);
            (x as u64, BigInt::from_i64(ctx.clone(), x)?)
        } else {
            let mut x = 0u64;
            qjs::JS_ToBigUint64(ctx.as_raw().as_ptr(), &mut x, raw);
            (x, BigInt::from_u64(ctx.clone(), x)?)
        }
    };
    // SAFETY: both values are live in this context.
    let same = unsafe { qjs::JS_IsStrictEqual(ctx.as_raw().as_ptr(), raw, back.as_raw()) };
    if same { Ok(bits) } else { Err(bad()) }
}

/// The bytes of a typed array whose element type is `kind`.
fn typed_bytes(kind: &Kind, v: &Value<'_>) -> Option<Vec<u8>> {
    macro_rules! bytes {
        ($t:ty) => {{
            let array = TypedArray::<$t>::from_value(v.clone()).ok()?;
            // SAFETY: copied at once, before any JS runs.
            unsafe { array.as_bytes().map(<[u8]>::to_vec) }
        }};
    }
    if !v.is_object() {
        return None;
    }
    match kind {
        Kind::U8 => bytes!(u8),
        Kind::S8 => bytes!(i8),
        Kind::U16 => bytes!(u16),
        Kind::S16 => bytes!(i16),
        Kind::U32 => bytes!(u32),
        Kind::S32 => bytes!(i32),
        Kind::U64 => bytes!(u64),
        Kind::S64 => bytes!(i64),
        Kind::F32 => bytes!(f32),
        Kind::F64 => bytes!(f64),
        _ => None,
    }
}

fn typed_name(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::U8 => "Uint8Array",
        Kind::S8 => "Int8Array",
        Kind::U16 => "Uint16Array",
        Kind::S16 => "Int16Array",
        Kind::U32 => "Uint32Array",
        Kind::S32 => "Int32Array",
        Kind::U64 => "BigUint64Array",
        Kind::S64 => "BigInt64Array",
        Kind::F32 => "Float32Array",
        Kind::F64 => "Float64Array",
        _ => return None,
    })
}

fn truthy(v: &Value<'_>) -> bool {
    match v.as_bool() {
        Some(b) => b,
        None => !(v.is_undefined() || v.is_null() || v.as_number() == Some(0.0)),
    }
}

/// How a value reads in an error message: its type, and short values themselves.
pub fn describe(v: &Value<'_>) -> String {
    if v.is_undefined() {
        return "undefined".into();
    }
    if v.is_null() {
        return "null".into();
    }
    if let Some(b) = v.as_bool() {
        return format!("the boolean {b}");
    }
    if let Some(n) = v.as_number() {
        return format!("the number {n}");
    }
    if let Some(s) = v.as_string().and_then(|s| s.to_string().ok()) {
        let short: String = s.chars().take(40).collect();
        return format!("the string {short:?}");
    }
    if v.is_big_int() {
        // Out-of-range 64-bit values are the usual reason to be here: show it.
        return match v.get::<rquickjs::convert::Coerced<String>>() {
            Ok(digits) if digits.0.len() <= 40 => format!("the bigint {}n", digits.0),
            Ok(digits) => format!(
                "a bigint of {} digits",
                digits.0.trim_start_matches('-').len()
            ),
            Err(_) => "a bigint".into(),
        };
    }
    if v.is_array() {
        return "an array".into();
    }
    if v.is_function() {
        return "a function".into();
    }
    "an object".into()
}

/// Reads flat values in order.
pub struct FlatReader<'a> {
    pub values: &'a [u64],
    pub pos: usize,
}

impl FlatReader<'_> {
    fn next(&mut self) -> u64 {
        let v = self.values.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v
    }
}
