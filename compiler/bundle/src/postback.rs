//! Postback data: what a tap sends back to the runtime, which looks its reply up by it.
//!
//! Postback data lives in chat history for months, so it is derived only from content paths
//! and ids (which staff rarely change), never from build order: a tap on an old message still
//! opens the page it named, or gets the "no longer available" reply.

/// Opens a page: `page:ninshin/boshi-techo`.
pub const PAGE: &str = "page:";
/// Opens a menu: `menu:ninshin` (root: `menu:`), later pages `menu:ninshin:2`.
pub const MENU: &str = "menu:";
/// A survey answer: `survey:<id>:<choice index>`.
pub const SURVEY: &str = "survey:";
/// A rich-menu tab switch: a tap on a `richmenuswitch` area sends `tab:<name>`, which needs no
/// reply (LINE has already switched the menu).
pub const TAB: &str = "tab:";

/// A reply that changes with the day (see [`crate::Calendar`]): `cal:today`, `cal:week`,
/// `cal:sat`, `cal:center:shien-center/honeycomb`, ….
pub const CALENDAR: &str = crate::CALENDAR_KEY_PREFIX;

/// The day-dependent views, by what they show (Japan days, weeks starting on Monday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayView {
    /// 今日: every centre today, today's events.
    Today,
    /// 明日.
    Tomorrow,
    /// 今週: the rest of this week, day by day.
    Week,
    /// 来週: next week, day by day.
    NextWeek,
    /// 今月: events and special programmes of the rest of this month.
    Month,
    /// 来月.
    NextMonth,
    /// The coming day of this weekday (0 = Monday … 6 = Sunday; today when it is that day).
    Weekday(u8),
}

/// Short names of weekdays in postback data, Monday first.
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The postback data of a day view.
pub fn day_view(view: DayView) -> String {
    let name = match view {
        DayView::Today => "today",
        DayView::Tomorrow => "tomorrow",
        DayView::Week => "week",
        DayView::NextWeek => "nextweek",
        DayView::Month => "month",
        DayView::NextMonth => "nextmonth",
        DayView::Weekday(w) => WEEKDAYS[usize::from(w.min(6))],
    };
    format!("{CALENDAR}{name}")
}

/// The postback data of one centre's view (today and the coming week) by its content path.
pub fn centre(path: &str) -> String {
    format!("{CALENDAR}center:{path}")
}

/// The postback data that opens the page at content path `path`.
pub fn page(path: &str) -> String {
    format!("{PAGE}{path}")
}

/// The postback data that opens page `n` (from 1) of the menu of section `path`.
pub fn menu(path: &str, n: usize) -> String {
    match n {
        1 => format!("{MENU}{path}"),
        n => format!("{MENU}{path}:{n}"),
    }
}

/// The postback data of choice `index` of survey `id`.
pub fn survey_answer(id: &str, index: usize) -> String {
    format!("{SURVEY}{id}:{index}")
}

/// The survey id and choice index of answer postback data, when `data` is one.
pub fn parse_survey_answer(data: &str) -> Option<(&str, usize)> {
    let (id, index) = data.strip_prefix(SURVEY)?.rsplit_once(':')?;
    let plain = !index.is_empty() && index.len() <= 2 && index.bytes().all(|b| b.is_ascii_digit());
    if !plain {
        return None;
    }
    Some((id, index.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_answers_round_trip() {
        assert_eq!(survey_answer("manzokudo-2026", 3), "survey:manzokudo-2026:3");
        assert_eq!(parse_survey_answer("survey:manzokudo-2026:3"), Some(("manzokudo-2026", 3)));
        for bad in
            ["survey:x", "survey:x:", "survey:x:-1", "survey:x:a", "page:x:1", "survey:x:123"]
        {
            assert_eq!(parse_survey_answer(bad), None, "{bad}");
        }
    }

    #[test]
    fn day_views() {
        assert_eq!(day_view(DayView::Today), "cal:today");
        assert_eq!(day_view(DayView::NextMonth), "cal:nextmonth");
        assert_eq!(day_view(DayView::Weekday(5)), "cal:sat");
        assert_eq!(centre("shien-center/honeycomb"), "cal:center:shien-center/honeycomb");
    }

    #[test]
    fn pages_and_menus() {
        assert_eq!(page("ninshin/boshi-techo"), "page:ninshin/boshi-techo");
        assert_eq!(menu("", 1), "menu:");
        assert_eq!(menu("ninshin", 2), "menu:ninshin:2");
    }
}
