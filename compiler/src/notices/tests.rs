//! Notices compiled through the real pipeline: the bundle entry, the card, the audience filter
//! as LINE's JSON, and request bodies that pass LINE's OpenAPI schema and limits.

use std::path::Path;

use serde_json::{Value, json};

use crate::validate;
use crate::{BuildOptions, pipeline};
use bundle::{self, Bundle};

const ACCOUNT: &str = "---
title: テスト市 子育てLINE
fallback: みつかりませんでした。
audiences:
  ninpu:
    type: operator
    and:
      - {type: gender, oneOf: [female]}
      - {type: age, gte: age_20, lt: age_45}
  chiba: {type: area, oneOf: [jp_12]}
---
ようこそ。
";

const EVENT: &str = "---
title: 妊婦教室（12月）
summary: 出産の準備を学ぶ教室
image: assets/a.png
image_alt: 妊婦教室の会場のようす
expires: 2026-12-13
event: {date: 2026-12-12, time: \"10:00〜11:30\", place: 保健センター}
notify: { at: 2026-12-05T09:00:00+09:00, audience: ninpu }
---
本文
";

const NEWS: &str = "---
title: 支援センターの休館
notify: {at: \"2026-12-01 08:30\", force: true}
---
本文
";

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    v
}

fn site(event: &str) -> (tempfile::TempDir, BuildOptions) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    write(&content, "_index.md", ACCOUNT.as_bytes());
    write(&content, "events/_index.md", "---\ntitle: イベント\n---\n".as_bytes());
    write(&content, "events/ninpu.md", event.as_bytes());
    write(&content, "events/kyukan.md", NEWS.as_bytes());
    write(&content, "assets/a.png", &png(400, 260));
    let opts = BuildOptions {
        content_dir: content,
        out_dir: dir.path().join("dist"),
        today: "2026-11-27".parse().unwrap(),
    };
    (dir, opts)
}

fn compile(event: &str) -> Bundle {
    let (_dir, opts) = site(event);
    match pipeline::compile(&opts) {
        Ok((out, _)) => out.bundle,
        Err(d) => panic!("build failed:\n{d}"),
    }
}

#[test]
fn notify_pages_become_notices() {
    let b = compile(EVENT);
    let ids: Vec<&str> = b.notices.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["events/kyukan", "events/ninpu"]);
    let news = &b.notices[0];
    assert_eq!(news.at, "2026-12-01T08:30:00+09:00");
    assert_eq!((news.audience.as_str(), news.force, news.is_broadcast()), ("all", true, true));
    let event = &b.notices[1];
    assert_eq!(event.at, "2026-12-05T09:00:00+09:00");
    assert_eq!((event.audience.as_str(), event.force), ("ninpu", false));
    assert_eq!(
        event.filter,
        Some(json!({"type": "operator", "and": [
            {"type": "gender", "oneOf": ["female"]},
            {"type": "age", "gte": "age_20", "lt": "age_45"}]}))
    );
    assert_eq!(event.hash.len(), 64);
    let text = event.messages.to_string();
    for part in [
        "妊婦教室（12月）",
        "2026年12月12日（土） 10:00〜11:30",
        "保健センター",
        "出産の準備を学ぶ教室",
    ] {
        assert!(text.contains(part), "{part} missing in {text}");
    }
    let action = &event.messages[0]["contents"]["footer"]["contents"][0]["action"];
    assert_eq!(action["label"], "詳しく見る");
    assert_eq!(action["data"], "page:events/ninpu");
    assert!(b.postbacks.contains_key("page:events/ninpu"), "the button opens a real page");
    assert_eq!(event.messages[0]["contents"]["hero"]["url"], "oyako-asset:/a.png");
}

#[test]
fn request_bodies_pass_lines_schema_and_limits() {
    let b = compile(EVENT);
    for n in &b.notices {
        let served =
            n.messages.to_string().replace(bundle::ASSET_URL_PREFIX, "https://x.jp/assets/");
        let messages: Value = serde_json::from_str(&served).unwrap();
        let list = messages.as_array().unwrap().clone();
        assert!(validate::check_messages(&list).is_empty(), "{}", n.id);
        let (schema, body) = match &n.filter {
            None => ("BroadcastRequest", json!({"messages": messages})),
            Some(f) => {
                ("NarrowcastRequest", json!({"messages": messages, "filter": {"demographic": f}}))
            }
        };
        let problems = openapi::problems(schema, &body);
        assert!(problems.is_empty(), "{}: {problems:#?}", n.id);
    }
    // The validator does look at filters: a wrong age step is refused.
    let bad = json!({"messages": [{"type": "text", "text": "a"}],
                     "filter": {"demographic": {"type": "age", "gte": "age_18"}}});
    if let Some(api) = openapi::messaging_api() {
        assert!(!api.validate("NarrowcastRequest", &bad).is_empty());
    }
}

#[test]
fn the_hash_changes_with_the_content_and_the_bundle_round_trips() {
    let a = compile(EVENT);
    let b = compile(&EVENT.replace("出産の準備", "出産の準備と育児"));
    let c = compile(&EVENT.replace("T09:00", "T10:00"));
    assert_eq!(a.notices[0].hash, b.notices[0].hash, "another notice's edit changes nothing");
    assert_ne!(a.notices[1].hash, b.notices[1].hash);
    assert_ne!(a.notices[1].hash, c.notices[1].hash);
    assert_eq!(a.notices[1].hash, compile(EVENT).notices[1].hash, "builds are reproducible");
    let (dir, opts) = site(EVENT);
    pipeline::build(&opts).unwrap();
    let loaded = bundle::load(&dir.path().join("dist")).unwrap();
    assert_eq!(loaded.notices, a.notices);
}
