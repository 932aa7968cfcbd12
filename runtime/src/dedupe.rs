//! Forgetting-window dedupe of webhook events by `webhookEventId`.
//!
//! LINE can deliver one event twice (redelivery, network routing;
//! <https://developers.line.biz/en/docs/messaging-api/receiving-messages/#webhook-redelivery>), and
//! a second reply to the same token only earns a 400. Ids are remembered in a fixed-size ring plus
//! a set, so memory stays bounded whatever the traffic: the oldest id is forgotten when the ring is
//! full. A redelivery arrives within minutes, far inside the window of thousands of recent events.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// Remembers the last `capacity` event ids.
#[derive(Debug)]
pub struct Dedupe {
    capacity: usize,
    seen: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    /// Ids in arrival order; the front is forgotten first.
    order: VecDeque<Box<str>>,
    /// The same ids, for O(1) look-up.
    set: HashSet<Box<str>>,
}

impl Dedupe {
    /// A window of `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        Dedupe { capacity: capacity.max(1), seen: Mutex::default() }
    }

    /// Records `id`; returns false when it was already seen (a duplicate).
    pub fn first_time(&self, id: &str) -> bool {
        let mut w = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if w.set.contains(id) {
            return false;
        }
        if w.order.len() >= self.capacity
            && let Some(old) = w.order.pop_front()
        {
            w.set.remove(&old);
        }
        let id: Box<str> = id.into();
        w.set.insert(id.clone());
        w.order.push_back(id);
        true
    }

    /// Forgets `id`, so a redelivery of it is handled again (its processing failed).
    pub fn forget(&self, id: &str) {
        let mut w = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if w.set.remove(id) {
            w.order.retain(|seen| &**seen != id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_within_the_window() {
        let d = Dedupe::new(2);
        assert!(d.first_time("a"));
        assert!(!d.first_time("a"));
        assert!(d.first_time("b"));
        assert!(d.first_time("c"));
        assert!(d.first_time("a"), "a was forgotten when c arrived");
        assert!(!d.first_time("c"));
        d.forget("c");
        assert!(d.first_time("c"), "c was forgotten on purpose");
        let w = d.seen.lock().unwrap();
        assert_eq!((w.order.len(), w.set.len()), (2, 2));
    }
}
