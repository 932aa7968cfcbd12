//! Shared helpers for the compiler's integration tests: tiny content trees in a temp dir,
//! built with the real pipeline, and every generated message checked against LINE's rules.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::PathBuf;

use bundle::Bundle;
use compiler::BuildOptions;
use serde_json::Value;

/// The day tests treat as today (fixed, so `expires` tests do not depend on the clock).
pub const TODAY: &str = "2026-11-27";

/// A content tree in a temp dir.
pub struct Site {
    pub dir: tempfile::TempDir,
}

/// Minimal account + one section, to which a test adds pages.
pub const ACCOUNT: &str =
    "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\n---\nようこそ。\n";
pub const SECTION: &str = "---\ntitle: テスト\nsummary: テスト用のセクション\n---\n";

impl Site {
    /// A tree with the account, section `s` and the given extra files.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site { dir };
        site.write("_index.md", ACCOUNT);
        site.write("s/_index.md", SECTION);
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.content().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.content().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }

    pub fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            content_dir: self.content(),
            out_dir: self.out(),
            today: TODAY.parse().expect("date"),
        }
    }

    /// Compiles in memory; panics with the diagnostics on failure.
    pub fn bundle(&self) -> Bundle {
        match compiler::compile(&self.options()) {
            Ok((out, _)) => out.bundle,
            Err(d) => panic!("build failed:\n{}", self.relative(&d.to_string())),
        }
    }

    /// Compiles and returns every diagnostic, with the temp dir shown as `content/…`.
    pub fn errors(&self) -> String {
        match compiler::compile(&self.options()) {
            Ok(_) => panic!("build unexpectedly succeeded"),
            Err(d) => self.relative(&d.to_string()),
        }
    }

    fn relative(&self, text: &str) -> String {
        text.replace(&format!("{}/", self.dir.path().display()), "")
    }
}

/// The messages of a reply with asset URLs as served, checked against LINE's schema and limits.
pub fn checked_messages(bundle: &Bundle, key: &str) -> Value {
    let reply = match key {
        "follow" => &bundle.special.follow,
        "fallback" => &bundle.special.fallback,
        _ => bundle.postbacks.get(key).unwrap_or_else(|| panic!("no reply {key}")),
    };
    let messages = bundle.messages_value(reply);
    assert_line_valid(&messages);
    messages
}

/// Asserts that a messages array passes LINE's OpenAPI schema (as a reply request) and limits.
pub fn assert_line_valid(messages: &Value) {
    let served = serde_json::to_string(messages)
        .expect("json")
        .replace(bundle::ASSET_URL_PREFIX, "https://example.jp/assets/")
        .replace(bundle::CALENDAR_URL_PREFIX, "https://example.jp/calendar/");
    let messages: Value = serde_json::from_str(&served).expect("json");
    let request = serde_json::json!({ "replyToken": "abc", "messages": messages });
    let problems = openapi::problems("ReplyMessageRequest", &request);
    assert!(problems.is_empty(), "schema problems: {problems:#?}");
    let list: Vec<Value> = messages.as_array().expect("array").clone();
    let violations = compiler::check_messages(&list);
    assert!(violations.is_empty(), "limit violations: {violations:#?}");
}

/// A page file with the given front matter lines and body.
pub fn page(front: &str, body: &str) -> String {
    format!("---\ntitle: テストページ\n{front}---\n{body}")
}
