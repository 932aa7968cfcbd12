//! Checking a written `schedule:` into a [`Schedule`], every problem reported at its line.

use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;
use serde_saphyr::Spanned;

use super::parse::{self, Problem, WEEKDAYS, weekday_name};
use super::{
    Change, ChangeKind, ChangeSpec, Closure, Items, Nth, Programme, ProgrammeSpec, Rule, Schedule,
    ScheduleSpec, TimeRange, weekday_index,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::spec::holidays::Holidays;
use crate::spec::pos;

/// Longest programme name (it is one line of a day's list).
pub const MAX_NAME_LEN: usize = 30;
/// Longest place, note or centre name.
pub const MAX_TEXT_LEN: usize = 60;
/// Words that close a centre on national holidays.
const HOLIDAY_WORDS: &[&str] = &["祝日", "祝日・休日", "祝休日", "祝祭日", "holidays"];
/// How far a bounded rule is searched for a first day (longer ranges surely contain one).
const SEARCH_DAYS: i64 = 400;

/// One file's checking context.
struct Cx<'a> {
    file: &'a Path,
    yaml_line: usize,
    diags: &'a mut Diagnostics,
    errors: usize,
}

impl Cx<'_> {
    fn error(&mut self, at: (usize, usize), (message, hint): (String, &str)) {
        self.errors += 1;
        self.diags.push(Diagnostic::error(self.file, at, message).with_hint(hint));
    }

    fn at<T>(&self, s: &Spanned<T>) -> (usize, usize) {
        pos(s, self.yaml_line)
    }

    /// The items of a list with their positions (a bare value takes the key's).
    fn items(&self, s: &Spanned<Items>) -> Vec<(String, (usize, usize))> {
        match &s.value {
            Items::One(v) => vec![(v.trim().to_string(), self.at(s))],
            Items::Many(list) => {
                list.iter().map(|i| (i.value.trim().to_string(), self.at(i))).collect()
            }
        }
    }

    fn parsed<T>(&mut self, at: (usize, usize), r: Result<T, Problem>) -> Option<T> {
        r.map_err(|p| self.error(at, p)).ok()
    }

    fn date(&mut self, s: &Spanned<String>) -> Option<Date> {
        let at = self.at(s);
        self.parsed(at, parse::date(&s.value))
    }

    fn text(&mut self, s: &Option<Spanned<String>>, what: &str, max: usize) -> Option<String> {
        let s = s.as_ref()?;
        let text = s.value.trim().to_string();
        let len = text.chars().count();
        if text.is_empty() || len > max {
            let at = self.at(s);
            self.error(
                at,
                (format!("{what}は1〜{max}文字にしてください（{len}文字）"), "短く書いてください"),
            );
            return None;
        }
        Some(text)
    }
}

/// Checks `schedule:` (from a file whose YAML starts on `yaml_line`); returns it when usable.
pub fn check(
    spec: &Spanned<ScheduleSpec>,
    yaml_line: usize,
    file: &Path,
    holidays: &Holidays,
    diags: &mut Diagnostics,
) -> Option<Schedule> {
    let mut cx = Cx { file, yaml_line, diags, errors: 0 };
    let s = &spec.value;
    let name = cx.text(&s.name, "センターの name", MAX_TEXT_LEN);
    let note = cx.text(&s.note, "note", MAX_TEXT_LEN);
    let hours = s.hours.as_ref().and_then(|h| {
        let at = cx.at(h);
        let range = cx.parsed(at, parse::time_range(&h.value))?;
        if range.end.is_none() {
            cx.error(
                at,
                (
                    "hours には終わりの時刻も書いてください".into(),
                    "「8:30〜17:15」のように書いてください",
                ),
            );
        }
        Some(range)
    });
    let open = match &s.open {
        Some(o) => weekdays(&mut cx, o, "open")?,
        None => [true; 7],
    };
    let (closed_on_holidays, closures) = match &s.closed {
        Some(c) => closed(&mut cx, c),
        None => (false, Vec::new()),
    };
    let mut schedule = Schedule {
        name,
        hours,
        note,
        open,
        closed_on_holidays,
        closures,
        programmes: Vec::new(),
        changes: Vec::new(),
        pos: cx.at(spec),
    };
    let mut seen = Vec::new();
    for p in s.programmes.iter().flat_map(|l| &l.value) {
        if let Some(programme) = programme(&mut cx, p, &mut seen, &schedule, holidays) {
            schedule.programmes.push(programme);
        }
    }
    for c in s.changes.iter().flat_map(|l| &l.value) {
        if let Some(change) = change(&mut cx, c, &schedule, holidays) {
            schedule.changes.push(change);
        }
    }
    (cx.errors == 0).then_some(schedule)
}

/// A weekday list (`[月, 火]`) as Monday-first flags; an empty list is an error.
fn weekdays(cx: &mut Cx<'_>, s: &Spanned<Items>, key: &str) -> Option<[bool; 7]> {
    let mut days = [false; 7];
    let items = cx.items(s);
    if items.is_empty() {
        let at = cx.at(s);
        cx.error(
            at,
            (format!("{key} に曜日がありません"), "[火, 木] のように曜日を書いてください"),
        );
        return None;
    }
    let mut ok = true;
    for (text, at) in items {
        match parse::weekday(&text) {
            Ok(w) => days[weekday_index(w)] = true,
            Err(p) => {
                cx.error(at, p);
                ok = false;
            }
        }
    }
    ok.then_some(days)
}

/// `closed:`: the holiday word and date ranges.
fn closed(cx: &mut Cx<'_>, s: &Spanned<Items>) -> (bool, Vec<Closure>) {
    let mut holidays = false;
    let mut closures = Vec::new();
    for (text, at) in cx.items(s) {
        if HOLIDAY_WORDS.contains(&text.as_str()) {
            holidays = true;
            continue;
        }
        let hint_for_words = !text.starts_with(|c: char| c.is_ascii_digit());
        match parse::date_range(&text) {
            Ok((from, until, note)) => closures.push(Closure { from, until, note }),
            Err(_) if hint_for_words => cx.error(
                at,
                (format!("休館日「{text}」が読めません"), "「祝日」、「2027-02-10」、「2026-12-29〜2027-01-03 年末年始」のように書いてください"),
            ),
            Err(p) => cx.error(at, p),
        }
    }
    (holidays, closures)
}

fn programme(
    cx: &mut Cx<'_>,
    spec: &Spanned<ProgrammeSpec>,
    seen: &mut Vec<String>,
    schedule: &Schedule,
    holidays: &Holidays,
) -> Option<Programme> {
    let before = cx.errors;
    let p = &spec.value;
    let at = cx.at(spec);
    let name = cx.text(&Some(p.name.clone()), "予定の name", MAX_NAME_LEN).unwrap_or_default();
    if seen.contains(&name) {
        let at = cx.at(&p.name);
        cx.error(
            at,
            (
                format!("予定「{name}」が2回あります"),
                "changes で名前を使うので、別の名前にしてください",
            ),
        );
    }
    seen.push(name.clone());
    let time = p.time.as_ref().and_then(|t| {
        let at = cx.at(t);
        cx.parsed(at, parse::time_range(&t.value))
    });
    let place = cx.text(&p.place, "place", MAX_TEXT_LEN);
    let note = cx.text(&p.note, "note", MAX_TEXT_LEN);
    let from = p.from.as_ref().and_then(|d| cx.date(d));
    let until = p.until.as_ref().and_then(|d| cx.date(d));
    if let (Some(f), Some(u), Some(at)) = (from, until, p.until.as_ref().map(|u| cx.at(u)))
        && u < f
    {
        cx.error(
            at,
            (
                format!("予定「{name}」の until（{u}）が from（{f}）より前です"),
                "until には最後の日を書いてください",
            ),
        );
    }
    let rules = [("weekly", &p.weekly), ("monthly", &p.monthly), ("dates", &p.dates)];
    let written: Vec<_> = rules.iter().filter(|(_, r)| r.is_some()).collect();
    let rule = match written.as_slice() {
        [(key, Some(items))] => rule(cx, key, items),
        [] => {
            cx.error(at, (format!("予定「{name}」にいつ行うかがありません"), "weekly: [火, 木]、monthly: 第2水、dates: [2026-12-18] のどれか1つを書いてください"));
            None
        }
        _ => {
            cx.error(
                at,
                (
                    format!("予定「{name}」に weekly・monthly・dates が2つ以上あります"),
                    "1つの予定には1つだけ書き、ほかは別の予定にしてください",
                ),
            );
            None
        }
    }?;
    if cx.errors > before {
        return None;
    }
    let programme = Programme { name, time, place, note, rule, from, until };
    never_happens(cx, at, &programme, schedule, holidays);
    (cx.errors == before).then_some(programme)
}

fn rule(cx: &mut Cx<'_>, key: &str, items: &Spanned<Items>) -> Option<Rule> {
    match key {
        "weekly" => weekdays(cx, items, "weekly").map(Rule::Weekly),
        "monthly" => {
            let list = cx.items(items);
            let nths: Vec<Option<Nth>> =
                list.into_iter().map(|(t, at)| cx.parsed(at, parse::nth(&t))).collect();
            let nths: Option<Vec<Nth>> = nths.into_iter().collect();
            match nths {
                Some(n) if n.is_empty() => {
                    let at = cx.at(items);
                    cx.error(
                        at,
                        (
                            "monthly に日がありません".into(),
                            "monthly: 第2水 のように書いてください",
                        ),
                    );
                    None
                }
                n => n.map(Rule::Monthly),
            }
        }
        _ => {
            let list = cx.items(items);
            if list.is_empty() {
                let at = cx.at(items);
                cx.error(
                    at,
                    (
                        "dates に日付がありません".into(),
                        "dates: [2026-12-18, 2027-01-22] のように書いてください",
                    ),
                );
                return None;
            }
            let dates: Vec<Option<Date>> =
                list.into_iter().map(|(t, at)| cx.parsed(at, parse::date(&t))).collect();
            let mut dates: Vec<Date> = dates.into_iter().collect::<Option<_>>()?;
            dates.sort_unstable();
            dates.dedup();
            Some(Rule::Dates(dates))
        }
    }
}

/// Reports a programme that can never take place: its weekdays are all closed weekdays, its
/// `from`/`until` hold none of its days, or one of its dates is a day the centre is closed.
fn never_happens(
    cx: &mut Cx<'_>,
    at: (usize, usize),
    p: &Programme,
    schedule: &Schedule,
    holidays: &Holidays,
) {
    let name = &p.name;
    if let Rule::Dates(dates) = &p.rule {
        for &day in dates {
            if let Some(closed) = schedule.closed_on(day, holidays) {
                let wd = weekday_name(day.weekday());
                cx.error(
                    at,
                    (
                        format!("予定「{name}」の {day}（{wd}）は{}です", closed.label()),
                        "休館日には予定を入れられません。日付か休館日を確かめてください",
                    ),
                );
            } else if !p.occurs_on(day) {
                cx.error(
                    at,
                    (
                        format!("予定「{name}」の {day} は from・until の期間の外です"),
                        "日付か from・until を確かめてください",
                    ),
                );
            }
        }
        return;
    }
    let open_day = |w: jiff::civil::Weekday| schedule.open[weekday_index(w)];
    let weekdays: Vec<jiff::civil::Weekday> = match &p.rule {
        Rule::Weekly(days) => (0..7).filter(|&i| days[i]).map(|i| WEEKDAYS[i]).collect(),
        Rule::Monthly(nths) => nths.iter().map(|n| n.weekday).collect(),
        Rule::Dates(_) => Vec::new(),
    };
    if !weekdays.iter().any(|w| open_day(*w)) {
        let list: Vec<&str> = weekdays.iter().map(|w| weekday_name(*w)).collect();
        cx.error(
            at,
            (
                format!("予定「{name}」の曜日（{}）はどれも休館の曜日です", list.join("・")),
                "open に書いた開館する曜日に合わせてください",
            ),
        );
        return;
    }
    let Some(start) = p.from.or(p.until.map(|u| u.saturating_sub(SEARCH_DAYS.days()))) else {
        return;
    };
    let end = p.until.unwrap_or(start.saturating_add(SEARCH_DAYS.days()));
    let mut day = start;
    while day <= end {
        if p.occurs_on(day) && open_day(day.weekday()) {
            return;
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    let range = match (p.from, p.until) {
        (Some(f), Some(u)) => format!("{f}〜{u}"),
        (Some(f), None) => format!("{f}〜"),
        (None, Some(u)) => format!("〜{u}"),
        (None, None) => String::new(),
    };
    cx.error(
        at,
        (
            format!("予定「{name}」は {range} の間に一度も行われません"),
            "from・until と曜日を確かめてください",
        ),
    );
}

fn change(
    cx: &mut Cx<'_>,
    spec: &Spanned<ChangeSpec>,
    schedule: &Schedule,
    holidays: &Holidays,
) -> Option<Change> {
    let c = &spec.value;
    let at = cx.at(spec);
    let before = cx.errors;
    let date = cx.date(&c.date)?;
    let note = cx.text(&c.note, "note", MAX_TEXT_LEN);
    let time: Option<TimeRange> = c.time.as_ref().and_then(|t| {
        let at = cx.at(t);
        cx.parsed(at, parse::time_range(&t.value))
    });
    let place = cx.text(&c.place, "place", MAX_TEXT_LEN);
    let cancel = c.cancel.as_ref().is_some_and(|c| c.value);
    let Some(name) = &c.programme else {
        if time.is_some() || place.is_some() || cancel {
            cx.error(
                at,
                (
                    format!("{date} の変更に programme（どの予定か）がありません"),
                    "programme: ひろば のように、変える予定の name を書いてください",
                ),
            );
        } else if note.is_none() {
            cx.error(at, (format!("{date} の変更に何も書かれていません"), "予定を変えるなら programme と time・place・cancel を、その日のお知らせなら note を書いてください"));
        }
        return (cx.errors == before).then_some(Change { date, what: ChangeKind::DayNote, note });
    };
    let wanted = name.value.trim();
    let Some(index) = schedule.programmes.iter().position(|p| p.name == wanted) else {
        let names: Vec<&str> = schedule.programmes.iter().map(|p| p.name.as_str()).collect();
        let at = cx.at(name);
        let hint = if names.is_empty() {
            "programmes に予定を書いてから、その name を書いてください".to_string()
        } else {
            format!("programmes の name（{}）のどれかを書いてください", names.join("、"))
        };
        cx.errors += 1;
        cx.diags.push(
            Diagnostic::error(cx.file, at, format!("予定「{wanted}」は programmes にありません"))
                .with_hint(hint),
        );
        return None;
    };
    let wd = weekday_name(date.weekday());
    if let Some(closed) = schedule.closed_on(date, holidays) {
        cx.error(
            at,
            (
                format!("{date}（{wd}）は{}です", closed.label()),
                "休館日の予定は変えられません。日付を確かめてください",
            ),
        );
    } else if !schedule.programmes[index].occurs_on(date) {
        cx.error(
            at,
            (
                format!("{date}（{wd}）に「{wanted}」はありません"),
                "その予定が行われる日付を書いてください",
            ),
        );
    }
    if cancel && (time.is_some() || place.is_some()) {
        cx.error(
            at,
            (
                "cancel: true と time・place は一緒に書けません".into(),
                "中止なら cancel だけ、変更なら time か place だけを書いてください",
            ),
        );
    } else if !cancel && time.is_none() && place.is_none() && note.is_none() {
        cx.error(
            at,
            (
                format!("{date} の「{wanted}」の変更に何も書かれていません"),
                "time・place・cancel: true・note のどれかを書いてください",
            ),
        );
    }
    let what = if cancel {
        ChangeKind::Cancel(index)
    } else {
        ChangeKind::Modify { programme: index, time, place }
    };
    (cx.errors == before).then_some(Change { date, what, note })
}
