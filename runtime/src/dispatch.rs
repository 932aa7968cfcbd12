//! From one webhook event to the bytes of its Reply API request.
//!
//! Every answer was rendered by the compiler; here a reply is chosen and its body assembled
//! by concatenation only: `{"replyToken":"<token>","messages":<bundle bytes>}`. Nothing is
//! rendered or re-serialised per tap, which keeps a reply at a few microseconds and makes the
//! bytes LINE receives exactly the bytes the compiler validated. The token is pasted in as is,
//! so it must be a plain token that needs no JSON escaping; anything else is skipped.
//!
//! A stored reply is planned as its blob ([`Body`]) and decompressed only when the reply
//! worker sends it: under load the reply queue holds up to `limits.queue_capacity` bodies, and
//! as blobs they cost ~100 bytes each instead of a page's ~6 KB of JSON (and the bytes are
//! fresh in the CPU's cache when they are written to the socket).
//!
//! Replies that change with the date are chosen for `today` (a day in Japan, from the state's
//! clock): the compiler stored every day's variant (see `bundle::Calendar`), so choosing is a
//! lookup, and at midnight the answers change without a reload.

use bundle::search::normalize;
use bundle::{Blob, Bundle, Special};
use jiff::civil::Date;

use crate::metrics::Metrics;
use crate::state::Loaded;
use crate::webhook::Event;

/// Most search results asked of the index (the bundle caps a carousel further).
const SEARCH_LIMIT: usize = 5;
/// Longest reply token accepted (LINE's are tens of characters).
const MAX_TOKEN_LEN: usize = 256;
/// Reply tokens of LINE's old "Verify" dummy events, 2017–2020
/// (<https://github.com/line/line-bot-sdk-python/issues/287>): never replied to.
const DUMMY_TOKENS: [&str; 2] =
    ["00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff"];

/// What to do with one event.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Send this Reply API body.
    Reply {
        /// The request body, to assemble with the bundle the plan was made from.
        body: Body,
        /// What the reply answers (`follow`, `postback`, `keyword`, `search`, …).
        what: &'static str,
    },
    /// Send nothing, for this reason (a metrics label).
    Skip(&'static str),
}

/// A Reply API request body as planned: `{"replyToken":"<token>","messages":<messages>}`.
#[derive(Debug, PartialEq, Eq)]
pub struct Body {
    /// `{"replyToken":"<token>","messages":`.
    start: Vec<u8>,
    messages: Messages,
}

/// The messages of a [`Body`].
#[derive(Debug, PartialEq, Eq)]
enum Messages {
    /// A reply stored in the bundle the plan was made from.
    Stored(Blob),
    /// A messages array assembled already (search answers, timed registrations).
    Assembled(Vec<u8>),
}

impl Body {
    /// The complete request body. `bundle` must be the bundle the plan was made from (the
    /// webhook handler keeps it with the body until the reply is sent).
    pub fn assemble(&self, bundle: &Bundle) -> Vec<u8> {
        let messages = match &self.messages {
            Messages::Stored(blob) => blob.plain_len as usize,
            Messages::Assembled(bytes) => bytes.len(),
        };
        let mut out = Vec::with_capacity(self.start.len() + messages + 1);
        out.extend_from_slice(&self.start);
        match &self.messages {
            Messages::Stored(blob) => bundle.write_messages(blob, &mut out),
            Messages::Assembled(bytes) => out.extend_from_slice(bytes),
        }
        out.push(b'}');
        out
    }
}

/// The kinds of answer, chosen from the event type before any work is done.
enum Answer<'e> {
    Follow,
    Unblocked,
    Postback(&'e str),
    Text(&'e str),
    Unsupported,
}

/// Decides the reply to `event` from the bundle in `loaded` as it stands on `today`, counting
/// taps and searches.
pub fn plan(loaded: &Loaded, metrics: &Metrics, event: &Event, today: Date) -> Plan {
    if event.is_standby() {
        return Plan::Skip("standby");
    }
    let answer = match (event.kind.as_str(), &event.postback, &event.message) {
        ("follow", _, _) if event.is_unblock() => Answer::Unblocked,
        ("follow", _, _) => Answer::Follow,
        // A rich-menu tab switch: LINE has already switched the menu; nothing to say.
        ("postback", Some(p), _) if p.data.starts_with(bundle::postback::TAB) => {
            return Plan::Skip("richmenu_switch");
        }
        ("postback", Some(p), _) => Answer::Postback(&p.data),
        ("message", _, Some(m)) => match (m.kind.as_str(), &m.text) {
            ("text", Some(text)) => Answer::Text(text),
            _ => Answer::Unsupported,
        },
        _ => return Plan::Skip("not_replied"),
    };
    let start = match body_start(event) {
        Ok(start) => start,
        Err(skip) => return skip,
    };
    let (messages, what) = answer_messages(&loaded.bundle, metrics, answer, today);
    Plan::Reply { body: Body { start, messages }, what }
}

/// Answers `event` with a stored `reply` of `_loaded`'s bundle chosen elsewhere (the thanks
/// for a survey comment); like every plan, it is assembled with that bundle.
pub fn plan_with(_loaded: &Loaded, event: &Event, reply: &Blob, what: &'static str) -> Plan {
    if event.is_standby() {
        return Plan::Skip("standby");
    }
    let start = match body_start(event) {
        Ok(start) => start,
        Err(skip) => return skip,
    };
    Plan::Reply { body: Body { start, messages: Messages::Stored(*reply) }, what }
}

/// Answers `event` with a messages array assembled elsewhere (timed registration).
pub fn plan_raw(event: &Event, messages: &[u8], what: &'static str) -> Plan {
    if event.is_standby() {
        return Plan::Skip("standby");
    }
    let start = match body_start(event) {
        Ok(start) => start,
        Err(skip) => return skip,
    };
    Plan::Reply { body: Body { start, messages: Messages::Assembled(messages.to_vec()) }, what }
}

/// `{"replyToken":"<token>","messages":` for the event's token, or why not to reply.
fn body_start(event: &Event) -> Result<Vec<u8>, Plan> {
    let token = match event.reply_token.as_deref() {
        None => return Err(Plan::Skip("no_reply_token")),
        Some(t) if DUMMY_TOKENS.contains(&t) => return Err(Plan::Skip("dummy_token")),
        Some(t) if !is_plain_token(t) => return Err(Plan::Skip("bad_reply_token")),
        Some(t) => t,
    };
    let mut body = Vec::with_capacity(token.len() + 28);
    body.extend_from_slice(b"{\"replyToken\":\"");
    body.extend_from_slice(token.as_bytes());
    body.extend_from_slice(b"\",\"messages\":");
    Ok(body)
}

/// The messages array for `answer`, and what was answered.
fn answer_messages(
    bundle: &Bundle,
    metrics: &Metrics,
    answer: Answer<'_>,
    today: Date,
) -> (Messages, &'static str) {
    let special = |which| bundle.special_on(which, today);
    let (reply, what): (&Blob, _) = match answer {
        Answer::Follow => (special(Special::Follow), "follow"),
        // An unblock gets the welcome without the question for new friends, when there is one.
        Answer::Unblocked => match bundle.special.unblocked.is_some() {
            true => (special(Special::Unblocked), "unblocked"),
            false => (special(Special::Follow), "follow"),
        },
        Answer::Unsupported => (special(Special::UnsupportedMessage), "unsupported"),
        Answer::Postback(data) => match bundle.reply_on(data, today) {
            Some(reply) => {
                metrics.taps.inc(data);
                (reply, "postback")
            }
            None => {
                metrics.taps.inc("unknown");
                (special(Special::UnknownPostback), "unknown_postback")
            }
        },
        Answer::Text(text) => {
            // A page whose day has passed (an event) is not answered by its name any more.
            let keyword =
                bundle.keywords.get(&normalize(text)).filter(|d| bundle.shows_on(d, today));
            match keyword.and_then(|data| Some((data, bundle.reply_on(data, today)?))) {
                Some((data, reply)) => {
                    metrics.keyword_answers.inc(data);
                    (reply, "keyword")
                }
                None => {
                    let hits = bundle.search_on(text, today, SEARCH_LIMIT);
                    if !hits.is_empty() {
                        metrics.searches.inc("hit");
                        let mut out = Vec::new();
                        bundle.write_search_messages(&hits, &mut out);
                        return (Messages::Assembled(out), "search");
                    }
                    metrics.searches.inc("no_hit");
                    (special(Special::Fallback), "fallback")
                }
            }
        }
    };
    (Messages::Stored(*reply), what)
}

/// Whether `token` can be pasted into a JSON string as is: printable ASCII without `"` or `\`.
fn is_plain_token(token: &str) -> bool {
    let plain = |b: &u8| b.is_ascii_graphic() && *b != b'"' && *b != b'\\';
    !token.is_empty() && token.len() <= MAX_TOKEN_LEN && token.as_bytes().iter().all(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_tokens() {
        assert!(is_plain_token("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"));
        assert!(is_plain_token("abc-_.~+/="));
        for bad in ["", "a\"b", "a\\b", "a b", "a\nb", "トークン", &"x".repeat(300)] {
            assert!(!is_plain_token(bad), "{bad:?}");
        }
    }
}
