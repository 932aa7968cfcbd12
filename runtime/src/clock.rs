//! The runtime's one clock. Everything that depends on the time — notices falling due, the
//! day in Japan a journal line belongs to, replies that change with the date — asks the
//! [`State`](crate::State)'s clock, so tests and `oyako dev` can move time instead of waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::watch;

/// Where the scheduler gets the time from, and how it waits.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
    /// Completes at (or after) `t`.
    fn sleep_until(&self, t: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn sleep_until(&self, t: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let wait = t.duration_since(Timestamp::now());
        let wait = std::time::Duration::try_from(wait).unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock {
    now: watch::Sender<Timestamp>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: Timestamp) -> Arc<ManualClock> {
        Arc::new(ManualClock { now: watch::Sender::new(start) })
    }

    /// Moves the clock to `t`, waking sleepers whose time has come.
    pub fn set(&self, t: Timestamp) {
        self.now.send_replace(t);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.borrow()
    }

    fn sleep_until(&self, t: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let mut rx = self.now.subscribe();
        Box::pin(async move {
            while *rx.borrow_and_update() < t {
                if rx.changed().await.is_err() {
                    return;
                }
            }
        })
    }
}

/// The system clock moved by an offset that can be changed while it runs (`oyako dev`'s date
/// control): time keeps flowing from wherever it was set, and sleepers wake when a change
/// brings their time closer.
#[derive(Debug)]
pub struct OffsetClock {
    /// Added to the system time, in milliseconds.
    offset_ms: watch::Sender<i64>,
}

impl OffsetClock {
    /// A clock showing the system time.
    pub fn new() -> Arc<OffsetClock> {
        Arc::new(OffsetClock { offset_ms: watch::Sender::new(0) })
    }

    /// Makes the clock show `t` now (and flow on from there).
    pub fn set(&self, t: Timestamp) {
        let offset = t.as_millisecond().saturating_sub(Timestamp::now().as_millisecond());
        self.offset_ms.send_replace(offset);
    }

    /// Back to the system time.
    pub fn reset(&self) {
        self.offset_ms.send_replace(0);
    }

    /// Whether the clock is moved away from the system time.
    pub fn is_moved(&self) -> bool {
        *self.offset_ms.borrow() != 0
    }

    fn at(offset_ms: i64) -> Timestamp {
        let ms = Timestamp::now().as_millisecond().saturating_add(offset_ms);
        Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        })
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Timestamp {
        OffsetClock::at(*self.offset_ms.borrow())
    }

    fn sleep_until(&self, t: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let mut rx = self.offset_ms.subscribe();
        Box::pin(async move {
            loop {
                let now = OffsetClock::at(*rx.borrow_and_update());
                let Ok(wait) = std::time::Duration::try_from(t.duration_since(now)) else { return };
                if wait.is_zero() {
                    return;
                }
                tokio::select! {
                    () = tokio::time::sleep(wait) => return,
                    changed = rx.changed() => if changed.is_err() { return },
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_offset_clock_moves_and_wakes_sleepers() {
        let clock = OffsetClock::new();
        assert!(!clock.is_moved());
        let later: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
        let sleeper = {
            let clock = clock.clone();
            tokio::spawn(async move { clock.sleep_until(later).await })
        };
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished(), "still years away");
        clock.set(later);
        tokio::time::timeout(std::time::Duration::from_secs(5), sleeper).await.unwrap().unwrap();
        assert!(clock.now() >= later && clock.is_moved());
        clock.reset();
        assert!(clock.now() < later);
    }
}
