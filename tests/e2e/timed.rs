//! Timed messages: registration over the webhook (consent, date picker, replays, forged and
//! unconsented postbacks, stop, unfollow) and a simulated year of daily deliveries against the
//! fake LINE API — every due message exactly once per child, also across a send whose answer
//! was lost (as after `kill -9` between LINE accepting and the journal write).

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
    // 2026-01-10 too (shares a multicast); parent C registers then stops.
    register(&service, "UA", "00000000000a", Anchor::Birth, "2026-01-10", "2026-01-01");
    register(&service, "UA", "00000000000b", Anchor::Due, "2026-06-01", "2026-01-01");
    register(&service, "UB", "00000000000c", Anchor::Birth, "2026-01-10", "2026-01-01");
    register(&service, "UC", "00000000000d", Anchor::Birth, "2026-01-10", "2026-01-01");
    let policy = Policy::default();
    let mut day = d("2026-01-01");
    let mut service = service;
    while day <= d("2027-03-01") {
        if day == d("2026-02-01") {
            service
                .store()
                .append(&[Fact::Forget { u: "UC".into(), why: "stop".into(), ts: 0 }])
                .unwrap();
        }
        if day == d("2026-05-01") {
            // The 4-month send is accepted by LINE but its answer is lost: a crash between
            // LINE accepting and the journal write. A restart (a new Service, compacting the
            // journal) resumes it with the same retry key; LINE answers 409.
            line.respond([Respond::AcceptThenDrop]);
        }
        let now = policy.send_time(day);
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
            assert_eq!((again.open, again.failed), (0, 0));
            assert_eq!(
                again.sent.values().sum::<usize>(),
                2,
                "the resumed multicast counts as sent"
            );
        }
        day = day.tomorrow().unwrap();
    }
    let got = deliveries(&line);
    let want: Vec<(String, String)> = [
        ("もうすぐ生後4か月: 4か月児健診", "UA"),
        ("もうすぐ生後4か月: 4か月児健診", "UB"),
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
