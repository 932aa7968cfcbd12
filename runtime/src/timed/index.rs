//! The journal folded into memory: [`Fact`] is one journal record, [`Index`] what they add up
//! to — who consented, which children (with the steps each has been sent), which sends are
//! open. Step ids are interned: a child's done steps are small indices into one table, so
//! 100,000 children with a dozen steps each do not hold a million strings.

use std::collections::{BTreeMap, HashMap, HashSet};

use bundle::Anchor;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::plan::ChildPlan;
use crate::kpi::TimedChange;

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
        /// Steps done (sent, or of unknown outcome), written by compaction.
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
        /// `quiet` when it was the due-date question's stop (for statistics).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        why: Option<String>,
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
    /// LINE refused it (a 4xx other than 409), or it was never made: nothing was delivered,
    /// so the children are not done — a later run sends the step again while it is within
    /// the grace window (a later day's request has another key).
    Failed {
        /// `X-Line-Retry-Key`.
        key: String,
        /// Why.
        detail: String,
        /// When (Unix ms).
        ts: i64,
    },
    /// Whether it arrived can no longer be known — LINE forgets a retry key 24 h after the
    /// first request, or the recipients changed since — so it is never repeated (that could
    /// deliver twice): the children count as done, and the operator is told.
    Unknown {
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
    /// Steps done with this child (sent, or of unknown outcome), as indices into the index's
    /// step table ([`Index::is_done`], [`Index::done_steps`]).
    pub done: Vec<u16>,
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
    /// Retry keys LINE refused since the journal was compacted: the same request is not made
    /// again (it would get the same answer); a later day's differs in its key.
    pub refused: HashSet<String>,
    /// Lines that could not be opened (torn or damaged).
    pub skipped: usize,
    /// Step ids seen, interned: a child's `done` holds indices into this.
    steps: Vec<String>,
    step_ix: HashMap<String, u16>,
}

impl Index {
    /// The index of step `id` in the step table, added if new.
    pub(super) fn intern(&mut self, id: &str) -> u16 {
        if let Some(i) = self.step_ix.get(id) {
            return *i;
        }
        // More step ids than u16 would take a bundle of 65,536 timed pages.
        let i = u16::try_from(self.steps.len()).unwrap_or(u16::MAX);
        self.steps.push(id.to_string());
        self.step_ix.insert(id.to_string(), i);
        i
    }

    /// The interned index of step `id`, if any child has ever been sent it.
    pub fn step_index(&self, id: &str) -> Option<u16> {
        self.step_ix.get(id).copied()
    }

    /// Whether `child` has been sent (or may have been sent) step `id`.
    pub fn is_done(&self, child: &Child, id: &str) -> bool {
        self.step_ix.get(id).is_some_and(|i| child.done.contains(i))
    }

    /// The ids of the steps done with `child`.
    pub fn done_steps<'a>(&'a self, child: &'a Child) -> impl Iterator<Item = &'a str> + 'a {
        child.done.iter().filter_map(|i| self.steps.get(usize::from(*i)).map(String::as_str))
    }

    /// The id of interned step `i`.
    pub(super) fn step_name(&self, i: u16) -> Option<&str> {
        self.steps.get(usize::from(i)).map(String::as_str)
    }

    /// Marks the interned steps `done` as done with `child`.
    pub(super) fn mark_done_ix(&mut self, child: &str, done: impl Iterator<Item = u16>) {
        if let Some(c) = self.children.get_mut(child) {
            for i in done {
                if !c.done.contains(&i) {
                    c.done.push(i);
                }
            }
        }
    }

    fn mark_done(&mut self, child: &str, step: &str) {
        let i = self.intern(step);
        if let Some(c) = self.children.get_mut(child)
            && !c.done.contains(&i)
        {
            c.done.push(i);
        }
    }

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
                let plan = ChildPlan { anchor: k, date, registered };
                if self.add_child(u, &c, plan, ts) {
                    for s in &dl {
                        self.mark_done(&c, s);
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
            Fact::Failed { key, .. } => {
                self.open.remove(&key);
                self.refused.insert(key);
            }
            Fact::Sent { key, .. } | Fact::Unknown { key, .. } => {
                if let Some(b) = self.open.remove(&key) {
                    for c in &b.children {
                        self.mark_done(c, &b.step);
                    }
                }
            }
        }
    }

    /// Registers child `c` of `user` (who must have consented), or changes its plan when it
    /// is already theirs; `false` when it cannot be theirs (no consent, another's id).
    pub(super) fn add_child(&mut self, user: String, c: &str, plan: ChildPlan, ts: i64) -> bool {
        let Some(parent) = self.parents.get_mut(&user) else { return false };
        match self.children.get_mut(c) {
            Some(child) if child.user == user => {
                child.plan = plan;
                true
            }
            Some(_) => false,
            None => {
                parent.children.push(c.to_string());
                self.children.insert(c.to_string(), Child { user, plan, done: Vec::new(), ts });
                true
            }
        }
    }

    /// What `fact`, about to be appended by this process, changes (for the KPI journal).
    /// `batch` holds the facts appended with it before it (a consent and its first child).
    pub(super) fn change(&self, fact: &Fact, batch: &[Fact]) -> Option<TimedChange> {
        match fact {
            Fact::Child { u, c, k, .. } => {
                let consented = self.parents.contains_key(u)
                    || batch.iter().any(|f| matches!(f, Fact::Consent { u: v, .. } if v == u));
                (consented && !self.children.contains_key(c))
                    .then(|| TimedChange::Registered { user: u.clone(), anchor: k.word() })
            }
            Fact::Delete { u, c, why, .. } => {
                self.children.get(c).filter(|ch| ch.user == *u).map(|_| TimedChange::Left {
                    user: u.clone(),
                    why: why.clone().unwrap_or_else(|| "delete".into()),
                    children: 1,
                })
            }
            Fact::Forget { u, why, .. } => self.parents.get(u).map(|p| TimedChange::Left {
                user: u.clone(),
                why: why.clone(),
                children: p.children.len(),
            }),
            Fact::Sent { key, .. } => {
                let batch = self.open.get(key)?;
                let users = batch
                    .children
                    .iter()
                    .filter_map(|c| Some(self.children.get(c)?.user.clone()))
                    .collect();
                Some(TimedChange::Sent { step: batch.step.clone(), users, key: key.clone() })
            }
            _ => None,
        }
    }
}
