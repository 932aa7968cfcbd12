//! Registrations and deliveries without a database: an append-only journal in the state
//! directory (`timed.journal`), every line one [`Fact`] sealed by [`Sealer`], and an index of
//! it in memory.
//!
//! Durability: [`Store::append`] returns once the lines are written and `fdatasync`ed. A crash
//! mid-write leaves a torn last line, which fails to open and is skipped; every append starts
//! with a newline, so the next record never glues onto it and nothing earlier is lost.
//!
//! Compaction ([`Store::open`]): the journal is rewritten from the index — one consent per
//! parent, one record per child with what it has been sent, unfinished sends — and renamed
//! over the old file, so a stopped parent's, a deleted child's or a programme-ended child's
//! records are gone from disk, not only from memory.
//!
//! Several replicas may share the state directory (same volume, working `flock`): appends are
//! single `O_APPEND` writes under a shared lock on `timed.lock`, compaction holds it exclusively,
//! and every reader follows the file by offset ([`Store::refresh`]) and reloads when compaction
//! replaced it (another inode).

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bundle::Anchor;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::plan::ChildPlan;
use super::seal::Sealer;

/// File name of the journal in the state directory.
pub const JOURNAL_FILE: &str = "timed.journal";
/// File name of the lock that orders appends and compaction between replicas.
pub const LOCK_FILE: &str = "timed.lock";
/// A parent who consented but registered no child is forgotten at compaction after this long.
const CONSENT_ONLY_KEEP_MS: i64 = 24 * 3600 * 1000;

/// One journal record (sealed on disk). Field names are short: there are many of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Fact {
    /// A parent (LINE user ID `u`) consented.
    Consent {
        /// LINE user ID.
        u: String,
        /// When (Unix ms).
        ts: i64,
    },
    /// A child registered or changed: kind, date, registration day; after compaction also the
    /// steps already done with it.
    Child {
        /// LINE user ID of the parent.
        u: String,
        /// Child id.
        c: String,
        /// Due date or birthday.
        k: Anchor,
        /// The date (`YYYY-MM-DD`).
        d: String,
        /// Registration (or change) day.
        r: String,
        /// Steps done (sent, or given up), written by compaction.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        dl: Vec<String>,
        /// When (Unix ms).
        ts: i64,
    },
    /// One child deleted by the parent.
    Delete {
        /// LINE user ID of the parent.
        u: String,
        /// Child id.
        c: String,
        /// When (Unix ms).
        ts: i64,
    },
    /// Everything of a parent deleted: `stop` (配信停止) or `unfollow` (blocked).
    Forget {
        /// LINE user ID.
        u: String,
        /// `stop` or `unfollow`.
        why: String,
        /// When (Unix ms).
        ts: i64,
    },
    /// A send is about to be made with retry key `key`: step `s` of day `day` to children `cs`.
    Started {
        /// `X-Line-Retry-Key`.
        key: String,
        /// Step id.
        s: String,
        /// The delivery day.
        day: String,
        /// Child ids, in request order.
        cs: Vec<String>,
        /// When (Unix ms).
        ts: i64,
    },
    /// LINE accepted the send (2xx, or 409 for an accepted retry key).
    Sent {
        /// `X-Line-Retry-Key`.
        key: String,
        /// HTTP status.
        status: u16,
        /// When (Unix ms).
        ts: i64,
    },
    /// LINE refused it, or its outcome stayed unknown past the retry window: not repeated.
    Failed {
        /// `X-Line-Retry-Key`.
        key: String,
        /// Why.
        detail: String,
        /// When (Unix ms).
        ts: i64,
    },
}

/// A registered child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// The parent's LINE user ID.
    pub user: String,
    /// Kind, date and registration day.
    pub plan: ChildPlan,
    /// Steps done with this child (sent or given up).
    pub done: Vec<String>,
    /// When it was registered (Unix ms).
    pub ts: i64,
}

/// A send whose outcome is not journalled yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Step id.
    pub step: String,
    /// Delivery day.
    pub day: Date,
    /// Child ids in request order.
    pub children: Vec<String>,
    /// First attempt (Unix ms).
    pub ts: i64,
}

/// A parent who consented.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parent {
    /// Their children's ids, in registration order.
    pub children: Vec<String>,
    /// When they consented (Unix ms).
    pub ts: i64,
}

/// The journal folded: who consented, which children, which sends are open.
#[derive(Debug, Default)]
pub struct Index {
    /// Parents by LINE user ID.
    pub parents: HashMap<String, Parent>,
    /// Children by id.
    pub children: HashMap<String, Child>,
    /// Open sends by retry key.
    pub open: BTreeMap<String, Batch>,
    /// Lines that could not be opened (torn or damaged).
    pub skipped: usize,
}

impl Index {
    /// Applies one fact.
    pub fn apply(&mut self, fact: Fact) {
        match fact {
            Fact::Consent { u, ts } => {
                self.parents.entry(u).or_insert(Parent { children: Vec::new(), ts });
            }
            Fact::Child { u, c, k, d, r, dl, ts } => {
                let (Ok(date), Ok(registered)) = (d.parse(), r.parse()) else {
                    self.skipped += 1;
                    return;
                };
                let Some(parent) = self.parents.get_mut(&u) else { return };
                let plan = ChildPlan { anchor: k, date, registered };
                match self.children.get_mut(&c) {
                    Some(child) if child.user == u => {
                        child.plan = plan;
                        for s in dl {
                            if !child.done.contains(&s) {
                                child.done.push(s);
                            }
                        }
                    }
                    Some(_) => {}
                    None => {
                        parent.children.push(c.clone());
                        self.children.insert(c, Child { user: u, plan, done: dl, ts });
                    }
                }
            }
            Fact::Delete { u, c, .. } => {
                if self.children.get(&c).is_some_and(|ch| ch.user == u) {
                    self.children.remove(&c);
                    if let Some(p) = self.parents.get_mut(&u) {
                        p.children.retain(|x| *x != c);
                    }
                }
            }
            Fact::Forget { u, .. } => {
                if let Some(p) = self.parents.remove(&u) {
                    for c in p.children {
                        self.children.remove(&c);
                    }
                }
            }
            Fact::Started { key, s, day, cs, ts } => {
                let Ok(day) = day.parse() else { return };
                self.open.entry(key).or_insert(Batch { step: s, day, children: cs, ts });
            }
            Fact::Sent { key, .. } | Fact::Failed { key, .. } => {
                if let Some(b) = self.open.remove(&key) {
                    for c in &b.children {
                        if let Some(child) = self.children.get_mut(c)
                            && !child.done.contains(&b.step)
                        {
                            child.done.push(b.step.clone());
                        }
                    }
                }
            }
        }
    }

    /// The facts that rebuild this index, minus children whose programme ended before
    /// `today` and parents left with nothing to send for a day.
    fn compacted(&self, today: Date, now_ms: i64) -> Vec<Fact> {
        let mut out = Vec::new();
        let mut users: Vec<(&String, &Parent)> = self.parents.iter().collect();
        users.sort_by_key(|(u, _)| *u);
        for (u, p) in users {
            let live: Vec<(&String, &Child)> = p
                .children
                .iter()
                .filter_map(|c| Some((c, self.children.get(c)?)))
                .filter(|(_, ch)| ch.plan.end() > today)
                .collect();
            if live.is_empty() && now_ms - p.ts > CONSENT_ONLY_KEEP_MS {
                continue;
            }
            out.push(Fact::Consent { u: u.clone(), ts: p.ts });
            for (c, ch) in live {
                out.push(Fact::Child {
                    u: u.clone(),
                    c: c.clone(),
                    k: ch.plan.anchor,
                    d: ch.plan.date.to_string(),
                    r: ch.plan.registered.to_string(),
                    dl: ch.done.clone(),
                    ts: ch.ts,
                });
            }
        }
        for (key, b) in &self.open {
            out.push(Fact::Started {
                key: key.clone(),
                s: b.step.clone(),
                day: b.day.to_string(),
                cs: b.children.clone(),
                ts: b.ts,
            });
        }
        out
    }
}

/// What compaction did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compacted {
    /// Records before.
    pub before: usize,
    /// Records after.
    pub after: usize,
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
        let store = Store { path, lock_path, sealer, inner: Mutex::new(inner) };
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
        lock.lock_shared()?;
        let written = (|| {
            self.follow_replacement(&mut inner)?;
            inner.file.write_all(&buf)?;
            inner.file.sync_data()
        })();
        drop(lock);
        written?;
        self.refresh_locked(&mut inner)
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
        let facts = inner.index.compacted(today, now_ms);
        let tmp = self.path.with_extension(format!("tmp.{}", std::process::id()));
        let mut out = Vec::with_capacity(facts.len() * 200);
        for f in &facts {
            let plain = serde_json::to_vec(f).map_err(io::Error::other)?;
            out.extend_from_slice(self.sealer.seal(&plain).as_bytes());
            out.push(b'\n');
        }
        let mut file = OpenOptions::new().write(true).create(true).truncate(true).open(&tmp)?;
        file.write_all(&out)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, &self.path)?;
        if let Some(dir) = self.path.parent() {
            File::open(dir)?.sync_all()?;
        }
        let (file, ino) = open_append(&self.path)?;
        let mut index = Index::default();
        for f in facts.iter().cloned() {
            index.apply(f);
        }
        *inner = Inner { file, ino, offset: out.len() as u64, records: facts.len(), index };
        drop(lock);
        Ok(Compacted { before, after: facts.len() })
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
            let fact = self
                .sealer
                .open(line)
                .and_then(|plain| serde_json::from_slice::<Fact>(&plain).ok());
            match fact {
                Some(f) => {
                    inner.records += 1;
                    inner.index.apply(f);
                }
                None => inner.index.skipped += 1,
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
