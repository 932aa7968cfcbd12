//! `oyako notices` (what is upcoming, sent, missed or failed) and `oyako send` (send one notice
//! now, to everyone or only to staff phones, or print the request with `--dry-run`).
//!
//! Output is for city staff, so it is Japanese; status words stay English (`upcoming`, `sent`,
//! `missed`, `failed`, plus `due` and `sending`) so scripts can grep them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bundle::Notice;
use jiff::Timestamp;

use super::api::{self, Api, ApiConfig, describe, notice_request, test_requests};
use super::progress;
use super::schedule::{
    self, Decision, History, Phase, Policy, Record, RecordKind, Status, retry_key, uuid_of,
};
use super::send::{Attempt, Scheduler, journal_path, read_histories};

/// How long `oyako send` keeps retrying before leaving the rest to `oyako serve`.
const CLI_RETRY_LIMIT: Duration = Duration::from_secs(10 * 60);
/// Attempts of a test send before giving up (it has no journal to resume from).
const TEST_ATTEMPTS: u32 = 3;
/// After `oyako send` saw a narrowcast accepted, when it first asks LINE how it went (the
/// operator is waiting; later reads back off like the scheduler's).
const CLI_FIRST_PROGRESS: Duration = Duration::from_secs(2);

/// `oyako notices`.
#[derive(Debug, Clone)]
pub struct ListOptions {
    /// The bundle directory.
    pub bundle: PathBuf,
    /// The state directory holding `notices.jsonl`.
    pub state_dir: PathBuf,
    /// The time to list at (default: now).
    pub now: Option<Timestamp>,
}

/// `oyako send`.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// The notice id (page path).
    pub notice: String,
    /// The bundle directory.
    pub bundle: PathBuf,
    /// The state directory holding `notices.jsonl`.
    pub state_dir: PathBuf,
    /// Print the request instead of sending.
    pub dry_run: bool,
    /// Only these users (test sends to staff phones; not journalled).
    pub to: Vec<String>,
    /// Send again a narrowcast that LINE accepted but then failed to deliver (or would not
    /// say): the operator's decision, never the scheduler's.
    pub resend: bool,
}

/// Lists every notice of the bundle with its status.
pub fn list(opts: &ListOptions) -> ExitCode {
    finish(list_notices(opts))
}

fn list_notices(opts: &ListOptions) -> Result<(), String> {
    let mut notices = load_notices(&opts.bundle)?;
    let policy = policy()?;
    let histories = read_histories(&journal_path(&opts.state_dir))
        .map_err(|e| format!("{} を読めません: {e}", journal_path(&opts.state_dir).display()))?;
    let now = opts.now.unwrap_or_else(Timestamp::now);
    notices.sort_by(|a, b| {
        (schedule::due(a, &policy), &a.id).cmp(&(schedule::due(b, &policy), &b.id))
    });
    println!("お知らせ {} 件（{} 現在、時刻は日本時間）", notices.len(), jst(now));
    for n in &notices {
        let h = histories.get(&n.id).cloned().unwrap_or_default();
        println!("{}", line(n, &h, now, &policy));
    }
    Ok(())
}

fn line(n: &Notice, h: &History, now: Timestamp, p: &Policy) -> String {
    let status = schedule::status(n, h, now, p);
    let at: Option<Timestamp> = n.at.parse().ok();
    let due = schedule::due(n, p);
    let when = at.map_or_else(|| n.at.clone(), jst);
    let detail = match &status {
        Status::Upcoming if due != at => {
            format!("夜間のため {} に送信", due.map_or_else(String::new, jst))
        }
        Status::Upcoming => "予定どおり送信".into(),
        Status::Due => "まもなく送信".into(),
        Status::Sending(first) => format!("{} から再送中（同じ retry key）", jst(*first)),
        Status::Sent(r) => {
            format!("{} に送信（{}）", record_time(&r.time), r.by.as_deref().unwrap_or("-"))
        }
        Status::Narrowcast { sent, outcome } => {
            progress::describe(&n.id, sent, outcome.as_deref(), record_time)
        }
        Status::Failed(r) => {
            format!("{} 失敗: {}", record_time(&r.time), r.detail.as_deref().unwrap_or("-"))
        }
        Status::Missed(Some(r)) => format!("{} に送りそびれを記録", record_time(&r.time)),
        Status::Missed(None) => "猶予時間を過ぎたため送りません".into(),
    };
    let to = match n.audience.as_str() {
        "all" => "all（全員）".to_string(),
        a => format!("{a}（絞り込み）"),
    };
    let force = if n.force { "、force" } else { "" };
    format!("{:<8}  {when}  {}「{}」 宛先 {to}{force} — {detail}", status.word(), n.id, n.title)
}

/// Sends one notice now (or prints what it would send).
pub fn send(opts: &SendOptions) -> ExitCode {
    finish(send_notice_now(opts))
}

fn send_notice_now(opts: &SendOptions) -> Result<(), String> {
    let notices = load_notices(&opts.bundle)?;
    let Some(n) = notices.iter().find(|n| n.id == opts.notice) else {
        let ids: Vec<&str> = notices.iter().map(|n| n.id.as_str()).collect();
        return Err(format!(
            "お知らせ「{}」はバンドルにありません。あるもの: {}",
            opts.notice,
            if ids.is_empty() { "（なし）".to_string() } else { ids.join("、") }
        ));
    };
    let env = |name: &str| std::env::var(name).ok();
    let config = ApiConfig::from_env(env).map_err(|e| e.to_string())?;
    if let Some(bad) = opts.to.iter().find(|u| !is_user_id(u)) {
        return Err(format!("--to「{bad}」は LINE のユーザーID（U で始まる33文字）ではありません"));
    }
    let policy = policy()?;
    let journal = journal_path(&opts.state_dir);
    let histories =
        read_histories(&journal).map_err(|e| format!("{} を読めません: {e}", journal.display()))?;
    let h = histories.get(&n.id).cloned().unwrap_or_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    match (opts.dry_run, opts.to.is_empty()) {
        (true, _) => dry_run(opts, n, &h, &config, &policy),
        (false, false) => runtime.block_on(test_send(n, &opts.to, &config, &policy)),
        (false, true) => runtime.block_on(send_notice(opts, n, &h, &config, policy)),
    }
}

fn dry_run(
    opts: &SendOptions,
    n: &Notice,
    h: &History,
    config: &ApiConfig,
    p: &Policy,
) -> Result<(), String> {
    let key = match (&h.sent, opts.resend) {
        (Some(sent), true) => resend_key(n, h, sent, true)?,
        _ => key_for(h, n),
    };
    let requests = match opts.to.is_empty() {
        true => vec![notice_request(n, &key, config.public_url.as_deref())],
        false => test_requests(n, &opts.to, &test_key(n), config.public_url.as_deref()),
    };
    let status = schedule::status(n, h, Timestamp::now(), p);
    println!(
        "# --dry-run: 何も送りません（お知らせ「{}」は今 {}）。送るときのリクエスト:",
        n.title,
        status.word()
    );
    if opts.to.is_empty() {
        println!("# 送信前に今月の上限を確認します: GET {}{}", config.api_base, api::QUOTA_PATH);
    }
    if config.public_url.is_none() && n.messages.to_string().contains(bundle::ASSET_URL_PREFIX) {
        println!("# OYAKO_PUBLIC_URL が設定されていないため、画像を省いて送ります");
    }
    for req in requests {
        println!("{}", describe(&req, &config.api_base));
    }
    Ok(())
}

/// The retry key to use: the open attempt's (exactly once across tools), else the notice's.
fn key_for(h: &History, n: &Notice) -> String {
    h.open.as_ref().map_or_else(|| retry_key(&n.id, &n.hash), |(k, _)| k.clone())
}

/// The key of a resend of `n` after its narrowcast `sent` failed, when the operator asked
/// for one (`--resend`); otherwise why `n` is not sent again. The key is new (LINE would
/// answer the old one 409, or, after 24 h, deliver twice) but fixed, so an interrupted
/// resend resumes with it.
fn resend_key(n: &Notice, h: &History, sent: &Record, resend: bool) -> Result<String, String> {
    let sent_at = record_time(&sent.time);
    let failed = h.outcome.as_ref().is_some_and(|o| {
        o.event == RecordKind::Unconfirmed
            || o.delivery.as_ref().is_some_and(|d| d.phase == Phase::Failed)
    });
    if sent.narrowcast && h.outcome.is_none() {
        return Err(format!(
            "お知らせ「{}」は {sent_at} に LINE が受け付け、配信結果を確認中です（oyako notices）。結果が出るまで送り直せません。",
            n.title
        ));
    }
    if !failed {
        return Err(format!(
            "お知らせ「{}」は {sent_at} に送信済みです。同じお知らせは二度送りません。",
            n.title
        ));
    }
    if !resend {
        return Err(format!(
            "お知らせ「{}」は {sent_at} に LINE が受け付けた後、配信できませんでした（oyako notices で確認）。一部の人にはすでに届いているかもしれないため、自動では送りません。送り直すときは --resend を付けてください。",
            n.title
        ));
    }
    let previous = sent.retry_key.as_deref().unwrap_or_default();
    Ok(uuid_of(&format!("oyako-resend\0{}\0{}\0{previous}", n.id, n.hash)))
}

/// A fresh key per test run, so a second test on the same phone is delivered too.
fn test_key(n: &Notice) -> String {
    let nanos = Timestamp::now().as_nanosecond();
    uuid_of(&format!("oyako-test\0{}\0{}\0{nanos}\0{}", n.id, n.hash, std::process::id()))
}

async fn send_notice(
    opts: &SendOptions,
    n: &Notice,
    h: &History,
    config: &ApiConfig,
    policy: Policy,
) -> Result<(), String> {
    let mut now = Timestamp::now();
    let (key, mut resume) = match &h.sent {
        Some(sent) => {
            let key = resend_key(n, h, sent, opts.resend)?;
            let resume = h.open.as_ref().is_some_and(|(k, _)| *k == key);
            (key, resume)
        }
        None if opts.resend => {
            return Err(format!(
                "お知らせ「{}」はまだ送っていません。--resend は、LINE が受け付けた後に配信できなかったお知らせを送り直すときだけ使います。",
                n.title
            ));
        }
        None => match schedule::decide(n, h, now, &policy) {
            Decision::Send { key, resume: true } => (key, true),
            Decision::GiveUp(_) => {
                return Err("前回の送信の結果が24時間たっても分かりません。LINE がすでに配信した可能性があるため、自動では送りません（oyako notices で確認してください）".into());
            }
            _ => (retry_key(&n.id, &n.hash), false),
        },
    };
    let first_progress = CLI_FIRST_PROGRESS.min(policy.progress_first);
    let policy = Policy { progress_first: first_progress, ..policy };
    let api = Api::new(config, policy.attempt_timeout)
        .map_err(|e| format!("LINE に接続できません: {e}（oyako serve と同じ LINE_CHANNEL_ACCESS_TOKEN を設定してください）"))?;
    std::fs::create_dir_all(&opts.state_dir)
        .map_err(|e| format!("{} を作れません: {e}", opts.state_dir.display()))?;
    let mut scheduler = Scheduler::open(api, &opts.state_dir, policy)
        .map_err(|e| format!("記録ファイルを開けません: {e}"))?
        .written_by("oyako send");
    if !resume {
        let quota = scheduler.api().quota(now).await;
        println!("今月の送信数: {}", quota.summary());
        if let Some(refusal) = quota.refusal(n) {
            return Err(refusal);
        }
    }
    let start = Instant::now();
    loop {
        let (at, why) = match scheduler.attempt(n, &key, resume, now).await {
            Attempt::Sent if n.is_broadcast() => {
                println!("お知らせ「{}」を送信しました（retry key {key}）", n.title);
                return Ok(());
            }
            Attempt::Sent => {
                println!(
                    "お知らせ「{}」を LINE が受け付けました（retry key {key}）。配信結果を待ちます…",
                    n.title
                );
                return wait_for_outcome(&mut scheduler, n, start).await;
            }
            Attempt::Failed(detail) => {
                return Err(format!("LINE が受け付けませんでした: {detail}"));
            }
            Attempt::RetryAt(at, why) => (at, why),
            Attempt::Deferred(at) => (at, "送信の回数制限".to_owned()),
        };
        let wait = Duration::try_from(at.duration_since(now)).unwrap_or_default();
        if start.elapsed() + wait > CLI_RETRY_LIMIT {
            let then = match opts.resend {
                true => "もう一度 --resend で実行すると、同じ retry key で続きから送ります",
                false => "oyako serve が同じ retry key で再送します",
            };
            return Err(format!(
                "まだ LINE の受け付けを確認できません（{why}）。記録は残っているので、{then}。"
            ));
        }
        eprintln!("まだ送れていません（{why}）。{} 秒後にもう一度送ります", wait.as_secs());
        tokio::time::sleep(wait).await;
        // Resume only what the journal shows as started (a failed journal write means the
        // attempt was not made).
        let open = scheduler.histories().ok().and_then(|h| h.get(&n.id)?.open.clone());
        resume = open.is_some_and(|(k, _)| k == key);
        now = Timestamp::now();
    }
}

/// Reads the outcome of the narrowcast just accepted until LINE reports it (printing it; a
/// failure is an error) or the command's time is up (then `oyako serve` goes on reading).
async fn wait_for_outcome(
    scheduler: &mut Scheduler,
    n: &Notice,
    start: Instant,
) -> Result<(), String> {
    loop {
        let now = Timestamp::now();
        let (_, next) = scheduler
            .read_outcomes(now)
            .await
            .map_err(|e| format!("記録ファイルを読めません: {e}"))?;
        let histories =
            scheduler.histories().map_err(|e| format!("記録ファイルを読めません: {e}"))?;
        let h = histories.get(&n.id).cloned().unwrap_or_default();
        if let Some(outcome) = &h.outcome {
            let sent = h.sent.as_ref().ok_or("記録ファイルに送信の記録がありません")?;
            let text = progress::describe(&n.id, sent, Some(outcome), record_time);
            let delivered = outcome.delivery.as_ref().is_some_and(|d| d.phase == Phase::Succeeded);
            if !delivered {
                return Err(text);
            }
            println!("{text}");
            return Ok(());
        }
        let wait = next.map_or(Duration::from_secs(1), |t| {
            Duration::try_from(t.duration_since(now)).unwrap_or_default()
        });
        if start.elapsed() + wait > CLI_RETRY_LIMIT {
            println!(
                "配信結果はまだ出ていません。oyako serve が確認して記録します（oyako notices で確認できます）。"
            );
            return Ok(());
        }
        tokio::time::sleep(wait).await;
    }
}

async fn test_send(
    n: &Notice,
    to: &[String],
    config: &ApiConfig,
    p: &Policy,
) -> Result<(), String> {
    let api = Api::new(config, p.attempt_timeout)
        .map_err(|e| format!("LINE に接続できません: {e}（oyako serve と同じ LINE_CHANNEL_ACCESS_TOKEN を設定してください）"))?;
    for req in test_requests(n, to, &test_key(n), config.public_url.as_deref()) {
        let mut last = String::new();
        for attempt in 1..=TEST_ATTEMPTS {
            match api.call(&req).await {
                Ok(a) if a.status < 300 || a.status == 409 => {
                    last.clear();
                    break;
                }
                Ok(a) if a.status >= 500 || a.status == 429 => {
                    last = format!("{}: {}", a.status, api::error_detail(&a.body));
                }
                Ok(a) => {
                    return Err(format!(
                        "LINE が受け付けませんでした: {}: {}",
                        a.status,
                        api::error_detail(&a.body)
                    ));
                }
                Err(e) => last = e,
            }
            if attempt < TEST_ATTEMPTS {
                tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
            }
        }
        if !last.is_empty() {
            return Err(format!("テスト送信できませんでした: {last}"));
        }
    }
    println!(
        "お知らせ「{}」を {} 人にテスト送信しました（お知らせの送信としては記録しません）",
        n.title,
        to.len()
    );
    Ok(())
}

fn load_notices(dir: &Path) -> Result<Vec<Notice>, String> {
    bundle::load(dir)
        .map(|b| b.notices)
        .map_err(|e| format!("バンドル {} を読めません（oyako build を先に）: {e}", dir.display()))
}

fn policy() -> Result<Policy, String> {
    Policy::from_env(|name| std::env::var(name).ok())
}

fn finish(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn is_user_id(s: &str) -> bool {
    s.len() == 33
        && s.starts_with('U')
        && s[1..].chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// `2026-12-05 09:00` in Japan.
fn jst(t: Timestamp) -> String {
    t.to_zoned_datetime(bundle::japan::zone()).strftime("%Y-%m-%d %H:%M").to_string()
}

fn record_time(s: &str) -> String {
    s.parse::<Timestamp>().map_or_else(|_| s.to_owned(), jst)
}
