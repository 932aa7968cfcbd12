//! Front matter: the YAML block between `---` lines at the top of every content file.
//!
//! Staff edit these by hand (GitHub shows them as a table), so every mistake must come back
//! with the line it is on: YAML positions are shifted by the block's first line, and unknown
//! keys are reported one by one with a "did you mean" hint instead of failing at the first.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// Keys accepted in front matter, in the order documented in `content/README.md`.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "keywords",
    "order",
    "image",
    "links",
    "draft",
    "expires",
    "event",
    "fallback",
    "richmenu",
    "survey",
    "notify",
    "audiences",
    "line_id",
    "promo",
    "timed",
    "menu",
];

/// A content file cut into its YAML and Markdown parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML text (without the `---` lines).
    pub yaml: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Why a file's front matter could not be cut out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `---` line.
    Missing,
    /// The opening `---` has no closing `---`.
    Unclosed,
}

/// Cuts `text` into front matter and body. A UTF-8 BOM and CRLF line ends are accepted,
/// since files edited on Windows or in GitHub's web editor may have them.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let rest = &text[start..];
    let first_len = match rest.find('\n') {
        Some(i) if rest[..i].trim_end() == "---" => i + 1,
        None if rest.trim_end() == "---" => return Err(SplitError::Unclosed),
        _ => return Err(SplitError::Missing),
    };
    let yaml_start = start + first_len;
    let mut offset = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body_offset = offset + line.len();
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

/// Every key a content file may carry; which ones apply depends on the file's kind.
#[derive(Debug, Default, Deserialize)]
pub struct FrontMatter {
    /// Shown as the page heading, menu entry and search result.
    pub title: Option<Spanned<String>>,
    /// One line shown under the title in menus and search results.
    pub summary: Option<String>,
    /// Extra search words (readings in hiragana, synonyms).
    pub keywords: Option<Vec<String>>,
    /// Position among siblings (smaller first); untitled order falls back to the path.
    pub order: Option<i64>,
    /// `assets/<file>` or an https URL.
    pub image: Option<Spanned<String>>,
    /// Buttons at the bottom of the page.
    pub links: Option<Vec<Spanned<LinkSpec>>>,
    /// A draft is left out of the build.
    pub draft: Option<bool>,
    /// `YYYY-MM-DD`: the page is left out of builds after this day.
    pub expires: Option<Spanned<String>>,
    /// Makes the page an event page.
    pub event: Option<Spanned<EventSpec>>,
    /// Account only: the reply to questions nothing matches.
    pub fallback: Option<String>,
    /// Account only: the rich menu (see [`crate::richmenu`]).
    pub richmenu: Option<Spanned<crate::spec::richmenu::MenuSpec>>,
    /// Page only: makes the page a survey (see [`crate::survey`]).
    pub survey: Option<Spanned<crate::spec::survey::SurveySpec>>,
    /// Page only: also send the page to friends as a notice (see [`crate::notices`]).
    pub notify: Option<Spanned<crate::spec::notify::NotifySpec>>,
    /// Account only: named narrowcast filters for `notify.audience` (see [`crate::notices`]).
    pub audiences:
        Option<std::collections::BTreeMap<String, Spanned<crate::spec::notify::FilterSpec>>>,
    /// Account only: the account's LINE ID (`"@216ruxyz"`), for add-friend QR codes and the
    /// share button (see [`crate::spec::promo`]).
    pub line_id: Option<Spanned<String>>,
    /// Account only: where the account is advertised (see [`crate::spec::promo`]).
    pub promo: Option<Spanned<Vec<Spanned<crate::spec::promo::ChannelSpec>>>>,
    /// Page only: also sent to each registered child at its age (see [`crate::timed`]).
    pub timed: Option<Spanned<crate::spec::timed::TimedField>>,
    /// Page only: `false` leaves the page out of menus (it is still searchable).
    pub menu: Option<bool>,
}

/// A `links:` item as written: exactly one of `url`, `tel` or `page` must be set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// Button text.
    pub label: String,
    /// An http(s) address.
    pub url: Option<String>,
    /// What a phone dials.
    pub tel: Option<crate::spec::StringOrNumber>,
    /// A content path (`ninshin/boshi-techo`).
    pub page: Option<String>,
}

/// `event:` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Free text such as `10:00〜11:30`.
    pub time: Option<String>,
    /// Where it happens.
    pub place: Option<String>,
}

/// A YAML problem, positioned relative to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The parser's message.
    pub message: String,
}

/// Parses front matter; `yaml_line` is the file line the YAML starts on.
pub fn parse(yaml: &str, yaml_line: usize) -> Result<FrontMatter, YamlError> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_saphyr::from_str(yaml).map_err(|e| {
        let (line, column) =
            e.location().map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
        YamlError {
            line: line + yaml_line - 1,
            column: column.max(1),
            message: first_line(&e.to_string()),
        }
    })
}

/// The parser's first message line without its own `error: line L column C:` prefix
/// (those numbers count from the YAML block, not the file, and would confuse staff).
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    let rest = line.strip_prefix("error: ").unwrap_or(line);
    match rest.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, msg)) => msg.to_string(),
        None => rest.to_string(),
    }
}

/// Top-level keys of the YAML that oyako does not know, with their 0-based line in `yaml`.
pub fn unknown_keys(yaml: &str) -> Vec<(usize, String)> {
    yaml.lines()
        .enumerate()
        .filter_map(|(i, line)| top_level_key(line).map(|k| (i, k)))
        .filter(|(_, k)| !KNOWN_KEYS.contains(&k.as_str()))
        .collect()
}

fn top_level_key(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty()).then(|| key.to_string())
}

/// The known key closest to `key`, when it is close enough to be a likely typo.
pub fn did_you_mean(key: &str) -> Option<&'static str> {
    KNOWN_KEYS
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_yaml_and_body() {
        let s = split("---\ntitle: a\n---\n# 本文\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "# 本文\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn split_accepts_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: a\r\n---\r\nbody").unwrap();
        assert_eq!(s.yaml, "title: a\r\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn split_errors() {
        assert_eq!(split("# no front matter"), Err(SplitError::Missing));
        assert_eq!(split("---\ntitle: a\n"), Err(SplitError::Unclosed));
    }

    #[test]
    fn yaml_errors_carry_file_lines() {
        let err = parse("title: a\nkeywords: [a, b\n", 2).unwrap_err();
        assert!(err.line >= 3, "{err:?}");
    }

    #[test]
    fn unknown_keys_with_hints() {
        let keys = unknown_keys("title: a\ntitel: b\n  nested: 1\nsumary: c\n");
        assert_eq!(keys, vec![(1, "titel".to_string()), (3, "sumary".to_string())]);
        assert_eq!(did_you_mean("titel"), Some("title"));
        assert_eq!(did_you_mean("sumary"), Some("summary"));
        assert_eq!(did_you_mean("zzzzzzzz"), None);
    }

    #[test]
    fn tel_may_be_a_bare_number() {
        let fm = parse("title: a\nlinks:\n  - {label: 救急, tel: 119}\n", 2).unwrap();
        let link = fm.links.unwrap().remove(0).value;
        assert_eq!(link.tel.unwrap().into_string(), "119");
    }
}
