//! Sending the timed messages: one day's delivery exactly once ([`day`]), the daily loop of
//! `oyako serve` ([`spawn`]), and `oyako timeline` / `oyako deliver`.
//!
//! A layer above [`crate::timed`] (registrations, journal) and beside [`crate::notices`],
//! whose API client, answer classification and retry keys it reuses.

mod cmd;
pub mod day;

use std::sync::Arc;

use jiff::civil::Date;

pub use cmd::{DeliverOptions, TimelineOptions, deliver, timeline};
pub use day::{Policy, Report, deliver_day, plan_day};

/// Starts the daily delivery of `oyako serve`, driven by the state's clock: at each day's
/// delivery time (and on start, if it has passed) it delivers that day, retrying open sends
/// every few minutes; re-reads the bundle each time so reloads apply.
pub fn spawn(
    state: Arc<crate::state::State>,
    policy: day::Policy,
) -> Option<tokio::task::JoinHandle<()>> {
    let service = state.timed()?.clone();
    let config = crate::notices::ApiConfig::from(&state.config);
    let api = match crate::notices::Api::new(&config, policy.attempt_timeout) {
        Ok(api) => api,
        Err(e) => {
            tracing::error!(error = %e, "timed messages will NOT be sent: cannot build the API client");
            return None;
        }
    };
    let clock = state.clock();
    Some(tokio::spawn(async move {
        let mut done: Option<Date> = None;
        while !state.is_shutting_down() {
            let now = clock.now();
            let day = bundle::japan::date_of(now);
            let start = policy.send_time(day);
            let wake = if now >= start && done != Some(day) {
                let loaded = state.current();
                let run = match loaded.bundle.timed.is_empty() {
                    true => Ok(day::Report::default()),
                    false => {
                        let timed = &loaded.bundle.timed;
                        let store = service.store();
                        day::deliver_day(Some(&api), store, timed, day, now, &policy, false).await
                    }
                };
                match run {
                    Ok(r) if r.open == 0 && !r.busy => {
                        done = Some(day);
                        next_day(&policy, day, now)
                    }
                    Ok(_) => crate::notices::schedule::add(now, RECHECK),
                    Err(e) => {
                        tracing::error!(error = %e, day = %day, "timed delivery failed");
                        crate::notices::schedule::add(now, RECHECK)
                    }
                }
            } else if now < start {
                start.min(crate::notices::schedule::add(now, MAX_SLEEP))
            } else {
                next_day(&policy, day, now)
            };
            clock.sleep_until(wake).await;
        }
    }))
}

/// When to look again once `day` is done: the next day's delivery time, or within the
/// longest sleep (so a moved clock or a reload is noticed).
fn next_day(policy: &day::Policy, day: Date, now: jiff::Timestamp) -> jiff::Timestamp {
    let next = policy.send_time(day.tomorrow().unwrap_or(day));
    next.min(crate::notices::schedule::add(now, MAX_SLEEP))
}

/// How soon an unfinished day's delivery (open sends, a busy lock) is tried again.
const RECHECK: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// Longest sleep of the delivery loop (so a moved clock or a reload is noticed).
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(3600);
