//! Promotion through the real server: the question after a follow, answers by button and by
//! typed code journalled with hashed users, unblocks kept apart from new friends, blocks after
//! a notice, and `oyako report` showing it all per channel in text, HTML and CSV.

use std::path::{Path, PathBuf};
use std::process::Command;

use http::StatusCode;
use runtime::kpi::{Record, Via};
use runtime::report::{Goal, ReportOptions};
use serde_json::{Value, json};

use crate::util::{self, Server, event, postback_event, text_event};

/// A salt the test knows, so it can compute user hashes.
const SALT: &str = "e2e-promo-salt-0123456789";
/// 2026-11-27 00:00 in Japan, in Unix ms.
const T0: i64 = 1_795_705_200_000;
const HOUR: i64 = 3_600_000;

/// The fixture account with a LINE ID and two channels.
const ACCOUNT: &str = "---
title: テスト市 子育てLINE
summary: 子育ての情報が LINE に届きます
fallback: \"見つかりませんでした。「予防接種」のような短い言葉で送ってください。\"
line_id: \"@216ruxyz\"
promo:
  - {id: boshi-techo, label: 母子手帳の交付窓口, code: A1}
  - {id: kenshin-4m, label: 4か月児健診, code: A2}
---
友だち追加ありがとうございます！
";

/// A server answering from the fixture content with the promotion account, journalling in
/// `state`.
async fn start(state: &Path) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("cp").arg("-r").arg(util::fixture_content()).arg(dir.path()).status();
    assert!(status.expect("cp").success());
    std::fs::write(dir.path().join("content/_index.md"), ACCOUNT).unwrap();
    let dist = dir.path().join("dist");
    util::build_bundle(&dir.path().join("content"), &dist);
    let state = state.to_path_buf();
    let server = util::start_with(move |c| {
        c.bundle_dir = dist;
        c.state_dir = Some(state);
        c.hash_salt = Some(runtime::Secret::new(SALT));
        c.instance = Some("web-1".into());
    })
    .await;
    (server, dir)
}

fn user(n: usize) -> String {
    format!("U{n:032x}")
}

fn from(n: usize, ts: i64, mut e: Value) -> Value {
    e["source"] = json!({"type": "user", "userId": user(n)});
    e["timestamp"] = json!(ts);
    e
}

fn follow(n: usize, ts: i64, unblocked: bool) -> Value {
    let token = format!("tok-follow-{n}-{ts}");
    from(n, ts, event("follow", Some(&token), json!({"follow": {"isUnblocked": unblocked}})))
}

fn records(state: &Path) -> Vec<Record> {
    let dir = state.join(runtime::kpi::JOURNAL_DIR);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        out.extend(runtime::journal::read::<Record>(&entry.unwrap().path()).unwrap().records);
    }
    out
}

/// The messages of the reply with `token`.
fn reply(server: &Server, token: &str) -> Value {
    let found = server.line.requests().into_iter().find_map(|r| {
        let body: Value = serde_json::from_slice(&r.body).ok()?;
        (body["replyToken"] == token).then(|| body["messages"].clone())
    });
    found.unwrap_or_else(|| panic!("no reply to {token}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_unblocks_and_notice_blocks_reach_the_report() {
    let state = tempfile::tempdir().unwrap();
    let (server, dir) = start(state.path()).await;
    let salt = runtime::kpi::Salt::load(state.path(), Some(SALT.into())).unwrap();
    let day = T0 + 10 * HOUR;
    // A notice LINE accepted at `day + 2h` (as the scheduler journals it).
    let sent = jiff::Timestamp::from_millisecond(day + 2 * HOUR).unwrap();
    std::fs::write(
        state.path().join("notices.jsonl"),
        format!("{{\"notice\":\"teate/jidou-teate\",\"event\":\"sent\",\"hash\":\"h\",\"time\":\"{sent}\"}}\n"),
    )
    .unwrap();
    let events = vec![
        follow(1, day, false),
        follow(2, day, true),
        from(1, day + 1, postback_event("tok-a1", "promo:boshi-techo")),
        follow(3, day, false),
        from(3, day + 1, text_event("tok-code", "ａ２")), // the code, typed in full width
        follow(4, day, false),
        from(4, day + 1, postback_event("tok-none", "promo:none")),
        from(5, day + 1, postback_event("tok-forged", "promo:nowhere")),
        follow(6, day, false),
        from(6, day + 3 * HOUR, event("unfollow", None, json!({}))),
        from(4, day - 20 * HOUR, event("unfollow", None, json!({}))),
    ];
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    // Channel answers are on disk when the webhook is answered, like survey answers.
    let channels: Vec<(String, String, Via)> = records(state.path())
        .into_iter()
        .filter_map(|r| match r {
            Record::Channel { user, channel, via, .. } => Some((user, channel, via)),
            _ => None,
        })
        .collect();
    assert_eq!(
        channels,
        [
            (salt.hash(&user(1)), "boshi-techo".into(), Via::Button),
            (salt.hash(&user(3)), "kenshin-4m".into(), Via::Code),
            (salt.hash(&user(4)), "none".into(), Via::Button),
        ]
    );
    server.line.wait_for(8).await;
    // A new friend is asked; a returning one is not.
    let new = reply(&server, &format!("tok-follow-1-{day}"));
    let question = new.as_array().unwrap().last().unwrap();
    assert!(question["text"].as_str().unwrap().contains("どこで知りましたか"), "{question}");
    assert_eq!(question["quickReply"]["items"].as_array().unwrap().len(), 4);
    let back = reply(&server, &format!("tok-follow-2-{day}"));
    assert!(!back.to_string().contains("どこで知りましたか"), "{back}");
    assert!(back.to_string().contains("recommendOA/%40216ruxyz"), "share button: {back}");
    // The typed code is answered like the button.
    assert_eq!(reply(&server, "tok-code"), reply(&server, "tok-a1"));
    server.state.flush_journal().await.unwrap();
    let journal = std::fs::read_to_string(
        std::fs::read_dir(state.path().join(runtime::kpi::JOURNAL_DIR))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    assert!(!journal.contains(&user(1)), "no raw user IDs in the journal");
    assert!(journal.contains("\"kpi\":\"unblock\""), "{journal}");

    let csv = state.path().join("csv");
    let html = state.path().join("report.html");
    let opts = ReportOptions {
        state_dirs: vec![state.path().to_path_buf()],
        bundle: Some(dir.path().join("dist")),
        csv: Some(csv.clone()),
        html: Some(html.clone()),
        ..Default::default()
    };
    let text = tokio::task::spawn_blocking(move || runtime::report::run(&opts, |_| None))
        .await
        .unwrap()
        .expect("report");
    let opts = ReportOptions {
        state_dirs: vec![state.path().to_path_buf()],
        bundle: Some(dir.path().join("dist")),
        ..Default::default()
    };
    let r = tokio::task::spawn_blocking(move || runtime::report::build(&opts, |_| None))
        .await
        .unwrap()
        .unwrap();
    // Friends: 4 new (1, 3, 4, 6) and 1 returning (2); 2 blocks (4, the day before, and 6).
    let (follows, returning): (u64, u64) =
        r.tables.friends.iter().fold((0, 0), |(f, b), d| (f + d.follows, b + d.returning));
    assert_eq!((follows, returning), (5, 1));
    assert_eq!(r.tables.friends.last().unwrap().cumulative, 3);
    let channels: Vec<(&str, &str, u64, u64)> = r
        .tables
        .channels
        .iter()
        .map(|c| (c.id.as_str(), c.label.as_str(), c.friends, c.by_code))
        .collect();
    assert_eq!(
        channels,
        [
            ("boshi-techo", "母子手帳の交付窓口", 1, 0),
            ("kenshin-4m", "4か月児健診", 1, 1),
            ("other", "その他", 0, 0),
            ("none", "答えない", 1, 0),
            ("", "未回答", 1, 0),
        ]
    );
    let blocks: Vec<(&str, &str, u64, u64)> = r
        .tables
        .notice_blocks
        .iter()
        .map(|n| (n.id.as_str(), n.title.as_str(), n.after, n.before))
        .collect();
    assert_eq!(blocks, [("teate/jidou-teate", "", 1, 1)]);
    assert!(matches!(r.tables.pace.unwrap().goal, Goal::Projected(_)));

    for line in [
        "新しい友だち 4 人、ブロック解除で戻った友だち 1 人",
        "       1  母子手帳の交付窓口（答えた人の 33.3%）",
        "       1  4か月児健診（答えた人の 33.3%）、うちコード 1 人",
        "       1  未回答",
        "後 1 人 / 前 1 人  teate/jidou-teate",
        "単純な計算",
    ] {
        assert!(text.contains(line), "text lacks {line:?}:\n{text}");
    }
    let page = std::fs::read_to_string(&html).unwrap();
    for part in [
        "<h2>どこで知ったか</h2>",
        "<td>4か月児健診</td><td class=\"n\">1</td><td class=\"n\">1</td>",
        "お知らせのあとのブロック",
        "class=\"projection\"",
    ] {
        assert!(page.contains(part), "HTML lacks {part:?}");
    }
    let channels_csv = std::fs::read_to_string(csv.join("channels.csv")).unwrap();
    assert!(channels_csv.contains("boshi-techo,母子手帳の交付窓口,1,0\r\n"), "{channels_csv}");
    assert!(channels_csv.contains("kenshin-4m,4か月児健診,1,1\r\n"), "{channels_csv}");
    assert!(channels_csv.contains(",未回答,1,0\r\n"), "{channels_csv}");
    let friends_csv = std::fs::read_to_string(csv.join("friends.csv")).unwrap();
    assert!(
        friends_csv.starts_with("\u{feff}date,follows,unfollows,net,cumulative,new,returning\r\n")
    );
    for name in ["goal.csv", "notice_blocks.csv"] {
        assert!(csv.join(name).is_file(), "{name}");
    }
    server.stop().await;
}

/// Without `--state-dir` nothing is journalled, but the question and its answers still work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_replied_to_without_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("cp").arg("-r").arg(util::fixture_content()).arg(dir.path()).status();
    assert!(status.expect("cp").success());
    std::fs::write(dir.path().join("content/_index.md"), ACCOUNT).unwrap();
    let dist: PathBuf = dir.path().join("dist");
    util::build_bundle(&dir.path().join("content"), &dist);
    let server = util::start_with(move |c| c.bundle_dir = dist).await;
    let events = vec![from(1, T0, postback_event("tok-1", "promo:kenshin-4m"))];
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    let body = server.line.single_reply().await;
    assert!(body["messages"][0]["text"].as_str().unwrap().contains("ありがとうございます"));
    server.stop().await;
}
