//! The Reply API client: one pooled HTTPS client and the retry policy around it.
//!
//! A reply token is single-use and lives about a minute
//! (<https://developers.line.biz/en/reference/messaging-api/#send-reply-message-reply-token>), so a
//! reply is worth retrying only while the token can still work: network errors, timeouts and 5xx
//! are retried with doubling backoff until [`ReplyPolicy::deadline`] after the webhook arrived. A
//! re-sent reply cannot be delivered twice (a used token gets 400 "Invalid reply token",
//! <https://developers.line.biz/en/reference/messaging-api/#error-messages>), so retrying after a
//! timeout is safe. 4xx answers are final: LINE's error message is returned for the log and the
//! request is never repeated. TLS uses rustls on ring (rustls's default aws-lc-rs provider is a
//! slow C build); plain http is accepted only because [`crate::config`] allows it for loopback test
//! doubles.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::config::{Config, ReplyPolicy};

/// Path of the Reply API below the API base.
pub const REPLY_PATH: &str = "/v2/bot/message/reply";
/// Most bytes of an error response kept (LINE's are a few hundred).
const MAX_ERROR_BODY: usize = 16 * 1024;
/// Most characters of LINE's error message written to the log.
const MAX_ERROR_MESSAGE: usize = 300;

/// A Reply API client sharing one connection pool.
#[derive(Debug)]
pub struct LineClient {
    http: HttpsClient,
    reply_uri: Uri,
    /// `Bearer …`, marked sensitive so it never appears in debug output.
    auth: HeaderValue,
    policy: ReplyPolicy,
}

/// How a reply ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// LINE accepted the reply (2xx).
    Delivered {
        /// Calls made, 1 when the first one succeeded.
        attempts: u32,
    },
    /// LINE refused it with a 4xx; not retried.
    Rejected {
        /// Calls made.
        attempts: u32,
        /// The status LINE answered.
        status: u16,
        /// LINE's error `message` (or the start of the body).
        message: String,
    },
    /// Every attempt failed with a network error, timeout or 5xx until the deadline.
    GaveUp {
        /// Calls made (0 when the deadline had passed before the first).
        attempts: u32,
        /// The last failure.
        last: String,
    },
}

/// Why the client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The TLS configuration could not be built.
    #[error("cannot set up TLS: {0}")]
    Tls(#[from] rustls::Error),
    /// The reply URL built from `LINE_API_BASE` is invalid.
    #[error("invalid LINE_API_BASE: {0}")]
    Uri(#[from] http::uri::InvalidUri),
    /// The access token cannot be sent as an HTTP header.
    #[error("LINE_CHANNEL_ACCESS_TOKEN contains characters not allowed in an HTTP header")]
    BadToken,
}

/// One failed call.
enum Failure {
    /// Worth retrying: network error, timeout, 5xx.
    Transient(String),
    /// Final: a 4xx (or another non-retryable status).
    Final(u16, String),
}

impl LineClient {
    /// A client for `config.api_base` with a keep-alive connection pool.
    pub fn new(config: &Config) -> Result<LineClient, ClientError> {
        let reply_uri: Uri = format!("{}{REPLY_PATH}", config.api_base).parse()?;
        let auth = bearer(config.access_token.expose())?;
        Ok(LineClient { http: https_client()?, reply_uri, auth, policy: config.reply.clone() })
    }

    /// Sends one reply body, retrying transient failures until the policy's deadline counted
    /// from `received` (when the webhook arrived).
    pub async fn reply(&self, body: Bytes, received: Instant) -> Outcome {
        let deadline = received + self.policy.deadline;
        let mut backoff = self.policy.first_backoff;
        let mut attempts = 0;
        let mut last = String::from("deadline passed before the first attempt");
        while Instant::now() < deadline {
            attempts += 1;
            match self.attempt(body.clone()).await {
                Ok(()) => return Outcome::Delivered { attempts },
                Err(Failure::Final(status, message)) => {
                    return Outcome::Rejected { attempts, status, message };
                }
                Err(Failure::Transient(why)) => last = why,
            }
            if Instant::now() + backoff >= deadline {
                break;
            }
            tracing::debug!(attempt = attempts, error = %last, "reply failed; retrying");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(self.policy.max_backoff);
        }
        Outcome::GaveUp { attempts, last }
    }

    /// One call, bounded by the attempt timeout.
    async fn attempt(&self, body: Bytes) -> Result<(), Failure> {
        let request = Request::post(self.reply_uri.clone())
            .header(AUTHORIZATION, self.auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(Full::new(body))
            .map_err(|e| Failure::Final(0, format!("cannot build request: {e}")))?;
        let call = async {
            let response =
                self.http.request(request).await.map_err(|e| {
                    Failure::Transient(format!("network error: {}", error_chain(&e)))
                })?;
            let status = response.status();
            if status.is_success() {
                return Ok(());
            }
            let request_id = response.headers().get("x-line-request-id").cloned();
            let body = Limited::new(response.into_body(), MAX_ERROR_BODY).collect().await;
            let message = body.map(|b| error_message(&b.to_bytes())).unwrap_or_default();
            let request_id = request_id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("-");
            let message = format!("{message} (x-line-request-id {request_id})");
            Err(classify(status, message))
        };
        match tokio::time::timeout(self.policy.attempt_timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Transient("timed out".into())),
        }
    }
}

/// The pooled keep-alive HTTPS client every LINE API call goes through (rustls on ring,
/// webpki roots; plain http only reaches loopback test doubles, see [`crate::config`]).
pub(crate) type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Builds the shared client.
pub(crate) fn https_client() -> Result<HttpsClient, ClientError> {
    let provider = rustls::crypto::ring::default_provider();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .build(https))
}

/// `Authorization: Bearer …`, marked sensitive so it never appears in debug output.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, ClientError> {
    let mut auth =
        HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| ClientError::BadToken)?;
    auth.set_sensitive(true);
    Ok(auth)
}

/// 5xx are worth retrying; everything else that is not 2xx is final.
fn classify(status: StatusCode, message: String) -> Failure {
    match status.is_server_error() {
        true => Failure::Transient(format!("{status}: {message}")),
        false => Failure::Final(status.as_u16(), message),
    }
}

/// LINE's `{"message": …}`, or the start of the body when it is not that shape.
pub(crate) fn error_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        message: String,
    }
    let text = match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => e.message,
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    text.chars().take(MAX_ERROR_MESSAGE).collect()
}

/// An error and its causes on one line (hyper's top-level messages say little alone).
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages() {
        assert_eq!(error_message(br#"{"message":"Invalid reply token"}"#), "Invalid reply token");
        assert_eq!(error_message(b"<html>bad gateway"), "<html>bad gateway");
        assert_eq!(error_message(&[b'x'; 1000]).len(), MAX_ERROR_MESSAGE);
        assert!(matches!(classify(StatusCode::BAD_GATEWAY, String::new()), Failure::Transient(_)));
        assert!(matches!(
            classify(StatusCode::TOO_MANY_REQUESTS, String::new()),
            Failure::Final(429, _)
        ));
    }

    #[test]
    fn debug_output_hides_the_token() {
        let mut config = crate::config::Config::from_env("dist".into(), None, |name| {
            Some(if name.ends_with("TOKEN") { "tok-123".into() } else { "x".into() })
                .filter(|_| name.starts_with("LINE_CHANNEL"))
        })
        .unwrap();
        config.api_base = "http://127.0.0.1:1".into();
        let client = LineClient::new(&config).unwrap();
        assert!(!format!("{client:?}").contains("tok-123"));
        assert_eq!(client.reply_uri, "http://127.0.0.1:1/v2/bot/message/reply");
    }
}
