//! Counters exposed at `GET /metrics` in the Prometheus text format.
//!
//! Staff want to know which pages parents open and which questions find nothing; operators
//! want to know whether LINE accepts our replies. A handful of labelled counters and one
//! histogram answer both, written by hand (a metrics crate would outweigh this file). Every
//! label value comes from a bounded set — status codes, known event types, outcomes, and
//! postback keys that exist in a bundle — so a hostile client cannot grow memory.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the reply latency histogram buckets.
const LATENCY_BUCKETS: [f64; 10] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// All counters of one server.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Webhook requests by HTTP status answered.
    pub webhooks: Family,
    /// Accepted events by type.
    pub events: Family,
    /// Events not replied to, by reason.
    pub skipped: Family,
    /// Reply attempts' final outcomes.
    pub replies: Family,
    /// Retries of Reply API calls.
    pub retries: AtomicU64,
    /// Time from webhook arrival to LINE accepting the reply.
    pub latency: Histogram,
    /// Postback taps by postback data (`unknown` for data no bundle knows).
    pub taps: Family,
    /// Typed text answered by a keyword, by postback data.
    pub keyword_answers: Family,
    /// Free-text searches by result (`hit`, `no_hit`).
    pub searches: Family,
    /// Bundle reloads by result (`ok`, `error`).
    pub reloads: Family,
}

/// A counter with one label.
///
/// Hashed rather than ordered: a tap counts under its postback data, so on a large account this
/// holds one entry per page (10,000 and more) and is incremented on every webhook — a hash
/// look-up, where a B-tree costs a dozen string comparisons and more memory per entry. The
/// labels are sorted when rendered, which happens once per scrape.
#[derive(Debug, Default)]
pub struct Family {
    values: Mutex<HashMap<Box<str>, u64>>,
}

/// A cumulative histogram with [`LATENCY_BUCKETS`].
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// What `/metrics` says about the bundle being served.
#[derive(Debug, Clone, Copy)]
pub struct BundleInfo<'a> {
    /// The bundle's content hash.
    pub content_hash: &'a str,
    /// The bundle's format version.
    pub format_version: u32,
    /// Pages in the bundle.
    pub pages: usize,
}

impl Family {
    /// Adds one to the counter labelled `label`.
    pub fn inc(&self, label: &str) {
        let mut values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        match values.get_mut(label) {
            Some(v) => *v += 1,
            None => {
                values.insert(label.into(), 1);
            }
        }
    }

    /// The counter labelled `label` (0 when never incremented).
    pub fn get(&self, label: &str) -> u64 {
        let values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        values.get(label).copied().unwrap_or(0)
    }

    fn render(&self, out: &mut String, name: &str, label: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        let values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        let mut sorted: Vec<(&str, u64)> = values.iter().map(|(k, n)| (&**k, *n)).collect();
        sorted.sort_unstable();
        for (value, n) in sorted {
            let _ = writeln!(out, "{name}{{{label}=\"{}\"}} {n}", escape(value));
        }
    }
}

impl Histogram {
    /// Records one observation.
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = LATENCY_BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (bound, n) in LATENCY_BUCKETS.iter().zip(&self.buckets) {
            cumulative += n.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {count}");
    }
}

impl Metrics {
    /// The Prometheus text exposition of every metric, plus the served bundle and queue depth.
    pub fn render(&self, bundle: Option<BundleInfo<'_>>, queued: usize) -> String {
        let mut out = String::with_capacity(4096);
        self.webhooks.render(
            &mut out,
            "oyako_webhooks_total",
            "code",
            "Webhook requests by status.",
        );
        self.events.render(&mut out, "oyako_events_total", "type", "Webhook events by type.");
        self.skipped.render(
            &mut out,
            "oyako_events_skipped_total",
            "reason",
            "Events not replied to, by reason.",
        );
        self.replies.render(&mut out, "oyako_replies_total", "outcome", "Replies by outcome.");
        let retries = self.retries.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP oyako_reply_retries_total Retried Reply API calls.\n\
             # TYPE oyako_reply_retries_total counter\noyako_reply_retries_total {retries}"
        );
        self.latency.render(
            &mut out,
            "oyako_reply_latency_seconds",
            "Time from webhook arrival to the reply being accepted by LINE.",
        );
        self.taps.render(&mut out, "oyako_taps_total", "postback", "Postback taps by data.");
        self.keyword_answers.render(
            &mut out,
            "oyako_keyword_answers_total",
            "postback",
            "Typed text answered by a keyword, by postback data.",
        );
        self.searches.render(&mut out, "oyako_searches_total", "result", "Searches by result.");
        self.reloads.render(&mut out, "oyako_bundle_reloads_total", "result", "Bundle reloads.");
        let _ = writeln!(
            out,
            "# HELP oyako_reply_queue_depth Replies waiting for a worker.\n\
             # TYPE oyako_reply_queue_depth gauge\noyako_reply_queue_depth {queued}"
        );
        if let Some(b) = bundle {
            let _ = writeln!(
                out,
                "# HELP oyako_bundle_info The bundle being served.\n\
                 # TYPE oyako_bundle_info gauge\n\
                 oyako_bundle_info{{content_hash=\"{}\",format_version=\"{}\",pages=\"{}\"}} 1",
                escape(b.content_hash),
                b.format_version,
                b.pages,
            );
        }
        out
    }
}

/// Escapes a label value (backslash, double quote and newline, per the text format).
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histogram_and_info() {
        let m = Metrics::default();
        m.webhooks.inc("200");
        m.webhooks.inc("200");
        m.taps.inc("page:a\"b");
        m.latency.observe(Duration::from_millis(300));
        m.latency.observe(Duration::from_secs(100));
        let info = BundleInfo { content_hash: "abc", format_version: 1, pages: 3 };
        let text = m.render(Some(info), 2);
        assert!(text.contains("oyako_webhooks_total{code=\"200\"} 2\n"));
        assert!(text.contains("oyako_taps_total{postback=\"page:a\\\"b\"} 1\n"));
        assert!(text.contains("oyako_reply_latency_seconds_bucket{le=\"0.25\"} 0\n"));
        assert!(text.contains("oyako_reply_latency_seconds_bucket{le=\"0.5\"} 1\n"));
        assert!(text.contains("oyako_reply_latency_seconds_bucket{le=\"60\"} 1\n"));
        assert!(text.contains("oyako_reply_latency_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("oyako_reply_latency_seconds_count 2\n"));
        assert!(text.contains("oyako_reply_queue_depth 2\n"));
        assert!(text.contains(
            "oyako_bundle_info{content_hash=\"abc\",format_version=\"1\",pages=\"3\"} 1\n"
        ));
        assert_eq!(m.webhooks.get("200"), 2);
        assert_eq!(m.webhooks.get("401"), 0);
    }
}
