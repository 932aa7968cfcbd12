//! Promotion (`bundle.json` → `promo`): the account's LINE ID, the LINE URLs built from it, and
//! the channels where the account is advertised (posters at the 母子手帳 counter, the
//! 4-month check-up, …).
//!
//! A webhook never says where a friend came from, so after a follow parents are asked; an
//! answer is the postback [`crate::postback::promo_answer`] of a channel id, or of [`OTHER`] /
//! [`NONE`], and each channel's short code typed as a message counts the same (the compiler
//! puts the codes into the keyword table, pointing at the same postback data). The runtime
//! journals answers and `oyako report` counts them per channel.

use serde::{Deserialize, Serialize};

/// Answer id of 「その他」.
pub const OTHER: &str = "other";
/// Answer id of 「答えない」.
pub const NONE: &str = "none";

/// The promotion settings of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promo {
    /// The LINE ID with its `@` (`@216ruxyz`): a basic ID or a premium ID.
    pub line_id: String,
    /// The channels, in the order staff listed them (and the buttons show them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<Channel>,
}

/// One place or medium where the account is advertised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// `[a-z0-9-]+`, stable: it keys answers in the journal and names the printables.
    pub id: String,
    /// What parents see on the answer button (`母子手帳の交付窓口`).
    pub label: String,
    /// The short code printed on the channel's poster; typed as a message it counts as an
    /// answer for this channel.
    pub code: String,
}

impl Promo {
    /// The channel with `id`.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// What an answer id stands for, in words for staff: the channel's label, その他 or 答えない.
    pub fn answer_label(&self, id: &str) -> Option<&str> {
        match id {
            OTHER => Some("その他"),
            NONE => Some("答えない"),
            _ => self.channel(id).map(|c| c.label.as_str()),
        }
    }

    /// The add-friend URL of the account (see [`add_friend_url`]).
    pub fn add_friend_url(&self) -> String {
        add_friend_url(&self.line_id)
    }
}

/// The URL that opens the account's profile to add it as a friend (or its chat, for a friend):
/// `https://line.me/R/ti/p/%40<id>`. LINE asks for the `@` to be percent-encoded; the rest of a
/// LINE ID is letters, digits, `.`, `_` and `-`, which need no encoding
/// (<https://developers.line.biz/en/docs/messaging-api/using-line-url-scheme/#sharing-line-official-account>).
pub fn add_friend_url(line_id: &str) -> String {
    format!("https://line.me/R/ti/p/{}", encode(line_id))
}

/// The URL that opens LINE's "share with" screen for the account, so a parent can send it to a
/// partner or grandparents: `https://line.me/R/nv/recommendOA/%40<id>`. LINE notes that the
/// percent-encoded form does not work before LINE 13.8.0 for Android
/// (<https://developers.line.biz/en/docs/messaging-api/using-line-url-scheme/#sharing-line-official-account>).
pub fn share_url(line_id: &str) -> String {
    format!("https://line.me/R/nv/recommendOA/{}", encode(line_id))
}

fn encode(line_id: &str) -> String {
    let mut out = String::with_capacity(line_id.len() + 2);
    for c in line_id.chars() {
        match c {
            c if c.is_ascii_alphanumeric() || "._-~".contains(c) => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_percent_encode_the_at_sign() {
        assert_eq!(add_friend_url("@216ruxyz"), "https://line.me/R/ti/p/%40216ruxyz");
        assert_eq!(share_url("@a.b_c-d"), "https://line.me/R/nv/recommendOA/%40a.b_c-d");
    }

    #[test]
    fn answer_labels() {
        let p = Promo {
            line_id: "@x".into(),
            channels: vec![Channel {
                id: "techo".into(), label: "窓口".into(), code: "t1".into()
            }],
        };
        assert_eq!(p.answer_label("techo"), Some("窓口"));
        assert_eq!(p.answer_label(OTHER), Some("その他"));
        assert_eq!(p.answer_label(NONE), Some("答えない"));
        assert_eq!(p.answer_label("nope"), None);
    }
}
