//! The day-dependent views as data ([`Bubble`]s) and as Flex messages.
//!
//! A view is first computed as plain data — cheap, and comparable — so that the hundreds of
//! days of a window that show the same thing are rendered through the template only once.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use bundle::limits::{MAX_CAROUSEL_BUBBLES, MAX_FLEX_LABEL_LEN};
use bundle::postback::{self, DayView};

use super::days::{Calendar, Centre, Day};
use crate::flex::{self, Renderer, TemplateError, actions};
use crate::spec::schedule::{Closed, DayPlan, SessionStatus, WEEKDAY_NAMES, weekday_name};

/// Lines shown per group before 「ほか N件」.
const MAX_LINES: usize = 8;
/// Lines per bubble of a month view.
const MONTH_LINES_PER_BUBBLE: usize = 16;

/// One bubble of a view (the `day.json` template's context).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bubble {
    heading: String,
    subheading: Option<String>,
    groups: Vec<Group>,
    empty: Option<String>,
    buttons: Vec<Button>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Group {
    title: String,
    status: Option<String>,
    closed: bool,
    lines: Vec<Line>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Line {
    time: String,
    text: String,
    sub: Option<String>,
    cancelled: bool,
    action: Option<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Button {
    action: Value,
    primary: bool,
}

/// A view: its alt text and bubbles.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct View {
    /// The message's alt text.
    pub alt: String,
    /// One bubble, or a carousel's.
    pub bubbles: Vec<Bubble>,
}

impl View {
    /// The view as one Flex message (a bubble, or a carousel of them).
    pub fn render(&self, r: &Renderer) -> Result<Vec<Value>, TemplateError> {
        let bubbles: Vec<Value> =
            self.bubbles.iter().map(|b| r.render("day.json", b)).collect::<Result<_, _>>()?;
        let contents = match <[Value; 1]>::try_from(bubbles) {
            Ok([one]) => one,
            Err(many) => flex::carousel(many),
        };
        Ok(vec![flex::flex_message(&self.alt, contents)])
    }
}

/// `12月5日（土）`.
pub fn short_date(d: Date) -> String {
    format!("{}月{}日（{}）", d.month(), d.day(), weekday_name(d.weekday()))
}

fn view_button(label: &str, view: DayView, display: &str) -> Button {
    let action = actions::postback(label, &postback::day_view(view), display, MAX_FLEX_LABEL_LEN);
    Button { action, primary: false }
}

/// The button that opens the page listing the calendar feeds (`/calendar/`), at `anchor`.
fn subscribe_button(anchor: &str) -> Button {
    let url = format!("{}{anchor}", bundle::CALENDAR_URL_PREFIX);
    Button {
        action: actions::uri("カレンダーに登録", &url, MAX_FLEX_LABEL_LEN), primary: false
    }
}

/// How a centre stands on a day: `開館 8:30〜17:15`, or why it is closed.
fn status(centre: &Centre<'_>, plan: &DayPlan) -> (String, bool) {
    match &plan.closed {
        Some(closed) => (closed.label(), true),
        None => match centre.schedule.hours {
            Some(h) => (format!("開館 {h}"), false),
            None => ("開館".to_string(), false),
        },
    }
}

/// A centre's programmes on a day as lines (cancelled ones struck through), then its notes.
fn session_lines(plan: &DayPlan) -> Vec<Line> {
    let mut lines: Vec<Line> = plan
        .sessions
        .iter()
        .map(|s| {
            let text = match &s.place {
                Some(place) => format!("{}（{place}）", s.name),
                None => s.name.clone(),
            };
            let marker = match s.status {
                SessionStatus::Regular => None,
                SessionStatus::Changed => Some("変更あり".to_string()),
                SessionStatus::Cancelled => Some("中止".to_string()),
            };
            let sub = match (marker, &s.note) {
                (Some(m), Some(n)) => Some(format!("{m}: {n}")),
                (m, n) => m.or(n.clone()),
            };
            Line {
                time: s.time.map(|t| t.to_string()).unwrap_or_default(),
                text,
                sub,
                cancelled: s.status == SessionStatus::Cancelled,
                action: None,
            }
        })
        .collect();
    lines.extend(plan.notes.iter().map(|n| Line {
        time: "お知らせ".into(),
        text: n.clone(),
        sub: None,
        cancelled: false,
        action: None,
    }));
    lines
}

/// Events of a day as lines that open their pages.
fn event_lines(day: &Day<'_>, with_date: bool) -> Vec<Line> {
    day.events
        .iter()
        .map(|p| {
            let e = p.event.as_ref();
            let time = e.and_then(|e| e.time.clone()).unwrap_or_default();
            let time = if with_date { format!("{} {time}", short_date(day.date)) } else { time };
            let action =
                actions::postback("見る", &postback::page(&p.path), &p.title, MAX_FLEX_LABEL_LEN);
            Line {
                time: flex::clip(&time, 24),
                text: p.title.clone(),
                sub: e.and_then(|e| e.place.clone()),
                cancelled: false,
                action: Some(action),
            }
        })
        .collect()
}

/// Keeps at most [`MAX_LINES`] lines, ending with 「ほか N件」 when some are cut.
fn capped(mut lines: Vec<Line>) -> Vec<Line> {
    if lines.len() > MAX_LINES {
        let rest = lines.len() - (MAX_LINES - 1);
        lines.truncate(MAX_LINES - 1);
        lines.push(Line {
            time: String::new(),
            text: format!("ほか{rest}件"),
            sub: None,
            cancelled: false,
            action: None,
        });
    }
    lines
}

/// Every centre and the events of one day, as groups.
fn day_groups(cal: &Calendar<'_>, day: &Day<'_>) -> Vec<Group> {
    let mut groups: Vec<Group> = cal
        .centres
        .iter()
        .zip(&day.centres)
        .map(|(c, plan)| {
            let (status, closed) = status(c, plan);
            Group {
                title: c.name.to_string(),
                status: Some(status),
                closed,
                lines: capped(session_lines(plan)),
            }
        })
        .collect();
    let events = event_lines(day, false);
    if !events.is_empty() {
        groups.push(Group {
            title: "イベント".into(),
            status: None,
            closed: false,
            lines: capped(events),
        });
    }
    groups
}

/// What the account is about, for headings: the centres, or only events.
fn subject(cal: &Calendar<'_>) -> &'static str {
    if cal.centres.is_empty() { "イベント" } else { "子育て支援センター" }
}

/// 「今日」 or 「明日」: one bubble without the date, so that days alike share one reply.
pub fn one_day(cal: &Calendar<'_>, date: Date, tomorrow: bool) -> View {
    let day = cal.day(date);
    let word = if tomorrow { "明日" } else { "今日" };
    let wd = weekday_name(date.weekday());
    let mut buttons = vec![
        if tomorrow {
            view_button("今日", DayView::Today, "今日")
        } else {
            view_button("明日", DayView::Tomorrow, "明日")
        },
        view_button("今週", DayView::Week, "今週"),
        view_button("今月", DayView::Month, "今月"),
    ];
    buttons.push(subscribe_button(""));
    let groups = day_groups(cal, &day);
    let empty = groups.is_empty().then(|| format!("{word}のイベントはありません。"));
    let bubble = Bubble {
        heading: format!("{word}（{wd}）の{}", subject(cal)),
        subheading: None,
        groups,
        empty,
        buttons,
    };
    View { alt: format!("{word}（{wd}）の{}", subject(cal)), bubbles: vec![bubble] }
}

/// The coming day of weekday `w` (today when it is that day): 「土曜日」. The heading names
/// the date only, so the reply changes once a week.
pub fn weekday(cal: &Calendar<'_>, today: Date, w: Weekday) -> View {
    let ahead = (w.to_monday_zero_offset() - today.weekday().to_monday_zero_offset()).rem_euclid(7);
    let date = today.checked_add(i64::from(ahead).days()).unwrap_or(today);
    let day = cal.day(date);
    let groups = day_groups(cal, &day);
    let bubble = Bubble {
        heading: format!("{}の{}", short_date(date), subject(cal)),
        subheading: None,
        empty: groups.is_empty().then(|| "イベントはありません。".to_string()),
        groups,
        buttons: vec![
            view_button("今週", DayView::Week, "今週"),
            view_button("今日", DayView::Today, "今日"),
        ],
    };
    let name = format!("{}曜日", weekday_name(w));
    View {
        alt: format!("{name}（{}）の{}", short_date(date), subject(cal)), bubbles: vec![bubble]
    }
}

/// Day by day from `from` to `to` (a week): one bubble per day.
pub fn days(cal: &Calendar<'_>, today: Date, from: Date, to: Date, next: bool) -> View {
    let mut bubbles = Vec::new();
    let mut date = from;
    while date <= to && bubbles.len() < MAX_CAROUSEL_BUBBLES {
        let day = cal.day(date);
        let groups = day_groups(cal, &day);
        // Next week's bubbles carry no 「明日」, so the reply changes once a week.
        let when = match (next, (date - today).get_days()) {
            (false, 0) => Some("今日".to_string()),
            (false, 1) => Some("明日".to_string()),
            _ => None,
        };
        bubbles.push(Bubble {
            heading: short_date(date),
            subheading: when,
            empty: groups.is_empty().then(|| "予定はありません。".to_string()),
            groups,
            buttons: Vec::new(),
        });
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    let (word, buttons) = if next {
        (
            "来週",
            vec![
                view_button("今週", DayView::Week, "今週"),
                view_button("今月", DayView::Month, "今月"),
            ],
        )
    } else {
        (
            "今週",
            vec![
                view_button("来週", DayView::NextWeek, "来週"),
                view_button("今月", DayView::Month, "今月"),
            ],
        )
    };
    if let Some(last) = bubbles.last_mut() {
        last.buttons = buttons;
    }
    View { alt: format!("{word}の予定（{}〜{}）", short_date(from), short_date(to)), bubbles }
}

/// Monday of `date`'s week.
pub fn monday(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    date.checked_sub(back.days()).unwrap_or(date)
}

/// What a month view lists for a day: events, programmes that are not weekly, changes,
/// notes and closures other than the regular closed weekdays.
fn notable(cal: &Calendar<'_>, day: &Day<'_>) -> Vec<Line> {
    let mut lines = Vec::new();
    for (c, plan) in cal.centres.iter().zip(&day.centres) {
        let centre = |text: String| {
            if cal.centres.len() > 1 { format!("{text}・{}", c.name) } else { text }
        };
        match &plan.closed {
            Some(Closed::Weekday) => {}
            Some(closed) => lines.push(Line {
                time: String::new(),
                text: centre(closed.label()),
                sub: None,
                cancelled: false,
                action: None,
            }),
            None => {}
        }
        let weekly: Vec<usize> = c.weekly().map(|(i, _)| i).collect();
        for (s, line) in plan.sessions.iter().zip(session_lines(plan)) {
            if weekly.contains(&s.programme) && s.status == SessionStatus::Regular {
                continue;
            }
            lines.push(Line { text: centre(line.text), ..line });
        }
        for n in &plan.notes {
            lines.push(Line {
                time: "お知らせ".into(),
                text: centre(n.clone()),
                sub: None,
                cancelled: false,
                action: None,
            });
        }
    }
    lines.extend(event_lines(day, false));
    lines
}

/// The weekly programmes once, as the first group of a month view.
fn weekly_group(cal: &Calendar<'_>) -> Option<Group> {
    let mut lines = Vec::new();
    for c in &cal.centres {
        for (i, days) in c.weekly() {
            let p = &c.schedule.programmes[i];
            let names: Vec<&str> = (0..7).filter(|&d| days[d]).map(|d| WEEKDAY_NAMES[d]).collect();
            let text = if cal.centres.len() > 1 {
                format!("{}・{}", p.name, c.name)
            } else {
                p.name.clone()
            };
            lines.push(Line {
                time: names.join("・"),
                text,
                sub: p.time.map(|t| t.to_string()),
                cancelled: false,
                action: None,
            });
        }
    }
    (!lines.is_empty()).then(|| Group {
        title: "毎週の予定（祝日・休館日をのぞく）".into(),
        status: None,
        closed: false,
        lines: capped(lines),
    })
}

/// The rest of a month from `from` (the whole month when `from` is its first day): events,
/// special programmes and closures, day by day, in bubbles of a few weeks.
pub fn month(cal: &Calendar<'_>, from: Date, next: bool) -> View {
    let label = format!("{}年{}月", from.year(), from.month());
    let mut groups: Vec<Group> = weekly_group(cal).into_iter().collect();
    let mut date = from;
    while date.month() == from.month() {
        let day = cal.day(date);
        let lines = notable(cal, &day);
        if !lines.is_empty() {
            groups.push(Group {
                title: short_date(date),
                status: None,
                closed: false,
                lines: capped(lines),
            });
        }
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    let heading = format!("{label}のイベント・行事");
    let subheading = (!next && from.day() > 1).then(|| format!("{}から", short_date(from)));
    let mut bubbles: Vec<Bubble> = Vec::new();
    let mut current: Vec<Group> = Vec::new();
    let mut lines = 0;
    for g in groups {
        let n = g.lines.len() + 1;
        if !current.is_empty() && lines + n > MONTH_LINES_PER_BUBBLE {
            bubbles.push(month_bubble(
                &heading,
                &subheading,
                std::mem::take(&mut current),
                bubbles.len(),
            ));
            lines = 0;
        }
        lines += n;
        current.push(g);
    }
    if !current.is_empty() || bubbles.is_empty() {
        bubbles.push(month_bubble(&heading, &subheading, current, bubbles.len()));
    }
    bubbles.truncate(MAX_CAROUSEL_BUBBLES);
    let buttons = if next {
        vec![
            view_button("今月", DayView::Month, "今月"),
            view_button("今週", DayView::Week, "今週"),
        ]
    } else {
        vec![
            view_button("来月", DayView::NextMonth, "来月"),
            view_button("今週", DayView::Week, "今週"),
        ]
    };
    if let Some(last) = bubbles.last_mut() {
        last.buttons = buttons;
        last.buttons.push(subscribe_button(""));
    }
    View { alt: heading, bubbles }
}

fn month_bubble(
    heading: &str,
    subheading: &Option<String>,
    groups: Vec<Group>,
    index: usize,
) -> Bubble {
    Bubble {
        heading: if index == 0 { heading.to_string() } else { format!("{heading}（つづき）") },
        subheading: subheading.clone().filter(|_| index == 0),
        empty: groups.is_empty().then(|| "これからのイベント・行事はありません。".to_string()),
        groups,
        buttons: Vec::new(),
    }
}

/// One centre: today and the next six days, its page and its calendar feed.
pub fn centre(cal: &Calendar<'_>, index: usize, today: Date) -> View {
    let c = &cal.centres[index];
    let mut groups = Vec::new();
    let mut date = today;
    for n in 0..7 {
        let plan = c.schedule.plan(date, cal.holidays);
        let (status, closed) = status(c, &plan);
        let title = match n {
            0 => format!("今日 {}", short_date(date)),
            1 => format!("明日 {}", short_date(date)),
            _ => short_date(date),
        };
        let lines = session_lines(&plan);
        groups.push(Group { title, status: Some(status), closed, lines: capped(lines) });
        match date.tomorrow() {
            Ok(d) => date = d,
            Err(_) => break,
        }
    }
    let opens = actions::postback("くわしい案内", &c.opens, c.title, MAX_FLEX_LABEL_LEN);
    let bubble = Bubble {
        heading: format!("{}の予定", c.name),
        subheading: subheading(c),
        groups,
        empty: None,
        buttons: vec![
            Button { action: opens, primary: true },
            view_button("今月の行事", DayView::Month, "今月"),
            subscribe_button(&format!("#{}", c.slug())),
        ],
    };
    View { alt: format!("{}の予定（今日から1週間）", c.name), bubbles: vec![bubble] }
}

/// 「開館時間 8:30〜17:15」 and the centre's note.
fn subheading(c: &Centre<'_>) -> Option<String> {
    let hours = c.schedule.hours.map(|h| format!("開館時間 {h}"));
    match (hours, &c.schedule.note) {
        (Some(h), Some(n)) => Some(format!("{h}\n{n}")),
        (h, n) => h.or(n.clone()),
    }
}

/// Sent for a calendar reply past the window's end.
pub fn ended(last_day: Date) -> Value {
    flex::text_message(&format!(
        "ごめんなさい。予定の案内は{}年{}月{}日の分までしか用意されていません。新しい予定は、担当者が LINE の内容を更新するまでお待ちください。",
        last_day.year(),
        last_day.month(),
        last_day.day()
    ))
}
