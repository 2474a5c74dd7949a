//! The locales whose Intl data jsw carries beyond English (en-US, always
//! there with Intl): each is a pair of engine parts, `node/vendor/intl-locale-
//! <part>.js` (numbers, plurals, lists, relative times, display names) and
//! `...-datetime.js` (dates), from FormatJS's CLDR data. The compiler adds a
//! locale's parts to programs whose code names one of its tags in a string
//! (`"de-DE"`, `"de"`) or that are built with `--locale`.

/// `(part, language)`: a tag whose language subtag is `language` (or, for
/// `en-GB`, the tag `en-GB` and its extensions) uses the part.
pub const LOCALES: &[(&str, &str)] = &[
    ("en-GB", "en-GB"),
    ("de", "de"),
    ("fr", "fr"),
    ("es", "es"),
    ("ja", "ja"),
    ("zh", "zh"),
    ("ar", "ar"),
    ("hi", "hi"),
    ("pt", "pt"),
    ("ru", "ru"),
];

/// The part that holds the data of a BCP 47 tag, if jsw has one.
pub fn part_for(tag: &str) -> Option<&'static str> {
    let tag = tag.trim();
    let lower = tag.to_ascii_lowercase();
    if lower == "en-gb" || lower.starts_with("en-gb-") {
        return Some("en-GB");
    }
    let language = lower.split(['-', '_']).next()?;
    LOCALES
        .iter()
        .find(|(part, lang)| *part != "en-GB" && *lang == language)
        .map(|(part, _)| *part)
}

/// Whether `s` looks like a locale tag a program would name: a language, an
/// optional script and an optional region (`de`, `zh-Hans-CN`, `pt-BR`).
pub fn looks_like_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let Some(language) = parts.next() else {
        return false;
    };
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    parts.all(|p| {
        (p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic()))
            || (p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()))
            || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_find_their_parts() {
        assert_eq!(part_for("de-DE"), Some("de"));
        assert_eq!(part_for("en-GB"), Some("en-GB"));
        assert_eq!(part_for("en-US"), None);
        assert_eq!(part_for("ar-EG"), Some("ar"));
        assert_eq!(part_for("zh-Hans-CN"), Some("zh"));
        assert_eq!(part_for("nl-NL"), None);
        assert!(looks_like_tag("pt-BR") && looks_like_tag("de") && looks_like_tag("zh-Hans-CN"));
        assert!(!looks_like_tag("DE") && !looks_like_tag("hello") && !looks_like_tag("de-de"));
    }
}
