//! Forgetting-window dedupe of webhook events by `webhookEventId`.
//!
//! LINE can deliver one event twice (redelivery, network routing;
//! <https://developers.line.biz/en/docs/messaging-api/receiving-messages/#webhook-redelivery>), and
//! a second reply to the same token only earns a 400. Ids are remembered in a fixed-size ring plus
//! a set, so memory stays bounded whatever the traffic: the oldest id is forgotten when the ring is
//! full. A redelivery arrives within minutes, far inside the window of thousands of recent events.
//!
//! Every event passes through here, so nothing here allocates per event: an id is remembered as
//! a 64-bit fingerprint (SipHash-1-3 under a random key chosen at start-up), the ring and the
//! set are sized once, and the set does not hash its keys again. A new event is mistaken for
//! one of the 16,384 in the window by chance with probability 16,384 / 2⁶⁴ ≈ 10⁻¹⁵ — never, in
//! practice — and since the key is secret and per process, nobody can make ids collide on
//! purpose.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::Mutex;

/// Remembers the last `capacity` event ids.
#[derive(Debug)]
pub struct Dedupe {
    capacity: usize,
    key: RandomState,
    seen: Mutex<Window>,
}

#[derive(Debug)]
struct Window {
    /// Fingerprints in arrival order; the front is forgotten first.
    order: VecDeque<u64>,
    /// The same fingerprints, for O(1) look-up.
    set: HashSet<u64, BuildHasherDefault<Prehashed>>,
}

impl Dedupe {
    /// A window of `capacity` ids (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let window = Window {
            order: VecDeque::with_capacity(capacity),
            set: HashSet::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
        };
        Dedupe { capacity, key: RandomState::new(), seen: Mutex::new(window) }
    }

    /// Records `id`; returns false when it was already seen (a duplicate).
    pub fn first_time(&self, id: &str) -> bool {
        let key = self.fingerprint(id);
        let mut w = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if w.set.contains(&key) {
            return false;
        }
        if w.order.len() >= self.capacity
            && let Some(old) = w.order.pop_front()
        {
            w.set.remove(&old);
        }
        w.set.insert(key);
        w.order.push_back(key);
        true
    }

    /// Forgets `id`, so a redelivery of it is handled again (its processing failed).
    pub fn forget(&self, id: &str) {
        let key = self.fingerprint(id);
        let mut w = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if w.set.remove(&key) {
            w.order.retain(|seen| *seen != key);
        }
    }

    fn fingerprint(&self, id: &str) -> u64 {
        self.key.hash_one(id)
    }
}

/// The set's hasher: a fingerprint is already a keyed hash, so it is used as is.
#[derive(Debug, Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; anything else is still hashed, just not as fast.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
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

    #[test]
    fn a_full_window_stays_the_same_size() {
        let d = Dedupe::new(1000);
        for n in 0..5000 {
            assert!(d.first_time(&format!("01EVENT{n:019}")));
        }
        for n in 4000..5000 {
            assert!(!d.first_time(&format!("01EVENT{n:019}")), "{n} is in the window");
        }
        assert!(d.first_time(&format!("01EVENT{:019}", 3999)), "3999 was forgotten");
        let w = d.seen.lock().unwrap();
        assert_eq!((w.order.len(), w.set.len()), (1000, 1000));
    }
}
