//! Node's built-in modules as the bundle sees them: the names each one exports
//! (for the facades of `import * as` and `export *`), and the JS parts of the
//! engine that implement the larger ones, which a program carries only when it
//! imports them.

use std::collections::BTreeSet;

use jsw_wire::builtins;

use super::{BundledModule, ModuleKind};

/// Exports of the Node built-ins the engine implements, for `import * as`,
/// `export * from` and `import()` (tests/node_exports.rs checks them against
/// the engine and Node).
pub(super) fn builtin_exports(name: &str) -> Option<&'static [&'static str]> {
    builtins::find(name)?.exports()
}

/// Why a named import of `name` from the built-in `builtin` (imported as
/// `specifier`) cannot work: jsw's module has no such export. Node fails such
/// an import when it links the program; the build says so at the import.
/// Built-ins jsw does not implement (net, child_process, ...) are left alone:
/// their imports load and only calls fail.
pub(super) fn missing_export(builtin: &str, specifier: &str, name: &str) -> Option<String> {
    let names = builtin_exports(builtin)?;
    (name != "default" && !names.contains(&name))
        .then(|| format!("the module '{specifier}' does not provide an export named '{name}'"))
}

/// The source of one of the engine's JS parts that programs carry (a path
/// under `engine/src/`, as jsw_wire::builtins names it).
fn part_source(part: &str) -> Option<&'static str> {
    macro_rules! parts {
        ($($name:literal),* $(,)?) => {
            match part {
                $($name => Some(include_str!(concat!("../../../engine/src/", $name, ".js"))),)*
                _ => None,
            }
        };
    }
    parts!(
        "node/vendor/intl-core",
        "globals/intl",
        "node/vendor/intl-datetime",
        "globals/intl-date",
        "node/vendor/intl-segmenter",
        "node/vendor/intl-locale-en-GB",
        "node/vendor/intl-locale-en-GB-datetime",
        "node/vendor/intl-locale-de",
        "node/vendor/intl-locale-de-datetime",
        "node/vendor/intl-locale-fr",
        "node/vendor/intl-locale-fr-datetime",
        "node/vendor/intl-locale-es",
        "node/vendor/intl-locale-es-datetime",
        "node/vendor/intl-locale-ja",
        "node/vendor/intl-locale-ja-datetime",
        "node/vendor/intl-locale-zh",
        "node/vendor/intl-locale-zh-datetime",
        "node/vendor/intl-locale-ar",
        "node/vendor/intl-locale-ar-datetime",
        "node/vendor/intl-locale-hi",
        "node/vendor/intl-locale-hi-datetime",
        "node/vendor/intl-locale-pt",
        "node/vendor/intl-locale-pt-datetime",
        "node/vendor/intl-locale-ru",
        "node/vendor/intl-locale-ru-datetime",
        "node/crypto",
        "node/zlib",
        "node/fs",
        "node/querystring",
        "node/async_hooks",
        "globals/otel",
        "node/vendor/web-streams",
        "globals/streams",
        "globals/compression",
        "globals/encodings",
        "globals/encoding-tables",
        "globals/encodings-cjk",
        "globals/encoding-index-jis0208",
        "globals/encoding-index-jis0212",
        "globals/encoding-index-euc-kr",
        "globals/encoding-index-big5",
        "globals/encoding-index-gb18030",
        "node/url",
        "node/parse_args",
        "node/parse_env",
        "node/system_errors",
        "node/http",
        "node/readline",
        "node/vendor/readable-stream",
        "node/stream",
        "node/stream_consumers",
    )
}

/// The parts a program needs for the built-ins it reaches (node:stream when its
/// code mentions `stdin`, Intl's when it mentions Intl or a locale method), each
/// once, every part after those it uses.
pub(super) fn parts(
    reached: &BTreeSet<String>,
    modules: &[BundledModule],
    options: &super::Options,
) -> Vec<BundledModule> {
    fn visit(builtin: &str, seen: &mut BTreeSet<String>, out: &mut Vec<BundledModule>) {
        if !seen.insert(builtin.to_string()) {
            return;
        }
        let Some(entry) = builtins::find(builtin) else {
            return;
        };
        for need in entry.needs {
            visit(need, seen, out);
        }
        for name in entry.parts {
            if !out.iter().any(|m| m.name == *name) {
                // The registry's unit test below checks that every part has a source.
                let source = part_source(name).unwrap_or_default();
                out.push(BundledModule {
                    name: name.to_string(),
                    kind: ModuleKind::Part,
                    code: source.to_string(),
                    positions: Vec::new(),
                    verbatim: None,
                    imports: Vec::new(),
                });
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for builtin in reached {
        visit(builtin, &mut seen, &mut out);
    }
    let mentions = |needles: &[&str]| {
        modules
            .iter()
            .any(|m| needles.iter().any(|n| m.code.contains(n)))
    };
    // Web streams: bodies, Blob.stream(), fetch and the stream classes (an
    // HTTP handler always mentions `fetch`). A program that names none of
    // them carries none of their code.
    if mentions(&[
        "Stream", "stream", "body", "Body", "fetch", "Response", "Request", "Blob", "File",
    ]) {
        visit("jsw:streams", &mut seen, &mut out);
    }
    // CompressionStream and DecompressionStream (over node:zlib's natives).
    if mentions(&["ompressionStream"]) {
        visit("jsw:compression", &mut seen, &mut out);
    }
    // process.stdin is a node:stream Readable.
    if mentions(&["stdin"]) {
        visit("node:stream", &mut seen, &mut out);
    }
    // Intl is big (the locale and time zone data): a program carries the parts
    // its code names. `toLocaleString` may be a date's, so it brings dates too.
    if mentions(&["Intl", "toLocale", "localeCompare"]) {
        visit("jsw:intl", &mut seen, &mut out);
    }
    if mentions(&[
        "DateTimeFormat",
        "toLocaleString",
        "toLocaleDateString",
        "toLocaleTimeString",
    ]) {
        visit("jsw:intl-datetime", &mut seen, &mut out);
    }
    if mentions(&["Segmenter"]) {
        visit("jsw:intl-segmenter", &mut seen, &mut out);
    }
    // Locales beyond English: those the code names (in a program that uses
    // Intl) and those of --locale.
    if seen.contains("jsw:intl") {
        for part in locale_parts(modules, &options.locales) {
            visit(&format!("jsw:intl-locale-{part}"), &mut seen, &mut out);
            if seen.contains("jsw:intl-datetime") {
                visit(
                    &format!("jsw:intl-locale-{part}-datetime"),
                    &mut seen,
                    &mut out,
                );
            }
        }
    }
    // TextDecoder's other encodings: those whose labels the code names in a
    // string, and those the build was asked for (--encoding).
    for group in encoding_groups(modules, &options.encodings) {
        visit(group, &mut seen, &mut out);
    }
    // `@opentelemetry/api` keeps its globals under this symbol's name; the
    // part registers jsw's provider there, saying it is the bundled API's
    // version (the API ignores a registration older than itself).
    if mentions(&["opentelemetry.js.api."]) {
        visit("jsw:otel", &mut seen, &mut out);
        let version = otel_api_version(modules).unwrap_or_else(|| "1.0.0".to_string());
        for part in out.iter_mut().filter(|m| m.name == "globals/otel") {
            part.code = part.code.replace("@JSW_OTEL_API_VERSION@", &version);
        }
    }
    out
}

/// The groups of encoding parts a program carries: every label, UTF-16 and
/// the single-byte encodings when its code names TextDecoder (so that any
/// label it meets at run time is known, and one whose index is missing says
/// so), the multi-byte indexes of the encodings whose labels it names as a
/// string (`new TextDecoder("shift_jis")`, a table of charsets), and those of
/// `extra` (labels or names, `--encoding`).
fn encoding_groups(modules: &[BundledModule], extra: &[String]) -> BTreeSet<&'static str> {
    use jsw_wire::encodings::ENCODINGS;
    let mut groups = BTreeSet::new();
    if !extra.is_empty() || modules.iter().any(|m| m.code.contains("TextDecoder")) {
        groups.insert("jsw:encodings");
    }
    let mut add = |label: &str| {
        let label = label.trim().to_ascii_lowercase();
        for (name, group, labels) in ENCODINGS {
            if let Some(group) = group
                && (*name == label || labels.contains(&label.as_str()))
            {
                groups.insert(*group);
            }
        }
    };
    for label in extra {
        add(label);
    }
    for m in modules.iter().filter(|m| m.code.contains("TextDecoder")) {
        for s in short_strings(&m.code, 24) {
            add(s);
        }
    }
    groups
}

/// The locale parts a program carries: those of the locale tags its code
/// names as short strings (`"de-DE"`, `'ja'`), and of `extra` (`--locale`).
fn locale_parts(modules: &[BundledModule], extra: &[String]) -> BTreeSet<&'static str> {
    use jsw_wire::locales::{looks_like_tag, part_for};
    let mut parts: BTreeSet<&'static str> = extra.iter().filter_map(|t| part_for(t)).collect();
    for m in modules {
        for s in short_strings(&m.code, 16) {
            if looks_like_tag(s)
                && let Some(part) = part_for(s)
            {
                parts.insert(part);
            }
        }
    }
    parts
}

/// The quoted strings of at most `max` bytes in `code`, found in one pass.
fn short_strings(code: &str, max: usize) -> impl Iterator<Item = &str> {
    let bytes = code.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let q = bytes[i];
            i += 1;
            if q != b'"' && q != b'\'' && q != b'`' {
                continue;
            }
            let end = bytes[i..]
                .iter()
                .take(max + 1)
                .position(|&b| b == q || b == b'\n');
            if let Some(len) = end
                && bytes[i + len] == q
                && len > 0
            {
                let s = std::str::from_utf8(&bytes[i..i + len]).ok();
                i += len + 1;
                if s.is_some() {
                    return s;
                }
            }
        }
        None
    })
}

/// Checks `--locale` values: jsw must have the locale's data.
pub fn check_locale(tag: &str) -> Result<String, String> {
    if tag.eq_ignore_ascii_case("en") || tag.to_ascii_lowercase().starts_with("en-us") {
        return Ok(tag.to_string());
    }
    use jsw_wire::locales::{LOCALES, exact, part_for};
    let have: Vec<String> = LOCALES
        .iter()
        .map(|(p, l, r)| {
            if *p == "en-GB" {
                p.to_string()
            } else {
                format!("{l} (as {l}-{r})")
            }
        })
        .collect();
    match part_for(tag) {
        Some(_) if exact(tag) => Ok(tag.to_string()),
        Some(part) => Err(format!(
            "jsw has Intl data for {part}, not for {tag} (it would format as {part}); it carries en-US, {}",
            have.join(", ")
        )),
        None => Err(format!(
            "jsw has no Intl data for {tag}: it carries en-US, {}",
            have.join(", ")
        )),
    }
}

/// Checks `--encoding` values: each must be a label of the Encoding Standard.
pub fn check_encoding_label(label: &str) -> Result<String, String> {
    let lower = label.trim().to_ascii_lowercase();
    if jsw_wire::encodings::ENCODINGS
        .iter()
        .any(|(name, group, labels)| {
            group.is_some() && (*name == lower || labels.contains(&lower.as_str()))
        })
    {
        Ok(lower)
    } else if jsw_wire::encodings::ENCODINGS
        .iter()
        .any(|(n, _, l)| *n == lower || l.contains(&lower.as_str()))
    {
        Err(format!(
            "{label} needs no --encoding: every program decodes it"
        ))
    } else {
        Err(format!(
            "{label} is not a label of the Encoding Standard (e.g. shift_jis, gb18030, utf-16le, windows-1251)"
        ))
    }
}

/// The version of the `@opentelemetry/api` in the bundle (the newest, if
/// there are several copies): its `version.js` says `VERSION = '1.9.0'`.
fn otel_api_version(modules: &[BundledModule]) -> Option<String> {
    let parse = |v: &str| -> Option<(u64, u64, u64)> {
        let mut it = v.split('.').map(|n| n.parse::<u64>().ok());
        Some((it.next()??, it.next()??, it.next()??))
    };
    modules
        .iter()
        .filter(|m| m.name.contains("@opentelemetry/api/") && m.name.contains("version"))
        .filter_map(|m| {
            let at = m.code.find("VERSION = ")? + "VERSION = ".len();
            let rest = &m.code[at..];
            let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
            let version = rest[1..].split(quote).next()?;
            parse(version).map(|v| (v, version.to_string()))
        })
        .max()
        .map(|(_, version)| version)
}

/// Whether a program needs the engine built with the natives of node:crypto,
/// node:zlib and node:fs: it reaches a built-in whose parts use them, or its
/// code mentions `subtle` (the global `crypto.subtle`, whose digests and HMAC
/// are those natives; a global has no import to follow).
pub(super) fn needs_natives(reached: &BTreeSet<String>, modules: &[BundledModule]) -> bool {
    reached
        .iter()
        .any(|b| builtins::find(b).is_some_and(|b| b.natives))
        || modules
            .iter()
            .any(|m| m.code.contains("subtle") || m.code.contains("ompressionStream"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use builtins::{BUILTINS, Defined, RESIDENT};

    fn engine_source(part: &str) -> String {
        let path = format!("{}/../engine/src/{part}.js", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The registry tells the truth about the engine's sources: every part it
    /// names exists (and programs' parts are embedded here), each built-in is
    /// defined by the part it names, and no part defines a built-in the
    /// registry does not know.
    #[test]
    fn the_registry_matches_the_parts() {
        for b in BUILTINS {
            for part in b.parts {
                assert!(
                    part_source(part).is_some(),
                    "{}: part {part} is not embedded",
                    b.name
                );
            }
            if let Defined::Engine(part) | Defined::Program(part) = b.defined {
                let source = engine_source(part);
                assert!(
                    source.contains(&format!("defineBuiltin(\"{}\"", b.name)),
                    "{}: {part}.js does not define it",
                    b.name
                );
            }
        }
        let parts = RESIDENT.iter().chain(BUILTINS.iter().flat_map(|b| b.parts));
        for part in parts {
            let source = engine_source(part);
            for defined in source.split("defineBuiltin(\"").skip(1) {
                let name = defined.split('"').next().unwrap();
                assert!(
                    builtins::find(name).is_some_and(|b| b.exports().is_some()),
                    "{part}.js defines {name}, unknown to the registry"
                );
            }
        }
    }
}
