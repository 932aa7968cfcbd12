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
use jiff::civil::{Date, Weekday};
use rayon::prelude::*;
use serde_json::{Value, json};

use bundle::limits::MAX_FLEX_LABEL_LEN;
use bundle::postback::{self, DayView};

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex::{Renderer, actions};
use crate::lookup::{Draft, LookupError};
use crate::spec::schedule::weekday_name;

pub use days::Calendar;

/// Days computed ahead from the build's day.
pub const WINDOW_DAYS: u32 = 400;

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

/// Everything the calendar adds to a bundle, before validation.
#[derive(Debug)]
pub struct Plan {
    /// The window.
    pub window: Window,
    /// Reply key → drafts from the days they start on (offset 0 first).
    pub varying: Vec<(String, Vec<(u32, Draft)>)>,
    /// Sent for a view past the window's end.
    pub ended: Draft,
    /// Search documents of the views.
    pub docs: Vec<Doc>,
    /// Typed words that open a view.
    pub keywords: Vec<(String, String)>,
    /// Pages shown in menus and search only up to a day, by postback data.
    pub until: BTreeMap<String, Date>,
    /// Files served under `/calendar/`: (name, text).
    pub files: Vec<(String, String)>,
}

/// The calendar of `site` for the window starting on its build day; `None` when nothing in the
/// content depends on the date (no schedule, no event, no `expires`), so such a bundle stays as
/// it was.
pub fn plan(
    r: &Renderer,
    site: &Site,
    dir: &Path,
    diags: &mut Diagnostics,
) -> Result<Option<Plan>, LookupError> {
    let cal = Calendar::new(site);
    let until = menus::limited_pages(site);
    if cal.is_empty() && until.is_empty() {
        return Ok(None);
    }
    let Some(window) = window(site, &cal, diags) else { return Ok(None) };
    let mut varying = menus::menu_variants(r, site, dir, &window)?;
    let file = cal.centres.first().map_or(&site.account.source.file, |c| &c.source.file).clone();
    let mut docs = Vec::new();
    let mut keywords = Vec::new();
    let mut files = Vec::new();
    if !cal.is_empty() {
        varying.extend(view_variants(r, &cal, &window, &file)?);
        (docs, keywords) = search_entries(&cal);
        files = ics::files(&cal, &window, &site.account.title);
    }
    let ended = Draft {
        messages: vec![views::ended(window.last())],
        quick_reply: String::new(),
        file: file.clone(),
    };
    Ok(Some(Plan { window, varying, ended, docs, keywords, until, files }))
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
        diags.push(
            Diagnostic::warning(
                &centre.source.file,
                centre.schedule.pos,
                format!("祝日の表が{last}までなので、予定の案内は{last}までの{days}日分です"),
            )
            .with_hint(hint),
        );
        window.days = days;
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

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

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
    file: &Path,
) -> Result<Vec<(String, Vec<(u32, Draft)>)>, LookupError> {
    let keys = view_keys(cal);
    // Per key and day, the view as JSON text: equal text, equal reply.
    let texts: Vec<Vec<String>> = keys
        .par_iter()
        .map(|(_, f)| {
            (0..window.days)
                .map(|o| serde_json::to_string(&f(cal, window.day(o))).unwrap_or_default())
                .collect()
        })
        .collect();
    let mut distinct: HashMap<&str, usize> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for text in texts.iter().flatten() {
        distinct.entry(text).or_insert_with(|| {
            order.push(text);
            order.len() - 1
        });
    }
    let rendered: Vec<Vec<Value>> = order
        .par_iter()
        .map(|text| {
            let view: views::View =
                serde_json::from_str(text).map_err(|e| LookupError::TooLong {
                    file: file.to_path_buf(),
                    pos: (1, 1),
                    message: format!("予定の案内を作れません: {e}"),
                })?;
            view.render(r).map_err(LookupError::from)
        })
        .collect::<Result<_, _>>()?;
    let draft = |i: usize| Draft {
        messages: rendered[i].clone(),
        quick_reply: String::new(),
        file: file.to_path_buf(),
    };
    Ok(keys
        .iter()
        .zip(&texts)
        .map(|((key, _), texts)| {
            let mut runs: Vec<(u32, Draft)> = Vec::new();
            let mut last = None;
            for (offset, text) in (0u32..).zip(texts) {
                let id = distinct[text.as_str()];
                if last != Some(id) {
                    runs.push((offset, draft(id)));
                    last = Some(id);
                }
            }
            (key.clone(), runs)
        })
        .collect())
}

/// Search documents and keywords of the views.
fn search_entries(cal: &Calendar<'_>) -> (Vec<Doc>, Vec<(String, String)>) {
    let centre_words: Vec<String> = cal
        .centres
        .iter()
        .flat_map(|c| {
            std::iter::once(c.name.to_string())
                .chain(c.schedule.programmes.iter().map(|p| p.name.clone()))
        })
        .collect();
    let body = centre_words.join(" ");
    let subject =
        if cal.centres.is_empty() { "イベント" } else { "子育て支援センター" };
    let w = |words: &[&str]| words.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut entries: Vec<(DayView, String, Vec<String>, String)> = vec![
        (
            DayView::Today,
            format!("今日の{subject}"),
            w(&[
                "今日",
                "きょう",
                "本日",
                "ほんじつ",
                "今日の予定",
                "今日のイベント",
                "今日のセンター",
                "開館",
                "休館",
            ]),
            "開いているか、今日の予定とイベント".into(),
        ),
        (
            DayView::Tomorrow,
            format!("明日の{subject}"),
            w(&["明日", "あした", "あす", "明日の予定", "明日のイベント"]),
            "明日の開館と予定".into(),
        ),
        (
            DayView::Week,
            "今週の予定とイベント".into(),
            w(&["今週", "こんしゅう", "今週の予定", "今週のイベント", "イベント", "予定"]),
            "今日から日曜日まで、1日ずつ".into(),
        ),
        (
            DayView::NextWeek,
            "来週の予定とイベント".into(),
            w(&["来週", "らいしゅう", "来週の予定", "来週のイベント"]),
            "来週の月曜日から日曜日まで".into(),
        ),
        (
            DayView::Month,
            "今月のイベント・行事".into(),
            w(&["今月", "こんげつ", "今月の予定", "今月のイベント", "行事", "ぎょうじ"]),
            "今月のこれからのイベントと行事".into(),
        ),
        (
            DayView::NextMonth,
            "来月のイベント・行事".into(),
            w(&["来月", "らいげつ", "来月の予定", "来月のイベント"]),
            "来月のイベントと行事".into(),
        ),
    ];
    for (i, wd) in WEEKDAYS.iter().enumerate() {
        let name = weekday_name(*wd);
        let reading = [
            "げつようび",
            "かようび",
            "すいようび",
            "もくようび",
            "きんようび",
            "どようび",
            "にちようび",
        ][i];
        entries.push((
            DayView::Weekday(i as u8),
            format!("{name}曜日の{subject}"),
            vec![format!("{name}曜日"), format!("{name}曜"), reading.to_string()],
            format!("次の{name}曜日の開館と予定"),
        ));
    }
    let mut docs: Vec<Doc> = entries
        .into_iter()
        .map(|(view, title, keywords, summary)| Doc {
            postback: postback::day_view(view),
            title,
            keywords,
            summary,
            body: body.clone(),
        })
        .collect();
    for c in &cal.centres {
        let mut keywords = vec![c.name.to_string(), format!("{}の予定", c.name)];
        if c.title != c.name {
            keywords.push(c.title.to_string());
        }
        keywords.extend(c.schedule.programmes.iter().map(|p| p.name.clone()));
        docs.push(Doc {
            postback: postback::centre(c.path),
            title: flex_title(&format!("{}の予定", c.name)),
            keywords,
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
    let mut keywords = Vec::new();
    for doc in &docs {
        for k in &doc.keywords {
            // Programme names ("ひろば") belong to several views: left to search.
            let shared = docs.iter().filter(|d| d.keywords.contains(k)).count() > 1;
            if !shared {
                keywords.push((k.clone(), doc.postback.clone()));
            }
        }
        keywords.push((doc.title.clone(), doc.postback.clone()));
    }
    (docs, keywords)
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
