//! Timed messages in the bundle: steps from `timed:` front matter, sorted, valid LINE
//! messages with a descriptive altText; the conversation texts with their placeholders; pages
//! with `menu: false` answered and searched but in no menu.

mod common;

use common::{Site, assert_line_valid, page};
use serde_json::Value;

fn site() -> Site {
    Site::new(&[
        ("s/_index.md", "---\ntitle: 健診\n---\n"),
        (
            "s/yonkagetsu.md",
            "---\ntitle: 4か月児健診\nsummary: 首すわりなど\ntimed: {from: birth, at: 4m}\n---\n本文\n",
        ),
        (
            "s/hidden.md",
            &page(
                "timed:\n  - {from: due, at: -12w}\n  - {from: birth, at: 1y6m, until: 2y}\nmenu: false\n",
                "本文\n",
            ),
        ),
        ("s/top.md", "---\ntitle: 登録\n---\n[登録する](timed:)\n"),
    ])
}

#[test]
fn steps_are_in_the_bundle_sorted_and_valid() {
    let b = site().bundle();
    let steps: Vec<(String, String, String)> = b
        .timed
        .steps
        .iter()
        .map(|s| {
            (s.id.clone(), s.at.to_string(), s.messages[0]["altText"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("s/yonkagetsu".into(), "4m".into(), "生後4か月: 4か月児健診".into()),
            ("s/hidden#2".into(), "1y6m".into(), "1歳6か月: テストページ".into()),
            ("s/hidden".into(), "-12w".into(), "出産予定日の12週前: テストページ".into()),
        ]
    );
    for s in &b.timed.steps {
        assert_line_valid(&s.messages);
        assert_eq!(s.hash.len(), 64);
    }
    assert_eq!(b.timed.steps[1].until.unwrap().to_string(), "2y");
}

#[test]
fn texts_become_valid_messages_once_filled_in() {
    let b = site().bundle();
    let t = &b.timed.texts;
    let fill = |s: &str| {
        let mut s = s.to_string();
        for (k, v) in [
            ("TODAY", "2026-04-01"),
            ("DUE_MAX", "2027-01-26"),
            ("BIRTH_MIN", "2019-04-01"),
            ("MIN", "2019-04-01"),
            ("MAX", "2026-04-01"),
            ("DATE", "2025-10-01"),
            ("ID", "0123456789ab"),
            ("CHILD", "生年月日 2025年10月1日"),
            ("WHEN", "2026年2月1日"),
            ("TITLE", "4か月児健診"),
        ] {
            s = s.replace(&format!("@@{k}@@"), v);
        }
        assert!(!s.contains("@@"), "{s}");
        serde_json::from_str::<Value>(&s).unwrap()
    };
    for text in
        [&t.consent, &t.pick, &t.stopped, &t.deleted, &t.bad_date, &t.not_found, &t.due_question]
    {
        assert_line_valid(&fill(text));
    }
    let confirm =
        format!("{}{},{}{}", t.confirm_head, t.confirm_row, t.confirm_none, t.confirm_tail);
    assert_line_valid(&fill(&confirm));
    let manage = format!("{}{}{}", t.manage_head, t.manage_row, t.manage_tail);
    assert_line_valid(&fill(&manage));
    let pick = fill(&t.pick);
    let text = pick.to_string();
    assert!(
        text.contains(r#""data":"timed:add:due""#) && text.contains(r#""mode":"date""#),
        "{text}"
    );
    assert!(t.consent.contains("timed:consent"));
}

#[test]
fn menu_false_pages_are_answered_but_not_listed() {
    let b = site().bundle();
    assert!(b.postbacks.contains_key("page:s/hidden"));
    let menu = b.messages_value(&b.postbacks["menu:s"]).to_string();
    assert!(menu.contains("page:s/yonkagetsu") && !menu.contains("page:s/hidden"), "{menu}");
    let top = b.messages_value(&b.postbacks["page:s/top"]).to_string();
    assert!(top.contains(r#""data":"timed:start""#), "{top}");
    assert_eq!(b.keywords.get("配信停止").map(String::as_str), Some("timed:stop"));
}

#[test]
fn no_timed_pages_no_timed_part() {
    let b = Site::new(&[("s/_index.md", "---\ntitle: S\n---\n"), ("s/p.md", &page("", "本文\n"))])
        .bundle();
    assert!(b.timed.is_empty());
    assert!(!b.keywords.contains_key("配信停止"));
}
