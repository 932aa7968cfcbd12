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
/// An answer to 「この LINE をどこで知りましたか？」: `promo:<channel id>`, `promo:other` or
/// `promo:none` (see [`crate::promo`]).
pub const PROMO: &str = "promo:";

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

/// Registration for timed messages: `timed:<action>[:<argument>]` (see [`TimedAction`]).
pub const TIMED: &str = "timed:";

/// Characters of a child id in postback data: lower-case hex.
pub const CHILD_ID_LEN: usize = 12;

/// What a registration button asks for. The runtime treats every one as untrusted: it may be
/// replayed, forged, or come from someone who never consented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimedAction<'a> {
    /// Open registration (consent, or the registered children).
    Start,
    /// 同意する.
    Consent,
    /// A date picked for a new child (`params.date`): due date or birthday.
    Add(crate::timed::Anchor),
    /// A new date picked for a registered child.
    Change(&'a str),
    /// Delete one child.
    Delete(&'a str),
    /// 配信停止: delete everything, ask nothing.
    Stop,
    /// The birthday picked in answer to the due-date question.
    Born(&'a str),
    /// The quiet stop beside the due-date question: delete that child, say little.
    Quiet(&'a str),
}

/// The postback data of `action`.
pub fn timed(action: TimedAction<'_>) -> String {
    match action {
        TimedAction::Start => format!("{TIMED}start"),
        TimedAction::Consent => format!("{TIMED}consent"),
        TimedAction::Add(a) => format!("{TIMED}add:{}", a.word()),
        TimedAction::Change(id) => format!("{TIMED}change:{id}"),
        TimedAction::Delete(id) => format!("{TIMED}delete:{id}"),
        TimedAction::Stop => format!("{TIMED}stop"),
        TimedAction::Born(id) => format!("{TIMED}born:{id}"),
        TimedAction::Quiet(id) => format!("{TIMED}quiet:{id}"),
    }
}

/// The registration action of `data`, when it is one with a well-formed argument.
pub fn parse_timed(data: &str) -> Option<TimedAction<'_>> {
    let rest = data.strip_prefix(TIMED)?;
    let (verb, arg) = match rest.split_once(':') {
        Some((v, a)) => (v, Some(a)),
        None => (rest, None),
    };
    let id = || arg.filter(|a| is_child_id(a));
    Some(match (verb, arg) {
        ("start", None) => TimedAction::Start,
        ("consent", None) => TimedAction::Consent,
        ("stop", None) => TimedAction::Stop,
        ("add", Some(a)) => TimedAction::Add(crate::timed::Anchor::parse(a)?),
        ("change", _) => TimedAction::Change(id()?),
        ("delete", _) => TimedAction::Delete(id()?),
        ("born", _) => TimedAction::Born(id()?),
        ("quiet", _) => TimedAction::Quiet(id()?),
        _ => return None,
    })
}

/// Whether `s` has the form of a child id (it may still belong to nobody).
pub fn is_child_id(s: &str) -> bool {
    s.len() == CHILD_ID_LEN && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
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

/// The postback data of the answer `id` (a channel id, [`crate::promo::OTHER`] or
/// [`crate::promo::NONE`]) to where the parent heard of the account.
pub fn promo_answer(id: &str) -> String {
    format!("{PROMO}{id}")
}

/// The answer id of promo answer postback data, when `data` is one.
pub fn parse_promo_answer(data: &str) -> Option<&str> {
    data.strip_prefix(PROMO).filter(|id| !id.is_empty())
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
    fn promo_answers_round_trip() {
        assert_eq!(promo_answer("boshi-techo"), "promo:boshi-techo");
        assert_eq!(parse_promo_answer("promo:boshi-techo"), Some("boshi-techo"));
        assert_eq!(parse_promo_answer("promo:"), None);
        assert_eq!(parse_promo_answer("page:promo:x"), None);
    }

    #[test]
    fn timed_actions_round_trip_and_refuse_bad_data() {
        use crate::timed::Anchor;
        let id = "0123456789ab";
        for a in [
            TimedAction::Start,
            TimedAction::Consent,
            TimedAction::Add(Anchor::Due),
            TimedAction::Add(Anchor::Birth),
            TimedAction::Change(id),
            TimedAction::Delete(id),
            TimedAction::Stop,
            TimedAction::Born(id),
            TimedAction::Quiet(id),
        ] {
            assert_eq!(parse_timed(&timed(a)), Some(a));
        }
        for bad in [
            "timed:",
            "timed:start:x",
            "timed:add",
            "timed:add:mother",
            "timed:delete",
            "timed:delete:0123456789AB",
            "timed:delete:0123",
            "timed:delete:@@ID@@",
            "timed:change:0123456789abc",
            "timed:stop:1",
            "page:timed",
        ] {
            assert_eq!(parse_timed(bad), None, "{bad}");
        }
    }

    #[test]
    fn pages_and_menus() {
        assert_eq!(page("ninshin/boshi-techo"), "page:ninshin/boshi-techo");
        assert_eq!(menu("", 1), "menu:");
        assert_eq!(menu("ninshin", 2), "menu:ninshin:2");
    }
}
