//! LINE's own friend count: `GET /v2/bot/insight/followers?date=yyyyMMdd`
//! (<https://developers.line.biz/en/reference/messaging-api/#get-number-of-followers>).
//!
//! The journal sees only the follows that reached this server; LINE's count is the official one for
//! the city's KPI. It is asked for yesterday in Japan, since LINE's figures are usually ready only
//! about a day later. `followers` counts every first add and never goes down, `blocks` is the
//! current number of blocks, and both are null unless `status` is `ready`.

use serde::Deserialize;

use crate::api::Api;
use jiff::civil::Date;

/// What LINE said about the number of friends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineFriends {
    /// No `LINE_CHANNEL_ACCESS_TOKEN`: not asked.
    NotAsked,
    /// The call failed (the message says why).
    Failed(String),
    /// LINE's answer for `day`.
    Answer {
        /// The day asked for.
        day: Date,
        /// `ready`, `unready` or `out_of_service`.
        status: String,
        /// Friends ever added (when ready).
        followers: Option<u64>,
        /// Friends reachable by targeted messages (when ready).
        targeted_reaches: Option<u64>,
        /// Current blocks (when ready).
        blocks: Option<u64>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Followers {
    status: String,
    #[serde(default)]
    followers: Option<u64>,
    #[serde(default)]
    targeted_reaches: Option<u64>,
    #[serde(default)]
    blocks: Option<u64>,
}

/// Asks LINE for the friends of `day`, reading the token and API base through `env`.
pub fn fetch(env: impl Fn(&str) -> Option<String>, day: Date) -> LineFriends {
    if env("LINE_CHANNEL_ACCESS_TOKEN").is_none_or(|t| t.trim().is_empty()) {
        return LineFriends::NotAsked;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return LineFriends::Failed(e.to_string()),
    };
    let path = format!("/v2/bot/insight/followers?date={}", bundle::japan::compact(day));
    let answer = runtime.block_on(async {
        let api = Api::from_env(&env)?;
        api.get::<Followers>(&path).await
    });
    match answer {
        Ok(f) => LineFriends::Answer {
            day,
            status: f.status,
            followers: f.followers,
            targeted_reaches: f.targeted_reaches,
            blocks: f.blocks,
        },
        Err(e) => LineFriends::Failed(e.to_string()),
    }
}
