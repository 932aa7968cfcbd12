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
    // `now` is the real time even for a given --date: it stamps the journal's attempts, and
    // LINE's retry keys live 24 h of real time.
    let now = jiff::Timestamp::now();
    let day = opts.date.unwrap_or_else(|| bundle::japan::date_of(now));
    let key = env("OYAKO_DATA_KEY");
    // The same directory as `oyako serve`: OYAKO_TIMED_DIR, else the state directory.
    let dir = env("OYAKO_TIMED_DIR")
        .filter(|d| !d.trim().is_empty())
        .map_or_else(|| opts.state_dir.clone(), |d| PathBuf::from(d.trim()));
    let service = crate::timed::Service::open(&dir, key.as_deref(), day, now.as_millisecond())
        .map_err(|e| format!("{} の登録データを開けません: {e}", dir.display()))?;
    // Sends (and children dropped at school entry) count in the KPI journal of the state
    // directory, as those of `oyako serve` do.
    let kpi = match opts.dry_run {
        true => None,
        false => {
            let salt = env("OYAKO_HASH_SALT");
            let instance = env("OYAKO_INSTANCE")
                .filter(|i| !i.trim().is_empty())
                .map_or_else(|| "deliver".to_string(), |i| format!("{}-deliver", i.trim()));
            match crate::kpi::Kpi::open(&opts.state_dir, salt, Some(instance)) {
                Ok(kpi) => Some(kpi),
                Err(e) => {
                    eprintln!(
                        "（KPI の記録を開けないため、この配信は oyako report に数えられません: {e}）"
                    );
                    None
                }
            }
        }
    };
    if let Some(kpi) = &kpi {
        service.record_to(kpi.timed_recorder());
    }
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
    let run = |now| {
        super::day::deliver_day(
            api.as_ref(),
            service.store(),
            &bundle.timed,
            day,
            now,
            &policy,
            opts.dry_run,
        )
    };
    let mut report = run(now).await.map_err(|e| e.to_string())?;
    // Sends left open (no answer, a 5xx) are repeated with the same key for a while, so one
    // run normally settles them; see `day` for what happens past the key's life.
    let started = std::time::Instant::now();
    let mut wait = RETRY_FIRST;
    while report.open > 0 && !report.busy && started.elapsed() + wait <= RETRY_FOR {
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(RETRY_MAX);
        let again = run(jiff::Timestamp::now()).await.map_err(|e| e.to_string())?;
        report.absorb(again);
    }
    if let Some(kpi) = &kpi
        && let Err(e) = kpi.writer().flush().await
    {
        eprintln!("（KPI の記録を書けませんでした: {e}）");
    }
    if report.busy {
        return Err(
            "ほかのプロセス（oyako serve など）が配信中です。終わってからやり直してください".into(),
        );
    }
    print!("{}", describe(&report, &bundle.timed, day, &policy, opts.dry_run));
    if !report.failed.is_empty() || !report.unknown.is_empty() || report.open > 0 {
        return Err("送れなかった配信があります（上の説明とログを確認してください）".into());
    }
    Ok(())
}

/// How long `oyako deliver` keeps repeating open sends before it gives the operator the
/// deadline instead, and its backoff.
const RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(10 * 60);
const RETRY_FIRST: std::time::Duration = std::time::Duration::from_secs(1);
const RETRY_MAX: std::time::Duration = std::time::Duration::from_secs(60);

/// What `oyako deliver` prints: the sends, and for each problem what it means and what to do.
fn describe(
    report: &super::day::Report,
    timed: &bundle::Timed,
    day: Date,
    policy: &super::day::Policy,
    dry_run: bool,
) -> String {
    use std::fmt::Write as _;
    let title =
        |id: &str| timed.step(id).map_or("生まれましたか？の確認", |s| s.title.as_str());
    let at = |t: jiff::Timestamp| {
        let z = t.to_zoned_datetime(bundle::japan::zone());
        format!("{} {:02}:{:02}", japanese_date(z.date()), z.hour(), z.minute())
    };
    let mut out = String::new();
    if dry_run {
        let _ = writeln!(out, "{day} の配信予定（送りません）: {} 件の送信", report.sends.len());
        for s in &report.sends {
            let how = if s.children.len() == 1 { "push" } else { "multicast" };
            let _ = writeln!(
                out,
                "  {}（{}）: {} 人、{how}、X-Line-Retry-Key {}",
                title(&s.step),
                s.step,
                s.children.len(),
                s.key
            );
        }
        return out;
    }
    let total: usize = report.sent.values().sum();
    let _ = writeln!(
        out,
        "{day} の配信: {total} 通を送りました（LINE が受け付けなかった送信 {}、届いたか確認できない送信 {}、再送待ち {}）",
        report.failed.len(),
        report.unknown.len(),
        report.open
    );
    for (step, n) in &report.sent {
        let _ = writeln!(out, "  {}（{step}）: {n} 人", title(step));
    }
    for p in &report.failed {
        let _ = writeln!(
            out,
            "  LINE が受け付けなかった送信: {}（{}）{} 人 — {}。届いていません。{} 日の猶予のうちに次の日の配信でもう一度送ります（ページやトークンを直してください）。",
            title(&p.step),
            p.step,
            p.children,
            p.detail,
            policy.grace_days
        );
    }
    for p in &report.unknown {
        let _ = writeln!(
            out,
            "  届いたか確認できない送信: {}（{}）{} 人、最初の送信 {} — {}。二重に届くおそれがあるため、送り直しません。",
            title(&p.step),
            p.step,
            p.children,
            at(p.first),
            p.detail
        );
    }
    if let Some(first) = report.oldest_open.filter(|_| report.open > 0) {
        let until = crate::notices::schedule::add(first, policy.retry_window);
        let _ = writeln!(
            out,
            "  再送待ち {} 件: LINE から返事がありません。{} までに oyako deliver をもう一度実行すれば、同じ再送キーで安全に送り直します。それを過ぎると「届いたか確認できない送信」として記録し、送り直しません。",
            report.open,
            at(until)
        );
    }
    out
}
