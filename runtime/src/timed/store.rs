//! Registrations and deliveries without a database: an append-only journal in the state
//! directory (`timed.journal`), every line sealed by [`Sealer`] — one [`Fact`] per appended
//! line, or a chunk of the compacted index ([`super::snapshot`]) — and an [`Index`] of it in
//! memory.
//!
//! Durability: [`Store::append`] returns once the lines are written and `fdatasync`ed. A crash
//! mid-write leaves a torn last line, which fails to open and is skipped; every append starts
//! with a newline, so the next record never glues onto it and nothing earlier is lost.
//!
//! Compaction ([`Store::open`]): the journal is rewritten from the index — the parents with
//! their children and what each has been sent, in chunks, and the unfinished sends — and
//! renamed over the old file, so a stopped parent's, a deleted child's or a programme-ended
//! child's records are gone from disk, not only from memory.
//!
//! Several replicas share the directory (`OYAKO_TIMED_DIR`, one volume with `flock` working
//! across hosts, such as NFS v4): every append and compaction holds `timed.lock` exclusively,
//! so no two writers ever write at once — an `O_APPEND` write alone is atomic on a local disk
//! but not between NFS clients — and every reader follows the file by offset
//! ([`Store::refresh`]) and reloads when compaction replaced it (another inode).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use jiff::civil::Date;

use super::index::{Fact, Index};
use super::seal::Sealer;
use super::snapshot::Chunk;
use crate::kpi::TimedRecorder;

/// File name of the journal in the state directory.
pub const JOURNAL_FILE: &str = "timed.journal";
/// File name of the lock that orders appends and compaction between replicas.
pub const LOCK_FILE: &str = "timed.lock";

/// What compaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compacted {
    /// Records before.
    pub before: usize,
    /// Records after.
    pub after: usize,
    /// The parents of the children dropped at school entry, one entry per child.
    pub ended: Vec<String>,
}

struct Inner {
    file: File,
    ino: u64,
    /// Bytes of the journal already read into the index.
    offset: u64,
    /// Records read since the file was (re)loaded, for compaction statistics.
    records: usize,
    index: Index,
}

/// The journal and its index.
pub struct Store {
    path: PathBuf,
    lock_path: PathBuf,
    sealer: Sealer,
    inner: Mutex<Inner>,
    /// Where this process's changes are counted (the KPI journal), once one is set.
    recorder: OnceLock<TimedRecorder>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the journal in `dir`, compacts it (dropping deleted data and children past the
    /// programme's end on `today`) and loads the index.
    pub fn open(
        dir: &Path,
        sealer: Sealer,
        today: Date,
        now_ms: i64,
    ) -> io::Result<(Store, Compacted)> {
        fs::create_dir_all(dir)?;
        let path = dir.join(JOURNAL_FILE);
        let lock_path = dir.join(LOCK_FILE);
        let (file, ino) = open_append(&path)?;
        let inner = Inner { file, ino, offset: 0, records: 0, index: Index::default() };
        let store =
            Store { path, lock_path, sealer, inner: Mutex::new(inner), recorder: OnceLock::new() };
        let stats = store.compact(today, now_ms)?;
        Ok((store, stats))
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads what other writers (replicas, `oyako deliver`) appended since the last look.
    pub fn refresh(&self) -> io::Result<()> {
        let mut inner = self.lock_inner();
        self.refresh_locked(&mut inner)
    }

    /// Runs `f` on the index, after reading what was appended.
    pub fn read<R>(&self, f: impl FnOnce(&Index) -> R) -> io::Result<R> {
        let mut inner = self.lock_inner();
        self.refresh_locked(&mut inner)?;
        Ok(f(&inner.index))
    }

    /// Counts this process's changes from now on in the KPI journal (set once).
    pub fn record_to(&self, recorder: TimedRecorder) {
        let _ = self.recorder.set(recorder);
    }

    /// Appends `facts`, synced, then reads them (and anything else new) into the index.
    pub fn append(&self, facts: &[Fact]) -> io::Result<()> {
        if facts.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::with_capacity(facts.len() * 160 + 1);
        // Ends a torn line left by a crash, so this record starts a line of its own.
        buf.push(b'\n');
        for f in facts {
            let plain = serde_json::to_vec(f).map_err(io::Error::other)?;
            buf.extend_from_slice(self.sealer.seal(&plain).as_bytes());
            buf.push(b'\n');
        }
        let mut inner = self.lock_inner();
        let lock = self.lock_file()?;
        lock.lock()?;
        let mut changes = Vec::new();
        let written = (|| {
            self.follow_replacement(&mut inner)?;
            if self.recorder.get().is_some() {
                // What the facts change is judged against everything appended before them.
                self.refresh_locked(&mut inner)?;
                changes = (0..facts.len())
                    .filter_map(|i| inner.index.change(&facts[i], &facts[..i]))
                    .collect();
            }
            inner.file.write_all(&buf)?;
            inner.file.sync_data()
        })();
        drop(lock);
        written?;
        let read = self.refresh_locked(&mut inner);
        drop(inner);
        if let Some(recorder) = self.recorder.get() {
            for change in changes {
                recorder.note(change);
            }
        }
        read
    }

    /// Rewrites the journal from the index (see the module doc).
    pub fn compact(&self, today: Date, now_ms: i64) -> io::Result<Compacted> {
        let mut inner = self.lock_inner();
        let lock = self.lock_file()?;
        lock.lock()?;
        // Start from the file as it is, whatever this process had read.
        inner.index = Index::default();
        inner.offset = 0;
        inner.records = 0;
        self.follow_replacement(&mut inner)?;
        self.refresh_locked(&mut inner)?;
        let before = inner.records;
        if inner.index.skipped > before.max(1) {
            // Most lines do not open: a wrong OYAKO_DATA_KEY (or key file), not damage.
            // Compacting would throw the registrations away; refuse to start instead.
            return Err(io::Error::other(format!(
                "{} of {} records of {} cannot be decrypted: is OYAKO_DATA_KEY (or data.key) the one they were written with?",
                inner.index.skipped,
                inner.index.skipped + before,
                self.path.display()
            )));
        }
        let pruned = inner.index.prune(today, now_ms);
        let tmp = self.path.with_extension(format!("tmp.{}", std::process::id()));
        let mut out = Vec::new();
        let after = inner.index.snapshot(|line| self.seal_line(&line, &mut out))?;
        let mut file = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        file.write_all(&out)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &self.path)?;
        if let Some(dir) = self.path.parent() {
            File::open(dir)?.sync_all()?;
        }
        let (file, ino) = open_append(&self.path)?;
        inner.file = file;
        inner.ino = ino;
        inner.offset = out.len() as u64;
        inner.records = after;
        drop(lock);
        Ok(Compacted { before, after, ended: pruned.ended })
    }

    /// Appends `value` as one sealed line to `out`.
    fn seal_line(&self, value: &impl serde::Serialize, out: &mut Vec<u8>) -> io::Result<()> {
        let plain = serde_json::to_vec(value).map_err(io::Error::other)?;
        out.extend_from_slice(self.sealer.seal(&plain).as_bytes());
        out.push(b'\n');
        Ok(())
    }

    fn lock_inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_file(&self) -> io::Result<File> {
        OpenOptions::new().create(true).truncate(false).write(true).open(&self.lock_path)
    }

    /// When compaction (here or in another replica) replaced the file: reopen and reload.
    fn follow_replacement(&self, inner: &mut Inner) -> io::Result<()> {
        let ino = match fs::metadata(&self.path) {
            Ok(m) => m.ino(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e),
        };
        if ino != inner.ino {
            let (file, ino) = open_append(&self.path)?;
            *inner = Inner { file, ino, offset: 0, records: 0, index: Index::default() };
        }
        Ok(())
    }

    fn refresh_locked(&self, inner: &mut Inner) -> io::Result<()> {
        self.follow_replacement(inner)?;
        let mut file = File::open(&self.path)?;
        file.seek(SeekFrom::Start(inner.offset))?;
        let mut buf = Vec::new();
        file.read_to_end(&mut buf)?;
        // Only whole lines: a line still being written is read next time.
        let Some(end) = buf.iter().rposition(|b| *b == b'\n') else { return Ok(()) };
        for line in buf[..end].split(|b| *b == b'\n') {
            if line.is_empty() {
                continue;
            }
            let Some(plain) = self.sealer.open(line) else {
                inner.index.skipped += 1;
                continue;
            };
            if plain.first() == Some(&b'[') {
                match serde_json::from_slice::<Chunk>(&plain) {
                    Ok(chunk) => inner.records += inner.index.apply_chunk(chunk),
                    Err(_) => inner.index.skipped += 1,
                }
                continue;
            }
            match serde_json::from_slice::<Fact>(&plain) {
                Ok(f) => {
                    inner.records += 1;
                    inner.index.apply(f);
                }
                Err(_) => inner.index.skipped += 1,
            }
        }
        inner.offset += end as u64 + 1;
        Ok(())
    }
}

fn open_append(path: &Path) -> io::Result<(File, u64)> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    let ino = file.metadata()?.ino();
    Ok((file, ino))
}

#[cfg(test)]
mod tests;
