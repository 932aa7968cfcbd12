//! The shipped sample content (`content/`): it builds, every reply passes LINE's rules,
//! every page is within three taps of the welcome message, and builds are reproducible.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use bundle::{self, Bundle};
use compiler::BuildOptions;
use serde_json::Value;

fn options(out: &Path) -> BuildOptions {
    BuildOptions {
        content_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content"),
        out_dir: out.to_path_buf(),
        today: common::TODAY.parse().unwrap(),
    }
}

fn build_sample(out: &Path) -> Bundle {
    compiler::build(&options(out)).unwrap_or_else(|d| panic!("sample content fails:\n{d}"));
    bundle::load(out).expect("the written bundle loads")
}

#[test]
fn sample_content_is_a_real_site() {
    let tmp = tempfile::tempdir().unwrap();
    let b = build_sample(&tmp.path().join("dist"));
    assert!(b.pages.len() >= 30, "{} pages", b.pages.len());
    let sections: BTreeSet<&str> =
        b.pages.iter().filter_map(|p| p.path.split_once('/')).map(|(s, _)| s).collect();
    for s in ["ninshin", "shien-center", "kenshin", "teate", "soudan", "events"] {
        assert!(sections.contains(s), "section {s} missing: {sections:?}");
    }
    assert!(
        b.pages.iter().all(|p| p.path != "events/oyako-asobi-202610"),
        "expired event must be left out"
    );
}

#[test]
fn every_reply_passes_line_rules() {
    let tmp = tempfile::tempdir().unwrap();
    let b = build_sample(&tmp.path().join("dist"));
    for (name, reply) in b.all_replies() {
        let messages = b.messages_value(reply);
        assert!(messages.is_array(), "{name}");
        common::assert_line_valid(&messages);
    }
}

/// Walks the generated taps breadth-first (from the welcome and from the timed messages),
/// independently of the compiler's own check.
#[test]
fn every_page_is_within_three_taps_of_the_welcome() {
    let tmp = tempfile::tempdir().unwrap();
    let b = build_sample(&tmp.path().join("dist"));
    let mut taps: BTreeMap<String, usize> = BTreeMap::new();
    let mut frontier: Vec<String> = postback_data(&b.messages_value(&b.special.follow));
    // A `menu: false` page that is a timed message reaches parents as that message, whose
    // button opens it.
    for step in &b.timed.steps {
        frontier.extend(postback_data(&step.messages));
    }
    for depth in 1..=3 {
        let mut next = Vec::new();
        for data in frontier {
            if taps.contains_key(&data) {
                continue;
            }
            taps.insert(data.clone(), depth);
            if let Some(reply) = b.postbacks.get(&data) {
                next.extend(postback_data(&b.messages_value(reply)));
            }
        }
        frontier = next;
    }
    // The calendar's views (「今日」「土曜日」…) are found by typing, like a search: not pages.
    let unreachable: Vec<&str> = b
        .pages
        .iter()
        .filter(|p| !p.postback.starts_with(bundle::postback::CALENDAR))
        .filter(|p| !taps.contains_key(&p.postback))
        .map(|p| p.path.as_str())
        .collect();
    assert!(unreachable.is_empty(), "more than 3 taps away: {unreachable:?}");
    // Registration taps (`timed:…`) are answered by the runtime's registration flow, not by a
    // stored reply; every other tap must have one.
    for data in taps.keys().filter(|d| !d.starts_with(bundle::postback::TIMED)) {
        assert!(b.postbacks.contains_key(data), "a tap leads nowhere: {data}");
    }
}

fn postback_data(v: &Value) -> Vec<String> {
    match v {
        Value::Object(m) if m.get("type") == Some(&Value::from("postback")) => {
            m.get("data").and_then(Value::as_str).map(String::from).into_iter().collect()
        }
        Value::Object(m) => m.values().flat_map(postback_data).collect(),
        Value::Array(a) => a.iter().flat_map(postback_data).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build_sample(&a);
    build_sample(&b);
    let read = |d: &Path| std::fs::read(d.join(bundle::MANIFEST)).unwrap();
    assert_eq!(read(&a), read(&b));
    let hash = |d: &Path| bundle::load(d).unwrap().content_hash;
    assert_eq!(hash(&a).len(), 64);
    assert_eq!(hash(&a), hash(&b));
}

#[test]
fn rebuild_replaces_dist_atomically_and_keeps_readme() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("stale.txt"), "old").unwrap();
    build_sample(&out);
    assert!(!out.join("stale.txt").exists());
    assert!(out.join("README.md").exists());
    assert!(out.join("assets/shien-center.png").exists());
    let leftovers: Vec<_> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("dist")]);
}

#[test]
fn loading_rejects_other_versions_and_broken_manifests() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    build_sample(&out);
    let path = out.join(bundle::MANIFEST);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen(
            &format!("\"format_version\":{}", bundle::FORMAT_VERSION),
            "\"format_version\":999",
            1,
        ),
    )
    .unwrap();
    let err = bundle::load(&out).unwrap_err().to_string();
    assert!(err.contains("format version 999 is not supported"), "{err}");
    std::fs::write(&path, "{not json").unwrap();
    assert!(bundle::load(&out).is_err());
    std::fs::remove_file(&path).unwrap();
    assert!(bundle::load(&out).is_err());
}

#[test]
fn typed_words_find_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let b = build_sample(&tmp.path().join("dist"));
    let find = |q: &str| -> Vec<String> {
        if let Some(data) = b.keywords.get(&bundle::search::normalize(q)) {
            return vec![data.clone()];
        }
        b.search.query(q, 5).iter().map(|&i| b.pages[i as usize].postback.clone()).collect()
    };
    assert_eq!(find("メニュー"), vec!["menu:".to_string()]);
    assert!(find("予防接種").iter().any(|d| d.starts_with("page:kenshin/yobou-sesshu") || d == "menu:kenshin/yobou-sesshu"), "{:?}", find("予防接種"));
    assert!(find("おむつ").contains(&"page:teate/kami-omutsu".to_string()), "{:?}", find("おむつ"));
    assert!(find("健診いつ？").iter().any(|d| d.contains("kenshin")), "{:?}", find("健診いつ？"));
    // 「今日」 is a word the account answers (the calendar's 今日 view); the weather is not.
    assert!(find("天気予報").is_empty(), "{:?}", find("天気予報"));
    assert_eq!(find("今日"), vec!["cal:today".to_string()]);
}
