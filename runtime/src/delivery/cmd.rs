//! `oyako timeline` (what a child registered today would receive, and when) and
//! `oyako deliver` (one day's delivery by hand). Output is for city staff: Japanese.

use std::path::PathBuf;
use std::process::ExitCode;

use bundle::Anchor;
use bundle::timed::japanese_date;
use jiff::civil::Date;

use crate::timed::plan::{ChildPlan, question_day, upcoming};

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

/// `oyako deliver`.
#[derive(Debug, Clone)]
pub struct DeliverOptions {
    /// The bundle directory.
    pub bundle: PathBuf,
    /// The state directory shared with `oyako serve`.
    pub state_dir: PathBuf,
    /// The day to deliver (default: today in Japan).
    pub date: Option<Date>,
    /// Print the sends instead of making them.
    pub dry_run: bool,
}

/// Runs one day's delivery by hand.
pub fn deliver(opts: &DeliverOptions) -> ExitCode {
    let run = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let result = match run {
        Ok(rt) => rt.block_on(run_deliver(opts)),
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oyako deliver: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run_deliver(opts: &DeliverOptions) -> Result<(), String> {
    let bundle = bundle::load(&opts.bundle)
        .map_err(|e| format!("バンドル {} を読めません: {e}", opts.bundle.display()))?;
    let env = |name: &str| std::env::var(name).ok();
    let policy = super::day::Policy::from_env(env)?;
    let real_now = jiff::Timestamp::now();
    let day = opts.date.unwrap_or_else(|| bundle::japan::date_of(real_now));
    // A given day is delivered as at its delivery time (a catch-up or a simulated day).
    let now = match opts.date {
        Some(d) => policy.send_time(d).max(bundle::japan::start_of(d)),
        None => real_now,
    };
    let key = env("OYAKO_DATA_KEY");
    let service =
        crate::timed::Service::open(&opts.state_dir, key.as_deref(), day, now.as_millisecond())
            .map_err(|e| format!("{} の登録データを開けません: {e}", opts.state_dir.display()))?;
    let api = match opts.dry_run {
        true => None,
        false => {
            let config = crate::notices::ApiConfig::from_env(env).map_err(|e| e.to_string())?;
            Some(
                crate::notices::Api::new(&config, policy.attempt_timeout)
                    .map_err(|e| e.to_string())?,
            )
        }
    };
    let report = super::day::deliver_day(
        api.as_ref(),
        service.store(),
        &bundle.timed,
        day,
        now,
        &policy,
        opts.dry_run,
    )
    .await
    .map_err(|e| e.to_string())?;
    if report.busy {
        return Err(
            "ほかのプロセス（oyako serve など）が配信中です。終わってからやり直してください".into(),
        );
    }
    let title = |id: &str| {
        bundle.timed.step(id).map_or("生まれましたか？の確認", |s| s.title.as_str())
    };
    match opts.dry_run {
        true => {
            println!("{day} の配信予定（送りません）: {} 件の送信", report.sends.len());
            for s in &report.sends {
                let how = if s.children.len() == 1 { "push" } else { "multicast" };
                println!(
                    "  {}（{}）: {} 人、{how}、X-Line-Retry-Key {}",
                    title(&s.step),
                    s.step,
                    s.children.len(),
                    s.key
                );
            }
        }
        false => {
            let total: usize = report.sent.values().sum();
            println!(
                "{day} の配信: {total} 通を送りました（失敗 {}、再送待ち {}）",
                report.failed, report.open
            );
            for (step, n) in &report.sent {
                println!("  {}（{step}）: {n} 人", title(step));
            }
        }
    }
    if report.failed > 0 || report.open > 0 {
        return Err("送れなかった配信があります（ログを確認してください。再送待ちは次の実行で同じ retry key で送ります）".into());
    }
    Ok(())
}
