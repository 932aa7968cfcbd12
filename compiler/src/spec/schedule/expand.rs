//! A schedule on one day: open or closed (and why), and the programmes held, with the day's
//! changes applied. Everything date-dependent the account says about a centre comes from
//! [`Schedule::plan`].

use jiff::ToSpan;
use jiff::civil::Date;

use super::{ChangeKind, Nth, Programme, Rule, Schedule, TimeRange, weekday_index};
use crate::spec::holidays::Holidays;

/// Why a centre is closed on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// Not one of its opening weekdays.
    Weekday,
    /// A national holiday (its name).
    Holiday(String),
    /// A closure staff listed (its note).
    Listed(Option<String>),
}

impl Closed {
    /// `休館日`, `休館日（祝日: 元日）`, `休館日（年末年始）`.
    pub fn label(&self) -> String {
        match self {
            Closed::Weekday | Closed::Listed(None) => "休館日".to_string(),
            Closed::Holiday(name) => format!("休館日（祝日: {name}）"),
            Closed::Listed(Some(note)) => format!("休館日（{note}）"),
        }
    }
}

/// How a session stands on its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// As usual.
    Regular,
    /// Time or place changed for this day.
    Changed,
    /// Not held this day.
    Cancelled,
}

/// One programme on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Index in [`Schedule::programmes`].
    pub programme: usize,
    /// Name.
    pub name: String,
    /// Time (changed, when changed).
    pub time: Option<TimeRange>,
    /// Place (changed, when changed).
    pub place: Option<String>,
    /// The programme's note, or the change's.
    pub note: Option<String>,
    /// Regular, changed or cancelled.
    pub status: SessionStatus,
}

/// A centre on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPlan {
    /// Closed, and why; `None` when open.
    pub closed: Option<Closed>,
    /// Programmes of the day (empty when closed), by time.
    pub sessions: Vec<Session>,
    /// Notes staff wrote for the day.
    pub notes: Vec<String>,
}

impl Nth {
    /// Whether `day` is this n-th weekday of its month.
    pub fn matches(&self, day: Date) -> bool {
        if day.weekday() != self.weekday {
            return false;
        }
        match self.week {
            -1 => day.checked_add(7.days()).is_ok_and(|next| next.month() != day.month()),
            n => (day.day() - 1) / 7 + 1 == n,
        }
    }
}

impl Programme {
    /// Whether the rule puts the programme on `day` (closures aside).
    pub fn occurs_on(&self, day: Date) -> bool {
        if self.from.is_some_and(|f| day < f) || self.until.is_some_and(|u| day > u) {
            return false;
        }
        match &self.rule {
            Rule::Weekly(days) => days[weekday_index(day.weekday())],
            Rule::Monthly(nths) => nths.iter().any(|n| n.matches(day)),
            Rule::Dates(dates) => dates.binary_search(&day).is_ok(),
        }
    }
}

impl Schedule {
    /// Why the centre is closed on `day`, or `None` when it is open. Holidays count only where
    /// the table reaches (the calendar's window ends with the table).
    pub fn closed_on(&self, day: Date, holidays: &Holidays) -> Option<Closed> {
        if let Some(c) = self.closures.iter().find(|c| (c.from..=c.until).contains(&day)) {
            return Some(Closed::Listed(c.note.clone()));
        }
        if self.closed_on_holidays
            && let Some(name) = holidays.name(day)
        {
            return Some(Closed::Holiday(name.to_string()));
        }
        (!self.open[weekday_index(day.weekday())]).then_some(Closed::Weekday)
    }

    /// The centre on `day`: open or closed, and the programmes held with changes applied.
    pub fn plan(&self, day: Date, holidays: &Holidays) -> DayPlan {
        let closed = self.closed_on(day, holidays);
        let changes: Vec<_> = self.changes.iter().filter(|c| c.date == day).collect();
        let notes = changes
            .iter()
            .filter(|c| c.what == ChangeKind::DayNote)
            .filter_map(|c| c.note.clone())
            .collect();
        if closed.is_some() {
            return DayPlan { closed, sessions: Vec::new(), notes };
        }
        let mut sessions: Vec<Session> = (0..self.programmes.len())
            .filter(|&i| self.programmes[i].occurs_on(day))
            .map(|i| {
                let p = &self.programmes[i];
                let mut s = Session {
                    programme: i,
                    name: p.name.clone(),
                    time: p.time,
                    place: p.place.clone(),
                    note: p.note.clone(),
                    status: SessionStatus::Regular,
                };
                for c in &changes {
                    match &c.what {
                        ChangeKind::Cancel(j) if *j == i => s.status = SessionStatus::Cancelled,
                        ChangeKind::Modify { programme, time, place } if *programme == i => {
                            s.time = time.or(s.time);
                            s.place = place.clone().or(s.place);
                            if s.status != SessionStatus::Cancelled {
                                s.status = SessionStatus::Changed;
                            }
                        }
                        _ => continue,
                    }
                    if c.note.is_some() {
                        s.note = c.note.clone();
                    }
                }
                s
            })
            .collect();
        sessions.sort_by_key(|s| (s.time, s.programme));
        DayPlan { closed: None, sessions, notes }
    }
}
