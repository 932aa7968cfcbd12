//! The calendar's replies into the bundle: the special replies follow the top menu's day
//! variants, and the result becomes the bundle's [`bundle::Calendar`]. (Each distinct reply
//! was already serialised and checked once, through the pipeline's own steps, while the
//! calendar was planned.)

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use bundle::{Blob, Calendar, Special};

use crate::calendar::{Doc, Plan, push_run};
use crate::diagnostics::Diagnostics;

/// The calendar's replies as JSON, ready to be stored.
pub struct Compiled {
    /// The plan (window, distinct replies, documents, files, …).
    pub plan: Plan,
    /// Reply key → runs `(first day offset, index into the plan's replies)`.
    pub runs: BTreeMap<String, Vec<(u32, u32)>>,
}

impl Compiled {
    /// The distinct replies.
    pub fn jsons(&self) -> &[Vec<u8>] {
        &self.plan.replies.jsons
    }
}

/// The window's first day of each varying key, to stand in the static reply table.
pub fn first_days(plan: &Plan) -> impl Iterator<Item = (&String, &[u8])> {
    plan.varying.iter().filter_map(|(key, runs)| {
        let (_, id) = runs.first()?;
        Some((key, plan.replies.jsons[*id as usize].as_slice()))
    })
}

/// Builds the special replies (follow, fallback, …) around one variant of the top menu.
pub type Specials<'a> = &'a dyn Fn(&[u8], &mut Diagnostics) -> Vec<Vec<u8>>;

/// Adds the special replies, built by `specials` around each variant of the top menu.
pub fn compile(mut plan: Plan, specials: Specials<'_>, diags: &mut Diagnostics) -> Compiled {
    let mut runs: BTreeMap<String, Vec<(u32, u32)>> =
        std::mem::take(&mut plan.varying).into_iter().collect();
    if let Some(menu) = runs.get(&bundle::postback::menu("", 1)).cloned() {
        let mut built: HashMap<u32, Vec<u32>> = HashMap::new();
        // In the order `specials` builds them; `unblocked` only with a promotion question.
        let kinds = [
            Special::Follow,
            Special::Fallback,
            Special::UnknownPostback,
            Special::UnsupportedMessage,
            Special::Unblocked,
        ];
        for (offset, menu_id) in menu {
            let ids = built.entry(menu_id).or_insert_with(|| {
                let jsons = specials(&plan.replies.jsons[menu_id as usize].clone(), diags);
                jsons.into_iter().map(|j| plan.replies.add(j)).collect()
            });
            for (kind, id) in kinds.iter().zip(ids.iter()) {
                push_run(runs.entry(kind.key().to_string()).or_default(), offset, *id);
            }
        }
    }
    Compiled { plan, runs }
}

/// The bundle's calendar, once the replies are compressed (`blob(i)` is reply `i`'s blob,
/// `file(i)` file `i`'s).
pub fn to_calendar(
    c: &Compiled,
    blob: impl Fn(usize) -> Blob,
    file: impl Fn(usize) -> Blob,
) -> Calendar {
    Calendar {
        first_day: c.plan.window.first,
        days: c.plan.window.days,
        blobs: (0..c.jsons().len()).map(&blob).collect(),
        replies: c.runs.clone(),
        ended: c.plan.ended,
        until: c.plan.until.clone(),
        files: c
            .plan
            .files
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.clone(), file(i)))
            .collect(),
    }
}

/// A calendar file's text as the JSON string stored in the replies file.
pub fn file_json(text: &str) -> Vec<u8> {
    serde_json::to_vec(&Value::String(text.to_string())).unwrap_or_default()
}

/// The search documents of the views (for the index) and their cards.
pub fn docs(c: &Compiled) -> &[Doc] {
    &c.plan.docs
}
