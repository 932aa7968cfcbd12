//! `oyako check` and `oyako build` as staff and CI run them: warnings are shown and do not fail
//! the build, `--strict` (pull requests) fails on them and writes nothing.

use std::path::Path;
use std::process::{Command, Output};

const ACCOUNT: &str =
    "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\n---\nようこそ。\n";
const SECTION: &str = "---\ntitle: テスト\nsummary: テスト用のセクション\n---\n";

/// A content tree whose only problem is a warning (an HTML tag shown as text).
fn content_with_a_warning(root: &Path) -> std::path::PathBuf {
    let content = root.join("content");
    std::fs::create_dir_all(content.join("s")).unwrap();
    std::fs::write(content.join("_index.md"), ACCOUNT).unwrap();
    std::fs::write(content.join("s/_index.md"), SECTION).unwrap();
    std::fs::write(content.join("s/p.md"), "---\ntitle: ページ\n---\n<b>太字</b>のつもり。\n")
        .unwrap();
    content
}

fn oyako(args: &[&str]) -> (bool, String) {
    let Output { status, stderr, .. } =
        Command::new(env!("CARGO_BIN_EXE_oyako")).args(args).output().expect("run oyako");
    (status.success(), String::from_utf8_lossy(&stderr).into_owned())
}

#[test]
fn warnings_are_shown_and_fail_only_strict() {
    let tmp = tempfile::tempdir().unwrap();
    let content = content_with_a_warning(tmp.path());
    let content = content.to_str().unwrap();

    let (ok, err) = oyako(&["check", "--content", content, "--today", "2026-11-27"]);
    assert!(ok, "{err}");
    assert!(err.contains("s/p.md:4:1: 警告: HTMLタグは使えない"), "{err}");
    assert!(err.contains("警告が 2 件あります"), "{err}");
    assert!(err.contains("問題はありません"), "{err}");

    let (ok, err) = oyako(&["check", "--strict", "--content", content, "--today", "2026-11-27"]);
    assert!(!ok, "--strict must fail on a warning: {err}");
    assert!(err.contains("s/p.md:4:1: 警告: HTMLタグは使えない"), "{err}");
    assert!(err.contains("--strict のため、警告もエラーとして扱いました。"), "{err}");
}

#[test]
fn strict_build_writes_nothing_on_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let content = content_with_a_warning(tmp.path());
    let (content, out) = (content.to_str().unwrap(), tmp.path().join("dist"));
    let out_arg = out.to_str().unwrap();

    let (ok, err) = oyako(&["build", "--strict", "--content", content, "--out", out_arg]);
    assert!(!ok, "{err}");
    assert!(!out.exists(), "nothing may be written");

    let (ok, err) = oyako(&["build", "--content", content, "--out", out_arg]);
    assert!(ok, "{err}");
    assert!(err.contains("警告: HTMLタグ"), "{err}");
    assert!(out.join("bundle.json").is_file());
}
