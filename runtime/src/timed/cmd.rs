//! `oyako timeline` (what a child registered today would receive, and when) and
//! `oyako deliver` (one day's delivery by hand). Output is for city staff: Japanese.

use std::path::PathBuf;
use std::process::ExitCode;

use bundle::Anchor;
use bundle::timed::japanese_date;
use jiff::civil::Date;

use super::plan::{ChildPlan, question_day, upcoming};

/// `oyako timeline`.
#[derive(Debug, Clone)]
pub struct TimelineOptions {
    /// The bundle directory.
    pub bundle: PathBuf,
    /// Due date or birthday, and the date.
    pub anchor: Anchor,
    /// The date.
    pub date: Date,
    /// The registration day (default: today in Japan).
    pub today: Option<Date>,
}

/// Prints the timeline of a child registered on `today`.
pub fn timeline(opts: &TimelineOptions) -> ExitCode {
    match print_timeline(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oyako: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_timeline(opts: &TimelineOptions) -> Result<(), String> {
    let bundle = bundle::load(&opts.bundle)
        .map_err(|e| format!("バンドル {} を読めません: {e}", opts.bundle.display()))?;
    let today = opts.today.unwrap_or_else(bundle::japan::today);
    if bundle.timed.is_empty() {
        println!("このバンドルには配信（timed:）のページがありません。");
        return Ok(());
    }
    let child = ChildPlan { anchor: opts.anchor, date: opts.date, registered: today };
    println!(
        "{} {}、{}に登録した場合の配信予定（各日の配信時刻に送ります）:",
        opts.anchor.japanese(),
        japanese_date(opts.date),
        japanese_date(today)
    );
    let steps = upcoming(&bundle.timed, &child, today);
    for (day, step) in &steps {
        println!("{day}  {}  {}（{}）", step.label, step.title, step.id);
    }
    if let Some(q) = question_day(&child) {
        println!("{q}  生まれましたか？の確認（返事があるまで、これより後は送りません）");
    }
    if steps.is_empty() {
        println!("（これから届く配信はありません）");
    }
    println!("{}  配信終了（小学校入学）", child.end());
    Ok(())
}
