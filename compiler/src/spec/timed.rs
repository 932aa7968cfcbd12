//! `timed:` on a page as staff write it — one entry or a list of
//! `{from: birth|due, at: 3m3w, until: 6m, label: 生後4か月}` — and its checks.
//!
//! `at` and `until` are [`bundle::Offset`]s; the checks keep them to what the programme can
//! send: before a due date at most 40 weeks, after a birth no later than school entry.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use bundle::{Anchor, Offset};

use super::pos;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Earliest step before a due date (about the start of a pregnancy).
const MIN_DUE_DAYS: i32 = -40 * 7;
/// Latest step after a due date: the due-date question comes then, and nothing after it.
const MAX_DUE_DAYS: i32 = bundle::timed::DUE_QUESTION_AFTER_DAYS - 1;
/// Latest step after a birth (school entry is at most 7 years later).
const MAX_BIRTH_DAYS: i32 = 7 * 365;
/// Most characters of a `label`.
const MAX_LABEL_CHARS: usize = 20;

/// `timed:` as written: one entry (`timed: {from: birth, at: 4m}`) or a list of them.
///
/// Not an untagged enum: serde buffers those, and the buffered values lose their positions,
/// so mistakes would point at line 1. The visitor reads either form straight from the YAML.
#[derive(Debug, Clone)]
pub struct TimedField(pub Vec<TimedSpec>);

impl<'de> Deserialize<'de> for TimedField {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> serde::de::Visitor<'de> for FieldVisitor {
    type Value = TimedField;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("{from: …, at: …} or a list of them")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<TimedField, A::Error> {
        let one = TimedSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(TimedField(vec![one]))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<TimedField, A::Error> {
        let mut out = Vec::new();
        while let Some(s) = seq.next_element::<TimedSpec>()? {
            out.push(s);
        }
        Ok(TimedField(out))
    }
}

/// One entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedSpec {
    /// `birth` or `due`.
    pub from: Spanned<String>,
    /// `3m3w`, `-12w`, `1y6m`.
    pub at: Spanned<String>,
    /// Not sent once the child is this far from `from`.
    pub until: Option<Spanned<String>>,
    /// How the time reads (default: from `at`, e.g. 生後4か月).
    pub label: Option<Spanned<String>>,
}

/// A checked entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedEntry {
    /// What the day counts from.
    pub from: Anchor,
    /// When.
    pub at: Offset,
    /// Until when it may still be sent.
    pub until: Option<Offset>,
    /// How it reads.
    pub label: String,
    /// Where it was written.
    pub pos: (usize, usize),
}

/// Checks a page's `timed:`; every problem is reported, the good entries are returned.
pub fn load(
    file: &Path,
    yaml_line: usize,
    field: &Spanned<TimedField>,
    diags: &mut Diagnostics,
) -> Vec<TimedEntry> {
    let specs = &field.value.0;
    if specs.is_empty() {
        diags.push(
            Diagnostic::error(file, pos(field, yaml_line), "timed に何も書かれていません")
                .with_hint("timed: {from: birth, at: 4m} のように、いつ送るかを書いてください"),
        );
    }
    let mut out: Vec<TimedEntry> = Vec::new();
    for spec in specs {
        let Some(entry) = entry(file, yaml_line, spec, diags) else { continue };
        if out.iter().any(|e| e.from == entry.from && e.at == entry.at) {
            diags.push(
                Diagnostic::error(
                    file,
                    entry.pos,
                    format!("timed の「{} {}」が2回書かれています", entry.from.word(), entry.at),
                )
                .with_hint("同じ時期の配信は1つにまとめてください"),
            );
            continue;
        }
        out.push(entry);
    }
    out
}

fn entry(
    file: &Path,
    yaml_line: usize,
    s: &TimedSpec,
    diags: &mut Diagnostics,
) -> Option<TimedEntry> {
    let error = |diags: &mut Diagnostics, at, msg: String, hint: &str| {
        diags.push(Diagnostic::error(file, at, msg).with_hint(hint));
    };
    let from_pos = pos(&s.from, yaml_line);
    let Some(from) = Anchor::parse(s.from.value.trim()) else {
        error(
            diags,
            from_pos,
            format!("timed の from「{}」は使えません", s.from.value),
            "生まれた日から数えるときは from: birth、出産予定日から数えるときは from: due と書いてください",
        );
        return None;
    };
    let at_pos = pos(&s.at, yaml_line);
    let at = offset(diags, file, at_pos, &s.at.value, "at")?;
    let days = at.approx_days();
    let (ok, hint) = match from {
        Anchor::Due => (
            (MIN_DUE_DAYS..=MAX_DUE_DAYS).contains(&days),
            format!(
                "from: due では -40w（予定日の40週前）から +{MAX_DUE_DAYS}d までにしてください。予定日の{}日後に「生まれましたか」の確認が届き、それより後は from: birth で書きます",
                bundle::timed::DUE_QUESTION_AFTER_DAYS
            ),
        ),
        Anchor::Birth => (
            (0..=MAX_BIRTH_DAYS).contains(&days),
            "from: birth では 0d（誕生日）から 6y（小学校入学まで）の間にしてください".to_string(),
        ),
    };
    if !ok {
        error(
            diags,
            at_pos,
            format!("timed の at「{}」は配信できる期間の外です", s.at.value),
            &hint,
        );
        return None;
    }
    let until = match &s.until {
        None => None,
        Some(u) => {
            let u_pos = pos(u, yaml_line);
            let until = offset(diags, file, u_pos, &u.value, "until")?;
            if until.approx_days() <= days {
                error(
                    diags,
                    u_pos,
                    format!("timed の until「{}」が at「{}」より前です", u.value, s.at.value),
                    "until は「この時期を過ぎたら送らない」という時期です。at より後にしてください",
                );
                return None;
            }
            Some(until)
        }
    };
    let label = match &s.label {
        None => at.label(from),
        Some(l) => {
            let text = l.value.trim().to_string();
            if text.is_empty() || text.chars().count() > MAX_LABEL_CHARS {
                error(
                    diags,
                    pos(l, yaml_line),
                    format!("timed の label は1〜{MAX_LABEL_CHARS}文字にしてください"),
                    "例: label: 生後4か月",
                );
                return None;
            }
            text
        }
    };
    Some(TimedEntry { from, at, until, label, pos: from_pos })
}

fn offset(
    diags: &mut Diagnostics,
    file: &Path,
    at: (usize, usize),
    text: &str,
    key: &str,
) -> Option<Offset> {
    match Offset::parse(text) {
        Ok(o) => Some(o),
        Err(_) => {
            diags.push(
                Diagnostic::error(file, at, format!("timed の {key}「{text}」が読めません"))
                    .with_hint(
                        "数字と単位で書いてください（y=年、m=か月、w=週、d=日）。例: 4m、3m3w、1y6m、予定日の前は -12w",
                    ),
            );
            None
        }
    }
}
