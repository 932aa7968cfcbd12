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

use super::index::{Fact, Index, Parent};
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

/// One line of a compacted journal, serialised as what it holds.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Line<'a> {
    /// Parents and children.
    Chunk(&'a Chunk),
    /// An open send.
    Fact(&'a Fact),
}

/// What compaction dropped.
#[derive(Debug, Default)]
pub struct Pruned {
    /// The parents of the children dropped at school entry, one entry per child.
    pub ended: Vec<String>,
}

impl Index {
    /// Drops, in place, children whose programme ended before `today`, parents left with
    /// nothing to send for a day, and what only mattered until the file is rewritten
    /// (refused keys, the count of damaged lines).
    pub fn prune(&mut self, today: Date, now_ms: i64) -> Pruned {
        let mut out = Pruned::default();
        let mut gone_children = Vec::new();
        let mut gone_parents = Vec::new();
        for (u, p) in &self.parents {
            let mut live = 0;
            for c in &p.children {
                match self.children.get(c) {
                    Some(ch) if ch.plan.end() > today => live += 1,
                    Some(_) => {
                        out.ended.push(u.clone());
                        gone_children.push((u.clone(), c.clone()));
                    }
                    None => {}
                }
            }
            if live == 0 && now_ms - p.ts > CONSENT_ONLY_KEEP_MS {
                gone_parents.push(u.clone());
            }
        }
        for (u, c) in gone_children {
            self.children.remove(&c);
            if let Some(p) = self.parents.get_mut(&u) {
                p.children.retain(|x| *x != c);
            }
        }
        for u in gone_parents {
            self.parents.remove(&u);
        }
        self.refused.clear();
        self.skipped = 0;
        out.ended.sort();
        out
    }

    /// The index as compaction writes it, chunk by chunk (each handed to `write` and dropped,
    /// so the whole snapshot is never in memory), then the open sends as `started` facts;
    /// returns the records written.
    pub fn snapshot(
        &self,
        mut write: impl FnMut(Line<'_>) -> std::io::Result<()>,
    ) -> std::io::Result<usize> {
        let mut records = 0;
        let mut users: Vec<(&String, &Parent)> = self.parents.iter().collect();
        users.sort_by_key(|(u, _)| *u);
        for group in users.chunks(CHUNK_PARENTS) {
            let mut steps: Vec<String> = Vec::new();
            let mut local: Vec<Option<u16>> = Vec::new();
            let mut rows = Vec::with_capacity(group.len());
            for (u, p) in group {
                let kids: Vec<ChildRow> = p
                    .children
                    .iter()
                    .filter_map(|c| Some((c, self.children.get(c)?)))
                    .map(|(c, ch)| {
                        let done = ch
                            .done
                            .iter()
                            .filter_map(|&g| self.local_step(g, &mut steps, &mut local))
                            .collect();
                        let (d, r) = (ch.plan.date.to_string(), ch.plan.registered.to_string());
                        ChildRow(c.clone(), ch.plan.anchor, d, r, done, ch.ts)
                    })
                    .collect();
                records += 1 + kids.len();
                rows.push(ParentRow((*u).clone(), p.ts, kids));
            }
            if !rows.is_empty() {
                write(Line::Chunk(&Chunk(steps, rows)))?;
            }
        }
        for (key, b) in &self.open {
            write(Line::Fact(&Fact::Started {
                key: key.clone(),
                s: b.step.clone(),
                day: b.day.to_string(),
                cs: b.children.clone(),
                ts: b.ts,
            }))?;
            records += 1;
        }
        Ok(records)
    }

    /// The chunk-local index of interned step `g`, added to the chunk's table if new.
    fn local_step(
        &self,
        g: u16,
        steps: &mut Vec<String>,
        local: &mut Vec<Option<u16>>,
    ) -> Option<u16> {
        if let Some(i) = local.get(usize::from(g)).copied().flatten() {
            return Some(i);
        }
        let i = u16::try_from(steps.len()).ok()?;
        steps.push(self.step_name(g)?.to_string());
        if local.len() <= usize::from(g) {
            local.resize(usize::from(g) + 1, None);
        }
        local[usize::from(g)] = Some(i);
        Some(i)
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
