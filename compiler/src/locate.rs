//! Where a problem in a generated message came from: the Markdown block or front-matter value
//! a staff member wrote, so that a message over LINE's limits is reported at that line with a
//! hint about that kind of block, not at line 1 with a JSON pointer.
//!
//! The templates are free to arrange blocks as they like (and `content/_templates/` may
//! replace them), so the generated JSON is not mapped back by its structure. Instead the text
//! at the problem's JSON pointer — the texts, labels, URLs under it — is looked up among what
//! the reply was made from: every block (with the offset it starts at, see
//! [`crate::markdown::Block::offset`]) and every front-matter value. The innermost block that
//! holds that text is the answer. Nothing is computed unless there is a problem, so the common
//! path costs nothing.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::content::{Child, Image, LinkTarget, Site, Source};
use crate::diagnostics::{Diagnostic, SourceMap};
use crate::markdown::Block;

/// What a reply is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A page (and its survey), by path.
    Page(String),
    /// A section's menu, by path (`""`: the top menu).
    Section(String),
    /// The account: the welcome and the special replies.
    Account,
}

/// What was written at the place found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// A heading.
    Heading,
    /// A paragraph.
    Paragraph,
    /// A list (or an item of one).
    List,
    /// A quote.
    Quote,
    /// A code block.
    Code,
    /// A table.
    Table,
    /// An image in the body.
    Image,
    /// A link in the body.
    Link,
    /// `title:`.
    Title,
    /// `summary:`.
    Summary,
    /// An item of `links:`.
    FrontLink,
    /// `image:`.
    FrontImage,
    /// `event:`.
    Event,
    /// Nothing matched: the file as a whole.
    File,
}

impl What {
    /// The thing, as the subject of a Japanese sentence (「この表から作られる返信が…」); a
    /// setting's name is followed by a space so the particle after it reads apart.
    pub fn subject(self) -> &'static str {
        match self {
            What::Heading => "この見出し",
            What::Paragraph => "この段落",
            What::List => "このリスト",
            What::Quote => "この引用",
            What::Code => "この囲み（コード）",
            What::Table => "この表",
            What::Image => "この画像",
            What::Link => "このリンク",
            What::Title => "この title ",
            What::Summary => "この summary ",
            What::FrontLink => "この links のボタン",
            What::FrontImage => "この image ",
            What::Event => "この event ",
            What::File => "このファイル",
        }
    }

    /// What to change, in Japanese.
    pub fn hint(self) -> &'static str {
        match self {
            What::Heading => "見出しを短くしてください",
            What::Paragraph => "段落を短くするか、いくつかに分けてください",
            What::List => {
                "項目を減らすか、入れ子（字下げ）を浅くしてください。長いときはページを分けてください"
            }
            What::Quote => "引用を短くするか、ふつうの段落にしてください",
            What::Code => "囲みの中の文を短くするか、ふつうの段落にしてください",
            What::Table => {
                "表の行を減らすか、表をいくつかに分けてください（4列以上の表は行ごとのカードになり、大きくなります）"
            }
            What::Image => "画像のアドレス（ファイル名や URL）を短くしてください",
            What::Link => "リンク先のアドレスを短くしてください（URL は1000文字まで）",
            What::Title | What::Summary => "title や summary を短くしてください",
            What::FrontLink => "links: のボタンの文字や url を短くしてください",
            What::FrontImage => "image: のアドレスを短くしてください",
            What::Event => "event: の time や place を短くしてください",
            What::File => "文章を短くするか、ページを分けてください",
        }
    }

    fn of(block: &Block) -> What {
        match block {
            Block::Heading { .. } => What::Heading,
            Block::Paragraph { .. } => What::Paragraph,
            Block::List { .. } | Block::ListItem { .. } => What::List,
            Block::Quote { .. } => What::Quote,
            Block::Code { .. } => What::Code,
            Block::Table { .. } => What::Table,
            Block::Image { .. } => What::Image,
            Block::Links { .. } => What::Link,
            Block::Rule { .. } => What::File,
        }
    }
}

/// A place in a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file.
    pub file: PathBuf,
    /// Line and column.
    pub pos: (usize, usize),
    /// What is written there.
    pub what: What,
}

/// Line and column of a body offset of `source`.
pub fn body_pos(source: &Source, offset: usize) -> (usize, usize) {
    SourceMap::new(&source.text).position(source.body_offset + offset)
}

/// Line of the top-level front-matter `key:` in `source` (1 when not written).
pub fn key_pos(source: &Source, key: &str) -> (usize, usize) {
    let front = &source.text[..source.body_offset.min(source.text.len())];
    let line = front
        .lines()
        .position(|l| l.split_once(':').is_some_and(|(k, _)| k.trim_end() == key))
        .map_or(1, |i| i + 1);
    (line, 1)
}

/// The block `block` of `source`, located.
pub fn block(source: &Source, block: &Block) -> Located {
    Located {
        file: source.file.clone(),
        pos: body_pos(source, block.offset()),
        what: What::of(block),
    }
}

/// Where the JSON at `pointer` in `messages` (a reply's messages array, as validated) came
/// from.
pub fn locate(site: &Site, origin: &Origin, messages: &[Value], pointer: &str) -> Located {
    let whole = Value::Array(messages.to_vec());
    let texts = texts_at(&whole, pointer);
    let candidates = candidates(site, origin);
    let fallback = || {
        let file = candidates.first().map_or_else(|| origin_file(site, origin), |c| c.file.clone());
        Located { file, pos: (1, 1), what: What::File }
    };
    let find = |matches: &dyn Fn(&str, &str) -> bool| {
        texts.iter().find_map(|t| {
            candidates
                .iter()
                .filter(|c| c.texts.iter().any(|ct| matches(t, ct)))
                .max_by_key(|c| c.depth)
        })
    };
    let exact = find(&|t, c| t == c);
    let close = || find(&|t, c| close_match(t, c));
    exact.or_else(close).map_or_else(fallback, |c| Located {
        file: c.file.clone(),
        pos: c.pos,
        what: c.what,
    })
}

/// A message over LINE's limits, reported at the block or setting it came from, with the
/// JSON pointer for developers at the end of the hint.
pub fn over_limit(
    site: &Site,
    origin: &Origin,
    messages: &[Value],
    key: &str,
    v: &crate::validate::Violation,
) -> Diagnostic {
    let at = locate(site, origin, messages, &v.pointer);
    Diagnostic::error(
        &at.file,
        at.pos,
        format!("{}から作られる返信が LINE の制限を超えています: {}", at.what.subject(), v.message),
    )
    .with_hint(format!("{}（開発者向け: {key} {}）", at.what.hint(), v.pointer))
}

/// A generated text and a written one are the same text cut short (`…`) or one holds the
/// other (a span of a paragraph, a URL with its asset prefix).
fn close_match(generated: &str, written: &str) -> bool {
    let cut = generated.trim_end_matches('…');
    (cut.chars().count() >= 2 && written.starts_with(cut))
        || (written.chars().count() >= 4 && generated.contains(written))
        || (generated.chars().count() >= 4 && written.contains(generated))
}

fn origin_file(site: &Site, origin: &Origin) -> PathBuf {
    match origin {
        Origin::Page(p) => site.pages.get(p).map(|p| p.source.file.clone()),
        Origin::Section(s) => site.sections.get(s).map(|s| s.source.file.clone()),
        Origin::Account => None,
    }
    .unwrap_or_else(|| site.account.source.file.clone())
}

/// Texts, labels and URLs at and under `pointer` (at most a few dozen, in document order), with
/// the served asset host put back to how the bundle writes it. A pointer to a place that does
/// not exist (a missing field) is taken at its nearest existing parent.
fn texts_at(whole: &Value, pointer: &str) -> Vec<String> {
    let mut ptr = pointer.to_string();
    let node = loop {
        if let Some(v) = whole.pointer(&ptr) {
            break v;
        }
        match ptr.rfind('/') {
            Some(i) => ptr.truncate(i),
            None => break whole,
        }
    };
    let mut out = Vec::new();
    collect(node, &mut out);
    // The longest text first: for a message too large it is what made it so, and for a value
    // too long it is the value itself.
    out.sort_by_key(|t| std::cmp::Reverse(t.chars().count()));
    let served = crate::validate::VALIDATION_ASSET_BASE;
    out.into_iter().map(|t| t.replace(served, bundle::ASSET_URL_PREFIX)).collect()
}

fn collect(v: &Value, out: &mut Vec<String>) {
    const KEYS: &[&str] = &["text", "label", "uri", "url", "displayText"];
    const MAX: usize = 64;
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        if out.len() >= MAX {
            return;
        }
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Object(m) => {
                for key in KEYS {
                    if let Some(Value::String(s)) = m.get(*key) {
                        out.push(s.clone());
                    }
                }
                let nested: Vec<&Value> =
                    m.iter().filter(|(k, _)| !KEYS.contains(&k.as_str())).map(|(_, v)| v).collect();
                stack.extend(nested.into_iter().rev());
            }
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
}

/// Something written that a generated text may come from.
struct Candidate {
    file: PathBuf,
    pos: (usize, usize),
    what: What,
    texts: Vec<String>,
    /// Nesting (blocks inside lists and quotes are deeper): the innermost match wins.
    depth: usize,
}

fn candidates(site: &Site, origin: &Origin) -> Vec<Candidate> {
    let mut out = Vec::new();
    match origin {
        Origin::Page(p) => {
            if let Some(page) = site.pages.get(p) {
                front(&mut out, &page.source, &page.title, page.summary.as_deref());
                for l in &page.links {
                    let target = match &l.target {
                        LinkTarget::Url(u) | LinkTarget::Tel(u) | LinkTarget::Content(u) => u,
                    };
                    out.push(Candidate {
                        file: page.source.file.clone(),
                        pos: l.pos,
                        what: What::FrontLink,
                        texts: vec![l.label.clone(), target.clone()],
                        depth: 0,
                    });
                }
                if let Some(img) = &page.image {
                    let url = match img {
                        Image::Asset(n) => format!("{}{n}", bundle::ASSET_URL_PREFIX),
                        Image::Url(u) => u.clone(),
                    };
                    let pos = key_pos(&page.source, "image");
                    out.push(front_value(&page.source.file, pos, What::FrontImage, url));
                }
                if let Some(e) = &page.event {
                    let texts = [&e.time, &e.place].into_iter().flatten().cloned().collect();
                    let pos = key_pos(&page.source, "event");
                    let file = page.source.file.clone();
                    out.push(Candidate { file, pos, what: What::Event, texts, depth: 0 });
                }
                blocks(&mut out, &page.source, &page.body, 1);
            }
        }
        Origin::Section(s) => {
            if let Some(section) = site.sections.get(s) {
                for child in &section.children {
                    match child {
                        Child::Page(p) => site.pages.get(p).into_iter().for_each(|c| {
                            front(&mut out, &c.source, &c.title, c.summary.as_deref())
                        }),
                        Child::Section(p) => site.sections.get(p).into_iter().for_each(|c| {
                            front(&mut out, &c.source, &c.title, c.summary.as_deref())
                        }),
                    }
                }
                front(&mut out, &section.source, &section.title, section.summary.as_deref());
                blocks(&mut out, &section.source, &section.intro, 1);
            }
        }
        Origin::Account => {
            let a = &site.account;
            front(&mut out, &a.source, &a.title, None);
            blocks(&mut out, &a.source, &a.welcome, 1);
        }
    }
    out
}

fn front(out: &mut Vec<Candidate>, source: &Source, title: &str, summary: Option<&str>) {
    out.push(front_value(&source.file, key_pos(source, "title"), What::Title, title.to_string()));
    if let Some(s) = summary {
        let pos = key_pos(source, "summary");
        out.push(front_value(&source.file, pos, What::Summary, s.to_string()));
    }
}

fn front_value(file: &Path, pos: (usize, usize), what: What, text: String) -> Candidate {
    Candidate { file: file.to_path_buf(), pos, what, texts: vec![text], depth: 0 }
}

/// Every block, nested ones included; a block inside a list counts as the list's.
fn blocks(out: &mut Vec<Candidate>, source: &Source, list: &[Block], depth: usize) {
    for b in list {
        let mut c = Candidate {
            file: source.file.clone(),
            pos: body_pos(source, b.offset()),
            what: What::of(b),
            texts: block_texts(b),
            depth,
        };
        if depth > 1 && c.what == What::Paragraph {
            c.what = What::List;
        }
        out.push(c);
        blocks(out, source, b.children(), depth + 1);
    }
}

fn block_texts(b: &Block) -> Vec<String> {
    let spans = |s: &[crate::markdown::Span]| -> Vec<String> {
        let mut t: Vec<String> = s.iter().map(|s| s.text.clone()).collect();
        t.push(s.iter().map(|s| s.text.as_str()).collect());
        t
    };
    match b {
        Block::Heading { spans: s, .. } | Block::Paragraph { spans: s, .. } => spans(s),
        Block::Code { text, .. } => vec![text.clone()],
        Block::Table { head, rows, .. } => {
            std::iter::once(head).chain(rows).flatten().flat_map(|c| spans(c)).collect()
        }
        Block::Image { src, alt, url, .. } => {
            [Some(src), Some(alt), url.as_ref()].into_iter().flatten().cloned().collect()
        }
        Block::Links { links, .. } => links
            .iter()
            .flat_map(|l| {
                let action = l.action.as_ref();
                let uri = action.and_then(|a| a["uri"].as_str()).map(str::to_string);
                [Some(l.label.clone()), Some(l.dest.clone()), uri]
            })
            .flatten()
            .collect(),
        Block::List { .. } | Block::ListItem { .. } | Block::Quote { .. } | Block::Rule { .. } => {
            Vec::new()
        }
    }
}
