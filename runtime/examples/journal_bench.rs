//! Journal write throughput: survey answers per second when each one must be on disk before
//! its webhook is answered, with group commit (the server's writer) versus one `fdatasync`
//! per answer.
//!
//! `cargo run --release -p runtime --example journal_bench -- [DIR] [ANSWERS] [CONCURRENCY...]`
//!
//! DIR must be on the disk under test (not tmpfs, where a sync costs nothing); it defaults to
//! `target/journal-bench`. Each run writes into a fresh sub-directory and removes it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use runtime::journal::Journal;
use runtime::kpi::{Record, Writer};

fn answer(n: usize) -> Record {
    Record::Answer {
        ts: 1_795_705_200_000 + n as i64,
        user: format!("{n:032x}"),
        survey: "manzokudo-2026".into(),
        choice: n % 5,
        label: "とても役に立っている".into(),
        satisfied: n % 5 < 2,
        ev: Some(format!("01JBENCH{n:018}")),
    }
}

/// `concurrency` tasks write `total` answers through the group-commit writer.
async fn group_commit(dir: &Path, total: usize, concurrency: usize) -> (f64, u64) {
    let writer = Arc::new(Writer::start(dir, "bench").expect("writer"));
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (writer, next) = (writer.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        return;
                    }
                    writer.record_durably(answer(n)).await.expect("write");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    let secs = start.elapsed().as_secs_f64();
    (total as f64 / secs, writer.stats().syncs.load(Ordering::Relaxed))
}

/// `concurrency` tasks write `total` answers, each with its own write + `fdatasync`.
async fn fsync_each(dir: &Path, total: usize, concurrency: usize) -> f64 {
    let journal = Arc::new(Journal::open(&dir.join("each.jsonl")).expect("journal"));
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (journal, next) = (journal.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        return;
                    }
                    let j = journal.clone();
                    let write = tokio::task::spawn_blocking(move || j.append(&[answer(n)]));
                    write.await.expect("join").expect("write");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task");
    }
    total as f64 / start.elapsed().as_secs_f64()
}

fn fresh(base: &Path, name: &str) -> PathBuf {
    let dir = base.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench dir");
    dir
}

fn main() {
    let mut args = std::env::args().skip(1);
    let base = PathBuf::from(args.next().unwrap_or_else(|| "target/journal-bench".into()));
    let total: usize = args.next().map_or(5000, |a| a.parse().expect("ANSWERS"));
    let mut levels: Vec<usize> = args.map(|a| a.parse().expect("CONCURRENCY")).collect();
    if levels.is_empty() {
        levels = vec![1, 16, 64, 256];
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(512)
        .enable_all()
        .build()
        .expect("runtime");
    println!("answers per run: {total}, directory: {}", base.display());
    println!(
        "| concurrent webhooks | group commit: answers/s | answers per fdatasync | one fdatasync per answer: answers/s |"
    );
    println!("| ---: | ---: | ---: | ---: |");
    for &c in &levels {
        let dir = fresh(&base, &format!("group-{c}"));
        let (grouped, syncs) = runtime.block_on(group_commit(&dir, total, c));
        let _ = std::fs::remove_dir_all(&dir);
        let dir = fresh(&base, &format!("each-{c}"));
        let each = runtime.block_on(fsync_each(&dir, total, c));
        let _ = std::fs::remove_dir_all(&dir);
        let per_sync = total as f64 / syncs.max(1) as f64;
        println!("| {c} | {grouped:.0} | {per_sync:.1} | {each:.0} |");
    }
}
