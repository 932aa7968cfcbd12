//! Promotion in the chat: the question new friends get after the welcome, the replies to its
//! answers, and the channel codes parents may type instead.
//!
//! The question is one text message whose quick-reply buttons are the channels, 「その他」 and
//! 「答えない」: it costs the parent one tap or nothing (the buttons disappear as soon as they
//! do anything else). A tap sends the postback [`bundle::postback::promo_answer`]; a channel's
//! code typed as a message finds the same postback through the keyword table, so both get the
//! same reply and the runtime journals both the same way.

use serde_json::{Value, json};

use bundle::limits::MAX_QUICK_REPLY_LABEL_LEN;
use bundle::postback::promo_answer;
use bundle::promo::{NONE, OTHER};
use bundle::search::normalize;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex::{actions, text_message};
use crate::lookup::{self, Draft};
use crate::spec::promo::Promo;

/// The question.
pub const QUESTION: &str = "よろしければ教えてください。この LINE をどこで知りましたか？（下のボタンから1つ選べます。答えなくてもかまいません）";
/// The reply to an answer that names a place.
const THANKS: &str = "教えていただき、ありがとうございます。より多くの方にこの LINE を届けるための参考にします。\n知りたいことは、メニューから選ぶか、言葉で送ってください。";
/// The reply to 「答えない」.
const NO_ANSWER: &str = "わかりました。知りたいことは、メニューから選ぶか、言葉で送ってください。";

/// The answer buttons: every channel, then その他 and 答えない, as (id, label).
fn answers(promo: &Promo) -> Vec<(&str, &str)> {
    let channels = promo.channels.iter().map(|c| (c.id.as_str(), c.label.as_str()));
    channels.chain([(OTHER, "その他"), (NONE, "答えない")]).collect()
}

/// The question as a text message with its quick reply (`None` without channels: there is
/// nothing to ask).
pub fn question(promo: &Promo) -> Option<Value> {
    if promo.channels.is_empty() {
        return None;
    }
    let items: Vec<Value> = answers(promo)
        .into_iter()
        .map(|(id, label)| {
            let action =
                actions::postback(label, &promo_answer(id), label, MAX_QUICK_REPLY_LABEL_LEN);
            json!({ "type": "action", "action": action })
        })
        .collect();
    let mut message = text_message(QUESTION);
    message["quickReply"] = json!({ "items": items });
    Some(message)
}

/// The reply to each answer, keyed by its postback data (the top menu's quick reply is added
/// like to every reply).
pub fn answer_replies(site: &Site, promo: &Promo) -> Vec<(String, Draft)> {
    if promo.channels.is_empty() {
        return Vec::new();
    }
    answers(promo)
        .into_iter()
        .map(|(id, _)| {
            let text = if id == NONE { NO_ANSWER } else { THANKS };
            let draft = Draft {
                messages: vec![text_message(text)],
                quick_reply: String::new(),
                file: site.account.source.file.clone(),
                origin: crate::locate::Origin::Account,
            };
            (promo_answer(id), draft)
        })
        .collect()
}

/// Keyword-table entries for the channel codes: normalised code → answer postback. A code
/// that a parent could mean as a question (a page title or keyword, a menu word) is refused:
/// typing it would count a channel instead of answering.
pub fn code_keywords(site: &Site, promo: &Promo, diags: &mut Diagnostics) -> Vec<(String, String)> {
    let taken = lookup::keywords(site);
    let timed = crate::timed::KEYWORDS.iter().map(|(w, _)| normalize(w));
    let timed: Vec<String> = timed.collect();
    let mut out = Vec::new();
    for c in &promo.channels {
        let key = normalize(&c.code);
        if taken.contains_key(&key) || timed.contains(&key) {
            diags.push(
                Diagnostic::error(
                    &site.account.source.file,
                    c.pos,
                    format!("promo のコード「{}」は、ページの題名・keywords やメニューの言葉と同じです", c.code),
                )
                .with_hint("送られた言葉がコードとして数えられ、探しているページが出なくなります。A1 のような別のコードにしてください"),
            );
            continue;
        }
        out.push((key, promo_answer(&c.id)));
    }
    out
}

/// Removes the top menu's share card from `messages` (a reply that already has the button).
pub fn drop_share_card(messages: &mut [Value], site: &Site) {
    let Some(share) = lookup::share_action(site) else { return };
    for m in messages.iter_mut() {
        if let Some(Value::Array(bubbles)) = m.pointer_mut("/contents/contents") {
            bubbles.retain(|b| b.pointer("/footer/contents/0/action") != Some(&share));
        }
    }
}
