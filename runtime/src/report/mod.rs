//! `oyako report`: the KPI journals of one or more state directories summed up for staff.
//!
//! - `read` gathers the records of every replica and day (torn lines skipped, duplicates
//!   dropped);
//! - `tables` computes friends per day, satisfaction per survey (last answer per parent),
//!   taps per page, searches that found nothing and comments; `growth` friends by channel
//!   (where they heard of the account), new versus returning friends, blocks after each
//!   notice and the pace towards the goal;
//! - `timed` computes the timed messages' registrations, sign-ups per week, stops, and
//!   messages and blocks per step;
//! - `wilson` is the 95 % interval of a satisfied share;
//! - `insight` asks LINE for its own friend count (when a token is set);
//! - `text`, `html` and `csv` write the results: a Japanese summary on stdout, one
//!   self-contained HTML page with inline SVG charts, one CSV file per table.

mod csv;
mod growth;
mod html;
mod insight;
mod read;
mod tables;
mod text;
mod timed;
mod wilson;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use bundle::Bundle;

pub use growth::{ChannelCount, Goal, NoticeBlocks, PACE_DAYS, Pace, SentNotice};
pub use insight::LineFriends;
pub use tables::{ChoiceCount, CommentRow, FriendsDay, Period, SurveyStats, Tables, TapCount};
pub use timed::{BLOCK_WINDOW_MS, SignupWeek, StepStats, TimedStats};
pub use wilson::{Z95, wilson, wilson95};

/// The city's goal for friends in the first year.
pub const FRIENDS_GOAL: i64 = 500;
/// The city's goal for the satisfied share.
pub const SATISFIED_GOAL: f64 = 0.80;

/// What `oyako report` was asked for.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// State directories to read (every replica's, or one shared volume).
    pub state_dirs: Vec<PathBuf>,
    /// The period (both ends included, days in Japan).
    pub period: Period,
    /// Where to write the HTML page.
    pub html: Option<PathBuf>,
    /// Directory for the CSV files.
    pub csv: Option<PathBuf>,
    /// A bundle to name pages and surveys from.
    pub bundle: Option<PathBuf>,
}

/// A finished report.
#[derive(Debug)]
pub struct Report {
    /// The period asked for.
    pub period: Period,
    /// The tables.
    pub tables: Tables,
    /// The timed messages' tables.
    pub timed: TimedStats,
    /// LINE's friend count.
    pub line: LineFriends,
    /// Journal files read.
    pub files: usize,
    /// Records used.
    pub records: usize,
    /// Damaged lines skipped (a torn last line after a crash).
    pub skipped: usize,
    /// Records read twice (redeliveries, replicas) and counted once.
    pub duplicates: usize,
    /// When the report was made (Unix ms).
    pub made_at: i64,
}

/// Reads the journals and computes the report; `env` gives `LINE_CHANNEL_ACCESS_TOKEN` and
/// `LINE_API_BASE` for LINE's friend count.
pub fn build(opts: &ReportOptions, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Report> {
    if opts.state_dirs.is_empty() {
        anyhow::bail!("no state directory given (--state-dir)");
    }
    let read = read::read(&opts.state_dirs)?;
    let bundle = opts.bundle.as_deref().map(load_bundle).transpose()?;
    let tables = tables::tables(&read.records, &read.sent, opts.period, bundle.as_ref());
    let timed = timed::stats(&read.records, opts.period, bundle.as_ref());
    let line =
        insight::fetch(env, bundle::japan::today().yesterday().unwrap_or(jiff::civil::Date::MIN));
    Ok(Report {
        period: opts.period,
        tables,
        timed,
        line,
        files: read.files,
        records: read.records.len(),
        skipped: read.skipped,
        duplicates: read.duplicates,
        made_at: bundle::japan::now_millis(),
    })
}

/// Builds the report, writes the HTML page and CSV files asked for, and returns the text
/// summary.
pub fn run(opts: &ReportOptions, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<String> {
    let report = build(opts, env)?;
    if let Some(path) = &opts.html {
        std::fs::write(path, html::render(&report))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(dir) = &opts.csv {
        csv::write_all(&report, dir)
            .with_context(|| format!("cannot write CSV to {}", dir.display()))?;
    }
    Ok(text::render(&report))
}

impl Report {
    /// The text summary.
    pub fn text(&self) -> String {
        text::render(self)
    }

    /// The HTML page.
    pub fn html(&self) -> String {
        html::render(self)
    }
}

fn load_bundle(dir: &Path) -> anyhow::Result<Bundle> {
    bundle::load(dir).with_context(|| format!("cannot load the bundle in {}", dir.display()))
}

impl Report {
    /// Friends to compare the registered parents with: LINE's reachable friends when LINE
    /// answered, else the journal's count at the end of the period; and where it comes from.
    pub fn friends_for_share(&self) -> Option<(i64, &'static str)> {
        if let LineFriends::Answer { status, followers: Some(f), blocks, .. } = &self.line
            && status == "ready"
        {
            return Some((f.saturating_sub(blocks.unwrap_or(0)) as i64, "LINE の集計"));
        }
        let last = self.tables.friends.last()?;
        (last.cumulative > 0).then_some((last.cumulative, "ジャーナル"))
    }

    /// The share of friends who registered a child, with the friends' source.
    pub fn registered_share(&self) -> Option<(f64, i64, &'static str)> {
        let (friends, source) = self.friends_for_share()?;
        (friends > 0).then(|| (self.timed.parents as f64 / friends as f64, friends, source))
    }
}

/// Why timed registrations ended, in words for staff.
fn why_text(why: &str) -> &str {
    match why {
        "stop" => "配信停止",
        "unfollow" => "ブロック",
        "delete" => "登録の削除",
        "quiet" => "予定日後の確認で「配信を止める」",
        "end" => "小学校入学で終了",
        other => other,
    }
}

/// `85.0%`.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// The period in words, e.g. `2026-11-01〜2026-11-30` or `全期間`.
fn period_text(period: Period) -> String {
    match (period.from, period.to) {
        (None, None) => "全期間".to_string(),
        (from, to) => format!(
            "{}〜{}",
            from.map_or_else(String::new, |d| d.to_string()),
            to.map_or_else(String::new, |d| d.to_string())
        ),
    }
}
