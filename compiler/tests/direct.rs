//! The built-in templates are built directly in Rust (`compiler/src/flex/direct.rs`) unless
//! staff override them in `content/_templates/`, when minijinja renders them. Both paths must
//! give the same bundle, byte for byte: each site here is built as it is and again with copies
//! of the built-in templates in its `_templates/` (which sends every reply through minijinja),
//! and the two outputs — manifest, replies file, preview and every other file — or the two
//! sets of diagnostics are compared.

mod common;

use std::path::{Path, PathBuf};

use common::Site;

/// A page titled `ページ<title>` with extra front matter.
fn page(title: &str, front: &str, body: &str) -> String {
    format!("---\ntitle: ページ{title}\n{front}---\n{body}")
}

const TEMPLATES: &[&str] = &["blocks.json", "page.json", "menu.json", "card.json"];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// What a build gave: every output file (name, bytes) or the diagnostics.
fn outcome(content: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let opts = compiler::BuildOptions {
        content_dir: content.to_path_buf(),
        out_dir: content.join("../unused"),
        today: common::TODAY.parse().expect("date"),
    };
    match compiler::compile(&opts) {
        Ok((out, report)) => {
            let mut files = vec![
                ("bundle.json".to_string(), out.manifest.clone()),
                ("replies.lz4".to_string(), out.bundle.replies.clone()),
                (
                    "warnings".to_string(),
                    relative(&report.warnings.to_string(), content).into_bytes(),
                ),
            ];
            files.extend(out.extra.iter().cloned());
            Ok(files)
        }
        Err(d) => Err(relative(&d.to_string(), content)),
    }
}

/// Diagnostics with the site's folder shown as `content/`.
fn relative(text: &str, content: &Path) -> String {
    text.replace(&format!("{}/", content.display()), "content/")
}

/// Builds `content` directly and through the templates; asserts both give the same and
/// returns whether the build succeeded.
fn assert_same_both_ways(content: &Path) -> bool {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (direct, templated) = (tmp.path().join("a/content"), tmp.path().join("b/content"));
    copy_tree(content, &direct);
    copy_tree(content, &templated);
    let overrides = templated.join("_templates");
    std::fs::create_dir_all(&overrides).expect("mkdir");
    for name in TEMPLATES {
        let to = overrides.join(name);
        if !to.exists() {
            std::fs::copy(manifest_dir().join("templates").join(name), to).expect("copy");
        }
    }
    let (a, b) = (outcome(&direct), outcome(&templated));
    match (&a, &b) {
        (Ok(fa), Ok(fb)) => {
            let names =
                |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
            assert_eq!(names(fa), names(fb), "{}: different files", content.display());
            for ((name, x), (_, y)) in fa.iter().zip(fb) {
                assert!(
                    x == y,
                    "{}: {name} differs between the direct and template paths",
                    content.display()
                );
            }
        }
        _ => assert_eq!(a, b, "{}: the two builds disagree", content.display()),
    }
    if let Err(e) = &a {
        eprintln!("{}: build failed both ways:\n{e}", content.display());
    }
    a.is_ok()
}

#[test]
fn sample_content_is_the_same_both_ways() {
    assert!(assert_same_both_ways(&manifest_dir().join("../content")));
}

#[test]
fn every_fixture_is_the_same_both_ways() {
    let root = manifest_dir().join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() > 20, "fixtures found: {}", dirs.len());
    for dir in dirs {
        assert_same_both_ways(&dir);
    }
}

/// Every block kind, span style, hero, event, part split, footer and a paginated menu.
#[test]
fn every_template_branch_is_the_same_both_ways() {
    let body = "## 見出し二\n\n### 見出し三\n\nふつうの文と **太字** と *斜体* と ~~取り消し~~ と `コード` と[となり](b.md)。\n\n\
        1. いち\n   - 入れ子\n2. に\n\n> 引用の**文**\n\n```\n```\n\n```\nコードの行\n```\n\n\
        | 対象 | 時期 |\n| --- | --- |\n| 赤ちゃん | いつでも |\n|  | 空の見出し |\n\n\
        | a | b | c | d |\n| --- | --- | --- | --- |\n| 1 | 2 | 3 | 4 |\n\n---\n\n\
        ![地図の説明](https://example.jp/map.png)\n\n\
        [電話する](tel:0479-62-1212) [市のページ](https://www.city.asahi.lg.jp/)\n";
    let long: String =
        (0..12).map(|i| format!("## 章{i}\n\n{}\n\n", "長い本文です。".repeat(40))).collect();
    let mut files = vec![
        ("s/a.md".to_string(), page("A", "summary: 要約です\n", body)),
        (
            "s/b.md".to_string(),
            page(
                "B",
                "summary: \"\"\nevent:\n  date: 2026-12-12\n  time: 10:00〜11:30\n  place: 保健センター\n",
                "本文。\n",
            ),
        ),
        ("s/c.md".to_string(), page("C", "event:\n  date: 2026-12-13\n", &long)),
        (
            "s/d.md".to_string(),
            page("D", "image: https://example.jp/hero.png\nimage_alt: 会場の写真\n", "本文。\n"),
        ),
        (
            "s/e.md".to_string(),
            page("E", "image: https://example.jp/hero.png\nimage_alt: \"\"\n", "本文。\n"),
        ),
    ];
    for i in 0..14 {
        files.push((format!("m/p{i:02}.md"), format!("---\ntitle: 項目{i}\n---\n本文{i}。\n")));
    }
    files.push((
        "m/_index.md".into(),
        "---\ntitle: たくさん\nsummary: 多い\n---\n紹介の文です。\n".into(),
    ));
    files.push(("m/sub/_index.md".into(), "---\ntitle: 下の階\n---\n".into()));
    files.push(("m/sub/x.md".into(), "---\ntitle: 下のページ\n---\n本文。\n".into()));
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = Site::new(&files);
    assert!(assert_same_both_ways(&site.content()));
}
