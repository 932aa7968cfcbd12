//! Replies that change with the day, computed at build time for every day of a window.
//!
//! The runtime reads only the bundle and renders nothing per tap, so whatever depends on the
//! date is rendered here, day by day: the views of the centres' schedules and the events
//! (「今日」「明日」「今週」「来週」「今月」「来月」, each weekday, each centre) and the menus that
//! list pages with a last day (an event leaves them the day after it). Days that show the same
//! thing share one stored reply (see `bundle::Calendar`), so the bundle grows with the number
//! of *different* days, not with the window.
//!
//! The pipeline validates every distinct reply against LINE's limits like any other, adds the
//! views to the search index (「今日」「土曜日」「ひろば」 or a centre's name find them) and their
//! words to the keyword table, and serves the iCalendar feeds of [`ics`] under `/calendar/`.

mod days;
pub mod ics;
mod menus;
mod views;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;
use serde_json::{Value, json};

use bundle::limits::MAX_FLEX_LABEL_LEN;
use bundle::postback::{self, DayView};

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex::{Renderer, actions};
use crate::locate::Origin;
use crate::lookup::{Draft, LookupError};
use crate::spec::schedule::{WEEKDAYS, weekday_name};

pub use days::Calendar;

/// Days computed ahead from the build's day.
pub const WINDOW_DAYS: u32 = 400;

/// A window cut shorter than this by the end of the holiday table is a build warning (the
/// runtime's `/readyz` warns [`bundle::WARN_DAYS`] days before the end).
pub const HOLIDAY_TABLE_WARN_DAYS: u32 = 120;

/// The days a build computes replies for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first day (the build's day in Japan).
    pub first: Date,
    /// How many days.
    pub days: u32,
}

impl Window {
    /// The day at `offset`.
    pub fn day(&self, offset: u32) -> Date {
        self.first.checked_add(i64::from(offset).days()).unwrap_or(Date::MAX)
    }

    /// The offset of `day`, when it lies in the window.
    pub fn offset(&self, day: Date) -> Option<u32> {
        let n = (day - self.first).get_days();
        u32::try_from(n).ok().filter(|n| *n < self.days)
    }

    /// The last day.
    pub fn last(&self) -> Date {
        self.day(self.days.saturating_sub(1))
    }
}

/// A search document for a view: found by free text, shown as a card that opens it.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Postback data of the view.
    pub postback: String,
    /// Card and search title.
    pub title: String,
    /// Search words.
    pub keywords: Vec<String>,
    /// One line under the title.
    pub summary: String,
    /// Searchable text (centre and programme names).
    pub body: String,
}

/// Per day offset (ascending), what a key shows from that day on.
type Runs<T> = Vec<(u32, T)>;

/// Turns a rendered reply into the JSON the bundle stores and checks it against LINE's rules:
/// the pipeline's own steps, handed down so that each distinct reply is serialised once and
/// only its bytes are kept.
pub type Finish<'a> = &'a (dyn Fn(&str, Draft) -> Vec<u8> + Sync);

/// Everything the calendar adds to a bundle, its replies already checked.
#[derive(Debug)]
pub struct Plan {
    /// The window.
    pub window: Window,
    /// Distinct replies as stored JSON.
    pub replies: Store,
    /// Reply key → runs `(first day offset, index into replies)`, offset 0 first.
    pub varying: Vec<(String, Vec<(u32, u32)>)>,
    /// Index of the reply for a view past the window's end.
    pub ended: u32,
    /// Search documents of the views.
    pub docs: Vec<Doc>,
    /// Typed words that open a view.
    pub keywords: Vec<(String, String)>,
    /// Pages shown in menus and search only up to a day, by postback data.
    pub until: BTreeMap<String, Date>,
    /// Files served under `/calendar/`: (name, text).
    pub files: Vec<(String, String)>,
}

/// Distinct replies by their bytes.
#[derive(Debug, Default)]
pub struct Store {
    /// The replies, in first-seen order.
    pub jsons: Vec<Vec<u8>>,
    index: HashMap<Vec<u8>, u32>,
}

impl Store {
    /// The index of `json`, stored once.
    pub fn add(&mut self, json: Vec<u8>) -> u32 {
        if let Some(id) = self.index.get(&json) {
            return *id;
        }
        let id = self.jsons.len() as u32;
        self.index.insert(json.clone(), id);
        self.jsons.push(json);
        id
    }
}

/// Appends a run unless the day before shows the same reply.
pub fn push_run(runs: &mut Vec<(u32, u32)>, offset: u32, id: u32) {
    if runs.last().is_none_or(|(_, last)| *last != id) {
        runs.push((offset, id));
    }
}

/// The calendar of `site` for the window starting on its build day; `None` when nothing in the
/// content depends on the date (no schedule, no event, no `expires`), so such a bundle stays as
/// it was.
pub fn plan(
    r: &Renderer,
    site: &Site,
    dir: &Path,
    finish: Finish<'_>,
    diags: &mut Diagnostics,
) -> Result<Option<Plan>, LookupError> {
    let cal = Calendar::new(site);
    let until = menus::limited_pages(site);
    if cal.is_empty() && until.is_empty() {
        return Ok(None);
    }
    let Some(window) = window(site, &cal, diags) else { return Ok(None) };
    let mut store = Store::default();
    let mut varying = Vec::new();
    // Each menu variant is checked in parallel; the store keeps one copy of equal ones.
    let menus: Vec<(String, Runs<Vec<u8>>)> = menus::menu_variants(r, site, dir, &window)?
        .into_par_iter()
        .map(|(key, runs)| {
            let runs = runs.into_iter().map(|(o, d)| (o, finish(&key, d))).collect();
            (key, runs)
        })
        .collect();
    for (key, runs) in menus {
        let mut out = Vec::new();
        for (offset, json) in runs {
            push_run(&mut out, offset, store.add(json));
        }
        varying.push((key, out));
    }
    // Problems in a view are reported at the first centre (views draw on every centre).
    let file = cal.centres.first().map_or(&site.account.source.file, |c| &c.source.file).clone();
    let origin = cal.centres.first().map_or(Origin::Account, |c| origin_of(site, c.path));
    let mut docs = Vec::new();
    let mut keywords = Vec::new();
    let mut files = Vec::new();
    if !cal.is_empty() {
        varying.extend(view_variants(r, &cal, &window, (&file, &origin), finish, &mut store)?);
        (docs, keywords) = search_entries(&cal);
        files = ics::files(&cal, &window, &site.account.title);
    }
    let ended = Draft {
        messages: vec![views::ended(window.last())],
        quick_reply: String::new(),
        file: file.clone(),
        origin,
    };
    let ended = store.add(finish("cal:ended", ended));
    Ok(Some(Plan { window, replies: store, varying, ended, docs, keywords, until, files }))
}

/// The window from the build day: [`WINDOW_DAYS`], cut at the end of the holiday table when a
/// centre closes on holidays (later days cannot be known).
fn window(site: &Site, cal: &Calendar<'_>, diags: &mut Diagnostics) -> Option<Window> {
    let mut window = Window { first: site.today, days: WINDOW_DAYS };
    let Some(centre) = cal.centres.iter().find(|c| c.schedule.closed_on_holidays) else {
        return Some(window);
    };
    let table = (cal.holidays.first_day(), cal.holidays.last_day());
    let (Some(first), Some(last)) = table else { return Some(window) };
    let hint = "祝日の表（compiler/data/syukujitsu.csv）を内閣府の最新の表で更新してください（開発者向け）";
    if site.today < first || site.today > last {
        diags.push(
            Diagnostic::error(
                &centre.source.file,
                centre.schedule.pos,
                format!(
                    "祝日の表は{first}〜{last}の分しかないため、{}の予定を作れません",
                    site.today
                ),
            )
            .with_hint(hint),
        );
        return None;
    }
    if window.last() > last {
        let days = window.offset(last).map_or(window.days, |o| o + 1);
        window.days = days;
        // The Cabinet Office publishes the next year's holidays about February, so for a few
        // months every year the table ends within the window: only a short window is news.
        if days >= HOLIDAY_TABLE_WARN_DAYS {
            return Some(window);
        }
        diags.push(
            Diagnostic::warning(
                &centre.source.file,
                centre.schedule.pos,
                format!("祝日の表が{last}までなので、予定の案内は{last}までの{days}日分です"),
            )
            .with_hint(hint),
        );
    }
    Some(window)
}

/// The views and the day each one is computed for, by reply key.
fn view_keys(cal: &Calendar<'_>) -> Vec<(String, ViewFn)> {
    let mut keys: Vec<(String, ViewFn)> = vec![
        (postback::day_view(DayView::Today), Box::new(|c, d| views::one_day(c, d, false))),
        (
            postback::day_view(DayView::Tomorrow),
            Box::new(|c, d| views::one_day(c, tomorrow(d), true)),
        ),
        (
            postback::day_view(DayView::Week),
            Box::new(|c, d| views::days(c, d, d, sunday(d), false)),
        ),
        (
            postback::day_view(DayView::NextWeek),
            Box::new(|c, d| {
                let monday = sunday(d).checked_add(1.day()).unwrap_or(d);
                views::days(c, d, monday, sunday(monday), true)
            }),
        ),
        (postback::day_view(DayView::Month), Box::new(|c, d| views::month(c, d, false))),
        (
            postback::day_view(DayView::NextMonth),
            Box::new(|c, d| {
                let first = d.first_of_month().checked_add(1.month()).unwrap_or(d);
                views::month(c, first, true)
            }),
        ),
    ];
    for w in 0..7u8 {
        let weekday = WEEKDAYS[usize::from(w)];
        keys.push((
            postback::day_view(DayView::Weekday(w)),
            Box::new(move |c, d| views::weekday(c, d, weekday)),
        ));
    }
    for (i, centre) in cal.centres.iter().enumerate() {
        keys.push((postback::centre(centre.path), Box::new(move |c, d| views::centre(c, i, d))));
    }
    keys
}

type ViewFn = Box<dyn Fn(&Calendar<'_>, Date) -> views::View + Send + Sync>;

fn tomorrow(d: Date) -> Date {
    d.tomorrow().unwrap_or(d)
}

fn sunday(d: Date) -> Date {
    views::monday(d).checked_add(6.days()).unwrap_or(d)
}

/// Every view on every day of the window: computed as data, rendered once per distinct view.
fn view_variants(
    r: &Renderer,
    cal: &Calendar<'_>,
    window: &Window,
    (file, origin): (&Path, &Origin),
    finish: Finish<'_>,
    store: &mut Store,
) -> Result<Vec<(String, Runs<u32>)>, LookupError> {
    let keys = view_keys(cal);
    // Per key and day, the view as JSON text (equal text, equal reply), interned at once so
    // that only the distinct ones are kept.
    let per_key: Vec<Vec<String>> = keys
        .par_iter()
        .map(|(_, f)| {
            (0..window.days)
                .map(|o| serde_json::to_string(&f(cal, window.day(o))).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut distinct: HashMap<String, u32> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let ids: Vec<Vec<u32>> = per_key
        .into_iter()
        .map(|texts| {
            texts
                .into_iter()
                .map(|text| {
                    *distinct.entry(text).or_insert_with_key(|text| {
                        order.push(text.clone());
                        order.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    drop(distinct);
    let keys_of: Vec<&str> = {
        // The first key showing each distinct view names it in diagnostics.
        let mut first = vec![""; order.len()];
        for ((key, _), ids) in keys.iter().zip(&ids) {
            for &id in ids {
                if first[id as usize].is_empty() {
                    first[id as usize] = key;
                }
            }
        }
        first
    };
    let finished: Vec<Vec<u8>> = order
        .par_iter()
        .zip(&keys_of)
        .map(|(text, key)| {
            let bad = |e: serde_json::Error| LookupError::TooLong {
                file: file.to_path_buf(),
                pos: (1, 1),
                message: format!("予定の案内を作れません: {e}"),
                hint: "oyako の不具合です。開発者に知らせてください".into(),
            };
            let view: views::View = serde_json::from_str(text).map_err(bad)?;
            let messages = view.render(r)?;
            let draft = Draft {
                messages,
                quick_reply: String::new(),
                file: file.to_path_buf(),
                origin: origin.clone(),
            };
            Ok(finish(key, draft))
        })
        .collect::<Result<_, LookupError>>()?;
    drop(order);
    let stored: Vec<u32> = finished.into_iter().map(|json| store.add(json)).collect();
    Ok(keys
        .iter()
        .zip(&ids)
        .map(|((key, _), ids)| {
            let mut runs = Vec::new();
            for (offset, id) in (0u32..).zip(ids) {
                push_run(&mut runs, offset, stored[*id as usize]);
            }
            (key.clone(), runs)
        })
        .collect())
}

/// What a centre's views are traced back to: its page, or its section.
fn origin_of(site: &Site, path: &str) -> Origin {
    if site.pages.contains_key(path) {
        Origin::Page(path.to_string())
    } else {
        Origin::Section(path.to_string())
    }
}

/// Search documents and keywords of the views.
///
/// Two lists per view: *exact* words open it when typed alone (「今日」「土曜日」), and go into
/// the keyword table; *search* words help free text find it (「ひろば」 in 「今日ひろばやってる？」).
/// Bare day words are kept out of search, so that 「きょうのてんき」 is not answered with the
/// centres, and words that already open something else (「イベント」 opens its menu) stay
/// search words.
fn search_entries(cal: &Calendar<'_>) -> (Vec<Doc>, Vec<(String, String)>) {
    let programmes: Vec<String> = cal
        .centres
        .iter()
        .flat_map(|c| c.schedule.programmes.iter().map(|p| p.name.clone()))
        .collect();
    let names: Vec<String> = cal.centres.iter().map(|c| c.name.to_string()).collect();
    let body = names.iter().chain(&programmes).cloned().collect::<Vec<_>>().join(" ");
    let subject =
        if cal.centres.is_empty() { "イベント" } else { "子育て支援センター" };
    let w = |words: &[&str]| words.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let with_programmes = |mut v: Vec<String>| {
        v.extend(programmes.iter().cloned());
        v
    };
    let mut entries: Vec<Entry> = vec![
        Entry {
            view: DayView::Today,
            title: format!("今日の{subject}"),
            exact: w(&[
                "今日",
                "きょう",
                "本日",
                "ほんじつ",
                "今日の予定",
                "今日のイベント",
                "今日のセンター",
            ]),
            search: with_programmes(w(&["今日の予定", "今日のイベント", "開館", "休館"])),
            summary: "開いているか、今日の予定とイベント",
        },
        Entry {
            view: DayView::Tomorrow,
            title: format!("明日の{subject}"),
            exact: w(&["明日", "あした", "あす", "明日の予定", "明日のイベント"]),
            search: w(&["明日の予定", "明日のイベント"]),
            summary: "明日の開館と予定",
        },
        Entry {
            view: DayView::Week,
            title: "今週の予定とイベント".into(),
            exact: w(&["今週", "こんしゅう", "今週の予定", "今週のイベント"]),
            search: w(&["今週の予定", "今週のイベント", "イベント", "予定"]),
            summary: "今日から日曜日まで、1日ずつ",
        },
        Entry {
            view: DayView::NextWeek,
            title: "来週の予定とイベント".into(),
            exact: w(&["来週", "らいしゅう", "来週の予定", "来週のイベント"]),
            search: w(&["来週の予定", "来週のイベント"]),
            summary: "来週の月曜日から日曜日まで",
        },
        Entry {
            view: DayView::Month,
            title: "今月のイベント・行事".into(),
            exact: w(&["今月", "こんげつ", "今月の予定", "今月のイベント"]),
            search: w(&["今月の予定", "今月のイベント", "行事", "ぎょうじ"]),
            summary: "今月のこれからのイベントと行事",
        },
        Entry {
            view: DayView::NextMonth,
            title: "来月のイベント・行事".into(),
            exact: w(&["来月", "らいげつ", "来月の予定", "来月のイベント"]),
            search: w(&["来月の予定", "来月のイベント"]),
            summary: "来月のイベントと行事",
        },
    ];
    const READINGS: [&str; 7] = [
        "げつようび",
        "かようび",
        "すいようび",
        "もくようび",
        "きんようび",
        "どようび",
        "にちようび",
    ];
    for (i, wd) in WEEKDAYS.iter().enumerate() {
        let name = weekday_name(*wd);
        let plan = format!("{name}曜日の予定");
        entries.push(Entry {
            view: DayView::Weekday(i as u8),
            title: format!("{name}曜日の{subject}"),
            exact: vec![
                format!("{name}曜日"),
                format!("{name}曜"),
                READINGS[i].to_string(),
                plan.clone(),
            ],
            search: vec![plan],
            summary: "次のその曜日の開館と予定",
        });
    }
    let mut keywords = Vec::new();
    let mut docs: Vec<Doc> = Vec::new();
    for e in entries {
        let data = postback::day_view(e.view);
        keywords.extend(e.exact.into_iter().map(|k| (k, data.clone())));
        docs.push(Doc {
            postback: data,
            title: e.title,
            keywords: e.search,
            summary: e.summary.into(),
            body: body.clone(),
        });
    }
    for c in &cal.centres {
        let data = postback::centre(c.path);
        let plan = format!("{}の予定", c.name);
        // A centre's name usually opens its page too: then both are left to search.
        keywords.push((c.name.to_string(), data.clone()));
        keywords.push((plan.clone(), data.clone()));
        let mut search = vec![c.name.to_string(), plan.clone()];
        if c.title != c.name {
            search.push(c.title.to_string());
        }
        search.extend(c.schedule.programmes.iter().map(|p| p.name.clone()));
        docs.push(Doc {
            postback: data,
            title: flex_title(&plan),
            keywords: search,
            summary: "今日から1週間の開館と予定".into(),
            body: c
                .schedule
                .programmes
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
    (docs, keywords)
}

/// One view's search entry before it becomes a [`Doc`].
struct Entry {
    view: DayView,
    title: String,
    exact: Vec<String>,
    search: Vec<String>,
    summary: &'static str,
}

fn flex_title(s: &str) -> String {
    crate::flex::clip(s, 40)
}

/// The search card of a view (same look as a page's card).
pub fn card(r: &Renderer, doc: &Doc) -> Result<Value, crate::flex::TemplateError> {
    let action = actions::postback("見る", &doc.postback, &doc.title, MAX_FLEX_LABEL_LEN);
    r.render(
        "card.json",
        json!({ "page": { "title": doc.title, "summary": doc.summary, "section": "予定" }, "action": action }),
    )
}
