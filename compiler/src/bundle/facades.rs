//! The ES module an ES module imports a CommonJS/JSON module or a Node built-in
//! through, as in Node: `default` is `module.exports`, plus named exports.

use std::collections::BTreeSet;

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c == '$' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_ascii_alphanumeric())
        && !RESERVED.contains(&s)
}

const RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "let",
    "static",
    "implements",
    "interface",
    "package",
    "private",
    "protected",
    "public",
    "await",
    "arguments",
    "eval",
];

pub(super) fn facade_code(target: &str, names: &BTreeSet<String>) -> String {
    let quoted = serde_json::Value::String(target.to_string());
    let mut code = format!(
        "import {{ require }} from \"jsw:cjs\";\nconst m = require({quoted});\nexport default m;\n"
    );
    let mut n = 0;
    for name in names {
        if name == "default" {
            continue;
        }
        let key = serde_json::Value::String(name.clone());
        if is_identifier(name) {
            code.push_str(&format!("export const {name} = m[{key}];\n"));
        } else {
            code.push_str(&format!(
                "const e{n} = m[{key}];\nexport {{ e{n} as {key} }};\n"
            ));
            n += 1;
        }
    }
    code
}
