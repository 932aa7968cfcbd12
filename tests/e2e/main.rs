//! End-to-end tests: the real server on a loopback port, an in-process fake LINE API, and a
//! bundle built from `fixtures/content/`. They check behaviour seen from outside — statuses,
//! the exact bytes LINE receives, `/metrics` — not internal structure. All of them form one test
//! binary, so the helpers are compiled and linked once.

/// The fake Reply API (records requests, answers as programmed).
mod fake_line;
/// Shared helpers: fixture bundle, server start-up, signed webhooks, metrics.
mod util;

/// Replies that change with the day: midnight switches, the window's end, `/calendar/` feeds.
mod calendar;
/// `oyako check` / `oyako build`: warnings shown, `--strict` fails on them.
mod check;
/// Reply delivery: slow, failing, refusing and dead APIs; the full queue.
mod delivery;
/// Deployment files (Kubernetes, systemd, Docker, nginx) agree with the binary's listeners.
mod deploy;
/// One test per event type and its reply; dedupe; group chats.
mod events;
/// KPIs: survey answers, follows, taps and failed searches → journal → `oyako report`;
/// answers survive `kill -9`.
mod kpi;
/// Bundle reload (good and broken) and graceful shutdown with queued replies.
mod lifecycle;
/// Notices: scheduled broadcasts/narrowcasts sent exactly once; `oyako send`, `oyako notices`.
mod notices;
/// The `oyako serve` process: start-up refusals, SIGHUP, SIGTERM, log contents.
mod process;
/// Promotion: the question after a follow, channel answers and codes, unblocks, the report.
mod promo;
/// `oyako richmenu deploy` against a stateful fake rich-menu API.
mod richmenu;
/// Assets, health, readiness, metrics and routing.
mod routes;
/// Reply bodies checked against LINE's OpenAPI schema.
mod schema;
/// Timed messages: registration in the chat and a simulated year of exactly-once delivery.
mod timed;
/// Timed messages: `oyako deliver` and `oyako serve` killed with SIGKILL at each point of a send.
mod timed_kill;
/// Timed messages: the resume window of open sends, refused sends and the grace window.
mod timed_resume;
/// HTTPS termination and certificate reload.
mod tls;
/// Webhook HTTP handling: signatures, body limits, malformed JSON, verification requests.
mod webhook_http;
