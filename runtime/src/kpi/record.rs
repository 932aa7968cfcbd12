//! The KPI records: one JSON object per journal line, tagged by `"kpi"`.
//!
//! Users appear only as salted hashes ([`super::salt`]); taps and searches carry no user at
//! all. `ts` is the event's own timestamp (LINE's `timestamp`, Unix milliseconds), so records
//! from several replicas merge into one timeline, and `ev` is LINE's `webhookEventId`, so an
//! event journalled twice (a redelivery after a restart, or by two replicas) counts once.
//!
//! ```text
//! {"kpi":"follow","ts":1795705200000,"user":"3f1c…","ev":"01J…"}
//! {"kpi":"unfollow","ts":…,"user":"3f1c…"}
//! {"kpi":"unblock","ts":…,"user":"3f1c…"}
//! {"kpi":"channel","ts":…,"user":"3f1c…","channel":"boshi-techo","via":"button"}
//! {"kpi":"answer","ts":…,"user":"3f1c…","survey":"manzokudo-2026","choice":0,"label":"とても満足","satisfied":true}
//! {"kpi":"comment","ts":…,"user":"3f1c…","survey":"manzokudo-2026","text":"…"}
//! {"kpi":"tap","ts":…,"key":"page:ninshin/boshi-techo"}
//! {"kpi":"search_miss","ts":…,"query":"うちゅうりょこう"}
//! {"kpi":"timed_register","ts":…,"user":"3f1c…","anchor":"birth"}
//! {"kpi":"timed_leave","ts":…,"user":"3f1c…","why":"stop","children":2}
//! {"kpi":"timed_sent","ts":…,"step":"kenshin/yonkagetsu-kenshin","users":["3f1c…",…],"ev":"<retry key>"}
//! ```
//!
//! The timed records say what changed in the registrations and what was sent, never a child's
//! date: `timed_register` a new child (`birth` or `due`), `timed_leave` children gone
//! (`delete`, `quiet` — the due-date question's stop —, `stop`, `unfollow`, or `end` at
//! school entry), `timed_sent` one send LINE accepted, with its recipients' hashes.

use serde::{Deserialize, Serialize};

/// One KPI fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kpi", rename_all = "snake_case")]
pub enum Record {
    /// Someone added the account as a friend (before unblocks were told apart, also an unblock).
    Follow {
        /// Event time, Unix ms.
        ts: i64,
        /// Salted hash of the user.
        user: String,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// Someone blocked the account.
    Unfollow {
        /// Event time, Unix ms.
        ts: i64,
        /// Salted hash of the user.
        user: String,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// A friend who had blocked the account unblocked it (`follow.isUnblocked`): a returning
    /// friend, not a new one.
    Unblock {
        /// Event time, Unix ms.
        ts: i64,
        /// Salted hash of the user.
        user: String,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// Where a friend heard of the account: an answer to the question after a follow, or a
    /// channel's code typed as a message. Per user only the last one (by `ts`) counts.
    Channel {
        /// Event time, Unix ms.
        ts: i64,
        /// Salted hash of the user.
        user: String,
        /// The channel id, or `other` / `none` (see `bundle::promo`).
        channel: String,
        /// How it was given.
        via: Via,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// A survey answer; per user and survey only the last one (by `ts`) counts.
    Answer {
        /// Event time, Unix ms.
        ts: i64,
        /// Salted hash of the user.
        user: String,
        /// Survey id.
        survey: String,
        /// Index of the choice.
        choice: usize,
        /// The choice's text when answered.
        label: String,
        /// Whether the choice counted as satisfied when answered.
        satisfied: bool,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// Free text sent after a survey's follow-up prompt (kept as written: staff read it).
    Comment {
        /// Event time, Unix ms.
        ts: i64,
        /// Salted hash of the user.
        user: String,
        /// Survey id.
        survey: String,
        /// The comment.
        text: String,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// A tap on a button the bundle knows (page, menu, survey choice).
    Tap {
        /// Event time, Unix ms.
        ts: i64,
        /// The postback data.
        key: String,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// Typed text that found nothing (normalised as the search index sees it).
    SearchMiss {
        /// Event time, Unix ms.
        ts: i64,
        /// The normalised query.
        query: String,
        /// `webhookEventId`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// A child registered for timed messages (a new one, not a changed date).
    TimedRegister {
        /// When, Unix ms.
        ts: i64,
        /// Salted hash of the parent.
        user: String,
        /// `birth` or `due`.
        anchor: String,
        /// Unused (no webhook event maps to it one to one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// Children's registrations gone: `delete`, `quiet`, `stop`, `unfollow` or `end`.
    TimedLeave {
        /// When, Unix ms.
        ts: i64,
        /// Salted hash of the parent.
        user: String,
        /// Why.
        why: String,
        /// How many children.
        children: usize,
        /// Unused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
    /// A timed message LINE accepted.
    TimedSent {
        /// When, Unix ms.
        ts: i64,
        /// Step id.
        step: String,
        /// Salted hashes of the recipients (a parent once per child).
        users: Vec<String>,
        /// The send's retry key (a send journalled twice counts once).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ev: Option<String>,
    },
}

/// How a parent told where they heard of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Tapped an answer button of the question after the follow.
    Button,
    /// Typed a channel's code (printed on its poster) as a message.
    Code,
}

impl Record {
    /// Event time, Unix ms.
    pub fn ts(&self) -> i64 {
        match self {
            Record::Follow { ts, .. }
            | Record::Unfollow { ts, .. }
            | Record::Unblock { ts, .. }
            | Record::Channel { ts, .. }
            | Record::Answer { ts, .. }
            | Record::Comment { ts, .. }
            | Record::Tap { ts, .. }
            | Record::SearchMiss { ts, .. }
            | Record::TimedRegister { ts, .. }
            | Record::TimedLeave { ts, .. }
            | Record::TimedSent { ts, .. } => *ts,
        }
    }

    /// The event id, when LINE gave one.
    pub fn event_id(&self) -> Option<&str> {
        match self {
            Record::Follow { ev, .. }
            | Record::Unfollow { ev, .. }
            | Record::Unblock { ev, .. }
            | Record::Channel { ev, .. }
            | Record::Answer { ev, .. }
            | Record::Comment { ev, .. }
            | Record::Tap { ev, .. }
            | Record::SearchMiss { ev, .. }
            | Record::TimedRegister { ev, .. }
            | Record::TimedLeave { ev, .. }
            | Record::TimedSent { ev, .. } => ev.as_deref(),
        }
    }

    /// The record's kind, as written in `"kpi"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Follow { .. } => "follow",
            Record::Unfollow { .. } => "unfollow",
            Record::Unblock { .. } => "unblock",
            Record::Channel { .. } => "channel",
            Record::Answer { .. } => "answer",
            Record::Comment { .. } => "comment",
            Record::Tap { .. } => "tap",
            Record::SearchMiss { .. } => "search_miss",
            Record::TimedRegister { .. } => "timed_register",
            Record::TimedLeave { .. } => "timed_leave",
            Record::TimedSent { .. } => "timed_sent",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_tagged_and_compact() {
        let r = Record::Answer {
            ts: 1,
            user: "ab".into(),
            survey: "s".into(),
            choice: 2,
            label: "満足".into(),
            satisfied: true,
            ev: None,
        };
        let line = serde_json::to_string(&r).unwrap();
        assert_eq!(
            line,
            r#"{"kpi":"answer","ts":1,"user":"ab","survey":"s","choice":2,"label":"満足","satisfied":true}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), r);
        let c = Record::Channel {
            ts: 2,
            user: "ab".into(),
            channel: "boshi-techo".into(),
            via: Via::Code,
            ev: Some("E".into()),
        };
        let line = serde_json::to_string(&c).unwrap();
        assert_eq!(
            line,
            r#"{"kpi":"channel","ts":2,"user":"ab","channel":"boshi-techo","via":"code","ev":"E"}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), c);
        let tap: Record =
            serde_json::from_str(r#"{"kpi":"tap","ts":5,"key":"page:a","ev":"E"}"#).unwrap();
        assert_eq!((tap.ts(), tap.event_id(), tap.kind()), (5, Some("E"), "tap"));
    }
}
