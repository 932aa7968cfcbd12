//! Surveys: a page with `survey:` front matter becomes a question with one button per choice,
//! so the city can measure parents' satisfaction without a form or a database.
//!
//! - [`spec`] is the front matter as written and its checks (done while loading the page);
//! - this module renders the survey and its replies, checks that ids are unique, and fills
//!   the bundle's [`surveys`](bundle::Bundle::surveys);
//! - [`format`](mod@format) is what goes into the bundle for the runtime and for notices.
//!
//! Replies (all validated like every other reply):
//! - `page:<path>` — the survey: the page's title, image and body, the question in bold, and the
//!   choices as buttons (postback `survey:<id>:<index>`, display text = the choice), so a menu
//!   or a link opens it like any page;
//! - `survey:<id>:<index>` — thanks, then the follow-up prompt when `followup` is set. The
//!   runtime journals the answer before it sends this.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use bundle::limits::{MAX_CAROUSEL_BUBBLES, MAX_FLEX_LABEL_LEN};
use bundle::{Blob, BlobBuilder};
use bundle::{SurveyChoice, SurveyEntry, postback};

use crate::content::{Page, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex::actions;
use crate::flex::{self, PageView, Renderer};
use crate::lookup::{self, Draft, LookupError};
use crate::markdown::{Block, Span};
use crate::spec::survey::Survey;

/// The first message of the reply to an answer.
pub const THANKS: &str =
    "ご回答ありがとうございました。いただいた声は、これからの子育て支援に役立てます。";
/// The reply to a free comment after the follow-up prompt.
pub const COMMENT_THANKS: &str = "ご意見ありがとうございました。担当の職員が読ませていただきます。";

/// Reports survey ids used by more than one page (answers are counted by id).
pub fn check_site(site: &Site, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for page in site.pages.values() {
        let Some(survey) = &page.survey else { continue };
        if let Some(other) = seen.insert(&survey.id, &page.path) {
            diags.push(
                Diagnostic::error(
                    &page.source.file,
                    survey.pos,
                    format!("アンケートの id「{}」は「{other}」でも使われています", survey.id),
                )
                .with_hint("回答は id ごとに集計されます。アンケートごとに別の id にしてください"),
            );
        }
    }
}

/// The replies of a survey page: the survey under `page:<path>` and the thanks under each
/// choice's answer postback.
pub fn drafts(
    r: &Renderer,
    dir: &Path,
    page: &Page,
    survey: &Survey,
) -> Result<Vec<(String, Draft)>, LookupError> {
    let buttons = survey
        .choices
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let action = actions::postback(
                c,
                &postback::survey_answer(&survey.id, i),
                c,
                MAX_FLEX_LABEL_LEN,
            );
            json!({ "action": action, "secondary": true })
        })
        .collect();
    let view = PageView {
        title: page.title.clone(),
        image: page.image.as_ref().map(|i| lookup::hero_view(dir, i, page.image_alt.as_deref())),
        event: page.event.as_ref().map(
            |e| json!({ "date": lookup::japanese_date(e.date), "time": e.time, "place": e.place }),
        ),
        buttons,
    };
    let mut blocks = page.body.clone();
    let question = Span { text: survey.question.clone(), bold: true, ..Span::default() };
    blocks.push(Block::Paragraph { spans: vec![question], offset: 0 });
    let (mut bubbles, parts) = flex::page_bubbles(r, &view, &blocks)
        .map_err(|e| lookup::page_error(e, &page.source, &blocks))?;
    if bubbles.len() > MAX_CAROUSEL_BUBBLES {
        let first = parts.get(MAX_CAROUSEL_BUBBLES).and_then(|&(s, _)| page.body.get(s));
        let pos = first.map_or(survey.pos, |b| crate::locate::block(&page.source, b).pos);
        return Err(LookupError::TooLong {
            file: page.source.file.clone(),
            pos,
            message: format!(
                "アンケートのページの本文が長すぎて、ここから後ろが1つのメッセージ（吹き出し{MAX_CAROUSEL_BUBBLES}枚まで）に入りません"
            ),
            hint: "アンケートのページは本文を短くし、説明は別のページにしてください".into(),
        });
    }
    let container = match bubbles.len() {
        1 => bubbles.remove(0),
        _ => flex::carousel(bubbles),
    };
    let alt = format!("{}｜{}", page.title, survey.question);
    let file = page.source.file.clone();
    let section = page.section.clone();
    let origin = crate::locate::Origin::Page(page.path.clone());
    let draft = |messages| Draft {
        messages,
        quick_reply: section.clone(),
        file: file.clone(),
        origin: origin.clone(),
    };
    let mut out =
        vec![(postback::page(&page.path), draft(vec![flex::flex_message(&alt, container)]))];
    let mut thanks = vec![flex::text_message(THANKS)];
    thanks.extend(survey.followup.as_deref().map(flex::text_message));
    for i in 0..survey.choices.len() {
        out.push((postback::survey_answer(&survey.id, i), draft(thanks.clone())));
    }
    Ok(out)
}

/// Survey blobs added to a [`BlobBuilder`], waiting for [`BlobBuilder::finish`].
#[derive(Debug)]
pub struct Pending {
    entries: Vec<PendingEntry>,
}

/// A survey whose blobs are known by their index in the builder.
#[derive(Debug)]
struct PendingEntry {
    page: String,
    title: String,
    survey: Survey,
    message: usize,
    thanks: usize,
    comment: Option<usize>,
}

/// Adds each survey's blobs to `blobs`. `reply` gives the compiled JSON of a reply key: the
/// survey page's reply (kept without its quick reply, for notices) and the thanks.
pub fn add_blobs<'a>(
    site: &Site,
    reply: impl Fn(&str) -> Option<&'a [u8]>,
    blobs: &mut BlobBuilder,
) -> Pending {
    let mut entries = Vec::new();
    for page in site.pages.values() {
        let Some(survey) = &page.survey else { continue };
        let (Some(page_json), Some(thanks)) =
            (reply(&postback::page(&page.path)), reply(&postback::survey_answer(&survey.id, 0)))
        else {
            continue;
        };
        let comment = survey.followup.as_ref().map(|_| {
            let mut m = flex::text_message(COMMENT_THANKS);
            m["quickReply"] = lookup::quick_reply(site, &page.section);
            blobs.add(serde_json::to_vec(&[m]).unwrap_or_default())
        });
        entries.push(PendingEntry {
            page: page.path.clone(),
            title: page.title.clone(),
            survey: survey.clone(),
            message: blobs.add(without_quick_reply(page_json)),
            thanks: blobs.add(thanks.to_vec()),
            comment,
        });
    }
    Pending { entries }
}

impl Pending {
    /// The surveys by id, given the blobs [`BlobBuilder::finish`] returned.
    pub fn finish(self, all: &[Blob]) -> BTreeMap<String, SurveyEntry> {
        self.entries
            .into_iter()
            .map(|e| {
                let s = e.survey;
                let choices = s
                    .choices
                    .into_iter()
                    .zip(s.satisfied)
                    .map(|(label, satisfied)| SurveyChoice { label, satisfied })
                    .collect();
                let entry = SurveyEntry {
                    id: s.id.clone(),
                    page: e.page,
                    title: e.title,
                    question: s.question,
                    choices,
                    followup: s.followup,
                    message: all[e.message],
                    thanks: all[e.thanks],
                    comment_thanks: e.comment.map(|c| all[c]),
                };
                (s.id, entry)
            })
            .collect()
    }
}

/// A compiled messages array with every `quickReply` removed.
fn without_quick_reply(json: &[u8]) -> Vec<u8> {
    let mut messages: Vec<Value> = serde_json::from_slice(json).unwrap_or_default();
    for m in messages.iter_mut().filter_map(Value::as_object_mut) {
        m.remove("quickReply");
    }
    serde_json::to_vec(&messages).unwrap_or_default()
}

#[cfg(test)]
mod tests;
