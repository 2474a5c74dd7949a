//! The codes of a plugin's world table: the compiler's `wit/plan.rs` writes the
//! world's types and functions with them, the engine's `wit/mod.rs` reads them
//! back. (The table's layout around the codes: a `u32` count of types, each a
//! code and its operands; then the exported and the imported functions.)

/// A core value type of a canonical-ABI signature: the compiler writes the
/// plugin's core functions with them, the engine lowers and lifts values
/// into them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flat {
    I32,
    I64,
    F32,
    F64,
}

impl Flat {
    /// The type a variant's payload slot takes when its cases put `self` and
    /// `other` there (the canonical ABI's `join`).
    pub fn join(self, other: Flat) -> Flat {
        match (self, other) {
            (a, b) if a == b => a,
            (Flat::I32, Flat::F32) | (Flat::F32, Flat::I32) => Flat::I32,
            _ => Flat::I64,
        }
    }
}

/// Most flat parameters a core function takes; more go through memory (the
/// canonical ABI's MAX_FLAT_PARAMS).
pub const MAX_FLAT_PARAMS: usize = 16;

/// What a type entry is. Operands follow the code: a `u32` type index for
/// `List` and `Option`; `u32` counts then names and type indices for `Record`,
/// `Tuple`, `Variant`, `Enum`, `Flags`; two optional indices for `Result`; a
/// resource index for the handles (and for `OwnExported`, the index of the
/// import that makes a handle from a rep).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum TypeCode {
    Bool = 0,
    U8 = 1,
    S8 = 2,
    U16 = 3,
    S16 = 4,
    U32 = 5,
    S32 = 6,
    U64 = 7,
    S64 = 8,
    F32 = 9,
    F64 = 10,
    Char = 11,
    String = 12,
    List = 13,
    Record = 14,
    Tuple = 15,
    Variant = 16,
    Enum = 17,
    Flags = 18,
    Option = 19,
    Result = 20,
    /// An owned handle of a resource the host (an import) implements.
    Own = 21,
    /// A borrowed handle of a resource the host implements.
    Borrow = 22,
    /// An owned handle of a resource the plugin itself exports.
    OwnExported = 23,
    /// A borrowed handle of a resource the plugin itself exports.
    BorrowExported = 24,
}

impl TypeCode {
    const ALL: [TypeCode; 25] = [
        TypeCode::Bool,
        TypeCode::U8,
        TypeCode::S8,
        TypeCode::U16,
        TypeCode::S16,
        TypeCode::U32,
        TypeCode::S32,
        TypeCode::U64,
        TypeCode::S64,
        TypeCode::F32,
        TypeCode::F64,
        TypeCode::Char,
        TypeCode::String,
        TypeCode::List,
        TypeCode::Record,
        TypeCode::Tuple,
        TypeCode::Variant,
        TypeCode::Enum,
        TypeCode::Flags,
        TypeCode::Option,
        TypeCode::Result,
        TypeCode::Own,
        TypeCode::Borrow,
        TypeCode::OwnExported,
        TypeCode::BorrowExported,
    ];

    pub const fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<TypeCode> {
        TypeCode::ALL.get(code as usize).copied()
    }
}

/// What a function entry is: how the engine finds it in the program (a
/// function, or a member of the class of a resource) and calls it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum FuncKind {
    /// A freestanding function (also the resource intrinsics `new` and `drop`).
    Function = 0,
    Constructor = 1,
    Method = 2,
    Static = 3,
    /// The destructor of a resource the plugin exports.
    Destructor = 4,
}

impl FuncKind {
    const ALL: [FuncKind; 5] = [
        FuncKind::Function,
        FuncKind::Constructor,
        FuncKind::Method,
        FuncKind::Static,
        FuncKind::Destructor,
    ];

    pub const fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<FuncKind> {
        FuncKind::ALL.get(code as usize).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_dense() {
        for (i, t) in TypeCode::ALL.into_iter().enumerate() {
            assert_eq!(t.code() as usize, i);
            assert_eq!(TypeCode::from_code(t.code()), Some(t));
        }
        assert_eq!(TypeCode::from_code(25), None);
        for (i, k) in FuncKind::ALL.into_iter().enumerate() {
            assert_eq!(k.code() as usize, i);
            assert_eq!(FuncKind::from_code(k.code()), Some(k));
        }
        assert_eq!(FuncKind::from_code(5), None);
    }
}
