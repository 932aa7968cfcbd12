//! A small client for LINE's management APIs (rich menus, quota, insight): JSON in, JSON
//! out, one call at a time, over the same pooled HTTPS client as replies. Used by the
//! command-line tools (`oyako richmenu …`), where a failed call is reported, not retried.

use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use serde::de::DeserializeOwned;

use crate::config::{ConfigError, check_base_url};
use crate::line_api::{ClientError, HttpsClient, bearer, error_chain, error_message, https_client};

/// Largest response body read (rich menu images are ≤ 1 MB).
const MAX_BODY: usize = 2 * 1024 * 1024;
/// Time allowed for one call.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Which of LINE's two hosts a path lives on
/// (<https://developers.line.biz/en/reference/messaging-api/#domain-name>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `LINE_API_BASE` (`https://api.line.me`).
    Api,
    /// `LINE_DATA_API_BASE` (`https://api-data.line.me`): content and image uploads.
    Data,
}

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Configuration (token, base URLs) is missing or unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// No answer (network error or timeout).
    #[error("{method} {path}: no answer from LINE: {reason}")]
    Network {
        /// Method.
        method: Method,
        /// Path.
        path: String,
        /// What happened.
        reason: String,
    },
    /// LINE answered with an error status.
    #[error("{method} {path}: LINE answered {status}: {message}")]
    Status {
        /// Method.
        method: Method,
        /// Path.
        path: String,
        /// HTTP status.
        status: u16,
        /// LINE's `message`.
        message: String,
    },
    /// A 2xx answer was not the expected JSON.
    #[error("{path}: unexpected answer from LINE: {reason}")]
    BadAnswer {
        /// Path.
        path: String,
        /// The parse error.
        reason: String,
    },
}

/// A LINE API client over the shared pooled HTTPS client.
#[derive(Debug)]
pub struct Api {
    http: HttpsClient,
    api_base: String,
    data_base: String,
    auth: HeaderValue,
    timeout: Duration,
}

/// Everything LINE answered to one call, whatever the status.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers (`Retry-After`, `x-line-request-id`, …).
    pub headers: HeaderMap,
    /// The body (at most 2 MB is read).
    pub body: Bytes,
}

impl Api {
    /// A client for the given bases (already checked, without a trailing slash).
    pub fn new(
        api_base: String,
        data_base: String,
        token: &str,
        timeout: Duration,
    ) -> Result<Api, ClientError> {
        Ok(Api { http: https_client()?, api_base, data_base, auth: bearer(token)?, timeout })
    }

    /// Reads `LINE_CHANNEL_ACCESS_TOKEN`, `LINE_API_BASE` and `LINE_DATA_API_BASE` through
    /// `env` (the channel secret is not needed to call LINE).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Api, ApiError> {
        let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let token = get("LINE_CHANNEL_ACCESS_TOKEN")
            .ok_or(ConfigError::Missing("LINE_CHANNEL_ACCESS_TOKEN"))?;
        let base = |var: &'static str, default: &str| {
            check_base_url(var, &get(var).unwrap_or_else(|| default.into()))
        };
        let api_base = base("LINE_API_BASE", crate::config::DEFAULT_API_BASE)?;
        let data_base = base("LINE_DATA_API_BASE", crate::config::DEFAULT_DATA_API_BASE)?;
        Ok(Api::new(api_base, data_base, &token, TIMEOUT)?)
    }

    /// One call, returning LINE's answer whatever its status; `Err` means no answer
    /// (network error or timeout). Callers that branch on statuses and headers use this.
    pub async fn send(
        &self,
        method: Method,
        host: Host,
        path: &str,
        headers: &[(&'static str, &str)],
        body: Option<(Bytes, &'static str)>,
    ) -> Result<Answer, String> {
        let base = match host {
            Host::Api => &self.api_base,
            Host::Data => &self.data_base,
        };
        let mut req = Request::builder().method(method).uri(format!("{base}{path}"));
        req = req.header(AUTHORIZATION, self.auth.clone());
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let (bytes, content_type) = body.unwrap_or((Bytes::new(), ""));
        if !content_type.is_empty() {
            req = req.header(CONTENT_TYPE, content_type);
        }
        let req = req.body(Full::new(bytes)).map_err(|e| e.to_string())?;
        let call = async {
            let res = self.http.request(req).await.map_err(|e| error_chain(&e))?;
            let (status, headers) = (res.status(), res.headers().clone());
            let body = Limited::new(res.into_body(), MAX_BODY).collect().await;
            let body = body.map(|b| b.to_bytes()).map_err(|e| e.to_string())?;
            Ok(Answer { status, headers, body })
        };
        tokio::time::timeout(self.timeout, call).await.map_err(|_| "timed out".to_string())?
    }

    /// One call; a non-2xx answer is an [`ApiError::Status`]. Returns the status and body.
    pub async fn call(
        &self,
        method: Method,
        host: Host,
        path: &str,
        body: Option<(Bytes, &'static str)>,
    ) -> Result<(StatusCode, Bytes), ApiError> {
        let answer = self.send(method.clone(), host, path, &[], body).await;
        let answer = answer.map_err(|reason| ApiError::Network {
            method: method.clone(),
            path: path.into(),
            reason,
        })?;
        if !answer.status.is_success() {
            let (status, message) = (answer.status.as_u16(), error_message(&answer.body));
            return Err(ApiError::Status { method, path: path.into(), status, message });
        }
        Ok((answer.status, answer.body))
    }

    /// `GET` a JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        let (_, body) = self.call(Method::GET, Host::Api, path, None).await?;
        parse(path, &body)
    }

    /// `POST` a JSON body; returns the JSON answer (`{}` for an empty one).
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<T, ApiError> {
        let bytes = Bytes::from(body.to_string());
        let (_, answer) =
            self.call(Method::POST, Host::Api, path, Some((bytes, "application/json"))).await?;
        parse(path, if answer.is_empty() { b"{}" } else { &answer })
    }

    /// `DELETE` a resource.
    pub async fn delete(&self, path: &str) -> Result<(), ApiError> {
        self.call(Method::DELETE, Host::Api, path, None).await.map(|_| ())
    }
}

fn parse<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadAnswer { path: path.into(), reason: e.to_string() })
}
