//! The calendar's replies, validated and stored: every distinct day variant is checked against
//! LINE's rules once (identical days share it), the special replies follow the top menu's
//! variants, and the result becomes the bundle's [`bundle::Calendar`].

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde_json::Value;

use bundle::{Blob, Calendar, Special};

use crate::calendar::{Doc, Plan};
use crate::diagnostics::Diagnostics;
use crate::lookup::Draft;

/// The calendar's replies as JSON, ready to be stored.
pub struct Compiled {
    /// The plan (window, documents, files, …).
    pub plan: Plan,
    /// Distinct replies.
    pub jsons: Vec<Vec<u8>>,
    /// Reply key → runs `(first day offset, index into jsons)`.
    pub runs: BTreeMap<String, Vec<(u32, u32)>>,
    /// Index of the reply past the window.
    pub ended: u32,
}

/// Day-0 drafts of the plan's keys, to stand in the static reply table.
pub fn first_days(plan: &Plan) -> impl Iterator<Item = (&String, &Draft)> {
    plan.varying.iter().filter_map(|(key, runs)| runs.first().map(|(_, d)| (key, d)))
}

/// How the pipeline turns a draft into stored JSON and checks it (the same as for every other
/// reply).
pub struct Steps<'a> {
    /// Adds the quick reply and serialises.
    pub serialise: &'a (dyn Fn(Draft) -> Vec<u8> + Sync),
    /// Checks the serialised reply of `key` against LINE's rules.
    pub check: &'a (dyn Fn(&str, &Draft, &[u8], &mut Diagnostics) + Sync),
    /// Builds the four special replies around one variant of the top menu (`menu:`).
    pub specials: &'a dyn Fn(&[u8], &mut Diagnostics) -> Vec<Vec<u8>>,
}

/// Serialises, dedupes and validates every variant.
pub fn compile(plan: Plan, steps: &Steps<'_>, diags: &mut Diagnostics) -> Compiled {
    let serialise = steps.serialise;
    let check = steps.check;
    let serialised: Vec<(String, Vec<(u32, Vec<u8>)>)> = plan
        .varying
        .par_iter()
        .map(|(key, runs)| {
            let runs = runs.iter().map(|(o, d)| (*o, serialise(d.clone()))).collect();
            (key.clone(), runs)
        })
        .collect();
    let mut store = Store::default();
    let mut runs: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    let mut pending: Vec<(String, u32, Draft)> = Vec::new();
    for ((key, list), (_, drafts)) in serialised.into_iter().zip(&plan.varying) {
        let mut out = Vec::new();
        for ((offset, json), (_, draft)) in list.into_iter().zip(drafts) {
            let (id, new) = store.add(json);
            if new {
                pending.push((key.clone(), id, draft.clone()));
            }
            push_run(&mut out, offset, id);
        }
        runs.insert(key, out);
    }
    // Each distinct reply is validated once, with the key of the first day that shows it.
    let found: Vec<Diagnostics> = pending
        .par_iter()
        .map(|(key, id, draft)| {
            let mut d = Diagnostics::default();
            check(key, draft, &store.jsons[*id as usize], &mut d);
            d
        })
        .collect();
    found.into_iter().for_each(|d| diags.extend(d));
    if let Some(menu) = runs.get(&bundle::postback::menu("", 1)).cloned() {
        special_runs(&menu, &mut store, &mut runs, steps.specials, diags);
    }
    let ended = {
        let json = serialise(plan.ended.clone());
        check("cal:ended", &plan.ended, &json, diags);
        store.add(json).0
    };
    Compiled { plan, jsons: store.jsons, runs, ended }
}

/// The special replies for each variant of the top menu.
fn special_runs(
    menu: &[(u32, u32)],
    store: &mut Store,
    runs: &mut BTreeMap<String, Vec<(u32, u32)>>,
    specials: &dyn Fn(&[u8], &mut Diagnostics) -> Vec<Vec<u8>>,
    diags: &mut Diagnostics,
) {
    let mut built: HashMap<u32, Vec<u32>> = HashMap::new();
    let kinds =
        [Special::Follow, Special::Fallback, Special::UnknownPostback, Special::UnsupportedMessage];
    for &(offset, menu_id) in menu {
        if !built.contains_key(&menu_id) {
            let jsons = specials(&store.jsons[menu_id as usize].clone(), diags);
            built.insert(menu_id, jsons.into_iter().map(|j| store.add(j).0).collect());
        }
        for (kind, id) in kinds.iter().zip(&built[&menu_id]) {
            push_run(runs.entry(kind.key().to_string()).or_default(), offset, *id);
        }
    }
}

fn push_run(runs: &mut Vec<(u32, u32)>, offset: u32, id: u32) {
    if runs.last().is_none_or(|(_, last)| *last != id) {
        runs.push((offset, id));
    }
}

/// Distinct replies by their bytes.
#[derive(Default)]
struct Store {
    jsons: Vec<Vec<u8>>,
    index: HashMap<Vec<u8>, u32>,
}

impl Store {
    /// The id of `json`, and whether it is new.
    fn add(&mut self, json: Vec<u8>) -> (u32, bool) {
        if let Some(id) = self.index.get(&json) {
            return (*id, false);
        }
        let id = self.jsons.len() as u32;
        self.index.insert(json.clone(), id);
        self.jsons.push(json);
        (id, true)
    }
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
        blobs: (0..c.jsons.len()).map(&blob).collect(),
        replies: c.runs.clone(),
        ended: c.ended,
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
