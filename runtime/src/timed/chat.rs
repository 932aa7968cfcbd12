//! Registration in the chat: consent, a date picker, a confirmation listing the next
//! messages, change and delete per child, 配信停止, and the due-date question's answers.
//!
//! Every `timed:` postback is untrusted: it may be replayed (the same tap twice, a redelivered
//! webhook after a restart), forged, or come from someone who never consented. So each action
//! is checked against the journal's index — consent first, then that the child belongs to the
//! sender, then that the date is plausible — and is idempotent: doing it twice changes nothing
//! more than doing it once. Replies are the bundle's texts with placeholders filled in.

use bundle::postback::TimedAction;
use bundle::timed::{CONFIRM_ROWS, MAX_CHILDREN, japanese_date};
use bundle::{Anchor, Timed};
use jiff::civil::Date;

use super::index::{Fact, Index};
use super::plan::{ChildPlan, picker_range, plausible, upcoming};

/// What to answer, chosen before the facts are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The consent text.
    Consent,
    /// The date pickers.
    Pick,
    /// The confirmation for this child.
    Confirm(ChildPlan),
    /// The list of the sender's children (after the facts are applied).
    Manage,
    /// 配信停止 done.
    Stopped,
    /// One child deleted.
    Deleted,
    /// The due-date question answered with its quiet stop.
    Quiet,
    /// The date was missing, malformed or implausible.
    BadDate,
    /// The child is not the sender's (any more).
    NotFound,
}

/// What a registration action changes and answers. `date` is the picker's `params.date`.
pub fn decide(
    index: &Index,
    user: &str,
    action: TimedAction<'_>,
    date: Option<&str>,
    today: Date,
    now_ms: i64,
    new_id: impl FnOnce() -> String,
) -> (Vec<Fact>, Answer) {
    let parent = index.parents.get(user);
    let consented = parent.is_some();
    let picked = |anchor: Anchor| -> Option<Date> {
        let d: Date = date?.parse().ok()?;
        plausible(anchor, d, today).then_some(d)
    };
    let own = |id: &str| index.children.get(id).filter(|c| c.user == user);
    let child_fact = |c: &str, anchor: Anchor, d: Date| Fact::Child {
        u: user.to_string(),
        c: c.to_string(),
        k: anchor,
        d: d.to_string(),
        r: today.to_string(),
        dl: Vec::new(),
        ts: now_ms,
    };
    let plan = |anchor, date| ChildPlan { anchor, date, registered: today };
    match action {
        TimedAction::Stop => match consented {
            true => (
                vec![Fact::Forget { u: user.into(), why: "stop".into(), ts: now_ms }],
                Answer::Stopped,
            ),
            false => (Vec::new(), Answer::Stopped),
        },
        _ if !consented && action != TimedAction::Consent => (Vec::new(), Answer::Consent),
        TimedAction::Start => match parent.is_some_and(|p| !p.children.is_empty()) {
            true => (Vec::new(), Answer::Manage),
            false => (Vec::new(), Answer::Pick),
        },
        TimedAction::Consent => match parent {
            None => (vec![Fact::Consent { u: user.into(), ts: now_ms }], Answer::Pick),
            Some(p) if p.children.len() >= MAX_CHILDREN => (Vec::new(), Answer::Manage),
            Some(_) => (Vec::new(), Answer::Pick),
        },
        TimedAction::Add(anchor) => {
            let Some(d) = picked(anchor) else { return (Vec::new(), Answer::BadDate) };
            let children = parent.map(|p| p.children.as_slice()).unwrap_or_default();
            let same = children
                .iter()
                .filter_map(|c| index.children.get(c))
                .find(|c| c.plan.anchor == anchor && c.plan.date == d);
            match same {
                // A replayed tap, or twins: one registration already brings every message.
                Some(c) => (Vec::new(), Answer::Confirm(c.plan)),
                None if children.len() >= MAX_CHILDREN => (Vec::new(), Answer::Manage),
                None => (vec![child_fact(&new_id(), anchor, d)], Answer::Confirm(plan(anchor, d))),
            }
        }
        TimedAction::Change(id) | TimedAction::Born(id) => {
            let Some(child) = own(id) else { return (Vec::new(), Answer::NotFound) };
            let anchor = match action {
                TimedAction::Born(_) => Anchor::Birth,
                _ => child.plan.anchor,
            };
            let Some(d) = picked(anchor) else { return (Vec::new(), Answer::BadDate) };
            if child.plan.anchor == anchor && child.plan.date == d {
                return (Vec::new(), Answer::Confirm(child.plan));
            }
            (vec![child_fact(id, anchor, d)], Answer::Confirm(plan(anchor, d)))
        }
        TimedAction::Delete(id) => match own(id) {
            Some(_) => {
                let fact = Fact::Delete { u: user.into(), c: id.into(), why: None, ts: now_ms };
                (vec![fact], Answer::Deleted)
            }
            None => (Vec::new(), Answer::NotFound),
        },
        // The due-date question's quiet stop: the same deletion, its own gentle words — and,
        // replayed after the deletion, the same words again rather than "not found".
        TimedAction::Quiet(id) => match own(id) {
            Some(_) => {
                let why = Some("quiet".to_string());
                (
                    vec![Fact::Delete { u: user.into(), c: id.into(), why, ts: now_ms }],
                    Answer::Quiet,
                )
            }
            None => (Vec::new(), Answer::Quiet),
        },
    }
}

/// The messages array of `answer` for `user`, from the bundle's texts.
pub fn render(timed: &Timed, index: &Index, user: &str, answer: &Answer, today: Date) -> String {
    let t = &timed.texts;
    let (due_min, due_max) = picker_range(Anchor::Due, today);
    let (birth_min, _) = picker_range(Anchor::Birth, today);
    let days = [
        ("TODAY", today.to_string()),
        ("DUE_MAX", due_max.to_string()),
        ("BIRTH_MIN", birth_min.to_string()),
    ];
    let _ = due_min;
    match answer {
        Answer::Consent => t.consent.clone(),
        Answer::Pick => fill(&t.pick, &days),
        Answer::Stopped => t.stopped.clone(),
        Answer::Deleted => t.deleted.clone(),
        // A bundle from before the quiet text existed has none: the deletion text then.
        Answer::Quiet if t.quiet.is_empty() => t.deleted.clone(),
        Answer::Quiet => t.quiet.clone(),
        Answer::BadDate => t.bad_date.clone(),
        Answer::NotFound => t.not_found.clone(),
        Answer::Confirm(child) => {
            let rows: Vec<String> = upcoming(timed, child, today)
                .into_iter()
                .take(CONFIRM_ROWS)
                .map(|(day, step)| {
                    let when = format!("{}（{}）", japanese_date(day), step.label);
                    fill(&t.confirm_row, &[("WHEN", when), ("TITLE", step.title.clone())])
                })
                .collect();
            let rows = if rows.is_empty() { t.confirm_none.clone() } else { rows.join(",") };
            let head = fill(&t.confirm_head, &[("CHILD", describe(child))]);
            format!("{head}{rows}{}", t.confirm_tail)
        }
        Answer::Manage => {
            let children =
                index.parents.get(user).map(|p| p.children.as_slice()).unwrap_or_default();
            let rows: Vec<String> = children
                .iter()
                .filter_map(|id| Some((id, index.children.get(id)?)))
                .map(|(id, c)| {
                    let (min, max) = picker_range(c.plan.anchor, today);
                    let initial = c.plan.date.clamp(min, max);
                    fill(
                        &t.manage_row,
                        &[
                            ("CHILD", describe(&c.plan)),
                            ("ID", id.clone()),
                            ("DATE", initial.to_string()),
                            ("MIN", min.to_string()),
                            ("MAX", max.to_string()),
                            ("KIND", c.plan.anchor.japanese().to_string()),
                        ],
                    )
                })
                .collect();
            if rows.is_empty() {
                return fill(&t.pick, &days);
            }
            format!("{}{}{}", t.manage_head, rows.join(","), t.manage_tail)
        }
    }
}

/// The due-date question for child `id`, with the birthday picker's range of `today`.
pub fn question(timed: &Timed, id: &str, today: Date) -> String {
    let (birth_min, _) = picker_range(Anchor::Birth, today);
    fill(
        &timed.texts.due_question,
        &[
            ("ID", id.to_string()),
            ("TODAY", today.to_string()),
            ("BIRTH_MIN", birth_min.to_string()),
        ],
    )
}

/// `出産予定日 2026年12月5日`.
fn describe(child: &ChildPlan) -> String {
    format!("{} {}", child.anchor.japanese(), japanese_date(child.date))
}

/// `template` with each `@@NAME@@` replaced by the JSON-escaped value, in one pass.
///
/// Why a splice per request is bounded and safe (the rest of the reply is the bundle's
/// pre-serialised JSON, copied as is):
/// - every placeholder sits inside a JSON string of the compiler's templates, and a value is
///   written with JSON string escaping (`"`, `\`, control characters), so no value — a page
///   title staff wrote, say — can end the string or add JSON;
/// - one left-to-right pass: a value is never scanned again, so a title containing
///   `@@ID@@` stays that text instead of being replaced by a later placeholder; an unknown
///   `@@…@@` is copied as is;
/// - the values are few and short — dates, a 12-digit child id, `出産予定日 2026年12月5日`,
///   a label of at most 20 characters, page titles — and the rows at most
///   [`CONFIRM_ROWS`] or [`MAX_CHILDREN`]; the compiler checks the confirmation with that
///   many rows of the longest title against LINE's limits, so what is spliced here fits.
fn fill<S: AsRef<str>>(template: &str, values: &[(&str, S)]) -> String {
    let extra: usize = values.iter().map(|(_, v)| v.as_ref().len() + 8).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut rest = template;
    while let Some(start) = rest.find("@@") {
        let after = &rest[start + 2..];
        let name_len = after.bytes().take_while(|b| b.is_ascii_uppercase() || *b == b'_').count();
        let value = after[name_len..]
            .starts_with("@@")
            .then(|| values.iter().find(|(n, _)| *n == &after[..name_len]))
            .flatten();
        match value {
            Some((_, v)) => {
                out.push_str(&rest[..start]);
                escape_json_into(v.as_ref(), &mut out);
                rest = &after[name_len + 2..];
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `text` as the inside of a JSON string (RFC 8259 §7: `"`, `\` and U+0000–U+001F escaped).
fn escape_json_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests;
