//! The HTTP side of notices: the requests (also printed by `oyako send --dry-run`), one call
//! over the pooled client shared with replies, and the monthly quota check.
//!
//! Unlike [`crate::line_api`], a call here returns whatever LINE answered — status,
//! `Retry-After`, request ids, body — and leaves retrying to [`super::send`], which needs
//! them to tell "sent", "refused" and "try again later" apart.

use std::time::Duration;

use bundle::{ASSET_URL_PREFIX, Notice};
use bytes::Bytes;
use http::Method;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::schedule::{Delivery, Phase};
use crate::api::Host;
use crate::config::{Config, ConfigError, DEFAULT_API_BASE, Secret, check_base_url};
use crate::line_api::ClientError;

/// Broadcast: every friend
/// (<https://developers.line.biz/en/reference/messaging-api/#send-broadcast-message>).
pub const BROADCAST_PATH: &str = "/v2/bot/message/broadcast";
/// Narrowcast: friends matching a filter
/// (<https://developers.line.biz/en/reference/messaging-api/#send-narrowcast-message>).
pub const NARROWCAST_PATH: &str = "/v2/bot/message/narrowcast";
/// A narrowcast's progress after its 202
/// (<https://developers.line.biz/en/reference/messaging-api/#get-narrowcast-progress-status>).
pub const PROGRESS_PATH: &str = "/v2/bot/message/progress/narrowcast";
/// Push to one user.
pub const PUSH_PATH: &str = "/v2/bot/message/push";
/// Multicast to up to [`MAX_MULTICAST_RECIPIENTS`](bundle::limits::MAX_MULTICAST_RECIPIENTS) users.
pub const MULTICAST_PATH: &str = "/v2/bot/message/multicast";
/// Monthly message quota (<https://developers.line.biz/en/reference/messaging-api/#get-quota>).
pub const QUOTA_PATH: &str = "/v2/bot/message/quota";
/// Messages sent this month
/// (<https://developers.line.biz/en/reference/messaging-api/#get-consumption>).
pub const CONSUMPTION_PATH: &str = "/v2/bot/message/quota/consumption";
/// Friend counts by day
/// (<https://developers.line.biz/en/reference/messaging-api/#get-number-of-followers>).
pub const FOLLOWERS_PATH: &str = "/v2/bot/insight/followers";
/// Most characters of LINE's error text kept.
const MAX_DETAIL: usize = 600;

/// Where and as whom to call LINE, from the same environment as `oyako serve`.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// `LINE_API_BASE` without a trailing slash.
    pub api_base: String,
    /// `LINE_CHANNEL_ACCESS_TOKEN` (not needed for a dry run).
    pub access_token: Option<Secret>,
    /// `OYAKO_PUBLIC_URL`: asset URLs in notices point below it.
    pub public_url: Option<String>,
}

impl ApiConfig {
    /// Reads `LINE_CHANNEL_ACCESS_TOKEN`, `LINE_API_BASE` and `OYAKO_PUBLIC_URL` through `env`.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<ApiConfig, ConfigError> {
        let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let base = get("LINE_API_BASE").unwrap_or_else(|| DEFAULT_API_BASE.to_owned());
        Ok(ApiConfig {
            api_base: check_base_url("LINE_API_BASE", &base)?,
            access_token: get("LINE_CHANNEL_ACCESS_TOKEN").map(Secret::new),
            public_url: get("OYAKO_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
        })
    }
}

impl From<&Config> for ApiConfig {
    fn from(c: &Config) -> Self {
        ApiConfig {
            api_base: c.api_base.clone(),
            access_token: Some(c.access_token.clone()),
            public_url: c.public_url.clone(),
        }
    }
}

/// A request to make (or to print).
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// `GET` or `POST`.
    pub method: Method,
    /// Path and query below the API base.
    pub path: String,
    /// The `X-Line-Retry-Key`, on sends.
    pub retry_key: Option<String>,
    /// The JSON body, on sends.
    pub body: Option<Value>,
}

/// What LINE answered.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The `Retry-After` header as sent (seconds or an HTTP date).
    pub retry_after: Option<String>,
    /// `x-line-accepted-request-id` (409) or else `x-line-request-id`.
    pub request_id: Option<String>,
    /// The body.
    pub body: Bytes,
}

/// Why the client cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No `LINE_CHANNEL_ACCESS_TOKEN`.
    #[error("environment variable LINE_CHANNEL_ACCESS_TOKEN is required but not set")]
    NoToken,
    /// The HTTP client or the token header could not be built.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The notices API client: the shared [`crate::api::Api`] plus the public URL for assets.
#[derive(Debug)]
pub struct Api {
    inner: crate::api::Api,
    public_url: Option<String>,
}

impl Api {
    /// A client; fails without an access token or with one unusable in a header.
    pub fn new(config: &ApiConfig, timeout: Duration) -> Result<Api, ApiError> {
        let token = config.access_token.as_ref().ok_or(ApiError::NoToken)?;
        let base = config.api_base.clone();
        let inner = crate::api::Api::new(base.clone(), base, token.expose(), timeout)?;
        Ok(Api { inner, public_url: config.public_url.clone() })
    }

    /// `OYAKO_PUBLIC_URL`, for asset URLs in notices.
    pub fn public_url(&self) -> Option<&str> {
        self.public_url.as_deref()
    }

    /// Makes one call; `Err` is a network error or timeout (no answer).
    pub async fn call(&self, req: &Planned) -> Result<Answer, String> {
        let retry_key: Vec<(&'static str, &str)> =
            req.retry_key.iter().map(|k| ("X-Line-Retry-Key", k.as_str())).collect();
        let body = req.body.as_ref().map(|v| (Bytes::from(v.to_string()), "application/json"));
        let answer =
            self.inner.send(req.method.clone(), Host::Api, &req.path, &retry_key, body).await?;
        let header =
            |name: &str| answer.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Ok(Answer {
            status: answer.status.as_u16(),
            retry_after: header("retry-after"),
            request_id: header("x-line-accepted-request-id")
                .or_else(|| header("x-line-request-id")),
            body: answer.body,
        })
    }

    /// Asks for the progress of the narrowcast LINE accepted as `request_id`.
    pub async fn progress(&self, request_id: &str) -> Result<Answer, String> {
        let path = format!("{PROGRESS_PATH}?requestId={}", query_value(request_id));
        self.call(&Planned { method: Method::GET, path, retry_key: None, body: None }).await
    }

    /// Reads the month's quota, usage and yesterday's reachable friends (each may fail).
    pub async fn quota(&self, now: Timestamp) -> Quota {
        let get = |path: String| async move {
            let req = Planned { method: Method::GET, path, retry_key: None, body: None };
            let answer = self.call(&req).await?;
            if answer.status != 200 {
                return Err(format!("{}: {}", answer.status, error_detail(&answer.body)));
            }
            serde_json::from_slice::<Value>(&answer.body).map_err(|e| e.to_string())
        };
        let limit = get(QUOTA_PATH.into()).await.and_then(|v| match v["type"].as_str() {
            Some("none") => Ok(None),
            Some("limited") => v["value"].as_u64().map(Some).ok_or_else(|| "no value".into()),
            _ => Err(format!("unexpected quota answer {v}")),
        });
        let used = get(CONSUMPTION_PATH.into())
            .await
            .and_then(|v| v["totalUsage"].as_u64().ok_or_else(|| format!("unexpected {v}")));
        let day = bundle::japan::date_of(now);
        let day = bundle::japan::compact(day.yesterday().unwrap_or(day));
        let reach = get(format!("{FOLLOWERS_PATH}?date={day}")).await.and_then(|v| {
            match (v["status"].as_str(), v["followers"].as_u64(), v["blocks"].as_u64()) {
                (Some("ready"), Some(f), b) => Ok(f.saturating_sub(b.unwrap_or(0))),
                _ => Err(format!("not available ({})", v["status"])),
            }
        });
        Quota { limit, used, reach }
    }
}

/// A narrowcast's progress as LINE reports it (`NarrowcastProgressResponse`,
/// <https://developers.line.biz/en/reference/messaging-api/#get-narrowcast-progress-status>).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// `waiting`, `sending`, `succeeded` or `failed`.
    pub phase: String,
    /// Users the message was sent to.
    #[serde(default)]
    pub success_count: Option<u64>,
    /// Users it could not be sent to.
    #[serde(default)]
    pub failure_count: Option<u64>,
    /// Users it was meant for.
    #[serde(default)]
    pub target_count: Option<u64>,
    /// Why it failed (only when `failed`).
    #[serde(default)]
    pub failed_description: Option<String>,
    /// What kind of failure (only when `failed`, see [`error_code_meaning`]).
    #[serde(default)]
    pub error_code: Option<i64>,
    /// When LINE finished (only when `succeeded` or `failed`).
    #[serde(default)]
    pub completed_time: Option<String>,
}

impl Progress {
    /// The final outcome, or `None` while LINE is still `waiting` or `sending` (or reports a
    /// phase this version does not know, which is treated as not final).
    pub fn outcome(&self) -> Option<Delivery> {
        let phase = match self.phase.as_str() {
            "succeeded" => Phase::Succeeded,
            "failed" => Phase::Failed,
            _ => return None,
        };
        Some(Delivery {
            phase,
            success_count: self.success_count,
            failure_count: self.failure_count,
            target_count: self.target_count,
            error_code: self.error_code,
            completed_time: self.completed_time.clone(),
        })
    }
}

/// What LINE's narrowcast `errorCode` means, in Japanese for staff
/// (<https://developers.line.biz/en/reference/messaging-api/#get-narrowcast-progress-status>).
pub fn error_code_meaning(code: i64) -> &'static str {
    match code {
        1 => "LINE 側の内部エラー",
        2 => "送信対象の人数が足りません",
        3 => "受け付け済みのリクエストが再送されました",
        4 => "50 人未満のオーディエンスが条件に含まれています",
        5 => "一部の人だけに届くのを防ぐため、配信が取り消されました",
        _ => "不明なエラー",
    }
}

/// The month's quota as far as LINE told it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// `Ok(None)` = no limit (`type: none`), `Ok(Some(n))` = n messages a month.
    pub limit: Result<Option<u64>, String>,
    /// Messages sent this month.
    pub used: Result<u64, String>,
    /// Friends minus blocks yesterday (Japan): the recipients of a broadcast.
    pub reach: Result<u64, String>,
}

impl Quota {
    /// The Japanese refusal when sending `n` would exceed the month's limit; `None` when it
    /// fits or cannot be judged (then LINE itself refuses with 429 if it does not fit).
    pub fn refusal(&self, n: &Notice) -> Option<String> {
        let (Ok(Some(limit)), Ok(used)) = (&self.limit, &self.used) else { return None };
        let left = limit.saturating_sub(*used);
        let reach = self.reach.as_ref().ok().copied();
        let over = match reach {
            _ if left == 0 => true,
            // A narrowcast reaches fewer than all friends: only an empty quota is sure to fail.
            Some(r) => n.is_broadcast() && r > left,
            None => false,
        };
        over.then(|| {
            format!(
                "今月の送信上限を超えるため、お知らせ「{}」を送りません（{}）。来月まで待つか、LINE 公式アカウントのプランを確認してください。",
                n.title,
                self.summary()
            )
        })
    }

    /// One line for staff: limit, used, left and estimated recipients.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match &self.limit {
            Ok(None) => parts.push("上限なし".to_string()),
            Ok(Some(l)) => parts.push(format!("上限 {l} 通")),
            Err(e) => parts.push(format!("上限は不明（{e}）")),
        }
        if let Ok(u) = &self.used {
            parts.push(format!("使用済み {u} 通"));
            if let Ok(Some(l)) = &self.limit {
                parts.push(format!("残り {} 通", l.saturating_sub(*u)));
            }
        }
        match &self.reach {
            Ok(r) => parts.push(format!("友だち（ブロックを除く）約 {r} 人")),
            Err(_) => parts.push("友だちの数は不明".to_string()),
        }
        parts.join("、")
    }
}

/// The broadcast or narrowcast request of a notice.
pub fn notice_request(n: &Notice, key: &str, public_url: Option<&str>) -> Planned {
    let messages = served_messages(n, public_url);
    let (path, body) = match &n.filter {
        None => (BROADCAST_PATH, json!({ "messages": messages })),
        Some(f) => {
            (NARROWCAST_PATH, json!({ "messages": messages, "filter": { "demographic": f } }))
        }
    };
    Planned {
        method: Method::POST,
        path: path.into(),
        retry_key: Some(key.to_owned()),
        body: Some(body),
    }
}

/// Test sends to staff phones: one push, or multicasts of up to [`MAX_MULTICAST_RECIPIENTS`](bundle::limits::MAX_MULTICAST_RECIPIENTS) users.
pub fn test_requests(
    n: &Notice,
    to: &[String],
    key: &str,
    public_url: Option<&str>,
) -> Vec<Planned> {
    let messages = served_messages(n, public_url);
    let post = |path: &str, body: Value, i: usize| Planned {
        method: Method::POST,
        path: path.into(),
        retry_key: Some(match i {
            0 => key.to_owned(),
            i => super::schedule::uuid_of(&format!("{key}/{i}")),
        }),
        body: Some(body),
    };
    match to {
        [one] => vec![post(PUSH_PATH, json!({ "to": one, "messages": messages }), 0)],
        many => many
            .chunks(bundle::limits::MAX_MULTICAST_RECIPIENTS)
            .enumerate()
            .map(|(i, chunk)| post(MULTICAST_PATH, json!({ "to": chunk, "messages": messages }), i))
            .collect(),
    }
}

/// The messages with asset URLs below `OYAKO_PUBLIC_URL`; without one, the hero image is
/// left out (LINE only shows https images, and the card works without it).
pub fn served_messages(n: &Notice, public_url: Option<&str>) -> Value {
    served(&n.messages, public_url)
}

/// [`served_messages`] of any stored messages array (also timed messages).
pub fn served(stored: &Value, public_url: Option<&str>) -> Value {
    let text = stored.to_string();
    if !text.contains(ASSET_URL_PREFIX) {
        return stored.clone();
    }
    if let Some(base) = public_url {
        let text = text.replace(ASSET_URL_PREFIX, &format!("{base}/assets/"));
        return serde_json::from_str(&text).unwrap_or_else(|_| stored.clone());
    }
    let mut messages = stored.clone();
    for m in messages.as_array_mut().into_iter().flatten() {
        let hero = &m["contents"]["hero"]["url"];
        if hero.as_str().is_some_and(|u| u.starts_with(ASSET_URL_PREFIX))
            && let Some(bubble) = m["contents"].as_object_mut()
        {
            bubble.remove("hero");
        }
    }
    messages
}

/// The request as text, token masked: what `--dry-run` prints.
pub fn describe(req: &Planned, base: &str) -> String {
    let mut out = format!("{} {base}{}\nAuthorization: Bearer ***\n", req.method, req.path);
    if req.body.is_some() {
        out.push_str("Content-Type: application/json\n");
    }
    if let Some(key) = &req.retry_key {
        out.push_str(&format!("X-Line-Retry-Key: {key}\n"));
    }
    if let Some(body) = &req.body {
        out.push('\n');
        out.push_str(&serde_json::to_string_pretty(body).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// LINE's error `message` with its `details` (`property: message`), or the body's start.
pub fn error_detail(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(v) if v["message"].is_string() => {
            let mut text = v["message"].as_str().unwrap_or_default().to_owned();
            let details: Vec<String> = v["details"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| match (d["property"].as_str(), d["message"].as_str()) {
                    (Some(p), Some(m)) => format!("{p}: {m}"),
                    (p, m) => p.or(m).unwrap_or_default().to_owned(),
                })
                .collect();
            if !details.is_empty() {
                text.push_str(&format!(" ({})", details.join("; ")));
            }
            text
        }
        _ => String::from_utf8_lossy(body).into_owned(),
    };
    text.chars().take(MAX_DETAIL).collect()
}

/// `value` percent-encoded for a query string (everything but RFC 3986's unreserved
/// characters), so whatever LINE put in a request id cannot change the query.
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// How long `Retry-After` asks to wait: seconds, or an HTTP date (RFC 9110 §10.2.3).
pub fn retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    Some(Duration::try_from(at.duration_since(now)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_details_and_retry_after() {
        let body = br#"{"message":"The request body has 1 error(s)","details":[{"message":"must be specified","property":"messages[0].text"}]}"#;
        assert_eq!(
            error_detail(body),
            "The request body has 1 error(s) (messages[0].text: must be specified)"
        );
        assert_eq!(error_detail(b"<html>"), "<html>");
        let now: Timestamp = "2026-12-05T00:00:00Z".parse().unwrap();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Sat, 05 Dec 2026 00:01:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn progress_answers_and_request_ids() {
        let waiting: Progress = serde_json::from_str(
            r#"{"phase":"waiting","acceptedTime":"2026-12-05T00:00:00.000Z"}"#,
        )
        .unwrap();
        assert_eq!(waiting.outcome(), None);
        let failed: Progress = serde_json::from_str(
            r#"{"phase":"failed","successCount":0,"failureCount":0,"targetCount":40,"failedDescription":"audience too small","errorCode":2,"acceptedTime":"2026-12-05T00:00:00.000Z","completedTime":"2026-12-05T00:01:00.000Z"}"#,
        )
        .unwrap();
        let outcome = failed.outcome().unwrap();
        assert_eq!(
            (outcome.phase, outcome.error_code, outcome.target_count),
            (Phase::Failed, Some(2), Some(40))
        );
        assert!(!outcome.complete());
        let odd: Progress = serde_json::from_str(r#"{"phase":"paused"}"#).unwrap();
        assert_eq!(odd.outcome(), None, "an unknown phase is not final");
        assert_eq!(error_code_meaning(4), "50 人未満のオーディエンスが条件に含まれています");
        assert_eq!(query_value("abc-123_~."), "abc-123_~.");
        assert_eq!(query_value("a&b=c d"), "a%26b%3Dc%20d");
    }
}
