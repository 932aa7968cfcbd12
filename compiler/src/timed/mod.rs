//! Messages timed to each registered child: pages with `timed:` front matter become
//! [`bundle::TimedStep`]s, and `content/_timed/*.md` (or the defaults) the texts of the
//! registration conversation ([`bundle::TimedTexts`]).
//!
//! - [`crate::spec::timed`] checks `timed:` per file while loading;
//! - this module renders each step's message — a card saying when and what, with a button
//!   opening the page — checks it with the same LINE limit checks as every reply, and stamps
//!   its hash;
//! - `texts` renders the conversation, placeholders and all, and checks it with sample values.

mod texts;

use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use bundle::{ASSET_URL_PREFIX, Timed, TimedStep};

use crate::content::{Page, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex;
use crate::resolve::pushed;
use crate::spec::timed::TimedEntry;
use crate::validate;

/// Stand-in for the asset URL base while validating (as for replies).
const VALIDATION_ASSET_BASE: &str = "https://line.city-asahi.example.jp/assets/";
/// Typed words that open the registration (or stop everything), added to the keyword table
/// when the account has timed messages.
pub const KEYWORDS: &[(&str, bundle::postback::TimedAction<'static>)] = &[
    ("配信登録", bundle::postback::TimedAction::Start),
    ("お子さんに合わせた配信", bundle::postback::TimedAction::Start),
    ("登録", bundle::postback::TimedAction::Start),
    ("配信停止", bundle::postback::TimedAction::Stop),
];

/// Checks and renders every timed message and the conversation; problems go into `diags`.
/// An account without timed pages gets an empty [`Timed`] (no registration offered).
pub fn compile(site: &Site, content_dir: &Path, diags: &mut Diagnostics) -> Timed {
    let mut steps = Vec::new();
    for page in site.pages.values() {
        for (i, entry) in page.timed.iter().enumerate() {
            let id = match i {
                0 => page.path.clone(),
                i => format!("{}#{}", page.path, i + 1),
            };
            let messages = vec![card(content_dir, page, entry)];
            check(&page.source.file, entry.pos, &messages, diags);
            let mut step = TimedStep {
                id,
                title: page.title.clone(),
                from: entry.from,
                at: entry.at,
                until: entry.until,
                label: entry.label.clone(),
                messages: Value::Array(messages),
                hash: String::new(),
            };
            step.hash = hash(&step);
            steps.push(step);
        }
    }
    steps.sort_by(|a, b| {
        (a.from, a.at.approx_days(), &a.id).cmp(&(b.from, b.at.approx_days(), &b.id))
    });
    if steps.is_empty() {
        return Timed::default();
    }
    let longest = steps.iter().map(|s| s.title.as_str()).max_by_key(|t| t.len()).unwrap_or("");
    let texts = texts::compile(site, content_dir, longest, diags);
    Timed { steps, texts }
}

/// The step's message: when (`生後4か月`), the title, the summary and a button to the page.
fn card(content_dir: &Path, page: &Page, entry: &TimedEntry) -> Value {
    let body = vec![
        json!({"type": "text", "text": format!("{}のお知らせ", entry.label), "size": "xs",
               "weight": "bold", "color": "#1E7F5C"}),
        json!({"type": "text", "text": page.title, "weight": "bold", "size": "lg",
               "color": "#333333", "wrap": true}),
    ];
    let bubble = flex::pushed::page_card(pushed(content_dir, page), body, "#1E7F5C");
    flex::flex_message(&format!("{}: {}", entry.label, page.title), bubble)
}

/// The same LINE limit checks as every reply, on the messages as they will be sent.
fn check(file: &Path, at: (usize, usize), messages: &[Value], diags: &mut Diagnostics) {
    for v in validate::check_messages(&served(messages)) {
        diags.push(
            Diagnostic::error(
                file,
                at,
                format!(
                    "配信メッセージが LINE の制限を超えています（{}）: {}",
                    v.pointer, v.message
                ),
            )
            .with_hint("title や summary を短くしてください"),
        );
    }
}

/// `messages` with asset URLs as a deployment serves them.
fn served(messages: &[Value]) -> Vec<Value> {
    let text = serde_json::to_string(messages).unwrap_or_default();
    if !text.contains(ASSET_URL_PREFIX) {
        return messages.to_vec();
    }
    serde_json::from_str(&text.replace(ASSET_URL_PREFIX, VALIDATION_ASSET_BASE)).unwrap_or_default()
}

/// SHA-256 (hex) over the step with an empty hash field (serde field order is fixed).
fn hash(step: &TimedStep) -> String {
    let bytes = serde_json::to_vec(step).unwrap_or_default();
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}
