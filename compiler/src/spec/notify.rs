//! `notify:` (pages) and `audiences:` (`content/_index.md`) as staff write them, and the
//! checks that need only the file they are in.
//!
//! Every value a diagnostic may point at is [`Spanned`], so a mistake comes back with its line. An
//! audience is one of LINE's demographic filter objects written in YAML
//! (<https://developers.line.biz/en/reference/messaging-api/#narrowcast-demographic-filter>); it is
//! checked here against the documented types and values and turned into the JSON LINE expects, so a
//! wrong filter fails the build instead of a narrowcast at send time.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use serde::Deserialize;
use serde_json::{Value, json};
use serde_saphyr::Spanned;

use bundle::japan;
use bundle::limits::MAX_FILTER_CONDITIONS;

use super::pos;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The audience that means every friend (a broadcast).
pub const AUDIENCE_ALL: &str = "all";
/// Values of `gender.oneOf`.
pub const GENDERS: &[&str] = &["male", "female"];
/// Values of `appType.oneOf`.
pub const APP_TYPES: &[&str] = &["ios", "android"];
/// Values of `age.gte` / `age.lt`, in order.
pub const AGES: &[&str] = &[
    "age_15", "age_20", "age_25", "age_30", "age_35", "age_40", "age_45", "age_50", "age_55",
    "age_60", "age_65", "age_70",
];
/// Values of `subscriptionPeriod.gte` / `.lt`, in order.
pub const PERIODS: &[&str] = &["day_7", "day_30", "day_90", "day_180", "day_365"];
/// How many area codes each region prefix has (`jp_01`…`jp_47`,
/// <https://developers.line.biz/en/reference/messaging-api/#narrowcast-demographic-filter>; `id`
/// only in `AreaDemographic` of
/// <https://github.com/line/line-openapi/blob/main/messaging-api.yml>).
const AREA_CODES: &[(&str, u32)] = &[("jp", 47), ("tw", 22), ("th", 8), ("id", 12)];

/// `notify:` as written on a page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySpec {
    /// When to send: `2026-12-05T09:00:00+09:00` (or `2026-12-05 09:00`, Japan time).
    pub at: Spanned<String>,
    /// `all` (every friend) or the name of an audience in `content/_index.md`.
    pub audience: Option<Spanned<String>>,
    /// `true` sends even in quiet hours (night).
    pub force: Option<bool>,
}

/// One demographic filter object as written (LINE's own keys,
/// <https://developers.line.biz/en/reference/messaging-api/#narrowcast-demographic-filter>).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterSpec {
    /// `gender`, `age`, `appType`, `area`, `subscriptionPeriod` or `operator`.
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    /// gender, appType and area: the values to match.
    #[serde(rename = "oneOf")]
    pub one_of: Option<Spanned<Vec<Spanned<String>>>>,
    /// age and subscriptionPeriod: lower bound (inclusive).
    pub gte: Option<Spanned<String>>,
    /// age and subscriptionPeriod: upper bound (exclusive).
    pub lt: Option<Spanned<String>>,
    /// operator: all of these.
    pub and: Option<Spanned<Vec<Spanned<FilterSpec>>>>,
    /// operator: any of these.
    pub or: Option<Spanned<Vec<Spanned<FilterSpec>>>>,
    /// operator: not this.
    pub not: Option<Box<Spanned<FilterSpec>>>,
}

/// A checked `notify:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notify {
    /// When the notice is due.
    pub at: Timestamp,
    /// `all` or an audience name (checked against the account in [`super::compile`]).
    pub audience: String,
    /// Where `audience` was written (or `notify` itself when omitted).
    pub audience_pos: (usize, usize),
    /// Sends even in quiet hours.
    pub force: bool,
}

/// A checked audience: a name and its filter as LINE's JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Audience {
    /// The `filter.demographic` object of a narrowcast request.
    pub demographic: Value,
    /// Where it was written.
    pub pos: (usize, usize),
}

/// Checks a page's `notify:`; `expires` is the page's last day, when it has one.
pub fn load_notify(
    file: &Path,
    yaml_line: usize,
    spec: &Spanned<NotifySpec>,
    expires: Option<Date>,
    diags: &mut Diagnostics,
) -> Option<Notify> {
    let n = &spec.value;
    let at_pos = pos(&n.at, yaml_line);
    let Some(at) = parse_time(&n.at.value) else {
        let message = match n.at.value.contains(':') {
            true => format!("お知らせの日時「{}」が読めません", n.at.value),
            false => format!("お知らせの日時「{}」に時刻がありません", n.at.value),
        };
        diags.push(
            Diagnostic::error(file, at_pos, message)
                .with_hint(
                    "2026-12-05T09:00:00+09:00 のように 年-月-日T時:分:秒+09:00（日本時間）で書いてください",
                ),
        );
        return None;
    };
    let day = at.to_zoned_datetime(japan::zone()).date();
    if let Some(last) = expires.filter(|last| day > *last) {
        diags.push(
            Diagnostic::error(
                file,
                at_pos,
                format!("お知らせの日（{day}）が、ページの expires（{last}）より後です"),
            )
            .with_hint("ページが公開されなくなると、お知らせのボタンが使えません。notify の at か expires を直してください"),
        );
    }
    let (audience, audience_pos) = match &n.audience {
        Some(a) => (a.value.trim().to_string(), pos(a, yaml_line)),
        None => (AUDIENCE_ALL.to_string(), pos(spec, yaml_line)),
    };
    Some(Notify { at, audience, audience_pos, force: n.force.unwrap_or(false) })
}

/// Checks `audiences:` of `content/_index.md`.
pub fn load_audiences(
    file: &Path,
    yaml_line: usize,
    specs: &BTreeMap<String, Spanned<FilterSpec>>,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Audience> {
    let mut out = BTreeMap::new();
    for (name, spec) in specs {
        let at = pos(spec, yaml_line);
        let name_ok = name != AUDIENCE_ALL
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c));
        if !name_ok {
            diags.push(
                Diagnostic::error(file, at, format!("絞り込みの名前「{name}」は使えません"))
                    .with_hint("英小文字で始まる英小文字・数字・-・_ の名前にしてください（all は全員の意味なので使えません）"),
            );
        }
        let mut cx =
            FilterCx { file, yaml_line, name, conditions: 0, diags: Diagnostics::default() };
        let demographic = cx.filter(spec);
        if cx.conditions > MAX_FILTER_CONDITIONS {
            cx.error(
                at,
                format!("条件が多すぎます（{}個、{MAX_FILTER_CONDITIONS}個まで）", cx.conditions),
                "LINE の絞り込みは1回の配信で条件10個までです",
            );
        }
        let failed = cx.diags.has_errors();
        diags.extend(cx.diags);
        if !failed && name_ok {
            out.insert(name.clone(), Audience { demographic, pos: at });
        }
    }
    out
}

/// Parses `2026-12-05T09:00:00+09:00`, or a time without offset as Japan time.
pub fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if !s.contains(':') {
        // A date alone is refused: staff must say at what time parents get the message.
        return None;
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let dt: DateTime = s.parse().ok()?;
    dt.to_zoned_datetime(japan::zone()).ok().map(|z| z.timestamp())
}

/// Checks one audience's filter tree.
struct FilterCx<'a> {
    file: &'a Path,
    yaml_line: usize,
    name: &'a str,
    conditions: usize,
    diags: Diagnostics,
}

impl FilterCx<'_> {
    fn error(&mut self, at: (usize, usize), msg: String, hint: &str) {
        let msg = format!("絞り込み「{}」: {msg}", self.name);
        self.diags.push(Diagnostic::error(self.file, at, msg).with_hint(hint));
    }

    fn filter(&mut self, f: &Spanned<FilterSpec>) -> Value {
        let at = pos(f, self.yaml_line);
        let spec = &f.value;
        let kind = spec.kind.value.as_str();
        let kind_at = pos(&spec.kind, self.yaml_line);
        let used: Vec<&str> = [
            ("oneOf", spec.one_of.is_some()),
            ("gte", spec.gte.is_some()),
            ("lt", spec.lt.is_some()),
            ("and", spec.and.is_some()),
            ("or", spec.or.is_some()),
            ("not", spec.not.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect();
        let allowed: &[&str] = match kind {
            "gender" | "appType" | "area" => &["oneOf"],
            "age" | "subscriptionPeriod" => &["gte", "lt"],
            "operator" => &["and", "or", "not"],
            _ => {
                self.error(
                    kind_at,
                    format!("type「{kind}」は使えません"),
                    "type は gender・age・appType・area・subscriptionPeriod・operator のどれかにしてください",
                );
                return Value::Null;
            }
        };
        for key in used.iter().filter(|k| !allowed.contains(k)) {
            self.error(
                at,
                format!("type「{kind}」には「{key}」を書けません"),
                &format!("type「{kind}」に書けるのは {} です", allowed.join("・")),
            );
        }
        match kind {
            "operator" => self.operator(at, spec),
            "age" => self.range(at, spec, AGES),
            "subscriptionPeriod" => self.range(at, spec, PERIODS),
            _ => self.one_of(at, spec),
        }
    }

    fn one_of(&mut self, at: (usize, usize), spec: &FilterSpec) -> Value {
        self.conditions += 1;
        let kind = spec.kind.value.as_str();
        let Some(list) = spec.one_of.as_ref().filter(|l| !l.value.is_empty()) else {
            self.error(
                at,
                format!("type「{kind}」には oneOf（当てはまる値のリスト）が必要です"),
                "例: {type: gender, oneOf: [female]}",
            );
            return Value::Null;
        };
        let mut values = Vec::new();
        for v in &list.value {
            let s = v.value.trim();
            let known = match kind {
                "gender" => GENDERS.contains(&s),
                "appType" => APP_TYPES.contains(&s),
                _ => is_area(s),
            };
            if !known {
                let hint = match kind {
                    "gender" => "male か female を書いてください".to_string(),
                    "appType" => "ios か android を書いてください".to_string(),
                    _ => "都道府県は jp_01（北海道）〜jp_47（沖縄県）で書いてください（千葉県は jp_12）"
                        .to_string(),
                };
                self.error(
                    pos(v, self.yaml_line),
                    format!("{kind} の値「{s}」は使えません"),
                    &hint,
                );
            }
            values.push(s.to_string());
        }
        json!({ "type": kind, "oneOf": values })
    }

    fn range(&mut self, at: (usize, usize), spec: &FilterSpec, steps: &[&str]) -> Value {
        self.conditions += 1;
        let kind = spec.kind.value.as_str();
        let mut rank = |b: &Option<Spanned<String>>, key: &str| -> Option<usize> {
            let b = b.as_ref()?;
            let v = b.value.trim();
            let found = steps.iter().position(|s| *s == v);
            if found.is_none() {
                self.error(
                    pos(b, self.yaml_line),
                    format!("{kind} の {key}「{v}」は使えません"),
                    &format!("{} のどれかを書いてください", steps.join("・")),
                );
            }
            found
        };
        let (gte, lt) = (rank(&spec.gte, "gte"), rank(&spec.lt, "lt"));
        if spec.gte.is_none() && spec.lt.is_none() {
            let example = format!("例: {{type: {kind}, gte: {}, lt: {}}}", steps[1], steps[3]);
            self.error(
                at,
                format!("type「{kind}」には gte（以上）か lt（未満）が必要です"),
                &example,
            );
        }
        if let (Some(g), Some(l)) = (gte, lt)
            && g >= l
        {
            self.error(
                at,
                format!("{kind} の gte（{}）は lt（{}）より小さくしてください", steps[g], steps[l]),
                "gte は「以上」、lt は「未満」です",
            );
        }
        let mut out = json!({ "type": kind });
        for (key, b) in [("gte", &spec.gte), ("lt", &spec.lt)] {
            if let Some(b) = b {
                out[key] = json!(b.value.trim());
            }
        }
        out
    }

    fn operator(&mut self, at: (usize, usize), spec: &FilterSpec) -> Value {
        let set = [spec.and.is_some(), spec.or.is_some(), spec.not.is_some()];
        if set.iter().filter(|s| **s).count() != 1 {
            self.error(
                at,
                "operator には and・or・not のどれか1つだけを書いてください".into(),
                "例: {type: operator, and: [{type: gender, oneOf: [female]}, {type: age, gte: age_20}]}",
            );
            return Value::Null;
        }
        if let Some(not) = &spec.not {
            return json!({ "type": "operator", "not": self.filter(not) });
        }
        let (key, list) = match (&spec.and, &spec.or) {
            (Some(l), _) => ("and", l),
            (_, Some(l)) => ("or", l),
            _ => return Value::Null,
        };
        if list.value.is_empty() {
            self.error(
                pos(list, self.yaml_line),
                format!("operator の {key} が空です"),
                "条件を1つ以上書いてください",
            );
        }
        let items: Vec<Value> = list.value.iter().map(|f| self.filter(f)).collect();
        json!({ "type": "operator", key: items })
    }
}

fn is_area(s: &str) -> bool {
    let Some((prefix, n)) = s.split_once('_') else { return false };
    let Some(&(_, max)) = AREA_CODES.iter().find(|(p, _)| *p == prefix) else { return false };
    n.len() == 2 && n.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_with_and_without_offset() {
        let a = parse_time("2026-12-05T09:00:00+09:00").unwrap();
        assert_eq!(a.to_string(), "2026-12-05T00:00:00Z");
        assert_eq!(parse_time("2026-12-05 09:00"), Some(a));
        assert_eq!(parse_time("2026-12-05T09:00"), Some(a));
        assert_eq!(bundle::japan::format(a), "2026-12-05T09:00:00+09:00");
        assert_eq!(parse_time("2026-12-05"), None);
        assert_eq!(parse_time("12月5日"), None);
    }

    #[test]
    fn area_codes() {
        assert!(is_area("jp_01") && is_area("jp_47") && is_area("tw_22") && is_area("id_12"));
        assert!(!is_area("jp_48") && !is_area("jp_1") && !is_area("jp_00") && !is_area("us_01"));
    }
}
