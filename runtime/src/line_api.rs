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
//!
//! Replies do not go through a shared connection pool: each reply worker sends one reply at a
//! time, so it keeps its own keep-alive [`Connection`]. A pool (hyper-util's legacy client,
//! still used for LINE's other APIs) costs a lock, a hash look-up, a boxed future and a freshly
//! built `Host` header per request — a fifth of the CPU a reply costs — for nothing here.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use http::{Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tower_service::Service as _;

use crate::config::{Config, ReplyPolicy};

/// Path of the Reply API below the API base.
pub const REPLY_PATH: &str = "/v2/bot/message/reply";
/// Most bytes of an error response kept (LINE's are a few hundred).
const MAX_ERROR_BODY: usize = 16 * 1024;
/// Most characters of LINE's error message written to the log.
const MAX_ERROR_MESSAGE: usize = 300;
/// Longest a worker's connection may sit idle and still be reused (the pool's idle timeout
/// for LINE's other APIs is 60 s): load balancers close idle keep-alive connections, and a
/// reply written onto a connection the other side is closing fails for nothing.
const IDLE_REUSE: Duration = Duration::from_secs(50);

/// The Reply API client: where replies go, how, and how often to try.
#[derive(Debug)]
pub struct LineClient {
    connector: HttpsConnector<HttpConnector>,
    /// The full Reply API URL (what is connected to).
    reply_uri: Uri,
    /// Its path, as the request line carries it.
    reply_path: Uri,
    /// Its `Host` header, built once.
    host: HeaderValue,
    /// `Bearer …`, marked sensitive so it never appears in debug output.
    auth: HeaderValue,
    policy: ReplyPolicy,
}

/// One reply worker's keep-alive connection to the Reply API (none until the first reply).
#[derive(Debug, Default)]
pub struct Connection {
    /// The sending half and when it last carried a reply; the connection itself runs as a task.
    open: Option<(SendRequest<Full<Bytes>>, Instant)>,
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
    /// The API base names no host.
    #[error("invalid LINE_API_BASE: no host")]
    NoHost,
}

/// One failed call.
enum Failure {
    /// Worth retrying: network error, timeout, 5xx.
    Transient(String),
    /// Final: a 4xx (or another non-retryable status).
    Final(u16, String),
}

impl LineClient {
    /// A client for `config.api_base`.
    pub fn new(config: &Config) -> Result<LineClient, ClientError> {
        let reply_uri: Uri = format!("{}{REPLY_PATH}", config.api_base).parse()?;
        let path = reply_uri.path_and_query().map_or(REPLY_PATH, |p| p.as_str());
        let reply_path = Uri::try_from(path)?;
        let host = host_header(&reply_uri).ok_or(ClientError::NoHost)?;
        let auth = bearer(config.access_token.expose())?;
        let policy = config.reply.clone();
        Ok(LineClient { connector: connector()?, reply_uri, reply_path, host, auth, policy })
    }

    /// Sends one reply body on `conn`, retrying transient failures until the policy's deadline
    /// counted from `received` (when the webhook arrived).
    pub async fn reply(&self, conn: &mut Connection, body: Bytes, received: Instant) -> Outcome {
        let deadline = received + self.policy.deadline;
        let mut backoff = self.policy.first_backoff;
        let mut attempts = 0;
        let mut last = None;
        while Instant::now() < deadline {
            attempts += 1;
            let why = match self.attempt(conn, body.clone()).await {
                Ok(()) => return Outcome::Delivered { attempts },
                Err(Failure::Final(status, message)) => {
                    return Outcome::Rejected { attempts, status, message };
                }
                Err(Failure::Transient(why)) => last.insert(why),
            };
            if Instant::now() + backoff >= deadline {
                break;
            }
            tracing::debug!(attempt = attempts, error = %why, "reply failed; retrying");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(self.policy.max_backoff);
        }
        let last = last.unwrap_or_else(|| "deadline passed before the first attempt".into());
        Outcome::GaveUp { attempts, last }
    }

    /// One call, bounded by the attempt timeout. A connection that failed or timed out is
    /// dropped, so the next attempt starts on a fresh one.
    async fn attempt(&self, conn: &mut Connection, body: Bytes) -> Result<(), Failure> {
        let request = Request::post(self.reply_path.clone())
            .header(HOST, self.host.clone())
            .header(AUTHORIZATION, self.auth.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(Full::new(body))
            .map_err(|e| Failure::Final(0, format!("cannot build request: {e}")))?;
        let call = async {
            let response = self.send(conn, request).await?;
            let status = response.status();
            if status.is_success() {
                // Read the (tiny) answer to its end, so the connection can carry the next one.
                let read = Limited::new(response.into_body(), MAX_ERROR_BODY).collect().await;
                return read.map(drop).map_err(|e| {
                    Failure::Transient(format!("network error: {}", error_chain(&*e)))
                });
            }
            let request_id = response.headers().get("x-line-request-id").cloned();
            let body = Limited::new(response.into_body(), MAX_ERROR_BODY).collect().await;
            let message = body.map(|b| error_message(&b.to_bytes())).unwrap_or_default();
            let request_id = request_id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("-");
            let message = format!("{message} (x-line-request-id {request_id})");
            Err(classify(status, message))
        };
        let result = match tokio::time::timeout(self.policy.attempt_timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(Failure::Transient("timed out".into())),
        };
        if matches!(result, Err(Failure::Transient(_))) {
            conn.open = None;
        }
        result
    }

    /// Sends `request` on the worker's connection, opening one when there is none, or the one
    /// there closed or sat idle too long. A kept connection can turn out closed only as the
    /// request is handed to it; the request was not written then, and goes out on a new one
    /// (that is not a failed attempt: the legacy pool does the same).
    async fn send(
        &self,
        conn: &mut Connection,
        mut request: Request<Full<Bytes>>,
    ) -> Result<Response<Incoming>, Failure> {
        let network = |e: &dyn std::error::Error| {
            Failure::Transient(format!("network error: {}", error_chain(e)))
        };
        if let Some((mut sender, used)) = conn.open.take()
            && used.elapsed() < IDLE_REUSE
            && sender.ready().await.is_ok()
        {
            match sender.try_send_request(request).await {
                Ok(response) => {
                    conn.open = Some((sender, Instant::now()));
                    return Ok(response);
                }
                Err(mut e) => match e.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(network(e.error())),
                },
            }
        }
        let mut sender = self.connect().await.map_err(|e| network(&*e))?;
        let response = sender.send_request(request).await.map_err(|e| network(&e))?;
        conn.open = Some((sender, Instant::now()));
        Ok(response)
    }

    /// Opens a connection to the Reply API (TLS when it is https) and runs it as a task.
    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, BoxError> {
        let mut connector = self.connector.clone();
        std::future::poll_fn(|cx| connector.poll_ready(cx)).await?;
        let stream = connector.call(self.reply_uri.clone()).await?;
        let (sender, connection) = http1::handshake(stream).await?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %error_chain(&e), "Reply API connection ended with an error");
            }
        });
        Ok(sender)
    }
}

/// What the connector and the handshake fail with.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `Host` for `uri`: its host, and its port unless it is the scheme's default.
fn host_header(uri: &Uri) -> Option<HeaderValue> {
    let host = uri.host()?;
    let default = match uri.scheme_str() {
        Some("https") => 443,
        _ => 80,
    };
    let value = match uri.port_u16().filter(|p| *p != default) {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    HeaderValue::from_str(&value).ok()
}

/// The pooled keep-alive HTTPS client every LINE API call goes through (rustls on ring,
/// webpki roots; plain http only reaches loopback test doubles, see [`crate::config`]).
pub(crate) type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Builds the shared client.
pub(crate) fn https_client() -> Result<HttpsClient, ClientError> {
    Ok(Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .build(connector()?))
}

/// TCP (no Nagle delay, 5 s to connect) with TLS on top for https.
fn connector() -> Result<HttpsConnector<HttpConnector>, ClientError> {
    let provider = rustls::crypto::ring::default_provider();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(5)));
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
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
        assert_eq!(client.reply_path, "/v2/bot/message/reply");
        assert_eq!(client.host, "127.0.0.1:1");
    }

    #[test]
    fn host_headers_leave_out_default_ports() {
        let host = |uri: &str| host_header(&uri.parse().unwrap()).unwrap();
        assert_eq!(host("https://api.line.me/v2/bot/message/reply"), "api.line.me");
        assert_eq!(host("https://api.line.me:443/x"), "api.line.me");
        assert_eq!(host("https://api.line.me:8443/x"), "api.line.me:8443");
        assert_eq!(host("http://127.0.0.1:80/x"), "127.0.0.1");
        assert_eq!(host("http://[::1]:9090/x"), "[::1]:9090");
    }
}
