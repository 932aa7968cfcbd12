//! The oyako runtime: answers LINE webhooks from a compiled bundle, with no database.
//!
//! Layout, in the order a webhook meets it:
//! - [`server`](serve) accepts connections (hyper HTTP/1, connection cap, graceful shutdown);
//! - `routes` is the one router ([`handle`]): webhook and assets for the public listener,
//!   health, readiness and metrics for the admin one ([`Routes`]);
//! - `signature` checks `x-line-signature`, `webhook` parses events tolerantly;
//! - `dedupe` drops redelivered events, `dispatch` turns an event into Reply API bytes;
//! - `queue` sends them from a bounded set of workers through `line_api` (pool + retries);
//! - [`clock`] is the one source of time (movable in tests and `oyako dev`);
//! - `state` holds the loaded bundle behind an atomic swap ([`State::reload`]), `assets` its
//!   images, `calendar` its iCalendar feeds (`/calendar/…`) and how close its day-dependent
//!   replies are to their end (`/readyz`), `metrics` the counters; `config` reads the
//!   environment once;
//! - `app` wires signals and the environment for `oyako serve`; `logging` sets up `tracing`;
//! - [`journal`] is the fsynced JSON Lines file every durable record goes through;
//! - [`api`] calls LINE's other APIs; [`richmenu`] deploys the rich menu; [`tls`] terminates
//!   HTTPS when there is no reverse proxy;
//! - [`kpi`] journals follows, survey answers, taps and failed searches (salted user hashes,
//!   group commit); [`report`] sums the journals up for `oyako report`.
//! - [`notices`] sends `notify:` pages to friends at their time, exactly once (journal + retry
//!   keys), and implements `oyako notices` and `oyako send`.
//! - [`timed`] sends messages timed to each registered child (encrypted journal, daily
//!   delivery, exactly once per child and message); [`delivery`] sends them daily and
//!   implements `oyako timeline` and `oyako deliver`.

pub mod api;
mod assets;
mod calendar;
pub mod clock;
mod config;
mod dedupe;
pub mod delivery;
mod dispatch;
pub mod journal;
pub mod kpi;
mod line_api;
pub mod logging;
mod metrics;
pub mod notices;
mod queue;
pub mod report;
pub mod richmenu;
mod routes;
mod server;
mod signature;
mod state;
pub mod timed;
pub mod tls;
mod webhook;

pub use config::{Config, ConfigError, Limits, ReplyPolicy, Secret};
pub use metrics::Metrics;
pub use routes::{Routes, handle, handle_on};
pub use server::{Listeners, serve, serve_on, serve_tls};
pub use signature::{sign, verify};
pub use state::{LoadError, Loaded, StartError, State, load};
