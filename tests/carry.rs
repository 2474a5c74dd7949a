//! What a program carries for choices it makes at run time: TextDecoder's
//! encodings and Intl's locales. A program carries those its code names; one
//! it only learns at run time needs `--encoding` / `--locale`, and without it
//! says so (an error naming the flag, a warning on stderr), never decoding or
//! formatting silently as something else. Expected outputs are Node 20's.

mod support;

use support::{jsw_in, text};

fn write(dir: &std::path::Path, name: &str, source: &str) {
    std::fs::write(dir.join(name), source).unwrap();
}

#[test]
fn an_encoding_chosen_at_run_time_needs_encoding_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // The label arrives as an argument: the code names none.
    write(
        dir.path(),
        "decode.js",
        "export function main() {\n  const label = process.argv[2];\n  try {\n    console.log(new TextDecoder(label).decode(Uint8Array.from([0x82, 0xb1, 0x82, 0xf1])));\n  } catch (e) {\n    console.log(e.constructor.name + ': ' + e.message);\n  }\n}\n",
    );
    let out = jsw_in(
        dir.path(),
        &["compile", "decode.js", "-o", "plain.wasm", "-q"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = jsw_in(dir.path(), &["run", "plain.wasm", "--", "shift_jis"]);
    let shown = text(&out.stdout);
    assert!(
        shown
            .starts_with("RangeError: The \"shift_jis\" encoding is not supported by this program")
            && shown.contains("--encoding shift_jis"),
        "{shown}"
    );
    // A label it does carry (every single-byte one comes with TextDecoder).
    let out = jsw_in(dir.path(), &["run", "plain.wasm", "--", "windows-1251"]);
    assert_eq!(text(&out.stdout), "‚±‚с\n");
    // With --encoding, as Node 20 decodes it.
    let out = jsw_in(
        dir.path(),
        &[
            "compile",
            "decode.js",
            "-o",
            "sjis.wasm",
            "-q",
            "--encoding",
            "Shift_JIS",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = jsw_in(dir.path(), &["run", "sjis.wasm", "--", "shift_jis"]);
    assert_eq!(text(&out.stdout), "こん\n");
    // An unknown label is a usage error that names some real ones.
    let out = jsw_in(dir.path(), &["compile", "decode.js", "--encoding", "utf-9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("utf-9 is not a label of the Encoding Standard"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_locale_chosen_at_run_time_needs_locale_and_warns_without_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "format.js",
        "export function main() {\n  const locale = process.argv[2];\n  console.log(new Intl.NumberFormat(locale).format(1234.5), new Date(Date.UTC(2024, 2, 10, 14, 30)).toLocaleString(locale, { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short' }));\n}\n",
    );
    let out = jsw_in(
        dir.path(),
        &["compile", "format.js", "-o", "plain.wasm", "-q"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Not carried: en-US, and a warning that says what to do.
    let out = jsw_in(dir.path(), &["run", "plain.wasm", "--", "de-DE"]);
    assert_eq!(text(&out.stdout), "1,234.5 March 10, 2024 at 2:30 PM\n");
    let warning = text(&out.stderr);
    assert!(
        warning.contains("no Intl data for \"de-DE\", so it formats as en-US")
            && warning.contains("--locale de-DE"),
        "{warning}"
    );
    // A locale jsw has no data for at all says which it has.
    let out = jsw_in(dir.path(), &["run", "plain.wasm", "--", "nl-NL"]);
    assert!(
        text(&out.stderr).contains("jsw carries en-US, en-GB, de"),
        "{}",
        text(&out.stderr)
    );
    // Carried: Node 20's output, and no warning.
    let out = jsw_in(
        dir.path(),
        &[
            "compile",
            "format.js",
            "-o",
            "de.wasm",
            "-q",
            "--locale",
            "de-DE",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = jsw_in(dir.path(), &["run", "de.wasm", "--", "de-DE"]);
    assert_eq!(text(&out.stdout), "1.234,5 10. März 2024 um 14:30\n");
    assert_eq!(text(&out.stderr), "");
    // English needs no data of its own and no warning.
    let out = jsw_in(dir.path(), &["run", "de.wasm", "--", "en-US"]);
    assert_eq!(text(&out.stderr), "");
    // A locale jsw lacks is a usage error.
    let out = jsw_in(dir.path(), &["compile", "format.js", "--locale", "nl-NL"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("jsw has no Intl data for nl-NL"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_locale_named_in_the_source_is_carried() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.js",
        "const locales = ['ja-JP', 'ar-EG'];\nexport function main() {\n  for (const l of locales) console.log(new Intl.NumberFormat(l, { style: 'currency', currency: 'JPY' }).format(1234));\n}\n",
    );
    let out = jsw_in(dir.path(), &["run", "app.js"]);
    assert_eq!(
        text(&out.stdout),
        "￥1,234\n\u{200f}١٬٢٣٤\u{a0}JP¥\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stderr), "");
}
