//! Writes a timed-message journal for benchmarks (tests/bench/timed.py): N registered children
//! of about 0.8 N parents, sealed like the runtime's own, against a bundle's steps, and
//! compacted as every start of the runtime leaves it.
//!
//! `timed_journal BUNDLE STATE_DIR N KEY_HEX DAY spread|same`
//!
//! - `spread`: birthdays spread evenly over the six years before DAY, one child in seven
//!   registered by a due date in the next 40 weeks; every step before DAY is marked sent, as
//!   in a journal that has been delivering for years — DAY then sends what a city of that size
//!   sends on an ordinary day;
//! - `same`: every child born on the same day, so one step is due for all N on DAY (the worst
//!   case: N messages in N/500 multicasts).
//!
//! Deterministic (a fixed xorshift), so runs compare.

use std::path::PathBuf;

use bundle::Anchor;
use jiff::ToSpan;
use jiff::civil::Date;
use runtime::timed::plan::ChildPlan;
use runtime::timed::{Fact, Service};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [bundle_dir, state, n, key, day, mode] = args.as_slice() else {
        return Err("usage: timed_journal BUNDLE STATE_DIR N KEY_HEX DAY spread|same".into());
    };
    let bundle = bundle::load(&PathBuf::from(bundle_dir))?;
    let n: usize = n.parse()?;
    let day: Date = day.parse()?;
    let same = mode == "same";
    let service = Service::open(&PathBuf::from(state), Some(key), day, 0)?;
    let mut rng = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let first_step = bundle.timed.steps.iter().find(|s| s.from == Anchor::Birth);
    let same_birth = first_step.and_then(|s| birth_for(s, day)).unwrap_or(day);
    let mut facts = Vec::with_capacity(20_000);
    let mut parent = 0usize;
    let mut children = 0usize;
    while children < n {
        parent += 1;
        let user = format!("U{parent:032x}");
        facts.push(Fact::Consent { u: user.clone(), ts: 0 });
        let kids = if parent.is_multiple_of(4) { 2 } else { 1 };
        for _ in 0..kids.min(n - children) {
            children += 1;
            let (anchor, date) = match same {
                true => (Anchor::Birth, same_birth),
                false if next().is_multiple_of(7) => {
                    (Anchor::Due, day.checked_add(((next() % 280) as i64).days())?)
                }
                false => (Anchor::Birth, day.checked_sub(((next() % 2190) as i64).days())?),
            };
            let registered = match anchor {
                Anchor::Birth => date,
                Anchor::Due => day.checked_sub(30.days())?,
            };
            let plan = ChildPlan { anchor, date, registered };
            let done: Vec<String> = bundle
                .timed
                .steps
                .iter()
                .filter(|s| plan.day_of(s).is_some_and(|d| d < day))
                .map(|s| s.id.clone())
                .collect();
            facts.push(Fact::Child {
                u: user.clone(),
                c: format!("{children:012x}"),
                k: anchor,
                d: date.to_string(),
                r: registered.to_string(),
                dl: done,
                ts: 0,
            });
        }
        if facts.len() >= 10_000 {
            service.store().append(&facts)?;
            facts.clear();
        }
    }
    service.store().append(&facts)?;
    // Compacted, as every start of the runtime leaves it.
    let stats = service.store().compact(day, 0)?;
    println!("{children} children of {parent} parents ({} records)", stats.after);
    Ok(())
}

/// A birthday whose `step` falls on `day`.
fn birth_for(step: &bundle::TimedStep, day: Date) -> Option<Date> {
    let mut b = day.checked_sub(8.years()).ok()?;
    while b < day {
        if step.day(b) == Some(day) {
            return Some(b);
        }
        b = b.tomorrow().ok()?;
    }
    None
}
