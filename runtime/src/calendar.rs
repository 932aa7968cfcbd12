//! The calendar side of the runtime: the iCalendar feeds served at `GET /calendar/<name>`
//! (read out of the bundle once per load, like the assets), and how close the bundle's window
//! of day-dependent replies is to its end, for `/readyz` and `/metrics`.
//!
//! Choosing today's reply is not here: `bundle::Bundle::reply_on` does it from the bytes the
//! compiler stored, with the day taken from the state's clock.

use std::collections::HashMap;
use std::fmt::Write as _;

use bundle::{Bundle, WARN_DAYS, WindowStatus};
use bytes::Bytes;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

/// One file under `/calendar/`, ready to send.
#[derive(Debug, Clone)]
pub struct CalendarFile {
    /// The file's bytes.
    pub bytes: Bytes,
    /// `text/calendar` or `text/html`.
    pub content_type: &'static str,
    /// Quoted strong ETag (content hash), so calendar apps polling a feed get `304`s.
    pub etag: String,
}

/// The calendar files of one bundle, by name (`index.html` also answers `/calendar/`).
#[derive(Debug, Default)]
pub struct CalendarFiles {
    files: HashMap<String, CalendarFile>,
}

/// A calendar file the bundle lists but cannot give back as text.
#[derive(Debug, thiserror::Error)]
#[error("calendar file {0:?} is not readable in the bundle")]
pub struct CalendarFileError(pub String);

impl CalendarFiles {
    /// Decodes every calendar file of `bundle` (after its public URLs were rewritten).
    pub fn load(bundle: &Bundle) -> Result<CalendarFiles, CalendarFileError> {
        let Some(calendar) = &bundle.calendar else { return Ok(CalendarFiles::default()) };
        let mut files = HashMap::new();
        for name in calendar.files.keys() {
            let text = calendar
                .file_text(&bundle.replies, bundle.dictionary, name)
                .ok_or_else(|| CalendarFileError(name.clone()))?;
            let file = CalendarFile::new(name, text.into_bytes());
            if name == "index.html" {
                files.insert(String::new(), file.clone());
            }
            files.insert(name.clone(), file);
        }
        Ok(CalendarFiles { files })
    }

    /// The file a request path below `/calendar/` names.
    pub fn get(&self, name: &str) -> Option<&CalendarFile> {
        self.files.get(name)
    }
}

impl CalendarFile {
    fn new(name: &str, bytes: Vec<u8>) -> CalendarFile {
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let content_type = if name.ends_with(".ics") {
            "text/calendar; charset=utf-8"
        } else {
            "text/html; charset=utf-8"
        };
        CalendarFile { bytes: Bytes::from(bytes), content_type, etag: format!("\"{hex}\"") }
    }
}

/// A line for `/readyz` when the day-dependent replies end within [`WARN_DAYS`] days or have
/// ended: the server stays ready (everything else still answers), but people reading the
/// probe, or alerting on `oyako_calendar_days_left`, learn that a rebuild is due.
pub fn readiness_warning(bundle: &Bundle, now: Timestamp) -> Option<String> {
    let today = bundle::japan::date_of(now);
    match bundle.calendar.as_ref()?.status(today) {
        WindowStatus::Open { days_left, last_day } if days_left < WARN_DAYS => Some(format!(
            "warning: the schedule replies end on {last_day} ({days_left} days left): rebuild the bundle\n"
        )),
        WindowStatus::Open { .. } => None,
        WindowStatus::Ended { last_day } => Some(format!(
            "warning: the schedule replies ended on {last_day}: parents are told to wait for an update; rebuild the bundle\n"
        )),
    }
}

/// `/metrics` lines: days left in the window (negative once past it).
pub fn render_metrics(bundle: &Bundle, now: Timestamp, out: &mut String) {
    let Some(calendar) = &bundle.calendar else { return };
    let today = bundle::japan::date_of(now);
    let left = match calendar.status(today) {
        WindowStatus::Open { days_left, .. } => days_left,
        WindowStatus::Ended { last_day } => i64::from((last_day - today).get_days()),
    };
    let _ = writeln!(
        out,
        "# HELP oyako_calendar_days_left Days after today that the bundle's day-dependent replies cover (negative: ended).\n\
         # TYPE oyako_calendar_days_left gauge\noyako_calendar_days_left {left}"
    );
}
