//! Which timed messages a child gets, and on which day — pure functions of the bundle, the
//! child's registration and the day, so every rule is tested without a clock or a journal.
//!
//! Rules (days in Japan):
//! - a child registered by birthday gets the `from: birth` steps, one registered by due date
//!   the `from: due` steps before [`question_day`];
//! - a step is not sent for a day before the registration (a late registration does not
//!   receive the past), nor after its `until`, nor on or after school entry
//!   ([`bundle::timed::school_entry`]), which ends the programme;
//! - a step is sent on its day, or up to `grace_days` later when that day was missed (the
//!   runtime was down); later than that it is skipped;
//! - a due-date registration is asked once, [`DUE_QUESTION_AFTER_DAYS`] days after the due
//!   date, whether to switch to the birthday; after that it gets nothing more until answered.

use bundle::timed::{DUE_QUESTION_AFTER_DAYS, school_entry};
use bundle::{Anchor, Timed, TimedStep};
use jiff::ToSpan;
use jiff::civil::Date;

/// What the plan needs to know about a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildPlan {
    /// Due date or birthday.
    pub anchor: Anchor,
    /// The date.
    pub date: Date,
    /// The day it was registered (or last changed).
    pub registered: Date,
}

/// The step id of the due-date question, in journals and reports.
pub const DUE_QUESTION: &str = "_due-question";

impl ChildPlan {
    /// The first day the programme no longer covers the child.
    pub fn end(&self) -> Date {
        school_entry(self.date)
    }

    /// The step's day for this child, when the child gets the step at all.
    pub fn day_of(&self, step: &TimedStep) -> Option<Date> {
        if step.from != self.anchor {
            return None;
        }
        self.day_in(&StepDays::of(step, self.date, self.end(), question_day(self)))
    }

    /// Whether `step` may be sent on `today` (its day, or within `grace_days` after).
    pub fn sendable(&self, step: &TimedStep, today: Date, grace_days: i32) -> bool {
        if step.from != self.anchor {
            return false;
        }
        let days = StepDays::of(step, self.date, self.end(), question_day(self));
        self.sendable_in(&days, today, grace_days)
    }

    /// [`ChildPlan::day_of`] from the step's days for this child's date.
    fn day_in(&self, days: &StepDays) -> Option<Date> {
        let day = days.day?;
        if day < self.registered || day >= days.end {
            return None;
        }
        if self.anchor == Anchor::Due && days.question.is_some_and(|q| day >= q) {
            return None;
        }
        if days.last.is_some_and(|last| day > last) {
            return None;
        }
        Some(day)
    }

    /// [`ChildPlan::sendable`] from the step's days for this child's date.
    pub fn sendable_in(&self, days: &StepDays, today: Date, grace_days: i32) -> bool {
        let Some(day) = self.day_in(days) else { return false };
        if day > today || today >= days.end {
            return false;
        }
        if days.last.is_some_and(|last| today > last) {
            return false;
        }
        let late = day.until(today).map_or(i32::MAX, |s| s.get_days());
        late <= grace_days
    }
}

/// What a step's rules need about one anchor date: computed once per date and shared by
/// every child with that date (a day's delivery for 100,000 children has a few thousand
/// distinct dates), since calendar arithmetic is the cost of planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepDays {
    /// The step's day.
    day: Option<Date>,
    /// Its `until` day.
    last: Option<Date>,
    /// School entry.
    end: Date,
    /// The due-date question's day.
    question: Option<Date>,
}

impl StepDays {
    fn of(step: &TimedStep, date: Date, end: Date, question: Option<Date>) -> StepDays {
        StepDays { day: step.day(date), last: step.last_day(date), end, question }
    }

    /// Every step's days for `anchor` and `date` (`None` for steps from the other anchor).
    pub fn all(timed: &Timed, anchor: Anchor, date: Date) -> Vec<Option<StepDays>> {
        let child = ChildPlan { anchor, date, registered: date };
        let (end, question) = (child.end(), question_day(&child));
        timed
            .steps
            .iter()
            .map(|s| (s.from == anchor).then(|| StepDays::of(s, date, end, question)))
            .collect()
    }
}

/// The day a due-date registration is asked whether the baby has arrived.
pub fn question_day(child: &ChildPlan) -> Option<Date> {
    match child.anchor {
        Anchor::Due => child.date.checked_add(i64::from(DUE_QUESTION_AFTER_DAYS).days()).ok(),
        Anchor::Birth => None,
    }
}

/// Every step the child will get from `from` on, with its day, in day order.
pub fn upcoming<'a>(timed: &'a Timed, child: &ChildPlan, from: Date) -> Vec<(Date, &'a TimedStep)> {
    let mut out: Vec<(Date, &TimedStep)> = timed
        .steps
        .iter()
        .filter_map(|s| Some((child.day_of(s)?, s)))
        .filter(|(d, _)| *d >= from)
        .collect();
    out.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    out
}

/// The plausible range of dates for the date picker on `today`: `(min, max)`.
pub fn picker_range(anchor: Anchor, today: Date) -> (Date, Date) {
    match anchor {
        // A due date is ahead (or today); about 40 weeks at most.
        Anchor::Due => (
            today,
            today.checked_add(i64::from(bundle::timed::MAX_DUE_AHEAD_DAYS).days()).unwrap_or(today),
        ),
        // A child not yet at school: born at most 7 years ago, and not in the future.
        Anchor::Birth => (today.checked_sub(7.years()).unwrap_or(today), today),
    }
}

/// Whether `date` may be registered as `anchor` on `today` (the picker's range, and for a
/// birthday, a child the programme still covers).
pub fn plausible(anchor: Anchor, date: Date, today: Date) -> bool {
    let (min, max) = picker_range(anchor, today);
    (min..=max).contains(&date) && (anchor == Anchor::Due || school_entry(date) > today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bundle::Offset;
    use serde_json::json;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn step(id: &str, from: Anchor, at: &str, until: Option<&str>) -> TimedStep {
        TimedStep {
            id: id.into(),
            title: id.into(),
            from,
            at: Offset::parse(at).unwrap(),
            until: until.map(|u| Offset::parse(u).unwrap()),
            label: String::new(),
            messages: json!([]),
            hash: String::new(),
        }
    }

    fn timed() -> Timed {
        Timed {
            steps: vec![
                step("b2w", Anchor::Birth, "2w", None),
                step("b4m", Anchor::Birth, "3m3w", Some("5m")),
                step("b7y3m", Anchor::Birth, "7y3m", None),
                step("d12", Anchor::Due, "-12w", None),
                step("d1", Anchor::Due, "1w", None),
            ],
            texts: Default::default(),
        }
    }

    #[test]
    fn a_birth_registration_gets_birth_steps_from_its_registration_day() {
        let t = timed();
        let child =
            ChildPlan { anchor: Anchor::Birth, date: d("2026-01-10"), registered: d("2026-01-20") };
        let days: Vec<(String, &str)> = upcoming(&t, &child, d("2026-01-01"))
            .iter()
            .map(|(d, s)| (d.to_string(), s.id.as_str()))
            .collect();
        // b2w (01-24) is after registration; b7y3m is after school entry: not sent.
        assert_eq!(days, vec![("2026-01-24".into(), "b2w"), ("2026-05-01".into(), "b4m")]);
        let late = ChildPlan { registered: d("2026-01-25"), ..child };
        assert_eq!(upcoming(&t, &late, d("2026-01-01")).len(), 1);
    }

    #[test]
    fn grace_and_until() {
        let t = timed();
        let child =
            ChildPlan { anchor: Anchor::Birth, date: d("2026-01-10"), registered: d("2026-01-10") };
        let s = &t.steps[0];
        assert!(!child.sendable(s, d("2026-01-23"), 3));
        assert!(child.sendable(s, d("2026-01-24"), 3));
        assert!(child.sendable(s, d("2026-01-27"), 3));
        assert!(!child.sendable(s, d("2026-01-28"), 3));
        // b4m is due 2026-05-01, until 5m = 2026-06-10.
        let late = ChildPlan { date: d("2026-01-10"), ..child };
        assert!(late.sendable(&t.steps[1], d("2026-05-01"), 60));
        assert!(!late.sendable(&t.steps[1], d("2026-06-11"), 60));
    }

    #[test]
    fn a_due_registration_stops_at_the_question() {
        let t = timed();
        let child =
            ChildPlan { anchor: Anchor::Due, date: d("2026-12-05"), registered: d("2026-06-01") };
        let ids: Vec<&str> =
            upcoming(&t, &child, d("2026-06-01")).iter().map(|(_, s)| s.id.as_str()).collect();
        assert_eq!(ids, vec!["d12", "d1"]);
        assert_eq!(question_day(&child), Some(d("2026-12-19")));
        let step_after = step("d3", Anchor::Due, "3w", None);
        assert_eq!(child.day_of(&step_after), None);
    }

    #[test]
    fn shared_step_days_give_the_same_answers() {
        let t = timed();
        for (anchor, date, registered) in [
            (Anchor::Birth, "2026-01-10", "2026-01-10"),
            (Anchor::Birth, "2026-01-10", "2026-03-01"),
            (Anchor::Due, "2026-12-05", "2026-06-01"),
        ] {
            let child = ChildPlan { anchor, date: d(date), registered: d(registered) };
            let all = StepDays::all(&t, anchor, d(date));
            let mut today = d("2026-01-01");
            while today < d("2027-02-01") {
                for (i, step) in t.steps.iter().enumerate() {
                    let shared = all[i].is_some_and(|days| child.sendable_in(&days, today, 3));
                    assert_eq!(shared, child.sendable(step, today, 3), "{} {today}", step.id);
                }
                today = today.tomorrow().unwrap();
            }
        }
    }

    #[test]
    fn plausible_dates() {
        let today = d("2026-04-01");
        assert!(plausible(Anchor::Due, today, today));
        assert!(plausible(Anchor::Due, d("2027-01-26"), today));
        assert!(!plausible(Anchor::Due, d("2027-01-27"), today));
        assert!(!plausible(Anchor::Due, d("2026-03-31"), today));
        assert!(plausible(Anchor::Birth, d("2025-10-01"), today));
        assert!(!plausible(Anchor::Birth, d("2026-04-02"), today));
        // Born 2020-04-01: at school from 2026-04-01.
        assert!(!plausible(Anchor::Birth, d("2020-04-01"), today));
        assert!(plausible(Anchor::Birth, d("2020-04-02"), today));
    }
}
