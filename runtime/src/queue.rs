//! The bounded reply queue and its workers.
//!
//! LINE counts a webhook as failed when it is not answered within 2 seconds
//! (<https://developers.line.biz/en/docs/messaging-api/check-webhook-error-statistics/#reason-request-timeout>),
//! so the webhook handler never waits for the Reply API: it pushes the finished reply body here and
//! answers 200. A fixed number of workers drain the queue, so a slow or dead LINE API costs at most
//! `workers` concurrent calls and `capacity` queued bodies of memory.
//!
//! When the queue is full the reply is dropped and counted, and the webhook is still answered
//! 200. A 503 would not help: redelivery is off by default, and where it is on it would bring
//! the same events back while the API is still slow (dedupe already marked them as seen, so they
//! would be skipped anyway). It would also count as webhook errors, after which LINE may stop
//! sending webhooks altogether
//! (<https://developers.line.biz/en/docs/messaging-api/receiving-messages/>). A full queue is an
//! operator alert (`oyako_replies_total{outcome="dropped"}`), not something LINE can fix by
//! retrying.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::line_api::{Connection, LineClient, Outcome};
use crate::metrics::Metrics;

/// One reply to send.
pub struct Job {
    /// Makes the complete Reply API request body; called by the worker right before the first
    /// attempt, so a queued reply holds what to send, not the bytes (see `dispatch::Body`).
    pub body: Box<dyn FnOnce() -> Vec<u8> + Send>,
    /// When the webhook arrived (the reply token's clock starts here).
    pub received: Instant,
    /// What the reply answers (`follow`, `search`, …), for logs.
    pub what: &'static str,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("what", &self.what).finish_non_exhaustive()
    }
}

/// Why a job was not queued.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// Every slot is taken.
    #[error("reply queue is full")]
    Full,
    /// The server is shutting down.
    #[error("reply queue is closed")]
    Closed,
}

/// The sending side of the queue plus the worker handles.
#[derive(Debug)]
pub struct Queue {
    /// Taken (dropped) on close, which lets workers finish the backlog and stop.
    tx: Mutex<Option<mpsc::Sender<Job>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl Queue {
    /// Starts `workers` tasks on the current tokio runtime.
    pub fn start(
        workers: usize,
        capacity: usize,
        client: Arc<LineClient>,
        metrics: Arc<Metrics>,
    ) -> Queue {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let handles = (0..workers.max(1))
            .map(|_| tokio::spawn(work(rx.clone(), client.clone(), metrics.clone())))
            .collect();
        Queue { tx: Mutex::new(Some(tx)), workers: Mutex::new(handles) }
    }

    /// Queues a reply, waiting up to `wait` for room when the queue is full.
    pub async fn push_within(&self, job: Job, wait: Duration) -> Result<(), PushError> {
        let tx = self.tx.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let Some(tx) = tx else { return Err(PushError::Closed) };
        tx.send_timeout(job, wait).await.map_err(|e| match e {
            mpsc::error::SendTimeoutError::Timeout(_) => PushError::Full,
            mpsc::error::SendTimeoutError::Closed(_) => PushError::Closed,
        })
    }

    /// Replies waiting for a worker.
    pub fn depth(&self) -> usize {
        let tx = self.tx.lock().unwrap_or_else(|p| p.into_inner());
        tx.as_ref().map_or(0, |tx| tx.max_capacity() - tx.capacity())
    }

    /// Stops taking jobs and waits up to `grace` for the queued ones to be sent; workers still
    /// busy then are aborted. Returns whether everything finished in time.
    pub async fn close(&self, grace: Duration) -> bool {
        drop(self.tx.lock().unwrap_or_else(|p| p.into_inner()).take());
        let handles = std::mem::take(&mut *self.workers.lock().unwrap_or_else(|p| p.into_inner()));
        let deadline = tokio::time::Instant::now() + grace;
        let mut finished = true;
        for handle in handles {
            let abort = handle.abort_handle();
            if tokio::time::timeout_at(deadline, handle).await.is_err() {
                abort.abort();
                finished = false;
            }
        }
        if !finished {
            tracing::warn!(
                grace_secs = grace.as_secs_f64(),
                "queued replies abandoned at shutdown"
            );
        }
        finished
    }
}

/// One worker: takes jobs until the queue is closed and empty, sending them on its own
/// keep-alive connection.
async fn work(
    rx: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    client: Arc<LineClient>,
    metrics: Arc<Metrics>,
) {
    let mut conn = Connection::default();
    loop {
        let job = rx.lock().await.recv().await;
        let Some(job) = job else { return };
        let body = Bytes::from((job.body)());
        let outcome = client.reply(&mut conn, body, job.received).await;
        record(&metrics, job.what, job.received, &outcome);
    }
}

/// Counts and logs a finished reply.
fn record(metrics: &Metrics, what: &'static str, received: Instant, outcome: &Outcome) {
    let attempts = match outcome {
        Outcome::Delivered { attempts }
        | Outcome::Rejected { attempts, .. }
        | Outcome::GaveUp { attempts, .. } => *attempts,
    };
    let retries = u64::from(attempts.saturating_sub(1));
    metrics.retries.fetch_add(retries, std::sync::atomic::Ordering::Relaxed);
    let elapsed = received.elapsed();
    match outcome {
        Outcome::Delivered { .. } => {
            metrics.replies.inc("delivered");
            metrics.latency.observe(elapsed);
            tracing::debug!(what, attempts, ms = elapsed.as_millis() as u64, "reply delivered");
        }
        Outcome::Rejected { status, message, .. } => {
            metrics.replies.inc(if *status == 429 { "rate_limited" } else { "rejected" });
            tracing::warn!(what, status, line_message = %message, "LINE refused the reply");
        }
        Outcome::GaveUp { last, .. } => {
            metrics.replies.inc("failed");
            tracing::warn!(what, attempts, error = %last, "reply not delivered before its deadline");
        }
    }
}
