//! Accessibility, checked at build: can a parent who listens with a screen reader, who sees
//! poorly, or who reads Japanese as a second language use what the account sends? JIS X
//! 8341-3 / WCAG 2.1 level AA are the model; each rule is an error or a warning by what it
//! costs a parent.
//!
//! Errors (the account is unusable for someone):
//! - an image with no description: a Markdown image without alt text, a page `image:` without
//!   `image_alt:` (LINE reads text aloud, not images, so the description is shown as text
//!   under the image — `image_alt: ""` marks an image that only decorates);
//! - text or a button whose colours do not reach AA contrast ([`contrast`]);
//! - a rich-menu area without a label (LINE reads the action's label aloud,
//!   <https://developers.line.biz/en/reference/messaging-api/#action-object-label-spec>);
//! - a date whose weekday is wrong ([`plain`]).
//!
//! Warnings (worth fixing, staff decide):
//! - an image description or altText that says nothing ([`words`]), or an altText shared by
//!   different messages (notifications and the chat list would not tell them apart);
//! - a link or button text that does not say where it goes (「こちら」), is an address, or is
//!   cut short on its button;
//! - a long sentence, a date without a weekday ([`plain`]); a section introduction that is
//!   long (it is shown every time the section is opened).

pub(crate) mod contrast;
mod plain;
mod words;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use bundle::limits::MAX_FLEX_LABEL_LEN;

use crate::content::{Site, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::locate::{Origin, body_pos, key_pos};
use crate::markdown::{Block, Span};

pub use contrast::Problem as ContrastProblem;

/// Longest section introduction before a warning, in characters: about two or three
/// sentences, a few lines on a phone.
pub const MAX_INTRO_CHARS: usize = 200;

/// Checks what staff wrote: images, links and plain language in every page, section
/// introduction and the welcome, and the rich menu's labels.
pub fn check_content(site: &Site, diags: &mut Diagnostics) {
    use rayon::prelude::*;
    // Pages are independent: checked on every core, reported in page order.
    let pages: Vec<&crate::content::Page> =
        site.pages.values().filter(|p| !p.source.text.is_empty()).collect();
    let found: Vec<Diagnostics> = pages
        .par_iter()
        .map(|page| {
            let mut diags = Diagnostics::default();
            let mut cx = Cx { source: &page.source, diags: &mut diags };
            cx.hero(page.image.is_some(), page.image_alt.as_deref());
            cx.summary(page.summary.as_deref());
            for link in &page.links {
                cx.link_text(&link.label, link.pos, false);
            }
            cx.blocks(&page.body);
            diags
        })
        .collect();
    found.into_iter().for_each(|d| diags.extend(d));
    for section in site.sections.values().filter(|s| !s.path.is_empty()) {
        let mut cx = Cx { source: &section.source, diags };
        cx.summary(section.summary.as_deref());
        cx.blocks(&section.intro);
        cx.intro_length(&section.intro);
    }
    let mut cx = Cx { source: &site.account.source, diags };
    cx.blocks(&site.account.welcome);
    richmenu_labels(site, diags);
}

/// What the later checks need to know of one generated reply.
#[derive(Debug, Clone, Default)]
pub struct ReplyFacts {
    /// Each Flex message's altText.
    pub alts: Vec<String>,
    /// Colours below AA.
    pub contrast: Vec<ContrastProblem>,
}

/// The facts of a reply's messages.
pub fn facts(messages: &[Value]) -> ReplyFacts {
    let alts = messages
        .iter()
        .filter(|m| m.get("type").and_then(Value::as_str) == Some("flex"))
        .filter_map(|m| Some(m.get("altText")?.as_str()?.to_string()))
        .collect();
    let contrast = messages.iter().flat_map(contrast::problems).collect();
    ReplyFacts { alts, contrast }
}

/// One reply, for [`check_replies`].
pub struct Reply<'a> {
    /// Its postback key (or `notice:…`).
    pub key: &'a str,
    /// What it is made from.
    pub origin: &'a Origin,
    /// Its facts.
    pub facts: &'a ReplyFacts,
}

/// Checks across every reply: altTexts that say nothing or are shared by different replies
/// (the parts of one long page share theirs), and colours below AA, reported once each at the
/// template line that sets them (`templates`: every template's file and text).
pub fn check_replies(
    site: &Site,
    templates: &[(PathBuf, String)],
    replies: &[Reply<'_>],
    diags: &mut Diagnostics,
) {
    let mut seen: BTreeMap<&str, (&str, &Origin)> = BTreeMap::new();
    let mut colours: BTreeMap<&ContrastProblem, &Origin> = BTreeMap::new();
    for r in replies {
        for alt in &r.facts.alts {
            if words::is_generic_alt_text(alt) {
                let (file, pos) = title_of(site, r.origin);
                diags.push(
                    Diagnostic::warning(
                        &file,
                        pos,
                        format!("通知やトーク一覧に出る文（altText）「{alt}」では、何のメッセージかわかりません"),
                    )
                    .with_hint("題名を、内容がわかる言葉にしてください。summary を書くと「題名｜summary」になります"),
                );
            }
            match seen.get(alt.as_str()) {
                // Two pages of one section with one title are already an error.
                Some((_, o)) if same_section_pages(site, o, r.origin) => {}
                Some((other, _)) if *other != r.key => {
                    let (file, pos) = title_of(site, r.origin);
                    diags.push(
                        Diagnostic::warning(
                            &file,
                            pos,
                            format!("通知やトーク一覧に出る文（altText）「{alt}」が、ほかのメッセージ（{other}）と同じです"),
                        )
                        .with_hint("題名か summary を変えて、通知だけでも見分けられるようにしてください"),
                    );
                }
                Some(_) => {}
                None => {
                    seen.insert(alt, (r.key, r.origin));
                }
            }
        }
        for p in &r.facts.contrast {
            colours.entry(p).or_insert(r.origin);
        }
    }
    for (p, origin) in colours {
        diags.push(contrast_diag(site, templates, p, origin));
    }
}

fn same_section_pages(site: &Site, a: &Origin, b: &Origin) -> bool {
    let section = |o: &Origin| match o {
        Origin::Page(p) => site.pages.get(p).map(|p| p.section.as_str()),
        _ => None,
    };
    a != b && section(a).is_some() && section(a) == section(b)
}

fn contrast_diag(
    site: &Site,
    templates: &[(PathBuf, String)],
    p: &ContrastProblem,
    origin: &Origin,
) -> Diagnostic {
    let what = if p.button { "ボタンの文字" } else { "文字" };
    let ratio = f64::from(p.ratio_centi) / 100.0;
    let message = format!(
        "{what}の色 {} と背景 {} のコントラストが {ratio:.2}:1 で、{}:1 に足りません",
        p.text,
        p.background,
        p.needed()
    );
    let hint = "色の見分けにくい人にも読めるよう、文字を濃く（または背景を薄く）してください（WCAG 2.1 AA・JIS X 8341-3 の基準。大きな文字は 3:1 まで）";
    // The colour as written in a template (the text's, else the background's).
    let written = |c: &str| c.split('（').next().unwrap_or(c).to_string();
    let place = [written(&p.text), written(&p.background)]
        .iter()
        .filter(|c| c.starts_with('#'))
        .find_map(|c| find_in(templates, c));
    match place {
        Some((file, line)) => Diagnostic::error(&file, (line, 1), message).with_hint(hint),
        None => {
            let (file, _) = title_of(site, origin);
            Diagnostic::error(&file, (1, 1), format!("{message}（oyako に組み込みの色です）"))
                .with_hint("開発者に知らせてください")
        }
    }
}

/// The first template line writing `colour` (any letter case).
fn find_in(templates: &[(PathBuf, String)], colour: &str) -> Option<(PathBuf, usize)> {
    let want = colour.to_ascii_uppercase();
    templates.iter().find_map(|(file, text)| {
        text.lines()
            .position(|l| l.to_ascii_uppercase().contains(&format!("\"{want}")))
            .map(|i| (file.clone(), i + 1))
    })
}

/// The file and `title:` line of what a reply is made from.
fn title_of(site: &Site, origin: &Origin) -> (PathBuf, (usize, usize)) {
    let source = match origin {
        Origin::Page(p) => site.pages.get(p).map(|p| &p.source),
        Origin::Section(s) => site.sections.get(s).map(|s| &s.source),
        Origin::Account => None,
    }
    .unwrap_or(&site.account.source);
    (source.file.clone(), key_pos(source, "title"))
}

/// Every rich-menu area must be spoken: its label (checked as written, and on the request
/// actually built, `requests`, so no code path can drop it).
pub fn check_richmenu_requests(site: &Site, requests: &[&Value], diags: &mut Diagnostics) {
    let Some(spec) = &site.account.richmenu else { return };
    for request in requests {
        for i in unlabelled(request) {
            {
                diags.push(
                    Diagnostic::error(
                        &site.account.source.file,
                        spec.pos,
                        format!("リッチメニューの{}番目のボタンに、読み上げる文字（label）がありません", i + 1),
                    )
                    .with_hint("画面の読み上げを使う人には、ボタンの label だけが聞こえます。areas の label を書いてください"),
                );
            }
        }
    }
}

/// Indexes of the areas of a rich-menu request whose action has no label to read aloud.
fn unlabelled(request: &Value) -> Vec<usize> {
    let areas = request["areas"].as_array().map_or(&[][..], Vec::as_slice);
    areas
        .iter()
        .enumerate()
        .filter(|(_, a)| a["action"]["label"].as_str().is_none_or(|l| l.trim().is_empty()))
        .map(|(i, _)| i)
        .collect()
}

fn richmenu_labels(site: &Site, diags: &mut Diagnostics) {
    let Some(spec) = &site.account.richmenu else { return };
    let tabs = spec.menu.tabs.iter().flatten().map(|(_, t)| &t.value.areas);
    for areas in std::iter::once(&spec.menu.areas).chain(tabs) {
        for a in &areas.value {
            let mut cx = Cx { source: &site.account.source, diags };
            cx.link_text(&a.value.label.value, spec.pos(&a.value.label), true);
        }
    }
}

/// Checks of one file.
struct Cx<'a, 'd> {
    source: &'a Source,
    diags: &'d mut Diagnostics,
}

/// Where a problem in some text is reported when it cannot be found more precisely; worked
/// out only for a problem (a position costs a scan of the file).
#[derive(Debug, Clone, Copy)]
enum At {
    /// The line of a front-matter key.
    Key(&'static str),
    /// A byte offset in the body.
    Body(usize),
}

impl Cx<'_, '_> {
    fn place(&self, at: At) -> (usize, usize) {
        match at {
            At::Key(key) => key_pos(self.source, key),
            At::Body(offset) => body_pos(self.source, offset),
        }
    }

    fn warn(&mut self, pos: (usize, usize), msg: String, hint: &str) {
        self.diags.push(Diagnostic::warning(&self.source.file, pos, msg).with_hint(hint));
    }

    fn error(&mut self, pos: (usize, usize), msg: String, hint: &str) {
        self.diags.push(Diagnostic::error(&self.source.file, pos, msg).with_hint(hint));
    }

    fn hero(&mut self, image: bool, alt: Option<&str>) {
        match (image, alt) {
            (true, None) => self.error(
                key_pos(self.source, "image"),
                "画像（image）の説明 image_alt がありません".into(),
                "image_alt: に、画像が伝えることを書いてください（画像の下に出て、読み上げにも使われます）。飾りだけの画像なら image_alt: \"\" と書きます",
            ),
            (true, Some(a)) if !a.is_empty() && words::is_generic_alt(a) => self.warn(
                key_pos(self.source, "image_alt"),
                format!("画像の説明「{a}」では、何の画像かわかりません"),
                "写っているものや伝えたいことを書いてください（例: 保健センターの入口）",
            ),
            (false, Some(_)) => self.warn(
                key_pos(self.source, "image_alt"),
                "image がないのに image_alt があります".into(),
                "image を書くか、image_alt の行を消してください",
            ),
            _ => {}
        }
    }

    fn summary(&mut self, summary: Option<&str>) {
        let Some(s) = summary else { return };
        self.sentences(s, At::Key("summary"), None);
        self.dates(s, At::Key("summary"), None);
    }

    /// A link, button or rich-menu label: says where it goes, and fits its button.
    fn link_text(&mut self, label: &str, pos: (usize, usize), richmenu: bool) {
        if words::is_vague_link(label) {
            let what = if richmenu { "ボタンの文字" } else { "リンクの文字" };
            self.warn(
                pos,
                format!("{what}「{}」では、どこへ行くのかわかりません", label.trim()),
                "行き先がわかる言葉にしてください（例:「妊婦健診のページ」）。読み上げでは、リンクやボタンの文字だけが読まれることがあります",
            );
        } else if words::is_address(label) {
            self.warn(
                pos,
                "リンクの文字が URL（アドレス）のままです".into(),
                "読み上げると長く、意味がわかりません。行き先の名前を書いてください（例: [市のホームページ](https://…)）",
            );
        } else if !richmenu && label.chars().count() > MAX_FLEX_LABEL_LEN {
            self.warn(
                pos,
                format!(
                    "リンクの文字が長いため、ボタンでは{MAX_FLEX_LABEL_LEN}文字で切れます（{}文字）",
                    label.chars().count()
                ),
                "ボタンの文字は短くしてください（LINE のボタンは40文字まで）",
            );
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            let pos = At::Body(b.offset());
            match b {
                Block::Paragraph { spans, .. } => {
                    let text = joined(spans);
                    self.sentences(&text, pos, Some(b.offset()));
                    self.dates(&text, pos, Some(b.offset()));
                }
                Block::Heading { spans, .. } => self.dates(&joined(spans), pos, Some(b.offset())),
                Block::Table { head, rows, .. } => {
                    for cell in std::iter::once(head).chain(rows).flatten() {
                        self.dates(&joined(cell), pos, Some(b.offset()));
                    }
                }
                Block::Image { alt, offset, .. } => self.image(alt, *offset),
                Block::Links { links, .. } => {
                    for l in links {
                        self.link_text(&l.label, body_pos(self.source, l.offset), false);
                    }
                }
                Block::List { children, .. }
                | Block::ListItem { children, .. }
                | Block::Quote { children, .. } => self.blocks(children),
                Block::Code { .. } | Block::Rule { .. } => {}
            }
        }
    }

    fn image(&mut self, alt: &str, offset: usize) {
        let pos = body_pos(self.source, offset);
        if alt.trim().is_empty() {
            self.error(
                pos,
                "画像に説明（代替テキスト）がありません".into(),
                "![保健センターの入口](…) のように、[ ] の中に画像が伝えることを書いてください（画像の下に出て、読み上げにも使われます）",
            );
        } else if words::is_generic_alt(alt) {
            self.warn(
                pos,
                format!("画像の説明「{}」では、何の画像かわかりません", alt.trim()),
                "写っているものや伝えたいことを書いてください（例: 保健センターの入口）",
            );
        }
    }

    fn sentences(&mut self, text: &str, at: At, offset: Option<usize>) {
        for s in plain::long_sentences(text) {
            let pos = offset.and_then(|o| self.find(o, &s.text)).unwrap_or_else(|| self.place(at));
            self.warn(
                pos,
                format!("文が長すぎます（{}文字）: 「{}」", s.chars, crate::flex::clip(&s.text, 20)),
                &format!(
                    "1つの文は{}文字くらいまでにし、「。」で2つに分けてください（公用文作成の考え方の目安は50〜60字。やさしい日本語では、さらに短く）",
                    plain::MAX_SENTENCE_CHARS
                ),
            );
        }
    }

    fn dates(&mut self, text: &str, at: At, offset: Option<usize>) {
        for d in plain::date_problems(text) {
            let pos = offset.and_then(|o| self.find(o, &d.text)).unwrap_or_else(|| self.place(at));
            match d.problem {
                plain::DateProblem::NoWeekday => self.warn(
                    pos,
                    format!("日付「{}」に曜日がありません", d.text),
                    "日付のあとに「（土）」のように曜日を書くと、予定が立てやすく、読みまちがいも防げます",
                ),
                plain::DateProblem::WrongWeekday(right) => self.error(
                    pos,
                    format!("日付「{}」の曜日がちがいます（{right}曜日です）", d.text),
                    "カレンダーで確かめて、曜日を直してください",
                ),
            }
        }
    }

    fn intro_length(&mut self, intro: &[Block]) {
        let Some(first) = intro.first() else { return };
        let said: Vec<Block> =
            intro.iter().filter(|b| !matches!(b, Block::Links { .. })).cloned().collect();
        let chars =
            crate::markdown::plain_text(&said).chars().filter(|c| !c.is_whitespace()).count();
        if chars > MAX_INTRO_CHARS {
            self.warn(
                body_pos(self.source, first.offset()),
                format!("セクションの紹介が長めです（{chars}文字）"),
                &format!(
                    "紹介はセクションを開くたびに出ます。2〜3文（{MAX_INTRO_CHARS}文字くらいまで）にして、くわしいことはページに書いてください"
                ),
            );
        }
    }

    /// Where `needle` (text as shown) is written at or after body offset `from`: its first
    /// characters are looked up in the source (markup may interrupt the rest).
    fn find(&self, from: usize, needle: &str) -> Option<(usize, usize)> {
        let start = self.source.body_offset + from;
        let rest = self.source.text.get(start..)?;
        let window = &rest[..floor_char_boundary(rest, 8000)];
        [12, 6, 3].iter().find_map(|n| {
            let head: String = needle.trim().chars().take(*n).collect();
            let at = window.find(head.as_str())?;
            Some(SourceMap::new(&self.source.text).position(start + at))
        })
    }
}

fn joined(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    let mut i = max.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_collect_alts_and_colours() {
        let m = serde_json::json!([{"type": "flex", "altText": "お知らせ", "contents": {"type": "bubble",
            "body": {"type": "box", "layout": "vertical", "contents": [
                {"type": "text", "text": "x", "color": "#06C755"}]}}}]);
        let f = facts(m.as_array().unwrap());
        assert_eq!(f.alts.len(), 1);
        assert_eq!(f.alts[0], "お知らせ");
        assert_eq!(f.contrast.len(), 1);
        assert_eq!(f.contrast[0].text, "#06C755");
    }

    #[test]
    fn rich_menu_areas_without_a_spoken_label_are_found() {
        let request = serde_json::json!({"areas": [
            {"action": {"type": "postback", "label": "健診", "data": "menu:kenshin"}},
            {"action": {"type": "uri", "uri": "https://example.jp/"}},
            {"action": {"type": "postback", "label": " ", "data": "menu:"}}]});
        assert_eq!(unlabelled(&request), [1, 2]);
    }

    #[test]
    fn colours_are_found_in_templates_by_line() {
        let t = vec![(PathBuf::from("a.json"), "{\n\"color\":\"#d9690f\"\n}".to_string())];
        assert_eq!(find_in(&t, "#D9690F"), Some((PathBuf::from("a.json"), 2)));
        assert_eq!(find_in(&t, "#000000"), None);
    }
}
