//! The router: one table from method and path to a route, one small function per route.
//!
//! Routes are split by who may reach them. **Public** routes are what LINE and parents need
//! (`/webhook`, `/assets/…`, the calendar feeds under `/calendar/…`); **admin** routes are for probes and monitoring (`/healthz`,
//! `/readyz`, `/metrics`: the bundle hash and usage counters are nobody else's business).
//! `oyako serve` answers each set on its own listener ([`Routes`]); a route asked for on the
//! other listener is answered 404, as if it did not exist. `oyako dev` and most tests serve
//! both on one port ([`Routes::All`]).
//!
//! [`handle`] is a plain async function of the state and a request, generic over the body, so it is
//! testable without sockets. The webhook route reads the body through `Limited` with a timeout,
//! checks the signature over exactly those bytes, and only then parses; replies are queued and the
//! request answered at once, as LINE recommends
//! (<https://developers.line.biz/en/reference/messaging-api/#webhooks>).

use std::time::Instant;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Body;

use crate::dispatch::{self, Plan};
use crate::queue::{Job, PushError};
use crate::signature;
use crate::state::{Loaded, State};
use crate::webhook;

/// The response type of every route.
pub type Reply = Response<Full<Bytes>>;

/// Which routes a listener answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routes {
    /// What LINE and parents reach from the internet: the webhook and the bundle's assets.
    Public,
    /// What probes and monitoring reach from inside: health, readiness, metrics.
    Admin,
    /// Both, on one port (`oyako dev`, tests).
    All,
}

impl Routes {
    /// The name used in logs.
    pub fn name(self) -> &'static str {
        match self {
            Routes::Public => "public",
            Routes::Admin => "admin",
            Routes::All => "all",
        }
    }

    fn serves(self, side: Routes) -> bool {
        self == Routes::All || self == side
    }
}

/// What a request asks for, decided from its method and path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Webhook,
    Asset,
    Calendar,
    Health,
    Ready,
    Metrics,
    /// A known path with a method it does not take; the side it belongs to.
    WrongMethod(Routes),
    NotFound,
}

impl Route {
    fn of(method: &Method, path: &str) -> Route {
        // HEAD answers are GET answers: hyper sends their headers (length included) without body.
        let read = method == Method::GET || method == Method::HEAD;
        match (method, path) {
            // Public: what LINE and parents need. Pages for parents (e.g. calendars) go here.
            (&Method::POST, "/webhook") => Route::Webhook,
            (_, p) if read && p.starts_with("/assets/") => Route::Asset,
            (_, p) if read && p.starts_with("/calendar/") => Route::Calendar,
            (_, "/webhook") => Route::WrongMethod(Routes::Public),
            // Admin: probes and monitoring.
            (_, "/healthz") if read => Route::Health,
            (_, "/readyz") if read => Route::Ready,
            (&Method::GET, "/metrics") => Route::Metrics,
            (_, "/healthz" | "/readyz" | "/metrics") => Route::WrongMethod(Routes::Admin),
            _ => Route::NotFound,
        }
    }

    /// The listener that answers it.
    fn side(self) -> Routes {
        match self {
            Route::Webhook | Route::Asset | Route::Calendar | Route::NotFound => Routes::Public,
            Route::Health | Route::Ready | Route::Metrics => Routes::Admin,
            Route::WrongMethod(side) => side,
        }
    }
}

/// Answers one request with every route (one port: `oyako dev`, tests).
pub async fn handle<B>(state: &State, req: Request<B>) -> Reply
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    handle_on(Routes::All, state, req).await
}

/// Answers one request on a listener serving `routes`; other routes are answered 404.
pub async fn handle_on<B>(routes: Routes, state: &State, req: Request<B>) -> Reply
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let route = Route::of(req.method(), req.uri().path());
    if !routes.serves(route.side()) {
        return text(StatusCode::NOT_FOUND, "not found\n");
    }
    match route {
        Route::Webhook => {
            let status = webhook(state, req).await;
            state.metrics.webhooks.inc(status.as_str());
            empty(status)
        }
        Route::Asset => asset(state, &req),
        Route::Calendar => calendar_file(state, &req),
        Route::Health => text(StatusCode::OK, "ok\n"),
        Route::Ready => readyz(state),
        Route::Metrics => metrics(state),
        Route::WrongMethod(_) => text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n"),
        Route::NotFound => text(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// `POST /webhook`: returns the status to answer.
async fn webhook<B>(state: &State, req: Request<B>) -> StatusCode
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let received = Instant::now();
    let limits = &state.config.limits;
    let (parts, body) = req.into_parts();
    let Some(claimed) = parts.headers.get(signature::HEADER) else {
        tracing::debug!("webhook without signature");
        return StatusCode::UNAUTHORIZED;
    };
    let read =
        tokio::time::timeout(limits.body_timeout, Limited::new(body, limits.max_body).collect());
    let body = match read.await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return StatusCode::PAYLOAD_TOO_LARGE;
        }
        Ok(Err(_)) => return StatusCode::BAD_REQUEST,
        Err(_) => return StatusCode::REQUEST_TIMEOUT,
    };
    let secret = state.config.channel_secret.expose().as_bytes();
    if !signature::verify(secret, &body, claimed.as_bytes()) {
        tracing::warn!(bytes = body.len(), "webhook with a wrong signature");
        return StatusCode::UNAUTHORIZED;
    }
    let events = match webhook::parse(&body) {
        Ok(events) => events,
        Err(e) => {
            tracing::warn!(error = %e, "signed webhook body is not a callback request");
            return StatusCode::BAD_REQUEST;
        }
    };
    if !events.is_empty() && !accept_events(state, events, received).await {
        // A survey answer is not on disk: do not let LINE believe it was received.
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    StatusCode::OK
}

/// Counts, dedupes and plans each event, records its KPIs, and queues the replies. Returns
/// false when a survey answer could not be journalled (that event is then not replied to and
/// is forgotten by dedupe, so a redelivery is handled again).
async fn accept_events(
    state: &State,
    events: Vec<webhook::ParsedEvent>,
    received: Instant,
) -> bool {
    let metrics = &state.metrics;
    let loaded = state.current();
    let mut all_durable = true;
    for event in events {
        let event = match event {
            Ok(event) => event,
            Err(e) => {
                metrics.events.inc("invalid");
                tracing::debug!(error = %e, "skipping an event of unexpected shape");
                continue;
            }
        };
        metrics.events.inc(event.type_label());
        let source = event.source.as_ref();
        let chat = source.map(|s| s.kind.as_str());
        // Hashed only for the debug log line below: a SHA-256 per event otherwise wasted.
        let user = source
            .and_then(|s| s.user_id.as_deref())
            .filter(|_| tracing::enabled!(tracing::Level::DEBUG))
            .map(crate::logging::hash_id);
        let id = event.webhook_event_id.as_deref();
        if id.is_some_and(|id| !state.dedupe.first_time(id)) {
            metrics.skipped.inc("duplicate");
            tracing::debug!(event_id = id, "duplicate event skipped");
            continue;
        }
        let plan = match plan_and_record(state, &loaded, &event).await {
            Ok(plan) => plan,
            Err(e) => {
                tracing::error!(error = %e, kind = %event.kind, "cannot journal a survey answer or registration");
                metrics.skipped.inc("journal_error");
                if let Some(id) = id {
                    state.dedupe.forget(id);
                }
                all_durable = false;
                continue;
            }
        };
        match plan {
            Plan::Skip(reason) => {
                metrics.skipped.inc(reason);
                tracing::debug!(kind = %event.kind, chat, user, reason, "event not replied to");
            }
            Plan::Reply { body, what } => {
                tracing::debug!(kind = %event.kind, chat, user, what, "reply queued");
                // The worker assembles the body from the bundle it was planned with.
                let loaded = loaded.clone();
                let body = Box::new(move || body.assemble(&loaded.bundle));
                let job = Job { body, received, what };
                match state.queue.push_within(job, state.config.limits.queue_wait).await {
                    Ok(()) => {}
                    Err(e) => {
                        metrics.replies.inc(if e == PushError::Full {
                            "dropped"
                        } else {
                            "closed"
                        });
                        tracing::warn!(what, error = %e, "reply dropped");
                    }
                }
            }
        }
    }
    all_durable
}

/// Plans the reply to `event` and records its KPIs. A survey answer (or comment) is written
/// and synced before this returns, so the webhook is only answered 200 once it is durable;
/// other records are queued for the journal without waiting.
async fn plan_and_record(
    state: &State,
    loaded: &Loaded,
    event: &webhook::Event,
) -> std::io::Result<Plan> {
    let today = bundle::japan::date_of(state.clock().now());
    if let Some(plan) = timed_plan(state, loaded, event).await {
        // A registration not on disk is answered 500, so LINE redelivers it.
        return plan;
    }
    let Some(kpi) = &state.kpi else {
        return Ok(dispatch::plan(loaded, &state.metrics, event, today));
    };
    let comment = kpi.comment(&loaded.bundle, event);
    let plan = match &comment {
        Some(c) => dispatch::plan_with(loaded, event, &c.reply, "comment"),
        None => dispatch::plan(loaded, &state.metrics, event, today),
    };
    let what = match &plan {
        Plan::Reply { what, .. } => Some(*what),
        Plan::Skip(_) => None,
    };
    let durable = match comment {
        Some(c) => Some(c.record),
        None => kpi.note(&loaded.bundle, event, what),
    };
    if let Some(record) = durable {
        kpi.writer().record_durably(record).await?;
    }
    Ok(plan)
}

/// Registration for timed messages: a `timed:` postback or keyword is answered from the
/// journal; an unfollow deletes the user's registration (and is then recorded as usual).
async fn timed_plan(
    state: &State,
    loaded: &Loaded,
    event: &webhook::Event,
) -> Option<std::io::Result<Plan>> {
    let service = state.timed()?;
    let source = event.source.as_ref().filter(|s| s.kind == "user");
    let user = source.and_then(|s| s.user_id.clone());
    let now = state.clock().now();
    if event.kind == "unfollow" {
        if let Some(user) = user
            && let Err(e) = service.unfollow(user, now.as_millisecond()).await
        {
            tracing::error!(error = %e, "cannot delete a timed registration on unfollow");
        }
        return None;
    }
    let (data, date) = match (event.kind.as_str(), &event.postback, &event.message) {
        ("postback", Some(p), _) if crate::timed::is_timed(&p.data) => {
            (p.data.clone(), p.date().map(str::to_owned))
        }
        ("message", _, Some(m)) if m.kind == "text" => {
            let word = bundle::search::normalize(m.text.as_deref()?);
            let data = loaded.bundle.keywords.get(&word)?;
            if !crate::timed::is_timed(data) {
                return None;
            }
            (data.clone(), None)
        }
        _ => return None,
    };
    if loaded.bundle.timed.is_empty() {
        let unknown = &loaded.bundle.special.unknown_postback;
        return Some(Ok(dispatch::plan_with(loaded, event, unknown, "unknown_postback")));
    }
    let Some(user) = user else { return Some(Ok(Plan::Skip("timed_without_user"))) };
    state.metrics.taps.inc("timed");
    let today = bundle::japan::date_of(now);
    let (service, current) = (service.clone(), state.current());
    let work = move || {
        let timed = &current.bundle.timed;
        service.answer(timed, &user, &data, date.as_deref(), today, now.as_millisecond())
    };
    let answer = tokio::task::spawn_blocking(work).await.map_err(std::io::Error::other);
    Some(answer.and_then(|a| a).map(|m| dispatch::plan_raw(event, m.as_bytes(), "timed")))
}

fn readyz(state: &State) -> Reply {
    if state.is_shutting_down() {
        return text(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
    }
    let loaded = state.current();
    let hash = &loaded.bundle.content_hash;
    // Still ready: everything but the calendar answers as before; the warning is for people.
    let warning = crate::calendar::readiness_warning(&loaded.bundle, state.clock().now());
    text(StatusCode::OK, &format!("ready {hash}\n{}", warning.unwrap_or_default()))
}

fn metrics(state: &State) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(state.render_metrics())));
    let value = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    response.headers_mut().insert(header::CONTENT_TYPE, value);
    response
}

/// `GET /assets/<name>`: only names of the current bundle, from memory.
fn asset<B>(state: &State, req: &Request<B>) -> Reply {
    let name = req.uri().path().trim_start_matches("/assets/");
    let loaded = state.current();
    let Some(asset) = loaded.assets.get_encoded(name) else {
        return text(StatusCode::NOT_FOUND, "not found\n");
    };
    let etag = HeaderValue::from_str(&asset.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let fresh = req.headers().get(header::IF_NONE_MATCH).is_some_and(|v| {
        v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim() == asset.etag || t.trim() == "*"))
    });
    let (status, body) = match fresh {
        true => (StatusCode::NOT_MODIFIED, Bytes::new()),
        false => (StatusCode::OK, asset.bytes.clone()),
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    headers.insert(header::ETAG, etag);
    response
}

/// `GET /calendar/<name>`: the calendar feeds and their index page, from memory.
fn calendar_file<B>(state: &State, req: &Request<B>) -> Reply {
    let loaded = state.current();
    let name = req.uri().path().trim_start_matches("/calendar/");
    let Some(file) = loaded.calendar.get(name) else {
        return text(StatusCode::NOT_FOUND, "not found\n");
    };
    let fresh = req.headers().get(header::IF_NONE_MATCH).is_some_and(|v| {
        v.to_str().is_ok_and(|v| v.split(',').any(|t| t.trim() == file.etag || t.trim() == "*"))
    });
    let (status, body) = match fresh {
        true => (StatusCode::NOT_MODIFIED, Bytes::new()),
        false => (StatusCode::OK, file.bytes.clone()),
    };
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    // Calendar apps poll a subscription; an hour keeps a rebuild's changes close.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    if let Ok(etag) = HeaderValue::from_str(&file.etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

/// A bodiless answer: no headers to allocate (LINE reads only the status of a webhook answer).
fn empty(status: StatusCode) -> Reply {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

fn text(status: StatusCode, body: &str) -> Reply {
    let mut response = Response::new(Full::new(Bytes::copy_from_slice(body.as_bytes())));
    *response.status_mut() = status;
    let value = HeaderValue::from_static("text/plain; charset=utf-8");
    response.headers_mut().insert(header::CONTENT_TYPE, value);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_feeds_are_public() {
        let feed = Route::of(&Method::GET, "/calendar/honeycomb.ics");
        assert_eq!((feed, feed.side()), (Route::Calendar, Routes::Public));
        assert_eq!(Route::of(&Method::HEAD, "/calendar/"), Route::Calendar);
        assert_eq!(Route::of(&Method::POST, "/calendar/honeycomb.ics"), Route::NotFound);
        assert!(!Routes::Admin.serves(Route::Calendar.side()));
    }
}
