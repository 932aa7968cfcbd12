//! The compacted form of the journal: the index written as a few large sealed lines instead of
//! one line per fact.
//!
//! Why: with 100,000 children a line per fact meant 180,000 records to decrypt, parse and
//! allocate at every start, and every child repeating the ids of the dozen steps it had been
//! sent — 65 MB of journal, seconds of start-up and hundreds of MiB. A chunk holds up to
//! [`CHUNK_PARENTS`] parents with their children as plain JSON arrays (no tagged enum for the
//! parser to buffer), and the done steps as indices into the chunk's own step table. A line
//! whose plain text is an array is a chunk; an object is an appended [`Fact`].

use bundle::Anchor;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::index::{Child, Fact, Index, Parent};
use super::plan::ChildPlan;

/// Parents per chunk (about 150 KB of plain text).
const CHUNK_PARENTS: usize = 1000;
/// A parent who consented but registered no child is forgotten at compaction after this long.
const CONSENT_ONLY_KEEP_MS: i64 = 24 * 3600 * 1000;

/// One sealed line of a compacted journal: `[step ids, parents]`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Chunk(Vec<String>, Vec<ParentRow>);

/// `[user, consent ts, children]`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ParentRow(String, i64, Vec<ChildRow>);

/// `[child id, birth|due, date, registration day, done step indices, ts]`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChildRow(String, Anchor, String, String, Vec<u16>, i64);

/// The index as compaction writes it.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Parents and children.
    pub chunks: Vec<Chunk>,
    /// Open sends, as `started` facts.
    pub open: Vec<Fact>,
    /// The parents of the children dropped at school entry, one entry per child.
    pub ended: Vec<String>,
    /// Records it stands for (consents, children, open sends).
    pub records: usize,
}

impl Index {
    /// The index minus children whose programme ended before `today` and parents left with
    /// nothing to send for a day.
    pub fn snapshot(&self, today: Date, now_ms: i64) -> Snapshot {
        let mut out = Snapshot::default();
        let mut users: Vec<(&String, &Parent)> = self.parents.iter().collect();
        users.sort_by_key(|(u, _)| *u);
        for group in users.chunks(CHUNK_PARENTS) {
            let mut steps: Vec<String> = Vec::new();
            let mut local: Vec<Option<u16>> = Vec::new();
            let mut rows = Vec::with_capacity(group.len());
            for (u, p) in group {
                let (live, gone): (Vec<(&String, &Child)>, Vec<_>) = p
                    .children
                    .iter()
                    .filter_map(|c| Some((c, self.children.get(c)?)))
                    .partition(|(_, ch)| ch.plan.end() > today);
                out.ended.extend(gone.iter().map(|_| (*u).clone()));
                if live.is_empty() && now_ms - p.ts > CONSENT_ONLY_KEEP_MS {
                    continue;
                }
                let kids: Vec<ChildRow> = live
                    .into_iter()
                    .map(|(c, ch)| {
                        let done = ch
                            .done
                            .iter()
                            .filter_map(|&g| {
                                let slot = local.get(usize::from(g)).copied().flatten();
                                slot.or_else(|| {
                                    let name = self.step_name(g)?;
                                    let i = u16::try_from(steps.len()).ok()?;
                                    steps.push(name.to_string());
                                    if local.len() <= usize::from(g) {
                                        local.resize(usize::from(g) + 1, None);
                                    }
                                    local[usize::from(g)] = Some(i);
                                    Some(i)
                                })
                            })
                            .collect();
                        let (d, r) = (ch.plan.date.to_string(), ch.plan.registered.to_string());
                        ChildRow(c.clone(), ch.plan.anchor, d, r, done, ch.ts)
                    })
                    .collect();
                out.records += 1 + kids.len();
                rows.push(ParentRow((*u).clone(), p.ts, kids));
            }
            if !rows.is_empty() {
                out.chunks.push(Chunk(steps, rows));
            }
        }
        for (key, b) in &self.open {
            out.open.push(Fact::Started {
                key: key.clone(),
                s: b.step.clone(),
                day: b.day.to_string(),
                cs: b.children.clone(),
                ts: b.ts,
            });
        }
        out.records += out.open.len();
        out
    }

    /// Adds a chunk's parents and children; returns the records it stands for.
    pub fn apply_chunk(&mut self, chunk: Chunk) -> usize {
        let Chunk(steps, parents) = chunk;
        let global: Vec<u16> = steps.iter().map(|s| self.intern(s)).collect();
        let mut records = 0;
        for ParentRow(user, ts, kids) in parents {
            records += 1 + kids.len();
            self.apply(Fact::Consent { u: user.clone(), ts });
            for ChildRow(c, anchor, d, r, done, ts) in kids {
                let (Ok(date), Ok(registered)) = (d.parse(), r.parse()) else {
                    self.skipped += 1;
                    continue;
                };
                let plan = ChildPlan { anchor, date, registered };
                if self.add_child(user.clone(), &c, plan, ts) {
                    let done = done.iter().filter_map(|i| global.get(usize::from(*i)).copied());
                    self.mark_done_ix(&c, done);
                }
            }
        }
        records
    }
}
