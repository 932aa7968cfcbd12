//! Reading the KPI journals of one or more state directories (several replicas, several days)
//! into one list of records.
//!
//! Every `*.jsonl` file under each directory is read, in sorted path order. Lines of other
//! journals that share the directory (notice outcomes) are ignored; a torn last line from a
//! crash, or any damaged line, is skipped and counted. A record read twice — the same event
//! journalled again after a redelivery, or by two replicas — counts once (same kind and
//! `webhookEventId`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;
use walkdir::WalkDir;

use super::growth::SentNotice;
use crate::journal;
use crate::kpi::Record;

/// What was read.
#[derive(Debug, Default)]
pub struct Read {
    /// KPI records in reading order (file by file, line by line), duplicates removed.
    pub records: Vec<Record>,
    /// Journal files read.
    pub files: usize,
    /// Lines that were not JSON (torn by a crash, or damaged).
    pub skipped: usize,
    /// Records dropped as duplicates of an earlier one.
    pub duplicates: usize,
    /// Notices LINE accepted (from `notices.jsonl`), each send once, in reading order.
    pub sent: Vec<SentNotice>,
    /// (notice, retry key) of each of `sent`.
    sent_keys: Vec<(String, Option<String>)>,
}

/// A journal line: a KPI record, a notice's outcome, or anything else another journal wrote.
#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    Kpi(Record),
    Notice(crate::notices::Record),
    Other(#[allow(dead_code, reason = "only the shape matters")] serde::de::IgnoredAny),
}

/// Reads every journal under `dirs`.
pub fn read(dirs: &[PathBuf]) -> anyhow::Result<Read> {
    let mut out = Read::default();
    let mut seen: HashSet<(&'static str, String)> = HashSet::new();
    for dir in dirs {
        if !dir.is_dir() {
            anyhow::bail!("{} is not a directory", dir.display());
        }
        for path in journal_files(dir)? {
            let contents: journal::Contents<Line> =
                journal::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            out.files += 1;
            out.skipped += contents.skipped;
            for line in contents.records {
                let record = match line {
                    Line::Kpi(record) => record,
                    Line::Notice(n) => {
                        out.note_sent(n);
                        continue;
                    }
                    Line::Other(_) => continue,
                };
                let key = record.event_id().map(|ev| (record.kind(), ev.to_string()));
                if key.is_some_and(|k| !seen.insert(k)) {
                    out.duplicates += 1;
                    continue;
                }
                out.records.push(record);
            }
        }
    }
    Ok(out)
}

impl Read {
    /// Keeps a notice's `sent` record: one per notice and retry key (a resend by the operator
    /// has a new key and is another send), the earliest when the same one was written twice.
    fn note_sent(&mut self, n: crate::notices::Record) {
        if n.event != crate::notices::RecordKind::Sent {
            return;
        }
        let Ok(at) = n.time.parse::<jiff::Timestamp>() else { return };
        let at = at.as_millisecond();
        let key = (n.notice.clone(), n.retry_key);
        match self.sent_keys.iter().position(|k| *k == key) {
            Some(i) => self.sent[i].at = self.sent[i].at.min(at),
            None => {
                self.sent_keys.push(key);
                self.sent.push(SentNotice { id: n.notice, at });
            }
        }
    }
}

/// `*.jsonl` files under `dir`, sorted.
fn journal_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let is_journal =
            entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "jsonl");
        if is_journal {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_directories_skips_torn_lines_and_other_journals() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(a.path().join("journal")).unwrap();
        std::fs::write(
            a.path().join("journal/2026-11-27.web-1.jsonl"),
            "{\"kpi\":\"tap\",\"ts\":1,\"key\":\"page:a\",\"ev\":\"E1\"}\n\
             {\"notice\":\"sent\",\"id\":3}\n\
             {\"kpi\":\"tap\",\"ts\":2,\"key\":\"page:a\"}\n{\"kpi\":\"ta",
        )
        .unwrap();
        std::fs::write(
            b.path().join("2026-11-27.web-2.jsonl"),
            "{\"kpi\":\"tap\",\"ts\":1,\"key\":\"page:a\",\"ev\":\"E1\"}\n\
             {\"kpi\":\"tap\",\"ts\":3,\"key\":\"page:b\",\"ev\":\"E2\"}\n",
        )
        .unwrap();
        std::fs::write(b.path().join("salt"), "secret").unwrap();
        let r = read(&[a.path().to_path_buf(), b.path().to_path_buf()]).unwrap();
        assert_eq!((r.files, r.skipped, r.duplicates), (2, 1, 1));
        let ts: Vec<i64> = r.records.iter().map(Record::ts).collect();
        assert_eq!(ts, [1, 2, 3]);
        assert!(read(&[a.path().join("nope")]).is_err());
        assert!(r.sent.is_empty(), "a notice line without its fields is not a sent notice");
    }

    #[test]
    fn sent_notices_come_from_the_notices_journal() {
        let a = tempfile::tempdir().unwrap();
        std::fs::write(
            a.path().join("notices.jsonl"),
            "{\"notice\":\"events/a\",\"event\":\"started\",\"hash\":\"h\",\"time\":\"2026-11-27T00:00:00Z\"}\n\
             {\"notice\":\"events/a\",\"event\":\"sent\",\"hash\":\"h\",\"time\":\"2026-11-27T00:00:05Z\"}\n\
             {\"notice\":\"events/b\",\"event\":\"failed\",\"hash\":\"h\",\"time\":\"2026-11-27T00:00:05Z\"}\n",
        )
        .unwrap();
        let r = read(&[a.path().to_path_buf()]).unwrap();
        assert_eq!(r.sent, [SentNotice { id: "events/a".into(), at: 1_795_737_605_000 }]);
        assert!(r.records.is_empty());
    }
}
