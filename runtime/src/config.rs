//! Server configuration: command-line paths plus the `LINE_*` / `OYAKO_*` environment.
//!
//! Everything the server needs is read and checked once, before anything binds or loads, so a
//! missing secret or a malformed URL stops start-up with one clear sentence instead of a failed
//! reply minutes later. Tunables that production never changes (timeouts, queue size) live in
//! [`Limits`] and [`ReplyPolicy`] with documented defaults, so tests can shrink them.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Default base of the Messaging API.
pub const DEFAULT_API_BASE: &str = "https://api.line.me";
/// Default base of the Messaging API's data host (message content; unused for replies).
pub const DEFAULT_DATA_API_BASE: &str = "https://api-data.line.me";

/// Everything `oyako serve` needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The bundle directory (`dist/`), re-read on every reload.
    pub bundle_dir: PathBuf,
    /// Directory for runtime state (created at start; the journal comes later).
    pub state_dir: Option<PathBuf>,
    /// `LINE_CHANNEL_SECRET`: the HMAC key of webhook signatures.
    pub channel_secret: Secret,
    /// `LINE_CHANNEL_ACCESS_TOKEN`: the bearer token of Reply API calls.
    pub access_token: Secret,
    /// `LINE_API_BASE` without a trailing slash.
    pub api_base: String,
    /// `LINE_DATA_API_BASE` without a trailing slash.
    pub data_api_base: String,
    /// `OYAKO_PUBLIC_URL` without a trailing slash; asset URLs in replies point below it.
    pub public_url: Option<String>,
    /// Sizes and timeouts of the HTTP server and the reply queue.
    pub limits: Limits,
    /// How replies are retried.
    pub reply: ReplyPolicy,
    /// `OYAKO_HASH_SALT`: the salt of user hashes in the KPI journal (else `<state-dir>/salt`).
    pub hash_salt: Option<Secret>,
    /// `OYAKO_INSTANCE`: this replica's name in journal file names (else the host name).
    pub instance: Option<String>,
    /// `OYAKO_DATA_KEY`: the key of the timed-message journal (64 hex digits); without it a
    /// key file is generated in the timed directory.
    pub data_key: Option<Secret>,
    /// `OYAKO_TIMED_DIR`: where the timed-message journal lives, else the state directory.
    /// Replicas share this one directory (registrations arrive at any of them), while each
    /// may keep its own state directory for the KPI and notice journals.
    pub timed_dir: Option<PathBuf>,
}

impl Config {
    /// The directory of the timed-message journal: `OYAKO_TIMED_DIR`, else the state
    /// directory; `None` without either (no registrations then).
    pub fn timed_dir(&self) -> Option<&Path> {
        self.timed_dir.as_deref().or(self.state_dir.as_deref())
    }
}

/// A secret string whose `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

/// Sizes and timeouts of the HTTP server and the reply queue.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest webhook body accepted (LINE documents no maximum; 1 MiB is far above real ones).
    pub max_body: usize,
    /// Time allowed to read a whole request body.
    pub body_timeout: Duration,
    /// Time allowed to read request headers (also bounds idle keep-alive connections).
    pub header_timeout: Duration,
    /// Most connections served at once.
    pub max_connections: usize,
    /// Replies waiting for a worker.
    pub queue_capacity: usize,
    /// How long a webhook may wait for room in a full queue before its reply is dropped and
    /// counted. Waiting slows webhook answers down to the speed replies go out (backpressure)
    /// instead of losing replies in a burst; it stays far below LINE's 2 s answer timeout.
    pub queue_wait: Duration,
    /// Reply workers (concurrent Reply API calls).
    pub workers: usize,
    /// On shutdown, how long open connections and queued replies may take to finish.
    pub shutdown_grace: Duration,
}

/// How one reply is retried.
#[derive(Debug, Clone)]
pub struct ReplyPolicy {
    /// No attempt starts later than this after the webhook arrived (a reply token lives ~1 min).
    pub deadline: Duration,
    /// Time allowed for one Reply API call, connection included.
    pub attempt_timeout: Duration,
    /// Wait before the first retry; doubled per retry.
    pub first_backoff: Duration,
    /// Longest wait between retries.
    pub max_backoff: Duration,
}

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required environment variable is unset or empty.
    #[error("environment variable {0} is required but not set")]
    Missing(&'static str),
    /// A URL variable does not hold a usable URL.
    #[error("environment variable {var} is not usable: {reason}")]
    BadUrl {
        /// The variable.
        var: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1024 * 1024,
            body_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            queue_capacity: 1024,
            queue_wait: Duration::from_millis(500),
            workers: 16,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

impl Default for ReplyPolicy {
    fn default() -> Self {
        ReplyPolicy {
            deadline: Duration::from_secs(50),
            attempt_timeout: Duration::from_secs(10),
            first_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value; call sites are the only places it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Config {
    /// Reads the environment through `env` (a lookup, so tests need no process environment).
    pub fn from_env(
        bundle_dir: PathBuf,
        state_dir: Option<PathBuf>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));
        let channel_secret = Secret(required("LINE_CHANNEL_SECRET")?);
        let access_token = Secret(required("LINE_CHANNEL_ACCESS_TOKEN")?);
        let base = |name: &'static str, default: &str| {
            check_base_url(name, &get(name).unwrap_or_else(|| default.to_owned()))
        };
        let api_base = base("LINE_API_BASE", DEFAULT_API_BASE)?;
        let data_api_base = base("LINE_DATA_API_BASE", DEFAULT_DATA_API_BASE)?;
        let public_url = get("OYAKO_PUBLIC_URL").map(|u| check_public_url(&u)).transpose()?;
        Ok(Config {
            bundle_dir,
            state_dir,
            channel_secret,
            access_token,
            api_base,
            data_api_base,
            public_url,
            limits: Limits::default(),
            reply: ReplyPolicy::default(),
            hash_salt: get("OYAKO_HASH_SALT").map(Secret),
            instance: get("OYAKO_INSTANCE"),
            data_key: get("OYAKO_DATA_KEY").map(Secret),
            timed_dir: get("OYAKO_TIMED_DIR").map(|d| PathBuf::from(d.trim())),
        })
    }
}

/// Checks a LINE API base: https, or plain http to a loopback host (test doubles only).
pub(crate) fn check_base_url(var: &'static str, url: &str) -> Result<String, ConfigError> {
    let bad = |reason: &str| ConfigError::BadUrl { var, reason: reason.to_owned() };
    let uri: http::Uri = url.parse().map_err(|_| bad("not a URL"))?;
    let host = uri.host().ok_or_else(|| bad("the URL has no host"))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback(host) => {}
        Some("http") => return Err(bad("plain http is only allowed for loopback hosts")),
        _ => return Err(bad("the URL must start with https://")),
    }
    if uri.query().is_some() {
        return Err(bad("the URL must not have a query"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Checks `OYAKO_PUBLIC_URL`: an http(s) URL that can be pasted into JSON text as is.
fn check_public_url(url: &str) -> Result<String, ConfigError> {
    let var = "OYAKO_PUBLIC_URL";
    let bad = |reason: &str| ConfigError::BadUrl { var, reason: reason.to_owned() };
    if url.chars().any(|c| c == '"' || c == '\\' || c.is_control() || c.is_whitespace()) {
        return Err(bad("the URL contains quotes, backslashes, spaces or control characters"));
    }
    let uri: http::Uri = url.parse().map_err(|_| bad("not a URL"))?;
    if uri.host().is_none() || !matches!(uri.scheme_str(), Some("https" | "http")) {
        return Err(bad("expected an absolute https:// URL"));
    }
    if uri.scheme_str() == Some("http") {
        tracing::warn!("OYAKO_PUBLIC_URL is plain http; LINE only shows https images");
    }
    Ok(url.trim_end_matches('/').to_owned())
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_env("dist".into(), None, move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    const BASE: [(&str, &str); 2] =
        [("LINE_CHANNEL_SECRET", "s"), ("LINE_CHANNEL_ACCESS_TOKEN", "t")];

    #[test]
    fn secrets_are_required() {
        let err = config(&[("LINE_CHANNEL_ACCESS_TOKEN", "t")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable LINE_CHANNEL_SECRET is required but not set"
        );
        let err = config(&[("LINE_CHANNEL_SECRET", "s"), ("LINE_CHANNEL_ACCESS_TOKEN", " ")]);
        assert!(matches!(err, Err(ConfigError::Missing("LINE_CHANNEL_ACCESS_TOKEN"))));
    }

    #[test]
    fn defaults_and_trailing_slashes() {
        let c = config(&BASE).unwrap();
        assert_eq!(c.api_base, DEFAULT_API_BASE);
        assert_eq!(c.data_api_base, DEFAULT_DATA_API_BASE);
        assert_eq!(c.public_url, None);
        assert_eq!(format!("{:?}", c.channel_secret), "Secret(***)");
        let mut vars = BASE.to_vec();
        vars.push(("OYAKO_PUBLIC_URL", "https://bot.example.jp/"));
        vars.push(("LINE_API_BASE", "http://127.0.0.1:9999/"));
        let c = config(&vars).unwrap();
        assert_eq!(c.public_url.as_deref(), Some("https://bot.example.jp"));
        assert_eq!(c.api_base, "http://127.0.0.1:9999");
    }

    #[test]
    fn bad_urls_are_refused() {
        for (var, value) in [
            ("LINE_API_BASE", "http://api.line.me"),
            ("LINE_API_BASE", "ftp://x"),
            ("LINE_DATA_API_BASE", "nonsense"),
            ("OYAKO_PUBLIC_URL", "https://x/\"a"),
            ("OYAKO_PUBLIC_URL", "/relative"),
        ] {
            let mut vars = BASE.to_vec();
            vars.push((var, value));
            assert!(matches!(config(&vars), Err(ConfigError::BadUrl { .. })), "{var}={value}");
        }
    }
}
