//! Who was just asked for a free comment: after a survey with `followup`, the next text a
//! parent sends within [`WINDOW`] is their comment, not a search.
//!
//! Kept in memory only (bounded, like the dedupe window): after a restart, or when the text
//! reaches another replica, it is treated as an ordinary question. Keys are user hashes.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long after an answer a text counts as the comment.
pub const WINDOW: Duration = Duration::from_secs(30 * 60);
/// Most parents waiting to comment at once; beyond it, new prompts are not remembered.
const CAPACITY: usize = 10_000;

/// Parents asked for a comment, by user hash: survey id and when the offer ends.
#[derive(Debug, Default)]
pub struct Followups {
    waiting: Mutex<HashMap<String, (String, Instant)>>,
}

impl Followups {
    /// Remembers that `user` was asked to comment on `survey`.
    pub fn offer(&self, user: &str, survey: &str) {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if waiting.len() >= CAPACITY {
            waiting.retain(|_, (_, until)| *until > now);
        }
        if waiting.len() < CAPACITY || waiting.contains_key(user) {
            waiting.insert(user.to_string(), (survey.to_string(), now + WINDOW));
        }
    }

    /// Forgets `user`'s offer and returns its survey when it is still open.
    pub fn take(&self, user: &str) -> Option<String> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let (survey, until) = waiting.remove(user)?;
        (until > Instant::now()).then_some(survey)
    }

    /// Forgets `user`'s offer (they tapped something else instead of writing).
    pub fn cancel(&self, user: &str) {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner()).remove(user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_are_taken_once() {
        let f = Followups::default();
        assert_eq!(f.take("u"), None);
        f.offer("u", "s");
        assert_eq!(f.take("u").as_deref(), Some("s"));
        assert_eq!(f.take("u"), None);
        f.offer("u", "s");
        f.cancel("u");
        assert_eq!(f.take("u"), None);
    }
}
