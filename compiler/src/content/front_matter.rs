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
    "image_alt",
    "links",
    "draft",
    "expires",
    "event",
    "fallback",
    "richmenu",
    "survey",
    "notify",
    "audiences",
    "schedule",
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
    /// Page only: what `image` shows, in words (shown under it and read aloud); `""` when it
    /// only decorates.
    pub image_alt: Option<Spanned<String>>,
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
    /// Page or section: a centre's opening days and programmes (see [`crate::spec::schedule`]).
    pub schedule: Option<Spanned<crate::spec::schedule::ScheduleSpec>>,
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

/// A YAML problem, positioned relative to the file, explained in Japanese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong (see [`super::yaml_error`]).
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

/// Front matter as far as it could be read.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The settings that were readable.
    pub front_matter: FrontMatter,
    /// Every YAML problem found.
    pub errors: Vec<YamlError>,
    /// Top-level keys left out because their value could not be read (so that a bad
    /// `title:` is not reported a second time as a missing title).
    pub failed_keys: Vec<String>,
}

/// Parses front matter; `yaml_line` is the file line the YAML starts on.
///
/// A mistake in one setting does not hide the others: when the whole block does not parse,
/// each top-level setting is read on its own (padded with blank lines, so positions stay
/// those of the file), every failing one is reported, and the readable ones are kept. So
/// one run reports a bad `notify:` together with, say, a broken link in the body.
pub fn parse(yaml: &str, yaml_line: usize) -> Parsed {
    if yaml.trim().is_empty() {
        return Parsed::default();
    }
    let whole = match serde_saphyr::from_str::<FrontMatter>(yaml) {
        Ok(front_matter) => return Parsed { front_matter, ..Parsed::default() },
        Err(e) => e,
    };
    let lines: Vec<&str> = yaml.split_inclusive('\n').collect();
    let blocks = top_level_blocks(&lines);
    let mut kept: Vec<&str> = lines.clone();
    let mut parsed = Parsed::default();
    for b in &blocks {
        let text = padded(&lines, b.start, b.end);
        if let Err(e) = serde_saphyr::from_str::<FrontMatter>(&text) {
            parsed.errors.push(located(&e, &text, yaml_line));
            parsed.failed_keys.push(b.key.clone());
            kept[b.start..b.end].iter_mut().for_each(|l| *l = "\n");
        }
    }
    match serde_saphyr::from_str::<FrontMatter>(&kept.concat()) {
        Ok(fm) if !parsed.errors.is_empty() => parsed.front_matter = fm,
        // The settings parse one by one but not together (a key written twice, or text that
        // is no setting at all): report the whole block's error and keep nothing.
        _ => {
            parsed.errors = vec![located(&whole, yaml, yaml_line)];
            parsed.failed_keys = blocks.into_iter().map(|b| b.key).collect();
            parsed.front_matter = FrontMatter::default();
        }
    }
    parsed
}

/// One top-level setting: its lines `start..end` (0-based) and its key.
struct Block {
    start: usize,
    end: usize,
    key: String,
}

/// Splits YAML lines into top-level settings: a setting starts at an unindented line and
/// runs until the next one (indented lines, `- ` items, blanks and comments belong to it).
fn top_level_blocks(lines: &[&str]) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let starts = !line.starts_with([' ', '\t', '#', '-', '\n', '\r']) && !line.is_empty();
        if starts {
            let key = line.split_once(':').map_or(line.trim(), |(k, _)| k.trim());
            out.push(Block { start: i, end: i + 1, key: key.trim_matches(['"', '\'']).into() });
        } else if let Some(last) = out.last_mut() {
            last.end = i + 1;
        }
    }
    out
}

/// Lines `start..end` with `start` blank lines before them.
fn padded(lines: &[&str], start: usize, end: usize) -> String {
    let mut text = "\n".repeat(start);
    lines[start..end].iter().for_each(|l| text.push_str(l));
    text
}

/// `e` (found in `text`, whose lines are those of the YAML block) at its file position.
fn located(e: &serde_saphyr::Error, text: &str, yaml_line: usize) -> YamlError {
    let (line, column) = e.location().map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
    let explained = super::yaml_error::explain(e, text);
    YamlError {
        line: line.max(1) + yaml_line - 1,
        column: column.max(1),
        message: explained.message,
        hint: explained.hint,
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
    super::yaml_error::closest(key, KNOWN_KEYS)
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
        let parsed = parse("title: a\nkeywords: [a, b\norder: 1\n", 2);
        assert!(parsed.errors[0].line >= 3, "{:?}", parsed.errors);
    }

    #[test]
    fn one_bad_setting_keeps_the_others_and_every_error_is_reported() {
        let yaml = "title: a\nnotify: {at: x, forse: true}\norder: abc\nsummary: s\nlinks:\n- {label: a, page: b}\n";
        let parsed = parse(yaml, 2);
        let at: Vec<(usize, usize)> = parsed.errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(at, [(3, 17), (4, 8)], "{:?}", parsed.errors);
        assert_eq!(parsed.failed_keys, ["notify", "order"]);
        let fm = parsed.front_matter;
        assert_eq!(fm.title.unwrap().value, "a");
        assert_eq!(fm.summary.as_deref(), Some("s"));
        assert_eq!(fm.links.unwrap().len(), 1);
        assert!(fm.notify.is_none() && fm.order.is_none());
    }

    #[test]
    fn a_key_written_twice_is_one_error_and_nothing_is_kept() {
        let parsed = parse("title: a\ntitle: b\n", 2);
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].message, "「title」が2回書かれています");
        assert_eq!(parsed.errors[0].line, 3);
        assert_eq!(parsed.failed_keys, ["title", "title"]);
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
        let fm = parse("title: a\nlinks:\n  - {label: 救急, tel: 119}\n", 2).front_matter;
        let link = fm.links.unwrap().remove(0).value;
        assert_eq!(link.tel.unwrap().into_string(), "119");
    }
}
