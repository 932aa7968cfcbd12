//! Assembling the bundle: render every reply (in parallel), validate each against LINE's
//! rules, check the three-tap rule, index for search and stamp the content hash.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;
use serde_json::value::{RawValue, to_raw_value};
use sha2::{Digest, Sha256};

use super::reach::{MAX_TAPS, tap_distances};
use crate::bundle::{self, Bundle, FORMAT_VERSION, PageEntry, Reply, SearchReply, SpecialReplies};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex::{self, Renderer, TemplateError, actions};
use crate::lookup::{self, Draft, LookupError};
use crate::search::{Document, SearchIndex};
use crate::validate::limits;

/// Results shown for one search.
pub const SEARCH_RESULTS: usize = 5;

/// A compiled bundle, ready to be written.
#[derive(Debug)]
pub struct Output {
    /// The manifest.
    pub bundle: Bundle,
    /// Assets to copy: (name, source file).
    pub assets: Vec<(String, PathBuf)>,
    /// Extra files (relative path, bytes), e.g. the preview.
    pub extra: Vec<(String, Vec<u8>)>,
}

impl Output {
    /// Writes the bundle directory atomically.
    pub fn write(&self, out: &Path) -> Result<(), bundle::BundleError> {
        bundle::write(&self.bundle, &self.assets, &self.extra, out)
    }

    /// Size of the manifest in bytes.
    pub fn manifest_len(&self) -> usize {
        serde_json::to_vec(&self.bundle).map_or(0, |v| v.len())
    }
}

/// Builds the bundle for a loaded, resolved site.
pub fn assemble(site: &Site, dir: &Path, diags: &mut Diagnostics) -> Result<Output, Diagnostics> {
    let r = Renderer::new(site.templates_dir.as_deref()).map_err(|e| template_diag(diags, e))?;
    let rendered = render_all(&r, site, dir);
    let mut drafts = BTreeMap::new();
    let mut cards = BTreeMap::new();
    for result in rendered {
        match result {
            Ok(Rendered::Replies(list)) => drafts.extend(list),
            Ok(Rendered::Card(path, card)) => {
                cards.insert(path, card);
            }
            Err(e) => lookup_diag(diags, e),
        }
    }
    if diags.has_errors() {
        return Err(std::mem::take(diags));
    }
    let welcome = lookup::welcome(&r, site).map_err(|e| {
        lookup_diag(diags, e);
        std::mem::take(diags)
    })?;
    let specials = special_drafts(site, welcome, &drafts);
    validate_all(&drafts, &specials, diags);
    check_reachability(site, &specials[0].1, &drafts, diags);
    if diags.has_errors() {
        return Err(std::mem::take(diags));
    }
    let bundle = to_bundle(site, drafts, specials, cards);
    let assets = site.assets.clone();
    Ok(Output { bundle: stamp(bundle, &assets), assets, extra: Vec::new() })
}

enum Rendered {
    Replies(Vec<(String, Draft)>),
    Card(String, Value),
}

fn render_all(r: &Renderer, site: &Site, dir: &Path) -> Vec<Result<Rendered, LookupError>> {
    let pages: Vec<_> = site.pages.values().collect();
    let sections: Vec<_> = site.sections.values().collect();
    let mut out: Vec<Result<Rendered, LookupError>> = pages
        .par_iter()
        .flat_map_iter(|p| {
            let reply = lookup::page_reply(r, site, dir, p)
                .map(|d| Rendered::Replies(vec![(actions::page_data(&p.path), d)]));
            let card = lookup::card(r, site, p)
                .map(|c| Rendered::Card(p.path.clone(), c))
                .map_err(LookupError::from);
            [reply, card]
        })
        .collect();
    out.extend(
        sections
            .par_iter()
            .map(|s| lookup::menu_replies(r, site, dir, s).map(Rendered::Replies))
            .collect::<Vec<_>>(),
    );
    out
}

/// Follow, fallback, unknown-tap and sticker replies: a short text (or the welcome) and the
/// top menu, so a parent is never left without a next step.
fn special_drafts(
    site: &Site,
    welcome: Vec<Value>,
    drafts: &BTreeMap<String, Draft>,
) -> Vec<(&'static str, Draft)> {
    let root_menu =
        drafts.get(&actions::menu_data("", 1)).map(|d| d.messages.clone()).unwrap_or_default();
    let account = &site.account;
    let with_menu = |first: Vec<Value>| {
        let mut messages = first;
        messages.extend(root_menu.iter().cloned());
        Draft { messages, quick_reply: String::new(), file: account.source.file.clone() }
    };
    vec![
        ("follow", with_menu(welcome)),
        ("fallback", with_menu(vec![flex::text_message(&account.fallback)])),
        (
            "unknown_postback",
            with_menu(vec![flex::text_message(
                "このボタンの案内は新しくなりました。お手数ですが、メニューからもう一度お選びください。",
            )]),
        ),
        (
            "unsupported_message",
            with_menu(vec![flex::text_message(
                "スタンプや画像にはお返事できません。知りたいことを文字で送るか、メニューから選んでください。",
            )]),
        ),
    ]
}

fn validate_all(
    drafts: &BTreeMap<String, Draft>,
    specials: &[(&str, Draft)],
    diags: &mut Diagnostics,
) {
    let all =
        drafts.iter().map(|(k, d)| (k.as_str(), d)).chain(specials.iter().map(|(k, d)| (*k, d)));
    for (key, draft) in all {
        for v in limits::check_messages(&as_served(&draft.messages)) {
            diags.push(
                Diagnostic::error(
                    &draft.file,
                    (1, 1),
                    format!("LINE の制限を超えています（{key} {}）: {}", v.pointer, v.message),
                )
                .with_hint("文章を短くするか、ページを分けてください"),
            );
        }
        if key.len() > 300 {
            diags.push(Diagnostic::error(
                &draft.file,
                (1, 1),
                "ファイルのパスが長すぎます（300文字まで）",
            ));
        }
    }
}

/// Asset URLs as the runtime will serve them (a stand-in https host of typical length),
/// so the https and length rules are checked on what LINE will see.
fn as_served(messages: &[Value]) -> Vec<Value> {
    let text = serde_json::to_string(messages).unwrap_or_default();
    let text = text.replace(bundle::ASSET_URL_PREFIX, VALIDATION_ASSET_BASE);
    serde_json::from_str(&text).unwrap_or_default()
}

/// Stand-in for `{OYAKO_PUBLIC_URL}/assets/` during validation.
pub const VALIDATION_ASSET_BASE: &str = "https://line.city-asahi.example.jp/assets/";

fn check_reachability(
    site: &Site,
    follow: &Draft,
    drafts: &BTreeMap<String, Draft>,
    diags: &mut Diagnostics,
) {
    let replies: BTreeMap<String, Vec<&Value>> =
        drafts.iter().map(|(k, d)| (k.clone(), d.messages.iter().collect())).collect();
    let qr = lookup::quick_reply(site, "");
    let start: Vec<&Value> = follow.messages.iter().chain(std::iter::once(&qr)).collect();
    let dist = tap_distances(&start, &replies);
    for page in site.pages.values() {
        let taps = dist.get(&actions::page_data(&page.path)).copied();
        if taps.is_none_or(|t| t > MAX_TAPS) {
            let n = taps.map_or("届かない".to_string(), |t| format!("{t}タップ"));
            diags.push(
                Diagnostic::error(
                    &page.source.file,
                    (1, 1),
                    format!("このページはあいさつから{MAX_TAPS}タップ以内に届きません（{n}）"),
                )
                .with_hint("セクションの入れ子を浅くするか、order で前に出してください"),
            );
        }
    }
}

fn raw(v: &Value) -> Box<RawValue> {
    to_raw_value(v).expect("a serde_json::Value always serialises")
}

fn to_bundle(
    site: &Site,
    drafts: BTreeMap<String, Draft>,
    specials: Vec<(&str, Draft)>,
    cards: BTreeMap<String, Value>,
) -> Bundle {
    let qr_keys: Vec<String> = site.sections.keys().cloned().collect();
    let qr_index = |k: &str| qr_keys.iter().position(|x| x == k);
    let reply = |d: &Draft| Reply {
        messages: d.messages.iter().map(raw).collect(),
        quick_reply: qr_index(&d.quick_reply),
    };
    let mut special = specials.iter().map(|(_, d)| reply(d));
    let mut next = || special.next().expect("four special replies");
    let special = SpecialReplies {
        follow: next(),
        fallback: next(),
        unknown_postback: next(),
        unsupported_message: next(),
    };
    let pages: Vec<PageEntry> = site
        .pages
        .values()
        .map(|p| PageEntry {
            path: p.path.clone(),
            title: p.title.clone(),
            postback: actions::page_data(&p.path),
            card: raw(&cards[&p.path]),
        })
        .collect();
    let docs: Vec<Document<'_>> = site
        .pages
        .values()
        .map(|p| Document {
            title: &p.title,
            keywords: &p.keywords,
            summary: p.summary.as_deref().unwrap_or(""),
            body: &p.text,
        })
        .collect();
    Bundle {
        format_version: FORMAT_VERSION,
        content_hash: String::new(),
        title: site.account.title.clone(),
        special,
        postbacks: drafts.iter().map(|(k, d)| (k.clone(), reply(d))).collect(),
        keywords: lookup::keywords(site),
        quick_replies: qr_keys.iter().map(|k| raw(&lookup::quick_reply(site, k))).collect(),
        pages,
        search: SearchIndex::build(&docs),
        search_reply: SearchReply {
            head: r#"{"type":"flex","altText":"お探しの情報の候補です","contents":{"type":"carousel","contents":["#.to_string(),
            tail: "]}}".to_string(),
            quick_reply: qr_index(""),
            max_results: SEARCH_RESULTS,
        },
        assets: site.assets.iter().map(|(n, _)| n.clone()).collect(),
    }
}

/// Sets the content hash: SHA-256 over the manifest (hash field empty) and every asset.
fn stamp(mut bundle: Bundle, assets: &[(String, PathBuf)]) -> Bundle {
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(&bundle).unwrap_or_default());
    for (name, path) in assets {
        h.update(name.as_bytes());
        h.update(std::fs::read(path).unwrap_or_default());
    }
    bundle.content_hash = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    bundle
}

fn template_diag(diags: &mut Diagnostics, e: TemplateError) -> Diagnostics {
    diags.push(
        Diagnostic::error(&e.file, (e.line, 1), format!("テンプレートのエラー: {}", e.message))
            .with_hint(
                "content/_templates/ のテンプレートを直すか、削除して標準のものに戻してください",
            ),
    );
    std::mem::take(diags)
}

fn lookup_diag(diags: &mut Diagnostics, e: LookupError) {
    match e {
        LookupError::Template(t) => {
            template_diag(diags, t).sorted().into_iter().for_each(|d| diags.push(d));
        }
        LookupError::TooLong { file, pos, message } => diags.push(
            Diagnostic::error(&file, pos, message)
                .with_hint("ページを2つに分けるか、内容を短くしてください"),
        ),
    }
}
