//! The locales whose Intl data jsw carries beyond English (en-US, always
//! there with Intl): each is a pair of engine parts, `node/vendor/intl-locale-
//! <part>.js` (numbers, plurals, lists, relative times, display names) and
//! `...-datetime.js` (dates), from FormatJS's CLDR data. The compiler adds a
//! locale's parts to programs whose code names one of its tags in a string
//! (`"de-DE"`, `"de"`) or that are built with `--locale`.

/// `(part, language, region)`: a tag whose language subtag is `language` (or,
/// for `en-GB`, the tag `en-GB` and its extensions) uses the part, whose data
/// is that of `language-region` (CLDR's likely region: `pt` is Brazil's).
pub const LOCALES: &[(&str, &str, &str)] = &[
    ("en-GB", "en-GB", "GB"),
    ("de", "de", "DE"),
    ("fr", "fr", "FR"),
    ("es", "es", "ES"),
    ("ja", "ja", "JP"),
    ("zh", "zh", "CN"),
    ("ar", "ar", "EG"),
    ("hi", "hi", "IN"),
    ("pt", "pt", "BR"),
    ("ru", "ru", "RU"),
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
        .find(|(part, lang, _)| *part != "en-GB" && *lang == language)
        .map(|(part, _, _)| *part)
}

/// Whether jsw's data for `tag` is that tag's own: its language is carried
/// and its region (if any) is the one the data is of (`fr-FR`, not `fr-CA`;
/// `zh` only in Simplified script).
pub fn exact(tag: &str) -> bool {
    let Some(part) = part_for(tag) else {
        return false;
    };
    let region = LOCALES
        .iter()
        .find(|(p, _, _)| *p == part)
        .map(|(_, _, r)| *r);
    let mut subtags = tag.split(['-', '_']).skip(1).take_while(|s| s.len() > 1);
    subtags.all(|s| match s.len() {
        2 | 3 => Some(s.to_ascii_uppercase().as_str()) == region,
        4 => part != "zh" || s.eq_ignore_ascii_case("Hans"),
        _ => true,
    })
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
        assert!(
            exact("de-DE")
                && exact("de")
                && exact("zh-Hans-CN")
                && exact("ar-EG")
                && exact("en-GB")
        );
        assert!(
            !exact("fr-CA")
                && !exact("zh-TW")
                && !exact("zh-Hant")
                && !exact("pt-PT")
                && !exact("en-AU")
        );
    }
}
