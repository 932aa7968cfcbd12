//! Group commit: one thread writes KPI records for every webhook, many records per `fdatasync`.
//!
//! A survey answer must be on disk before its webhook is answered 200 (then a `kill -9` loses
//! nothing LINE was told we have). One fsync per answer would cap answers at the disk's sync
//! rate (a few hundred per second on cloud disks) and make concurrent webhooks queue behind
//! each other. Instead every request hands its records to this thread; the thread takes
//! everything waiting, appends it to the day's journal in one write and one `fdatasync`
//! ([`crate::journal::Journal::append`]), then tells each waiting request. While one sync runs
//! the next batch gathers, so the more concurrent answers there are, the more share a sync.
//!
//! Records nobody waits for (taps, follows, searches) are the bulk — one per tap — and need no
//! sync of their own: they are left in memory, without waking the thread, until
//! [`LOOSE_BATCH`] have gathered or [`FLUSH_AFTER`] has passed, and then written in one batch
//! (or earlier, with the next answer's). A tap so costs a push onto a vector, not a write and a
//! sync. The price: a crash (`kill -9`, power loss) loses at most the last second of taps and
//! follows, which only count; a clean stop writes them.
//!
//! Files rotate by day in Japan: `<state-dir>/journal/<YYYY-MM-DD>.<instance>.jsonl`, where
//! `instance` names the replica, so replicas can share a volume and reports merge them.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::record::Record;
use crate::journal::Journal;
use jiff::civil::Date;

/// Directory of the KPI journals inside the state directory.
pub const JOURNAL_DIR: &str = "journal";
/// Records nobody waits for that may wait in memory before new ones are dropped (and
/// counted); answers are never dropped (they are bounded by the requests waiting for them).
const CAPACITY: usize = 65_536;
/// Records nobody waits for that wake the writer.
const LOOSE_BATCH: usize = 1024;
/// Longest a record nobody waits for stays in memory.
const FLUSH_AFTER: Duration = Duration::from_secs(1);

/// The result a waiting request gets: the write's error is shared by the whole batch.
type Done = oneshot::Sender<Result<(), Arc<io::Error>>>;

/// Counters of the writer (for logs, `/metrics` and the benchmark).
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Records written and synced.
    pub records: AtomicU64,
    /// Write + fdatasync rounds.
    pub syncs: AtomicU64,
    /// Records nobody waited for, dropped because [`CAPACITY`] were already waiting.
    pub dropped: AtomicU64,
    /// Rounds that failed to write or sync.
    pub failures: AtomicU64,
}

/// What waits for the writer thread.
#[derive(Debug, Default)]
struct Pending {
    /// Records nobody waits for.
    loose: Vec<Record>,
    /// Records (or, for a flush, nothing) whose requests wait until they are on disk.
    waiting: Vec<(Option<Record>, Done)>,
    /// Set when the writer is dropped: write what is here and stop.
    closed: bool,
}

/// The state shared with the writer thread.
#[derive(Debug, Default)]
struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The sending side of the journal thread; dropping it writes what is queued and stops it.
#[derive(Debug)]
pub struct Writer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    stats: Arc<WriterStats>,
    dir: PathBuf,
}

impl Writer {
    /// Starts the writer thread for `state_dir/journal/`, naming files after `instance`.
    pub fn start(state_dir: &Path, instance: &str) -> io::Result<Writer> {
        let dir = state_dir.join(JOURNAL_DIR);
        std::fs::create_dir_all(&dir)?;
        let shared = Arc::new(Shared::default());
        let stats = Arc::new(WriterStats::default());
        let files = Files { dir: dir.clone(), instance: instance.to_string(), open: None };
        let (thread_shared, thread_stats) = (shared.clone(), stats.clone());
        let thread = std::thread::Builder::new()
            .name("oyako-journal".into())
            .spawn(move || run(&thread_shared, files, &thread_stats))?;
        Ok(Writer { shared, thread: Some(thread), stats, dir })
    }

    /// A handle that queues records like [`Writer::record`] from anywhere (e.g. the timed
    /// journal), while this writer lives.
    pub fn recorder(&self) -> Recorder {
        Recorder { shared: Arc::downgrade(&self.shared), stats: self.stats.clone() }
    }

    /// Queues `record` without waiting; returns false when it was dropped (too many waiting).
    pub fn record(&self, record: Record) -> bool {
        push_loose(&self.shared, &self.stats, record)
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
        let (done, result) = oneshot::channel();
        {
            let mut pending = self.shared.lock();
            if pending.closed {
                return Err(closed());
            }
            pending.waiting.push((record, done));
        }
        self.shared.wake.notify_one();
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

/// A cloneable handle queueing fire-and-forget records for the writer. It holds the writer's
/// queue weakly, so it never keeps a dropped writer's thread from ending.
#[derive(Debug, Clone)]
pub struct Recorder {
    shared: Weak<Shared>,
    stats: Arc<WriterStats>,
}

impl Recorder {
    /// Queues `record` without waiting; returns false when it was dropped (too many waiting
    /// or the writer stopped).
    pub fn record(&self, record: Record) -> bool {
        match self.shared.upgrade() {
            Some(shared) => push_loose(&shared, &self.stats, record),
            None => {
                self.stats.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
        }
    }
}

/// Leaves `record` for the writer's next batch; returns false (and counts it) when it was
/// dropped because the writer is closing or [`CAPACITY`] records already wait.
fn push_loose(shared: &Shared, stats: &WriterStats, record: Record) -> bool {
    let mut pending = shared.lock();
    if pending.closed || pending.loose.len() >= CAPACITY {
        drop(pending);
        stats.dropped.fetch_add(1, Ordering::Relaxed);
        return false;
    }
    pending.loose.push(record);
    // The first one starts the writer's flush clock; a full batch is written at once.
    let wake = matches!(pending.loose.len(), 1 | LOOSE_BATCH);
    drop(pending);
    if wake {
        shared.wake.notify_one();
    }
    true
}

impl Drop for Writer {
    fn drop(&mut self) {
        // The thread writes what is queued and ends.
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
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

/// Waits until there is a batch to write — someone waits for a record, [`LOOSE_BATCH`] loose
/// records gathered, the oldest loose record is [`FLUSH_AFTER`] old, or the writer is closing —
/// and moves it into `loose` and `waiting`; returns whether the writer is closing.
fn next_batch(
    shared: &Shared,
    loose: &mut Vec<Record>,
    waiting: &mut Vec<(Option<Record>, Done)>,
) -> bool {
    let mut pending = shared.lock();
    let mut deadline = None;
    while !pending.closed && pending.waiting.is_empty() && pending.loose.len() < LOOSE_BATCH {
        if pending.loose.is_empty() {
            pending = shared.wake.wait(pending).unwrap_or_else(|p| p.into_inner());
            continue;
        }
        let deadline = *deadline.get_or_insert_with(|| Instant::now() + FLUSH_AFTER);
        let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
        pending = shared.wake.wait_timeout(pending, left).unwrap_or_else(|p| p.into_inner()).0;
    }
    std::mem::swap(loose, &mut pending.loose);
    std::mem::swap(waiting, &mut pending.waiting);
    pending.closed
}

/// The writer thread: writes batches until the writer is dropped, then what is left.
fn run(shared: &Shared, mut files: Files, stats: &WriterStats) {
    let (mut loose, mut waiting) = (Vec::new(), Vec::new());
    loop {
        let closing = next_batch(shared, &mut loose, &mut waiting);
        let records: Vec<&Record> =
            loose.iter().chain(waiting.iter().filter_map(|(r, _)| r.as_ref())).collect();
        let result = match records.is_empty() {
            true => Ok(()),
            false => files.journal(bundle::japan::today()).and_then(|j| j.append(&records)),
        };
        let written = records.len() as u64;
        drop(records);
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
        loose.clear();
        for (_, done) in waiting.drain(..) {
            let _ = done.send(result.clone());
        }
        if closing {
            return;
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
    async fn records_nobody_waits_for_reach_the_disk_without_a_flush() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::start(dir.path(), "t").unwrap();
        let path = dir.path().join(JOURNAL_DIR).join(format!("{}.t.jsonl", bundle::japan::today()));
        // Fewer than a batch: written once the oldest is FLUSH_AFTER old.
        assert!(writer.record(tap(1)));
        let mut read: journal::Contents<Record> = journal::read(&path).unwrap();
        for _ in 0..200 {
            if !read.records.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            read = journal::read(&path).unwrap();
        }
        assert_eq!(read.records, vec![tap(1)]);
        // A full batch: written without waiting for the clock.
        for n in 0..LOOSE_BATCH as i64 {
            assert!(writer.record(tap(n)));
        }
        for _ in 0..200 {
            if writer.stats().records.load(Ordering::Relaxed) > LOOSE_BATCH as u64 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(writer.stats().records.load(Ordering::Relaxed), 1 + LOOSE_BATCH as u64);
        assert_eq!(writer.stats().syncs.load(Ordering::Relaxed), 2);
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
