//! iCalendar feeds (RFC 5545) of the centres and the events.

use super::Calendar;
use super::Window;

/// The files served under `/calendar/`: (name, text).
pub fn files(_cal: &Calendar<'_>, _window: &Window, _account: &str) -> Vec<(String, String)> {
    Vec::new()
}
