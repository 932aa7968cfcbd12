//! What happens to a timed send left open or refused (see `runtime::delivery::day`): an open
//! send is repeated with its key only while LINE still knows the key (23 h from the first
//! attempt), after that it is journalled as of unknown outcome and never repeated; a refused
//! send delivered nothing and goes again on the next day, within the grace window only.

use std::time::Duration;

use bundle::Timed;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use runtime::delivery::{Policy, Report, deliver_day};
use runtime::timed::{Fact, Service};

use crate::fake_line::{FakeLine, Respond};
use crate::timed_kill::{MULTICAST, Setup, UA, UD, delivered, key, quota, want};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

struct Run {
    setup: Setup,
    line: FakeLine,
    api: runtime::notices::Api,
    timed: Timed,
    service: Service,
    policy: Policy,
}

impl Run {
    async fn new(day: Date) -> Run {
        let setup = Setup::new(day);
        let line = FakeLine::start().await;
        quota(&line);
        let api = runtime::notices::Api::new(
            &runtime::notices::ApiConfig {
                api_base: line.base.clone(),
                access_token: Some(runtime::Secret::new("t")),
                public_url: None,
            },
            Duration::from_secs(5),
        )
        .unwrap();
        let timed = bundle::load(&setup.dir.path().join("dist")).unwrap().timed;
        let service = Service::open(&setup.state(), Some(&key()), day, 0).unwrap();
        Run { setup, line, api, timed, service, policy: Policy::default() }
    }

    async fn deliver(&self, day: Date, now: Timestamp) -> Report {
        deliver_day(
            Some(&self.api),
            self.service.store(),
            &self.timed,
            day,
            now,
            &self.policy,
            false,
        )
        .await
        .unwrap()
    }
}

fn later(t: Timestamp, hours: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_hours(hours)).unwrap()
}

fn only(want: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut w: Vec<(String, String)> =
        want.iter().map(|(a, u)| (a.to_string(), u.to_string())).collect();
    w.sort();
    w
}

#[tokio::test]
async fn an_open_send_is_repeated_within_the_keys_life() {
    let day = d("2026-05-01");
    let run = Run::new(day).await;
    // `k/one` is accepted but its answer lost; `k/yon` never reaches LINE.
    run.line.respond([Respond::AcceptThenDrop, Respond::Drop]);
    let t0 = run.policy.send_time(day);
    let first = run.deliver(day, t0).await;
    assert_eq!((first.open, first.oldest_open), (2, Some(t0)));
    // The next day's run, 22 h later: both repeated identically; LINE answers 409 to one.
    let next = run.deliver(day.tomorrow().unwrap(), later(t0, 22)).await;
    assert_eq!((next.open, next.unknown.len(), next.failed.len()), (0, 0, 0));
    assert_eq!(next.sent.values().sum::<usize>(), 4);
    assert_eq!(delivered(&run.line), want());
    let requests = run.line.requests_to(MULTICAST);
    assert_eq!(requests.len(), 4);
    assert_eq!((&requests[0].body, &requests[1].body), (&requests[2].body, &requests[3].body));
}

#[tokio::test]
async fn an_open_send_past_the_keys_life_is_unknown_and_never_repeated() {
    let day = d("2026-05-01");
    let run = Run::new(day).await;
    run.line.respond([Respond::AcceptThenDrop, Respond::Drop]);
    let t0 = run.policy.send_time(day);
    assert_eq!(run.deliver(day, t0).await.open, 2);
    // `oyako deliver` from a once-a-day cron job, 24 h later: LINE may have forgotten the
    // keys, so repeating could deliver twice. Both are journalled unknown and reported.
    let next_day = day.tomorrow().unwrap();
    let next = run.deliver(next_day, later(t0, 24)).await;
    assert_eq!((next.open, next.failed.len()), (0, 0));
    let mut unknown: Vec<(String, usize)> =
        next.unknown.iter().map(|p| (p.step.clone(), p.children)).collect();
    unknown.sort();
    assert_eq!(unknown, vec![("k/one".to_string(), 2), ("k/yon".to_string(), 2)]);
    assert!(next.unknown.iter().all(|p| p.first == t0 && p.detail.contains("24 h")));
    assert!(next.sent.is_empty() && next.sends.is_empty(), "nothing repeated: {next:?}");
    assert_eq!(run.line.requests_to(MULTICAST).len(), 2);
    let facts = run.setup.facts();
    assert_eq!(facts.iter().filter(|f| matches!(f, Fact::Unknown { .. })).count(), 2);
    // Still within the grace window, but the children count as done: never a second copy.
    let after = run.deliver(next_day.tomorrow().unwrap(), later(t0, 48)).await;
    assert!(after.sends.is_empty() && after.unknown.is_empty());
    // What LINE had accepted arrived once; the other was lost, and the operator was told.
    assert_eq!(
        delivered(&run.line),
        only(&[("1歳: 1歳の予防接種", UA), ("1歳: 1歳の予防接種", UD)])
    );
}

#[tokio::test]
async fn a_refused_send_goes_again_the_next_day_within_the_grace_window() {
    let day = d("2026-05-01");
    let mut run = Run::new(day).await;
    run.policy.grace_days = 1;
    let bad = r#"{"message":"The request body has 1 error(s)"}"#;
    // `k/one` refused, `k/yon` accepted.
    run.line.respond([Respond::status(400, bad), Respond::status(200, "{}")]);
    let t0 = run.policy.send_time(day);
    let first = run.deliver(day, t0).await;
    assert_eq!((first.open, first.unknown.len()), (0, 0));
    assert_eq!(first.failed.len(), 1);
    assert_eq!((first.failed[0].step.as_str(), first.failed[0].children), ("k/one", 2));
    assert!(first.failed[0].detail.contains("400"), "{:?}", first.failed);
    // The same day again (a restart, the retry loop): the same request is not made again.
    let again = run.deliver(day, later(t0, 1)).await;
    assert!(again.sends.is_empty(), "{again:?}");
    assert_eq!(run.line.requests_to(MULTICAST).len(), 2);
    // The next day (a fixed page or token): sent under that day's key, once.
    let next = run.deliver(day.tomorrow().unwrap(), later(t0, 24)).await;
    assert_eq!(next.sent.get("k/one"), Some(&2));
    assert_eq!(delivered(&run.line), want());
}

#[tokio::test]
async fn a_refused_send_is_not_sent_past_the_grace_window() {
    let day = d("2026-05-01");
    let mut run = Run::new(day).await;
    run.policy.grace_days = 1;
    let expired = r#"{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}"#;
    run.line.respond([
        Respond::status(401, expired),
        Respond::status(401, expired),
        Respond::status(401, expired),
        Respond::status(401, expired),
    ]);
    let t0 = run.policy.send_time(day);
    assert_eq!(run.deliver(day, t0).await.failed.len(), 2);
    assert_eq!(run.deliver(day.tomorrow().unwrap(), later(t0, 24)).await.failed.len(), 2);
    let third = run.deliver(d("2026-05-03"), later(t0, 48)).await;
    assert!(third.sends.is_empty(), "past the grace window: {third:?}");
    assert_eq!(run.line.requests_to(MULTICAST).len(), 4);
    assert!(delivered(&run.line).is_empty());
}

/// `oyako deliver` repeats an unanswered send within its run and ends with everything sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_repeats_an_unanswered_send_within_its_run() {
    let day = d("2026-05-01");
    let setup = Setup::new(day);
    let line = FakeLine::start().await;
    quota(&line);
    line.respond([Respond::status(500, "{}"), Respond::Drop]);
    let date = day.to_string();
    let out = setup.command(&line, &["deliver", "--date", &date]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("4 通を送りました"), "{stdout}");
    assert_eq!(delivered(&line), want());
    let keys: Vec<String> = line
        .requests_to(MULTICAST)
        .iter()
        .map(|r| r.headers["x-line-retry-key"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 4, "each send once more after no answer: {keys:?}");
}

/// `oyako deliver` finds a send left open a day ago: it tells the operator, in words, that it
/// is not repeated and why, and exits non-zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_reports_a_send_of_unknown_outcome() {
    let day = d("2026-05-01");
    let setup = Setup::new(day);
    let service = Service::open(&setup.state(), Some(&key()), day, 0).unwrap();
    let a_day_ago = Timestamp::now().as_millisecond() - 25 * 3600 * 1000;
    service
        .store()
        .append(&[Fact::Started {
            key: "00000000-0000-4000-8000-000000000001".into(),
            s: "k/one".into(),
            day: day.to_string(),
            cs: vec!["00000000000b".into(), "00000000000d".into()],
            ts: a_day_ago,
        }])
        .unwrap();
    drop(service);
    let line = FakeLine::start().await;
    quota(&line);
    let date = day.to_string();
    let out = setup.command(&line, &["deliver", "--date", &date]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("届いたか確認できない送信: 1歳の予防接種（k/one）2 人"), "{stdout}");
    assert!(stdout.contains("送り直しません"), "{stdout}");
    let requests = line.requests_to(MULTICAST);
    assert_eq!(requests.len(), 1, "only k/yon is sent");
    assert!(String::from_utf8_lossy(&requests[0].body).contains("4か月児健診"));
}

/// The daily loop of `oyako serve` follows its clock: nothing before the delivery time, the
/// day's sends as soon as it comes (not minutes later), nothing twice the next day.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_serve_loop_delivers_when_its_clock_reaches_the_time() {
    let day = d("2026-05-01");
    let setup = Setup::new(day);
    let line = FakeLine::start().await;
    quota(&line);
    let mut config =
        runtime::Config::from_env(setup.dir.path().join("dist"), Some(setup.state()), |name| {
            match name {
                "LINE_CHANNEL_SECRET" => Some(crate::util::SECRET.into()),
                "LINE_CHANNEL_ACCESS_TOKEN" => Some(crate::util::ACCESS_TOKEN.into()),
                "LINE_API_BASE" => Some(line.base.clone()),
                _ => None,
            }
        })
        .unwrap();
    config.data_key = Some(runtime::Secret::new(key()));
    let at = |s: &str| -> Timestamp { format!("{s}+09:00").parse().unwrap() };
    let clock = runtime::clock::ManualClock::new(at("2026-05-01T09:59:00"));
    let state = runtime::State::start_with_clock(config, clock.clone()).unwrap();
    let task = runtime::delivery::spawn(state, Policy::default()).expect("spawned");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(line.requests_to(MULTICAST).is_empty(), "not before 10:00");
    clock.set(at("2026-05-01T10:00:01"));
    let start = std::time::Instant::now();
    while delivered(&line) != want() {
        assert!(start.elapsed() < Duration::from_secs(20), "not delivered at 10:00");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    clock.set(at("2026-05-02T10:00:01"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(line.requests_to(MULTICAST).len(), 2, "nothing twice");
    task.abort();
}
