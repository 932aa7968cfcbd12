//! Group commit: one thread writes KPI records for every webhook, many records per `fdatasync`.
//!
//! A survey answer must be on disk before its webhook is answered 200 (then a `kill -9` loses
//! nothing LINE was told we have). One fsync per answer would cap answers at the disk's sync
//! rate (a few hundred per second on cloud disks) and make concurrent webhooks queue behind
//! each other. Instead every request hands its records to this thread through a channel; the
//! thread takes everything waiting, appends it to the day's journal in one write and one
//! `fdatasync` ([`crate::journal::Journal::append`]), then tells each waiting request. While
//! one sync runs the next batch gathers, so the more concurrent answers there are, the more
//! share a sync. Records nobody waits for (taps, follows, searches) ride in the same batches.
//!
//! Files rotate by day in Japan: `<state-dir>/journal/<YYYY-MM-DD>.<instance>.jsonl`, where
//! `instance` names the replica, so replicas can share a volume and reports merge them.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::record::Record;
use crate::journal::Journal;
use jiff::civil::Date;

/// Directory of the KPI journals inside the state directory.
pub const JOURNAL_DIR: &str = "journal";
/// Records waiting for the writer before new fire-and-forget records are dropped (and
/// counted); answers wait for room instead.
const CHANNEL_CAPACITY: usize = 65_536;
/// Most records in one write.
const MAX_BATCH: usize = 4096;

/// The result a waiting request gets: the write's error is shared by the whole batch.
type Done = oneshot::Sender<Result<(), Arc<io::Error>>>;

/// One record for the writer, with the request waiting for it, if any.
struct Item {
    record: Option<Record>,
    done: Option<Done>,
}

/// Counters of the writer (for logs, `/metrics` and the benchmark).
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Records written and synced.
    pub records: AtomicU64,
    /// Write + fdatasync rounds.
    pub syncs: AtomicU64,
    /// Fire-and-forget records dropped because the channel was full.
    pub dropped: AtomicU64,
    /// Rounds that failed to write or sync.
    pub failures: AtomicU64,
}

/// The sending side of the journal thread; dropping it writes what is queued and stops it.
#[derive(Debug)]
pub struct Writer {
    tx: Option<mpsc::Sender<Item>>,
    thread: Option<JoinHandle<()>>,
    stats: Arc<WriterStats>,
    dir: PathBuf,
}

impl Writer {
    /// Starts the writer thread for `state_dir/journal/`, naming files after `instance`.
    pub fn start(state_dir: &Path, instance: &str) -> io::Result<Writer> {
        let dir = state_dir.join(JOURNAL_DIR);
        std::fs::create_dir_all(&dir)?;
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        let stats = Arc::new(WriterStats::default());
        let files = Files { dir: dir.clone(), instance: instance.to_string(), open: None };
        let thread_stats = stats.clone();
        let thread = std::thread::Builder::new()
            .name("oyako-journal".into())
            .spawn(move || run(rx, files, &thread_stats))?;
        Ok(Writer { tx: Some(tx), thread: Some(thread), stats, dir })
    }

    /// A handle that queues records like [`Writer::record`] from anywhere (e.g. the timed
    /// journal), while this writer lives.
    pub fn recorder(&self) -> Recorder {
        Recorder { tx: self.tx.as_ref().map(mpsc::Sender::downgrade), stats: self.stats.clone() }
    }

    /// Queues `record` without waiting; returns false when it was dropped (channel full).
    pub fn record(&self, record: Record) -> bool {
        let item = Item { record: Some(record), done: None };
        let sent = self.tx.as_ref().is_some_and(|tx| tx.try_send(item).is_ok());
        if !sent {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
        }
        sent
    }

    /// Queues `record` and returns once it is written and synced (or the write failed).
    pub async fn record_durably(&self, record: Record) -> io::Result<()> {
        self.submit(Some(record)).await
    }

    /// Returns once everything queued before it is written and synced.
    pub async fn flush(&self) -> io::Result<()> {
        self.submit(None).await
    }

    async fn submit(&self, record: Option<Record>) -> io::Result<()> {
        let closed = || io::Error::other("the journal writer has stopped");
        let tx = self.tx.as_ref().ok_or_else(closed)?;
        let (done, result) = oneshot::channel();
        tx.send(Item { record, done: Some(done) }).await.map_err(|_| closed())?;
        match result.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(io::Error::new(e.kind(), e.to_string())),
            Err(_) => Err(closed()),
        }
    }

    /// The writer's counters.
    pub fn stats(&self) -> &WriterStats {
        &self.stats
    }

    /// The directory the journals are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// A cloneable handle queueing fire-and-forget records for the writer. It holds the channel
/// weakly, so it never keeps a dropped writer's thread from ending.
#[derive(Debug, Clone)]
pub struct Recorder {
    tx: Option<mpsc::WeakSender<Item>>,
    stats: Arc<WriterStats>,
}

impl Recorder {
    /// Queues `record` without waiting; returns false when it was dropped (channel full or
    /// the writer stopped).
    pub fn record(&self, record: Record) -> bool {
        let item = Item { record: Some(record), done: None };
        let tx = self.tx.as_ref().and_then(mpsc::WeakSender::upgrade);
        let sent = tx.is_some_and(|tx| tx.try_send(item).is_ok());
        if !sent {
            self.stats.dropped.fetch_add(1, Ordering::Relaxed);
        }
        sent
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel lets the thread write what is queued and end.
        drop(self.tx.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The journal file of the current day.
struct Files {
    dir: PathBuf,
    instance: String,
    open: Option<(Date, Journal)>,
}

impl Files {
    /// The journal of `day`, opened (and the previous day's closed) when the day changes.
    fn journal(&mut self, day: Date) -> io::Result<&Journal> {
        if self.open.as_ref().is_none_or(|(d, _)| *d != day) {
            let path = self.dir.join(format!("{day}.{}.jsonl", self.instance));
            self.open = Some((day, Journal::open(&path)?));
        }
        match &self.open {
            Some((_, journal)) => Ok(journal),
            None => unreachable!("opened above"),
        }
    }
}

/// The writer thread: batches until the channel is closed and empty.
fn run(mut rx: mpsc::Receiver<Item>, mut files: Files, stats: &WriterStats) {
    let mut batch: Vec<Item> = Vec::new();
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        let records: Vec<&Record> = batch.iter().filter_map(|i| i.record.as_ref()).collect();
        let result = match records.is_empty() {
            true => Ok(()),
            false => files.journal(bundle::japan::today()).and_then(|j| j.append(&records)),
        };
        let written = records.len() as u64;
        let result = match result {
            Ok(()) => {
                stats.records.fetch_add(written, Ordering::Relaxed);
                stats.syncs.fetch_add(u64::from(written > 0), Ordering::Relaxed);
                Ok(())
            }
            Err(e) => {
                stats.failures.fetch_add(1, Ordering::Relaxed);
                tracing::error!(error = %e, records = written, "cannot write the KPI journal");
                // Reopen next time, so a torn write is closed off with a newline first.
                files.open = None;
                Err(Arc::new(e))
            }
        };
        for item in batch.drain(..) {
            if let Some(done) = item.done {
                let _ = done.send(result.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal;

    fn tap(n: i64) -> Record {
        Record::Tap { ts: n, key: format!("page:{n}"), ev: None }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_records_share_syncs_and_all_arrive() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Arc::new(Writer::start(dir.path(), "test").unwrap());
        let tasks: Vec<_> = (0..200)
            .map(|n| {
                let w = writer.clone();
                tokio::spawn(async move { w.record_durably(tap(n)).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert!(writer.record(tap(1000)));
        writer.flush().await.unwrap();
        let stats = writer.stats();
        assert_eq!(stats.records.load(Ordering::Relaxed), 201);
        assert!(stats.syncs.load(Ordering::Relaxed) <= 201);
        let path =
            dir.path().join(JOURNAL_DIR).join(format!("{}.test.jsonl", bundle::japan::today()));
        let read: journal::Contents<Record> = journal::read(&path).unwrap();
        assert_eq!(read.records.len(), 201);
        let mut seen: Vec<i64> = read.records.iter().map(Record::ts).collect();
        seen.sort();
        assert_eq!(seen, (0..200).chain([1000]).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn dropping_writes_what_is_queued() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(dir.path(), "a").unwrap();
        for n in 0..50 {
            assert!(writer.record(tap(n)));
        }
        drop(writer);
        let path = dir.path().join(JOURNAL_DIR).join(format!("{}.a.jsonl", bundle::japan::today()));
        let read: journal::Contents<Record> = journal::read(&path).unwrap();
        assert_eq!(read.records.len(), 50);
    }
}
