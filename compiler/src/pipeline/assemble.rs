//! Assembling the bundle: render every reply (in parallel), validate each against LINE's
//! rules, check the three-tap rule, index for search, draw the rich menu and stamp the
//! content hash.
//!
//! Each reply is validated and serialised as soon as it is rendered, so only compact JSON
//! text is kept: holding ten thousand pages as `serde_json::Value` trees would cost gigabytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use bundle::postback;
use bundle::search::{Document, SearchIndex};
use bundle::{self, BlobBuilder, Bundle, FORMAT_VERSION, PageEntry, SearchReply, SpecialReplies};

use super::days;
use super::quick::{self, QuickReplies};
use super::reach::{MAX_TAPS, postbacks, tap_distances};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex::{self, Renderer, TemplateError};
use crate::locate::{self, Origin};
use crate::lookup::{self, Draft, LookupError};
use crate::validate::{self, VALIDATION_ASSET_BASE};

/// Results shown for one search.
pub const SEARCH_RESULTS: usize = 5;

/// A compiled bundle, ready to be written.
#[derive(Debug)]
pub struct Output {
    /// The bundle (with its replies file in memory).
    pub bundle: Bundle,
    /// The serialised manifest, content hash included.
    pub manifest: Vec<u8>,
    /// Assets to copy: (name, source file).
    pub assets: Vec<(String, PathBuf)>,
    /// Extra files (relative path, bytes), e.g. the preview.
    pub extra: Vec<(String, Vec<u8>)>,
}

impl Output {
    /// Writes the bundle directory atomically.
    pub fn write(&self, out: &Path) -> Result<(), bundle::BundleError> {
        bundle::write(&self.manifest, &self.bundle.replies, &self.assets, &self.extra, out)
    }
}

/// A reply rendered, checked and serialised (a JSON array of messages, quick reply included),
/// with the taps it shows for the three-tap rule.
struct Compiled {
    json: Vec<u8>,
    taps: Vec<String>,
    /// What it is made from.
    origin: Origin,
    /// For the accessibility checks across replies.
    facts: crate::access::ReplyFacts,
}

/// Builds the bundle for a loaded, resolved site; `None` when a check failed.
///
/// Every check runs whatever the others found, so one run reports everything: replies,
/// surveys, notices, the rich menu and the three-tap rule. A check is skipped only where an
/// earlier failure would make it report the same mistake again (the three-tap rule when a
/// template could not be used).
pub fn assemble(
    site: &Site,
    dir: &Path,
    files: super::Files,
    diags: &mut Diagnostics,
) -> Option<Output> {
    let phase = crate::phases::start("features");
    let richmenu = crate::richmenu::compile(site, diags);
    crate::survey::check_site(site, diags);
    let notices = crate::notices::compile(site, dir, diags);
    let promo = crate::promo::compile(site, files == super::Files::Make, diags);
    let timed = crate::timed::compile(site, dir, diags);
    let r = match Renderer::new(site.templates_dir.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            let taken = template_diag(diags, e);
            diags.extend(taken);
            return None;
        }
    };
    drop(phase);
    let phase = crate::phases::start("render");
    let mut replies = BTreeMap::new();
    let mut cards = BTreeMap::new();
    let mut templates_ok = true;
    let qr = quick::all(site);
    for result in render_all(&r, site, dir, &qr) {
        match result {
            Ok(Rendered::Replies(list, d)) => {
                replies.extend(list);
                diags.extend(d);
            }
            Ok(Rendered::Card(path, card)) => {
                cards.insert(path, card);
            }
            Err(e) => {
                templates_ok &= !matches!(e, LookupError::Template(_));
                lookup_diag(diags, e);
            }
        }
    }
    drop(phase);
    let phase = crate::phases::start("calendar");
    // Every distinct day variant is serialised and checked once, as it is rendered.
    let found = std::sync::Mutex::new(Diagnostics::default());
    let check_reply = |key: &str, d: Draft| {
        let mut problems = Diagnostics::default();
        let json = compile(site, &qr, key, d, &mut problems).json;
        if !problems.is_empty() {
            found.lock().unwrap_or_else(|p| p.into_inner()).extend(problems);
        }
        json
    };
    let plan = crate::calendar::plan(&r, site, dir, &check_reply, diags).unwrap_or_else(|e| {
        templates_ok &= !matches!(e, LookupError::Template(_));
        lookup_diag(diags, e);
        None
    });
    diags.extend(found.into_inner().unwrap_or_else(|p| p.into_inner()));
    if let Some(plan) = &plan {
        // The window's first day stands in the reply table (for the three-tap rule and the
        // checks across replies).
        for (key, json) in days::first_days(plan) {
            let messages: Vec<Value> = serde_json::from_slice(json).unwrap_or_default();
            let origin = replies.get(key).map_or(Origin::Account, |c: &Compiled| c.origin.clone());
            let compiled = Compiled {
                json: json.to_vec(),
                taps: messages.iter().flat_map(postbacks).collect(),
                facts: crate::access::facts(&messages),
                origin,
            };
            replies.insert(key.clone(), compiled);
        }
    }
    let welcome = lookup::welcome(&r, site).unwrap_or_else(|e| {
        templates_ok &= !matches!(e, LookupError::Template(_));
        lookup_diag(diags, e);
        vec![flex::text_message(&site.account.title)]
    });
    let promo = promo.unwrap_or_default();
    if let Rendered::Replies(list, d) = finish(site, &qr, promo.answers) {
        replies.extend(list);
        diags.extend(d);
    }
    drop(phase);
    let phase = crate::phases::start("access");
    let generated = Generated {
        replies: &replies,
        cards: &cards,
        welcome: &welcome,
        notices: &notices,
        timed: &timed,
    };
    check_access(site, &r, &generated, diags);
    if let Some(m) = &richmenu {
        let requests: Vec<&Value> = m.bundle.menus.iter().map(|e| &e.request).collect();
        crate::access::check_richmenu_requests(site, &requests, diags);
    }
    drop(phase);
    let phase = crate::phases::start("reach");
    let question = promo.question.as_ref();
    let root_menu = replies.get(&postback::menu("", 1)).map(|c| c.json.clone()).unwrap_or_default();
    let specials = special_replies(site, &welcome, question, &root_menu, &qr, diags);
    // The rich menu is always on screen: each of its taps counts as one tap, like the
    // welcome message's buttons.
    let mut start = specials[0].taps.clone();
    match &richmenu {
        Some(m) => start.extend(m.bundle.menus.iter().flat_map(|e| postbacks(&e.request))),
        None => start.extend(crate::richmenu::planned_actions(site).iter().flat_map(postbacks)),
    }
    if templates_ok {
        check_reachability(site, &start, &replies, diags);
    }
    drop(phase);
    let phase = crate::phases::start("days");
    let calendar = plan.map(|plan| {
        let specials = |menu: &[u8], diags: &mut Diagnostics| {
            let list = special_replies(site, &welcome, question, menu, &qr, diags);
            list.into_iter().map(|c| c.json).collect()
        };
        days::compile(plan, &specials, diags)
    });
    let calendar_cards: Vec<Vec<u8>> = calendar
        .iter()
        .flat_map(days::docs)
        .map(|doc| {
            crate::calendar::card(&r, doc).map(|v| v.to_string().into_bytes()).unwrap_or_else(|e| {
                let taken = template_diag(diags, e);
                diags.extend(taken);
                Vec::new()
            })
        })
        .collect();
    if diags.has_errors() {
        return None;
    }
    drop(phase);
    let phase = crate::phases::start("bundle");
    let mut bundle = to_bundle(site, replies, specials, cards, calendar.as_ref(), calendar_cards);
    let (richmenu, mut extra) = richmenu.map_or((None, Vec::new()), |m| (Some(m.bundle), m.files));
    bundle.richmenu = richmenu;
    bundle.notices = notices;
    if !timed.is_empty() {
        // Typed words that open the registration or stop it (see `bundle::postback::TIMED`).
        for (word, action) in crate::timed::KEYWORDS {
            bundle
                .keywords
                .insert(bundle::search::normalize(word), bundle::postback::timed(*action));
        }
    }
    bundle.timed = timed;
    // Channel codes typed as messages count as answers (see `crate::promo::chat`).
    bundle.keywords.extend(promo.keywords);
    let assets = site.assets.clone();
    let (bundle, manifest) = stamp(bundle, &assets);
    extra.extend(promo.files);
    drop(phase);
    let _phase = crate::phases::start("preview");
    extra.extend(crate::preview::files(site, &bundle));
    Some(Output { bundle, manifest, assets, extra })
}

enum Rendered {
    Replies(Vec<(String, Compiled)>, Diagnostics),
    Card(String, Vec<u8>),
}

/// Every message the build generated, for the checks across them.
struct Generated<'a> {
    replies: &'a BTreeMap<String, Compiled>,
    cards: &'a BTreeMap<String, Vec<u8>>,
    welcome: &'a [Value],
    notices: &'a [bundle::Notice],
    timed: &'a bundle::Timed,
}

/// Accessibility across every reply: altTexts and colours (see [`crate::access`]).
fn check_access(site: &Site, r: &Renderer, g: &Generated<'_>, diags: &mut Diagnostics) {
    let Generated { replies, cards, welcome, notices, timed } = *g;
    let welcome_facts = crate::access::facts(welcome);
    let notice_facts: Vec<(String, Origin, crate::access::ReplyFacts)> = notices
        .iter()
        .map(|n| {
            let messages = n.messages.as_array().map_or(&[][..], Vec::as_slice);
            (format!("notice:{}", n.id), Origin::Page(n.id.clone()), crate::access::facts(messages))
        })
        // Search results: each page's card (colours only; the search reply's altText is fixed).
        .chain(cards.iter().map(|(path, bytes)| {
            let card: Value = serde_json::from_slice(bytes).unwrap_or_default();
            let facts = crate::access::ReplyFacts {
                alts: Vec::new(),
                contrast: crate::access::facts(&[card]).contrast,
            };
            (format!("card:{path}"), Origin::Page(path.clone()), facts)
        }))
        .chain(timed.steps.iter().map(|s| {
            let messages = s.messages.as_array().map_or(&[][..], Vec::as_slice);
            let page = s.id.split('#').next().unwrap_or(&s.id).to_string();
            (format!("timed:{}", s.id), Origin::Page(page), crate::access::facts(messages))
        }))
        .collect();
    let mut all: Vec<crate::access::Reply<'_>> = replies
        .iter()
        .map(|(key, c)| crate::access::Reply { key, origin: &c.origin, facts: &c.facts })
        .collect();
    all.push(crate::access::Reply {
        key: "follow",
        origin: &Origin::Account,
        facts: &welcome_facts,
    });
    all.extend(notice_facts.iter().map(|(key, origin, facts)| crate::access::Reply {
        key,
        origin,
        facts,
    }));
    crate::access::check_replies(site, &r.sources(), &all, diags);
}

fn render_all(
    r: &Renderer,
    site: &Site,
    dir: &Path,
    qr: &QuickReplies,
) -> Vec<Result<Rendered, LookupError>> {
    let pages: Vec<_> = site.pages.values().collect();
    let sections: Vec<_> = site.sections.values().collect();
    let mut out: Vec<Result<Rendered, LookupError>> = pages
        .par_iter()
        .flat_map_iter(|p| {
            let key = postback::page(&p.path);
            let reply = match &p.survey {
                Some(s) => crate::survey::drafts(r, dir, p, s).map(|d| finish(site, qr, d)),
                None => {
                    lookup::page_reply(r, site, dir, p).map(|d| finish(site, qr, vec![(key, d)]))
                }
            };
            let card = lookup::card(r, site, p)
                .map(|c| Rendered::Card(p.path.clone(), c.to_string().into_bytes()))
                .map_err(LookupError::from);
            [reply, card]
        })
        .collect();
    // An empty section is reported as such; its menu (no cards) would only repeat it.
    out.par_extend(sections.par_iter().filter(|s| !s.children.is_empty()).map(|s| {
        lookup::menu_replies(r, site, dir, s, Some(site.today)).map(|d| finish(site, qr, d))
    }));
    out
}

/// Validates and serialises rendered drafts.
fn finish(site: &Site, qr: &QuickReplies, drafts: Vec<(String, Draft)>) -> Rendered {
    let mut diags = Diagnostics::default();
    let list = drafts
        .into_iter()
        .map(|(key, d)| (key.clone(), compile(site, qr, &key, d, &mut diags)))
        .collect();
    Rendered::Replies(list, diags)
}

/// Splices the quick reply into the last message, checks LINE's limits and serialises.
fn compile(
    site: &Site,
    qr: &QuickReplies,
    key: &str,
    mut d: Draft,
    diags: &mut Diagnostics,
) -> Compiled {
    let section_qr = qr.get(&d.quick_reply);
    // The section's quick reply, when it passes the checks alone, is written into the JSON
    // but left out of the tree that is checked (see `quick`).
    let spliced = section_qr.filter(|q| quick::splices(&d.messages, q));
    let json = match spliced {
        Some(q) => quick::to_vec(&d.messages, q),
        None => {
            if let Some(Value::Object(last)) = d.messages.last_mut() {
                // A message with buttons of its own (the promotion question) keeps them.
                last.entry("quickReply")
                    .or_insert_with(|| section_qr.map(|q| q.value.clone()).unwrap_or_default());
            }
            serde_json::to_vec(&d.messages).unwrap_or_default()
        }
    };
    // Asset and calendar URLs are checked as the runtime will serve them (https, length).
    let public = [bundle::ASSET_URL_PREFIX, bundle::CALENDAR_URL_PREFIX];
    let has_public = public.iter().any(|p| memchr::memmem::find(&json, p.as_bytes()).is_some());
    let served = has_public.then(|| as_served(&json));
    let checked = served.as_deref().unwrap_or(&d.messages);
    for v in validate::check_messages(checked) {
        diags.push(locate::over_limit(site, &d.origin, checked, key, &v));
    }
    let facts = crate::access::facts(checked);
    if key.len() > bundle::limits::MAX_POSTBACK_DATA_LEN {
        diags.push(Diagnostic::error(&d.file, (1, 1), "ファイルのパスが長すぎます（300文字まで）"));
    }
    let mut taps: Vec<String> = d.messages.iter().flat_map(postbacks).collect();
    if let Some(q) = spliced {
        taps.extend(q.taps.iter().cloned());
    }
    Compiled { json, taps, origin: d.origin, facts }
}

/// Messages with asset URLs as the runtime will serve them.
fn as_served(json: &[u8]) -> Vec<Value> {
    let calendar_base = VALIDATION_ASSET_BASE.replace("/assets/", "/calendar/");
    let text = String::from_utf8_lossy(json)
        .replace(bundle::ASSET_URL_PREFIX, VALIDATION_ASSET_BASE)
        .replace(bundle::CALENDAR_URL_PREFIX, &calendar_base);
    serde_json::from_str(&text).unwrap_or_default()
}

/// Follow, fallback, unknown-tap and sticker replies: a short text (or the welcome) and the
/// top menu, so a parent is never left without a next step.
///
/// With a promotion `question`, the follow reply ends with it and a fifth reply, `unblocked`,
/// is the follow reply without it (a friend who unblocks already knows the account).
fn special_replies(
    site: &Site,
    welcome: &[Value],
    question: Option<&Value>,
    root_menu: &[u8],
    qr: &QuickReplies,
    diags: &mut Diagnostics,
) -> Vec<Compiled> {
    let mut root_menu: Vec<Value> = serde_json::from_slice(root_menu).unwrap_or_default();
    root_menu.iter_mut().filter_map(Value::as_object_mut).for_each(|m| {
        m.remove("quickReply");
    });
    let welcome_with_menu = |mut messages: Vec<Value>| {
        messages.extend(root_menu.iter().cloned());
        // The welcome has its own share button: the menu's card would repeat it.
        if !site.account.welcome.is_empty() {
            crate::promo::chat::drop_share_card(&mut messages, site);
        }
        messages
    };
    let mut follow = welcome_with_menu(welcome.to_vec());
    let unblocked = question.map(|q| {
        let without = follow.clone();
        follow.push(q.clone());
        without
    });
    let file = site.account.source.file.clone();
    let texts = [
        site.account.fallback.as_str(),
        "このボタンの案内は新しくなりました。お手数ですが、メニューからもう一度お選びください。",
        "スタンプや画像にはお返事できません。知りたいことを文字で送るか、メニューから選んでください。",
    ];
    let others = texts.iter().map(|t| {
        let mut messages = vec![flex::text_message(t)];
        messages.extend(root_menu.iter().cloned());
        messages
    });
    let all = std::iter::once(follow).chain(others).chain(unblocked);
    all.zip(["follow", "fallback", "unknown_postback", "unsupported_message", "unblocked"])
        .map(|(messages, key)| {
            let draft = Draft {
                messages,
                quick_reply: String::new(),
                file: file.clone(),
                origin: Origin::Account,
            };
            compile(site, qr, key, draft, diags)
        })
        .collect()
}

/// Reports pages more than [`MAX_TAPS`] taps away from the taps on screen at the start
/// (`start`: the welcome message, its quick reply and the rich menu).
fn check_reachability(
    site: &Site,
    start: &[String],
    replies: &BTreeMap<String, Compiled>,
    diags: &mut Diagnostics,
) {
    let taps: BTreeMap<String, Vec<String>> =
        replies.iter().map(|(k, c)| (k.clone(), c.taps.clone())).collect();
    let dist = tap_distances(start, &taps);
    // A page whose day has passed is in no menu any more (only old messages open it);
    // `menu: false` pages are reached from their own timed message or notice, not the menus.
    let shown = |p: &&crate::content::Page| p.until.is_none_or(|last| site.today <= last);
    for page in site.pages.values().filter(|p| p.in_menu).filter(shown) {
        let taps = dist.get(&postback::page(&page.path)).copied();
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

fn to_bundle(
    site: &Site,
    replies: BTreeMap<String, Compiled>,
    specials: Vec<Compiled>,
    cards: BTreeMap<String, Vec<u8>>,
    calendar: Option<&days::Compiled>,
    calendar_cards: Vec<Vec<u8>>,
) -> Bundle {
    let mut blobs = BlobBuilder::default();
    let special_ids: Vec<usize> = specials.into_iter().map(|c| blobs.add(c.json)).collect();
    let reply_json = |key: &str| replies.get(key).map(|c| c.json.as_slice());
    let surveys = crate::survey::add_blobs(site, reply_json, &mut blobs);
    let reply_ids: Vec<(String, usize)> =
        replies.into_iter().map(|(k, c)| (k, blobs.add(c.json))).collect();
    let card_ids: Vec<usize> = cards.into_values().map(|c| blobs.add(c)).collect();
    let docs = calendar.map_or(&[][..], days::docs);
    let calendar_parts = calendar;
    let calendar_ids = calendar.map(|c| {
        let replies: Vec<usize> = c.jsons().iter().map(|j| blobs.add(j.clone())).collect();
        let files: Vec<usize> =
            c.plan.files.iter().map(|(_, text)| blobs.add(days::file_json(text))).collect();
        let cards: Vec<usize> = calendar_cards.into_iter().map(|j| blobs.add(j)).collect();
        (replies, files, cards)
    });
    // Compressing and indexing are independent and each take a fair share of a large build.
    let ((file, dictionary, all), search) = rayon::join(
        || {
            let _phase = crate::phases::start("compress");
            blobs.finish()
        },
        || {
            let _phase = crate::phases::start("search");
            search_index(site, docs)
        },
    );
    let special = SpecialReplies {
        follow: all[special_ids[0]],
        fallback: all[special_ids[1]],
        unknown_postback: all[special_ids[2]],
        unsupported_message: all[special_ids[3]],
        unblocked: special_ids.get(4).map(|&id| all[id]),
    };
    // `site.pages` and `cards` are both keyed by page path, so they zip in order.
    let pages: Vec<PageEntry> = site
        .pages
        .values()
        .zip(&card_ids)
        .map(|(p, &id)| PageEntry {
            path: p.path.clone(),
            title: p.title.clone(),
            postback: postback::page(&p.path),
            card: all[id],
        })
        .collect();
    let (pages, calendar) = match (calendar, calendar_ids) {
        (Some(c), Some((replies, files, cards))) => {
            let mut pages = pages;
            pages.extend(docs.iter().zip(&cards).map(|(d, &id)| PageEntry {
                path: d.postback.clone(),
                title: d.title.clone(),
                postback: d.postback.clone(),
                card: all[id],
            }));
            (pages, Some(days::to_calendar(c, |i| all[replies[i]], |i| all[files[i]])))
        }
        _ => (pages, None),
    };
    let mut keywords = lookup::keywords(site);
    let calendar_words = calendar_parts.iter().flat_map(|c| c.plan.keywords.iter().cloned());
    for (word, data) in calendar_words {
        // Like two pages sharing a keyword: a word that already opens something else (a
        // centre's name opens its page) is left to search, which shows both.
        let key = bundle::search::normalize(&word);
        match keywords.get(&key) {
            _ if key.is_empty() => {}
            None => {
                keywords.insert(key, data);
            }
            Some(other) if *other != data => {
                keywords.remove(&key);
            }
            Some(_) => {}
        }
    }
    let quick_reply = lookup::quick_reply(site, "");
    Bundle {
        format_version: FORMAT_VERSION,
        content_hash: String::new(),
        title: site.account.title.clone(),
        special,
        postbacks: reply_ids.into_iter().map(|(k, id)| (k, all[id])).collect(),
        keywords,
        pages,
        search,
        search_reply: SearchReply {
            head: r#"[{"type":"flex","altText":"お探しの情報の候補です","contents":{"type":"carousel","contents":["#.to_string(),
            tail: format!("]}},\"quickReply\":{quick_reply}}}]"),
            max_results: SEARCH_RESULTS,
        },
        assets: site.assets.iter().map(|(n, _)| n.clone()).collect(),
        dictionary,
        richmenu: None,
        surveys: surveys.finish(&all),
        notices: Vec::new(),
        calendar,
        promo: site.account.promo.as_ref().map(crate::spec::promo::Promo::to_bundle),
        timed: Default::default(),
        replies: file,
    }
}

/// The free-text index over every page, in page order, then the calendar's views.
fn search_index(site: &Site, views: &[crate::calendar::Doc]) -> SearchIndex {
    let mut docs: Vec<Document<'_>> = site
        .pages
        .values()
        .map(|p| Document {
            title: &p.title,
            keywords: &p.keywords,
            summary: p.summary.as_deref().unwrap_or(""),
            body: &p.text,
        })
        .collect();
    docs.extend(views.iter().map(|v| Document {
        title: &v.title,
        keywords: &v.keywords,
        summary: &v.summary,
        body: &v.body,
    }));
    SearchIndex::build(&docs)
}

/// Sets the content hash — SHA-256 over the manifest (hash field empty), the replies file and
/// every asset — and returns the bundle with its serialised manifest. The manifest is
/// serialised once; the hash is then written into its (empty) field.
fn stamp(mut bundle: Bundle, assets: &[(String, PathBuf)]) -> (Bundle, Vec<u8>) {
    let manifest = serde_json::to_vec(&bundle).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(&manifest);
    h.update(&bundle.replies);
    for (name, path) in assets {
        h.update(name.as_bytes());
        h.update(std::fs::read(path).unwrap_or_default());
    }
    bundle.content_hash = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let empty = br#""content_hash":"""#;
    let at = manifest.windows(empty.len()).position(|w| w == empty).unwrap_or(0) + empty.len() - 1;
    let mut out = Vec::with_capacity(manifest.len() + bundle.content_hash.len());
    out.extend_from_slice(&manifest[..at]);
    out.extend_from_slice(bundle.content_hash.as_bytes());
    out.extend_from_slice(&manifest[at..]);
    (bundle, out)
}

fn template_diag(diags: &mut Diagnostics, e: TemplateError) -> Diagnostics {
    diags.push(Diagnostic::error(&e.file, (e.line, 1), e.message).with_hint(
        "content/_templates/ のテンプレートを直すか、削除して標準のものに戻してください",
    ));
    std::mem::take(diags)
}

fn lookup_diag(diags: &mut Diagnostics, e: LookupError) {
    match e {
        LookupError::Template(t) => {
            let taken = template_diag(diags, t);
            diags.extend(taken);
        }
        LookupError::TooLong { file, pos, message, hint } => {
            diags.push(Diagnostic::error(&file, pos, message).with_hint(hint))
        }
    }
}
