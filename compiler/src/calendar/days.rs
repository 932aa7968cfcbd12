//! The account's calendar as data: its centres, its events by day, and what each day holds.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::content::{Page, Site, Source};
use crate::spec::holidays::Holidays;
use crate::spec::schedule::{DayPlan, Rule, Schedule};

/// A page or section with a `schedule:`.
#[derive(Debug)]
pub struct Centre<'a> {
    /// Content path.
    pub path: &'a str,
    /// Title of its page or section.
    pub title: &'a str,
    /// Short name for lists (`schedule.name`, else the title).
    pub name: &'a str,
    /// The schedule.
    pub schedule: &'a Schedule,
    /// Postback data that opens its page or section menu.
    pub opens: String,
    /// Where it was written.
    pub source: &'a Source,
}

impl Centre<'_> {
    /// File-name-safe id of the centre (`shien-center-honeycomb`), for its `.ics` feed.
    pub fn slug(&self) -> String {
        self.path.replace('/', "-")
    }

    /// Whether a programme of this centre is held on set weekdays (shown once as 「毎週」).
    pub fn weekly(&self) -> impl Iterator<Item = (usize, &[bool; 7])> {
        self.schedule.programmes.iter().enumerate().filter_map(|(i, p)| match &p.rule {
            Rule::Weekly(days) => Some((i, days)),
            _ => None,
        })
    }
}

/// The centres of a site, pages and sections, in path order.
pub fn centres(site: &Site) -> Vec<Centre<'_>> {
    let pages = site.pages.values().filter_map(|p| {
        let schedule = p.schedule.as_ref()?;
        Some(Centre {
            path: &p.path,
            title: &p.title,
            name: schedule.name.as_deref().unwrap_or(&p.title),
            schedule,
            opens: bundle::postback::page(&p.path),
            source: &p.source,
        })
    });
    let sections = site.sections.values().filter_map(|s| {
        let schedule = s.schedule.as_ref()?;
        Some(Centre {
            path: &s.path,
            title: &s.title,
            name: schedule.name.as_deref().unwrap_or(&s.title),
            schedule,
            opens: bundle::postback::menu(&s.path, 1),
            source: &s.source,
        })
    });
    let mut all: Vec<Centre<'_>> = pages.chain(sections).collect();
    all.sort_by(|a, b| a.path.cmp(b.path));
    all
}

/// Event pages by day.
pub fn events(site: &Site) -> BTreeMap<Date, Vec<&Page>> {
    let mut by_day: BTreeMap<Date, Vec<&Page>> = BTreeMap::new();
    for page in site.pages.values() {
        if let Some(e) = &page.event {
            by_day.entry(e.date).or_default().push(page);
        }
    }
    for list in by_day.values_mut() {
        list.sort_by(|a, b| {
            let time = |p: &Page| p.event.as_ref().and_then(|e| e.time.clone());
            time(a).cmp(&time(b)).then(a.path.cmp(&b.path))
        });
    }
    by_day
}

/// Everything one day holds.
#[derive(Debug)]
pub struct Day<'a> {
    /// The date.
    pub date: Date,
    /// Each centre's plan, in [`centres`] order.
    pub centres: Vec<DayPlan>,
    /// The day's events.
    pub events: &'a [&'a Page],
}

/// The calendar over a site: centres and events, asked day by day.
#[derive(Debug)]
pub struct Calendar<'a> {
    /// The centres.
    pub centres: Vec<Centre<'a>>,
    /// Events by day.
    pub events: BTreeMap<Date, Vec<&'a Page>>,
    /// The holiday table.
    pub holidays: &'a Holidays,
}

impl<'a> Calendar<'a> {
    /// The calendar of `site`.
    pub fn new(site: &'a Site) -> Calendar<'a> {
        Calendar { centres: centres(site), events: events(site), holidays: Holidays::official() }
    }

    /// Whether there is anything to show (a centre or an event).
    pub fn is_empty(&self) -> bool {
        self.centres.is_empty() && self.events.is_empty()
    }

    /// What `date` holds.
    pub fn day(&self, date: Date) -> Day<'_> {
        Day {
            date,
            centres: self.centres.iter().map(|c| c.schedule.plan(date, self.holidays)).collect(),
            events: self.events.get(&date).map_or(&[], Vec::as_slice),
        }
    }
}
