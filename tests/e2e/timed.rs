//! Timed messages: registration over the webhook (consent, date picker, replays, forged and
//! unconsented postbacks, stop, unfollow) and a simulated year of daily deliveries against the
//! fake LINE API — every due message exactly once per child, none after a stop, an unfollow
//! or school entry, also across a send whose answer was lost (as after `kill -9` between LINE
//! accepting and the journal write).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use bundle::{Anchor, Timed};
use jiff::civil::Date;
use serde_json::{Value, json};

use runtime::delivery::{Policy, deliver_day};
use runtime::timed::{Fact, Service};

use crate::fake_line::{FakeLine, Respond};
use crate::util::{self, build_bundle, event, postback_event, start_with};

fn content(dir: &Path) {
    let w = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("_index.md", "---\ntitle: テスト市\nfallback: 見つかりません\n---\nようこそ\n");
    w("k/_index.md", "---\ntitle: 健診\n---\n");
    w(
        "k/yon.md",
        "---\ntitle: 4か月児健診\ntimed: {from: birth, at: 3m3w, label: もうすぐ生後4か月}\n---\n本文\n",
    );
    w("k/one.md", "---\ntitle: 1歳の予防接種\ntimed: {from: birth, at: 1y}\n---\n本文\n");
    w("k/ninpu.md", "---\ntitle: 妊婦健診\ntimed: {from: due, at: -4w}\nmenu: false\n---\n本文\n");
    w(
        "k/shugaku.md",
        "---\ntitle: 就学前\ntimed: [{from: birth, at: 6y5m}, {from: birth, at: 6y6m1w}]\n---\n本文\n",
    );
    w("k/touroku.md", "---\ntitle: 配信の登録\n---\n[登録する](timed:)\n");
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn picker(token: &str, data: &str, date: Option<&str>, user: &str) -> Value {
    let mut e = postback_event(token, data);
    e["source"] = json!({"type": "user", "userId": user});
    if let Some(date) = date {
        e["postback"]["params"] = json!({"date": date});
    }
    e
}

#[tokio::test]
async fn registration_is_consented_checked_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    content(&dir.path().join("content"));
    let state_dir = dir.path().join("state");
    let content_dir = dir.path().join("content");
    let server = start_with(|c| {
        build_bundle(&content_dir, &c.bundle_dir);
        c.state_dir = Some(state_dir.clone());
    })
    .await;
    let u = "U0123456789abcdef0123456789abcdef";
    let today = bundle::japan::today();
    let born = today.checked_sub(jiff::ToSpan::days(30)).unwrap().to_string();
    let due = today.checked_add(jiff::ToSpan::days(100)).unwrap().to_string();
    let (born, due) = (born.as_str(), due.as_str());
    let other = "Ufedcba9876543210fedcba9876543210";
    // Without consent: a forged date postback changes nothing and gets the consent text.
    server.post_events(vec![picker("t1", "timed:add:birth", Some(born), u)]).await;
    let reply = server.line.single_reply().await.to_string();
    assert!(reply.contains("timed:consent"), "{reply}");
    let timed = server.state.timed().unwrap().store().clone();
    assert!(timed.read(|i| i.children.is_empty()).unwrap());
    // Consent, then a birthday; the tap replayed (a new event id) adds no second child.
    for (i, e) in [
        picker("t2", "timed:consent", None, u),
        picker("t3", "timed:add:birth", Some(born), u),
        picker("t4", "timed:add:birth", Some(born), u),
        picker("t5", "timed:add:birth", Some("2026-13-01"), u),
        picker("t6", "timed:add:birth", None, u),
        picker("t7", "timed:add:due", Some("1999-01-01"), u),
    ]
    .into_iter()
    .enumerate()
    {
        server.post_events(vec![e]).await;
        server.line.wait_for(i + 2).await;
    }
    let replies: Vec<String> = server
        .line
        .requests()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert!(replies[1].contains("timed:add:due"), "pickers after consent: {}", replies[1]);
    assert!(
        replies[2].contains("登録しました") && replies[2].contains("生後4か月"),
        "{}",
        replies[2]
    );
    for bad in &replies[4..7] {
        assert!(bad.contains("日付を読み取れません"), "{bad}");
    }
    let ids: Vec<String> = timed.read(|i| i.parents[u].children.clone()).unwrap();
    assert_eq!(ids.len(), 1);
    // Someone else deleting that child: not found, nothing changes.
    server.post_events(vec![picker("t8", &format!("timed:delete:{}", ids[0]), None, other)]).await;
    server.line.wait_for(8).await;
    assert_eq!(timed.read(|i| i.children.len()).unwrap(), 1);
    // Typed 配信停止 deletes everything; the journal shows neither the ID nor the date.
    let mut stop = util::text_event("t9", "配信停止");
    stop["source"] = json!({"type": "user", "userId": u});
    server.post_events(vec![stop]).await;
    let all = server.line.wait_for(9).await;
    assert!(String::from_utf8_lossy(&all[8].body).contains("配信を停止しました"));
    assert!(timed.read(|i| i.parents.is_empty() && i.children.is_empty()).unwrap());
    // Register again, then block: unfollow deletes.
    server.post_events(vec![picker("t10", "timed:consent", None, u)]).await;
    server.post_events(vec![picker("t11", "timed:add:due", Some(due), u)]).await;
    server.line.wait_for(11).await;
    let mut unfollow = event("unfollow", None, json!({}));
    unfollow["source"] = json!({"type": "user", "userId": u});
    server.post_events(vec![unfollow]).await;
    assert!(timed.read(|i| i.parents.is_empty()).unwrap());
    for entry in std::fs::read_dir(&state_dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for secret in [u, born, due] {
            assert!(!text.contains(secret), "{} contains {secret}", path.display());
        }
    }
    server.stop().await;
}

/// Registers children straight into the journal, as the chat would.
fn register(service: &Service, user: &str, child: &str, anchor: Anchor, date: &str, on: &str) {
    service
        .store()
        .append(&[
            Fact::Consent { u: user.into(), ts: 0 },
            Fact::Child {
                u: user.into(),
                c: child.into(),
                k: anchor,
                d: date.into(),
                r: on.into(),
                dl: vec![],
                ts: 0,
            },
        ])
        .unwrap();
}

/// `(step title, recipient)` of every delivery LINE accepted (first acceptance of each key).
fn deliveries(line: &FakeLine) -> Vec<(String, String)> {
    let bodies: BTreeMap<String, Value> = line
        .requests()
        .iter()
        .filter_map(|r| {
            let key = r.headers.get("x-line-retry-key")?.to_str().ok()?.to_string();
            Some((key, serde_json::from_slice(&r.body).ok()?))
        })
        .collect();
    let mut out = Vec::new();
    for (_, key) in line.accepted() {
        let body = &bodies[&key];
        let alt = body["messages"][0]["altText"].as_str().unwrap_or("?").to_string();
        let to: Vec<String> = match &body["to"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().map(|v| v.as_str().unwrap().to_string()).collect(),
            _ => vec![],
        };
        out.extend(to.into_iter().map(|u| (alt.clone(), u)));
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_simulated_year_delivers_every_message_once_on_its_day() {
    let dir = tempfile::tempdir().unwrap();
    content(&dir.path().join("content"));
    build_bundle(&dir.path().join("content"), &dir.path().join("dist"));
    let bundle = bundle::load(&dir.path().join("dist")).unwrap();
    let timed: Arc<Timed> = Arc::new(bundle.timed);
    let line = FakeLine::start().await;
    line.set_json("/v2/bot/message/quota", 200, r#"{"type":"limited","value":1000}"#);
    line.set_json("/v2/bot/message/quota/consumption", 200, r#"{"totalUsage":10}"#);
    line.set_json("/v2/bot/insight/followers", 200, r#"{"status":"unready"}"#);
    let api = runtime::notices::Api::new(
        &runtime::notices::ApiConfig {
            api_base: line.base.clone(),
            access_token: Some(runtime::Secret::new("t")),
            public_url: None,
        },
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let state = dir.path().join("state");
    let key = "11".repeat(32);
    let service = Service::open(&state, Some(&key), d("2026-01-01"), 0).unwrap();
    // Parent A: two children (born 2026-01-10 and a due date 2026-06-01); parent B: born
    // 2026-01-10 too (shares a multicast); parent C registers then stops; parent E's child
    // starts school on 2026-04-01 (its 6y5m step comes before, its 6y6m1w step after);
    // parent F gets the 4-month message, then blocks the account.
    register(&service, "UA", "00000000000a", Anchor::Birth, "2026-01-10", "2026-01-01");
    register(&service, "UA", "00000000000b", Anchor::Due, "2026-06-01", "2026-01-01");
    register(&service, "UB", "00000000000c", Anchor::Birth, "2026-01-10", "2026-01-01");
    register(&service, "UC", "00000000000d", Anchor::Birth, "2026-01-10", "2026-01-01");
    register(&service, "UE", "00000000000e", Anchor::Birth, "2019-10-15", "2026-01-01");
    register(&service, "UF", "00000000000f", Anchor::Birth, "2026-01-10", "2026-01-01");
    let policy = Policy::default();
    let mut day = d("2026-01-01");
    let mut service = service;
    while day <= d("2027-03-01") {
        let now = policy.send_time(day);
        if day == d("2026-02-01") {
            service
                .store()
                .append(&[Fact::Forget { u: "UC".into(), why: "stop".into(), ts: 0 }])
                .unwrap();
        }
        if day == d("2026-06-01") {
            service.unfollow("UF".into(), now.as_millisecond()).await.unwrap();
        }
        if day == d("2026-04-02") {
            // A restart after school entry: compaction drops the child and its parent (who
            // has nothing left) from the index and from the file.
            drop(service);
            service = Service::open(&state, Some(&key), day, now.as_millisecond()).unwrap();
            service
                .store()
                .read(|i| {
                    assert!(!i.children.contains_key("00000000000e"), "school child kept");
                    assert!(!i.parents.contains_key("UE"), "parent with nothing left kept");
                    assert!(i.children.contains_key("00000000000a"));
                })
                .unwrap();
            let sealer = runtime::timed::Sealer::from_bytes(&[0x11; 32]);
            let facts = std::fs::read_to_string(state.join(runtime::timed::JOURNAL_FILE)).unwrap();
            for line in facts.lines().filter(|l| !l.is_empty()) {
                let plain = sealer.open(line.as_bytes()).expect("a sealed line");
                let text = String::from_utf8(plain).unwrap();
                assert!(text.contains("\"UA\""), "the others are kept: {text}");
                assert!(!text.contains("\"UE\"") && !text.contains("00000000000e"), "{text}");
            }
        }
        if day == d("2026-05-01") {
            // The 4-month send is accepted by LINE but its answer is lost: a crash between
            // LINE accepting and the journal write. A restart (a new Service, compacting the
            // journal) resumes it with the same retry key; LINE answers 409.
            line.respond([Respond::AcceptThenDrop]);
        }
        let report = deliver_day(Some(&api), service.store(), &timed, day, now, &policy, false)
            .await
            .unwrap();
        assert!(!report.busy);
        if report.open > 0 {
            // The process is killed and restarted ten minutes later.
            drop(service);
            service = Service::open(&state, Some(&key), day, 0).unwrap();
            let later = now.checked_add(jiff::SignedDuration::from_mins(10)).unwrap();
            let again =
                deliver_day(Some(&api), service.store(), &timed, day, later, &policy, false)
                    .await
                    .unwrap();
            assert_eq!((again.open, again.failed.len()), (0, 0));
            assert_eq!(
                again.sent.values().sum::<usize>(),
                3,
                "the resumed multicast counts as sent"
            );
        }
        day = day.tomorrow().unwrap();
    }
    let got = deliveries(&line);
    let want: Vec<(String, String)> = [
        ("もうすぐ生後4か月: 4か月児健診", "UA"),
        ("もうすぐ生後4か月: 4か月児健診", "UB"),
        ("もうすぐ生後4か月: 4か月児健診", "UF"),
        ("6歳5か月: 就学前", "UE"),
        ("出産予定日の4週前: 妊婦健診", "UA"),
        ("1歳: 1歳の予防接種", "UA"),
        ("1歳: 1歳の予防接種", "UB"),
        ("その後、いかがお過ごしですか", "UA"),
    ]
    .iter()
    .map(|(a, u)| (a.to_string(), u.to_string()))
    .collect::<std::collections::BTreeSet<_>>()
    .into_iter()
    .collect();
    assert_eq!(got, want);
    // The 4-month message went out on its day (2026-05-01, in one multicast, resumed once).
    let yon: Vec<_> = line
        .requests_to("/v2/bot/message/multicast")
        .into_iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains("4か月児健診"))
        .collect();
    assert_eq!(yon.len(), 2, "the resumed request repeats the first, once");
    assert_eq!(yon[0].headers["x-line-retry-key"], yon[1].headers["x-line-retry-key"]);
    assert_eq!(yon[0].body, yon[1].body, "a resumed request is identical");
}

/// Two replicas with their own state directories and one shared `OYAKO_TIMED_DIR`: a parent
/// consents at one and registers at the other; both deliver the day at once, and the child
/// gets its message once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_sharing_the_timed_directory_act_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let content_dir = dir.path().join("content");
    content(&content_dir);
    let shared = dir.path().join("timed");
    let replica = |name: &'static str| {
        let (content_dir, shared, state) =
            (content_dir.clone(), shared.clone(), dir.path().join(name));
        start_with(move |c| {
            build_bundle(&content_dir, &c.bundle_dir);
            c.state_dir = Some(state);
            c.timed_dir = Some(shared);
            c.data_key = Some(runtime::Secret::new("22".repeat(32)));
        })
    };
    let (a, b) = (replica("a").await, replica("b").await);
    let u = "U0123456789abcdef0123456789abcdef";
    let today = bundle::japan::today();
    let born = crate::timed_kill::birth_for("3m3w", today).to_string();
    a.post_events(vec![picker("r1", "timed:consent", None, u)]).await;
    a.line.wait_for(1).await;
    b.post_events(vec![picker("r2", "timed:add:birth", Some(&born), u)]).await;
    let reply = b.line.single_reply().await.to_string();
    assert!(reply.contains("登録しました"), "b saw a's consent: {reply}");
    let (sa, sb) = (a.state.timed().unwrap().store(), b.state.timed().unwrap().store());
    assert_eq!(sa.read(|i| i.children.len()).unwrap(), 1, "a sees b's registration");
    assert!(shared.join(runtime::timed::JOURNAL_FILE).exists());
    assert!(!dir.path().join("a").join(runtime::timed::JOURNAL_FILE).exists());

    let line = FakeLine::start().await;
    line.set_json("/v2/bot/message/quota", 200, r#"{"type":"none"}"#);
    line.set_json("/v2/bot/message/quota/consumption", 200, r#"{"totalUsage":0}"#);
    let api = runtime::notices::Api::new(
        &runtime::notices::ApiConfig {
            api_base: line.base.clone(),
            access_token: Some(runtime::Secret::new("t")),
            public_url: None,
        },
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let timed = a.state.current().bundle.timed.clone();
    let policy = Policy::default();
    let now = jiff::Timestamp::now();
    let (ra, rb) = tokio::join!(
        deliver_day(Some(&api), sa, &timed, today, now, &policy, false),
        deliver_day(Some(&api), sb, &timed, today, now, &policy, false),
    );
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    let sent = |r: &runtime::delivery::Report| r.sent.values().sum::<usize>();
    assert_eq!(sent(&ra) + sent(&rb), 1, "{ra:?} {rb:?}");
    // The one that was busy, or came second, finds nothing left when it tries again.
    let again = deliver_day(Some(&api), sb, &timed, today, now, &policy, false).await.unwrap();
    assert!(again.sends.is_empty() && !again.busy, "{again:?}");
    assert_eq!(deliveries(&line), vec![("もうすぐ生後4か月: 4か月児健診".into(), u.into())]);
    a.stop().await;
    b.stop().await;
}

/// `oyako report`'s timed tables from what really happened: registrations over the webhook,
/// a stop, a day's delivery, and a parent blocking the account an hour after the message —
/// counted from the KPI journal, which holds neither a user ID nor a date in clear.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_counts_registrations_stops_sends_and_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let content_dir = dir.path().join("content");
    content(&content_dir);
    let state_dir = dir.path().join("state");
    let server = start_with(|c| {
        build_bundle(&content_dir, &c.bundle_dir);
        c.state_dir = Some(state_dir.clone());
    })
    .await;
    let today = bundle::japan::today();
    let born = crate::timed_kill::birth_for("3m3w", today).to_string();
    let due = today.checked_add(jiff::ToSpan::days(100)).unwrap().to_string();
    let (u1, u2, u3) = (
        "U1111111111111111111111111111111a",
        "U2222222222222222222222222222222b",
        "U3333333333333333333333333333333c",
    );
    let mut n = 0;
    for (user, data, date) in [
        (u1, "timed:consent", None),
        (u1, "timed:add:birth", Some(born.as_str())),
        (u1, "timed:add:due", Some(due.as_str())),
        (u2, "timed:consent", None),
        (u2, "timed:add:birth", Some(born.as_str())),
        (u3, "timed:consent", None),
        (u3, "timed:add:due", Some(due.as_str())),
        (u3, "timed:stop", None),
    ] {
        n += 1;
        server.post_events(vec![picker(&format!("k{n}"), data, date, user)]).await;
        server.line.wait_for(n).await;
    }
    let line = FakeLine::start().await;
    line.set_json("/v2/bot/message/quota", 200, r#"{"type":"none"}"#);
    line.set_json("/v2/bot/message/quota/consumption", 200, r#"{"totalUsage":0}"#);
    let api = runtime::notices::Api::new(
        &runtime::notices::ApiConfig {
            api_base: line.base.clone(),
            access_token: Some(runtime::Secret::new("t")),
            public_url: None,
        },
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let timed = server.state.current().bundle.timed.clone();
    let store = server.state.timed().unwrap().store();
    let now = jiff::Timestamp::now();
    let sent = deliver_day(Some(&api), store, &timed, today, now, &Policy::default(), false)
        .await
        .unwrap();
    assert_eq!(sent.sent.get("k/yon"), Some(&2));
    let mut block = event("unfollow", None, json!({}));
    block["source"] = json!({"type": "user", "userId": u2});
    block["timestamp"] = json!(now.as_millisecond() + 3600 * 1000);
    server.post_events(vec![block]).await;
    server.state.flush_journal().await.unwrap();
    let report = runtime::report::build(
        &runtime::report::ReportOptions {
            state_dirs: vec![state_dir.clone()],
            bundle: Some(server.bundle_dir()),
            ..Default::default()
        },
        |_| None,
    )
    .unwrap();
    let t = &report.timed;
    assert_eq!((t.children, t.parents), (2, 1), "u1's two children; u2 blocked, u3 stopped");
    assert_eq!((t.new_children, t.new_parents), (4, 3));
    let left: Vec<(&str, u64)> = t.left.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(left, vec![("stop", 1), ("unfollow", 1)]);
    let steps: Vec<(&str, &str, u64, u64)> =
        t.steps.iter().map(|s| (s.step.as_str(), s.label.as_str(), s.sent, s.blocks)).collect();
    assert_eq!(steps, vec![("k/yon", "もうすぐ生後4か月", 2, 1)]);
    assert!(report.text().contains("■ お子さんに合わせた配信"));
    for entry in walk(&state_dir) {
        let text = String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).into_owned();
        for secret in [u1, u2, u3, born.as_str(), due.as_str()] {
            assert!(!text.contains(secret), "{} contains {secret}", entry.display());
        }
    }
    server.stop().await;
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        match path.is_dir() {
            true => out.extend(walk(&path)),
            false => out.push(path),
        }
    }
    out
}
