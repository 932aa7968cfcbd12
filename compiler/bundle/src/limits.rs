//! LINE's limits for what a bot sends, each a named constant citing where LINE states it.
//!
//! One home per limit: the compiler's generators size their output by these constants and its
//! validator checks the result against the same ones; the runtime sizes its requests by them.
//! LINE's OpenAPI spec (`messaging-api.yml`) checks field names, types and a few enums, but not
//! these sizes, label lengths, URL schemes, value formats or which components a box layout may
//! hold.

// ---------------------------------------------------------------------------------------------
// Requests and common message properties (§3.1, §4.1, §4.2)

/// Fewest message objects in one send request (line-api.md §3.1).
pub const MIN_MESSAGES: usize = 1;
/// Most message objects in one send request (line-api.md §3.1; O:M `maxItems: 5`).
pub const MAX_MESSAGES: usize = 5;
/// Message `type`s LINE knows (line-api.md §4.1, the O:M discriminator).
pub const MESSAGE_TYPES: &[&str] = &[
    "text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap", "template",
    "flex", "coupon",
];
/// Most quick-reply buttons on one message (line-api.md §4.1).
pub const MAX_QUICK_REPLY_ITEMS: usize = 13;
/// Action types a quick-reply button may carry (line-api.md §4.1).
pub const QUICK_REPLY_ACTION_TYPES: &[&str] = &[
    "postback",
    "message",
    "uri",
    "datetimepicker",
    "camera",
    "cameraRoll",
    "location",
    "clipboard",
];
/// Longest quick-reply `imageUrl`, in characters (line-api.md §4.1).
pub const MAX_QUICK_REPLY_IMAGE_URL_LEN: usize = 2000;
/// Longest `sender.name`, in UTF-16 units (line-api.md §4.1).
pub const MAX_SENDER_NAME_LEN: usize = 20;
/// Longest `sender.iconUrl`, in characters (line-api.md §4.1).
pub const MAX_SENDER_ICON_URL_LEN: usize = 2000;
/// Longest text message, in UTF-16 units (line-api.md §4.2 "text").
pub const MAX_TEXT_LEN: usize = 5000;
/// Longest image-message URL (`originalContentUrl`, `previewImageUrl`) (line-api.md §4.2).
pub const MAX_IMAGE_MESSAGE_URL_LEN: usize = 2000;
/// Longest Flex `altText`, in UTF-16 units; shown in notifications (line-api.md §4.2 "flex").
pub const MAX_ALT_TEXT_LEN: usize = 1500;

// ---------------------------------------------------------------------------------------------
// Flex containers (§4.3)

/// Largest bubble, in bytes of compact JSON. LINE says "30 KB" without defining KB or the
/// serialisation, so we take the stricter reading (line-api.md §4.3 and §10).
pub const MAX_BUBBLE_BYTES: usize = 30_000;
/// Largest carousel, in bytes of compact JSON (line-api.md §4.3 and §10, as above).
pub const MAX_CAROUSEL_BYTES: usize = 50_000;
/// Most bubbles in a carousel (line-api.md §4.3).
pub const MAX_CAROUSEL_BUBBLES: usize = 12;
/// Fewest bubbles in a carousel: an empty one has nothing to show (line-api.md §4.3).
pub const MIN_CAROUSEL_BUBBLES: usize = 1;
/// Bubble `size` values (line-api.md §4.3).
pub const BUBBLE_SIZES: &[&str] = &["nano", "micro", "deca", "hecto", "kilo", "mega", "giga"];
/// Bubble size when `size` is absent; matters for "all bubbles the same size" (line-api.md §4.3).
pub const DEFAULT_BUBBLE_SIZE: &str = "mega";
/// Bubble `direction` values (line-api.md §4.3).
pub const BUBBLE_DIRECTIONS: &[&str] = &["ltr", "rtl"];
/// Component types allowed as a bubble's `hero` (line-api.md §4.3).
pub const HERO_TYPES: &[&str] = &["box", "image", "video"];
/// Bubble sizes whose hero may be a video (line-api.md §4.4 "video only … kilo/mega/giga").
pub const VIDEO_BUBBLE_SIZES: &[&str] = &["kilo", "mega", "giga"];

// ---------------------------------------------------------------------------------------------
// Flex components (§4.4)

/// Every Flex component type (line-api.md §4.4).
pub const COMPONENT_TYPES: &[&str] =
    &["box", "button", "image", "video", "icon", "text", "span", "separator", "filler"];
/// Box `layout` values (line-api.md §4.4).
pub const BOX_LAYOUTS: &[&str] = &["horizontal", "vertical", "baseline"];
/// Children a horizontal or vertical box may hold (line-api.md §4.4 "Allowed children").
pub const LINEAR_BOX_CHILDREN: &[&str] = &["box", "button", "image", "text", "separator", "filler"];
/// Children a baseline box may hold (line-api.md §4.4 "Allowed children").
pub const BASELINE_BOX_CHILDREN: &[&str] = &["icon", "text", "filler"];
/// Properties a child of a baseline box may not use (line-api.md §4.4 "Allowed children").
pub const BASELINE_FORBIDDEN_CHILD_PROPS: &[&str] = &["gravity", "offsetBottom"];
/// Keywords for `spacing`, `margin`, `padding*` and `offset*` (line-api.md §4.4 value sets).
pub const SPACING_KEYWORDS: &[&str] = &["none", "xs", "sm", "md", "lg", "xl", "xxl"];
/// Keywords for text, span and icon `size` (line-api.md §4.4 value sets).
pub const TEXT_SIZES: &[&str] = &["xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl"];
/// Keywords for image `size`: the text sizes plus `full` (line-api.md §4.4 value sets).
pub const IMAGE_SIZES: &[&str] =
    &["xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl", "full"];
/// Box `borderWidth` keywords (line-api.md §4.4 value sets).
pub const BORDER_WIDTHS: &[&str] = &["none", "light", "normal", "medium", "semi-bold", "bold"];
/// Box `cornerRadius` keywords (line-api.md §4.4 value sets).
pub const CORNER_RADII: &[&str] = &["none", "xs", "sm", "md", "lg", "xl", "xxl"];
/// `position` values (line-api.md §4.4 value sets).
pub const POSITIONS: &[&str] = &["relative", "absolute"];
/// Text and span `weight` (line-api.md §4.4 value sets).
pub const WEIGHTS: &[&str] = &["regular", "bold"];
/// Text and span `style` (line-api.md §4.4 value sets).
pub const TEXT_STYLES: &[&str] = &["normal", "italic"];
/// Text and span `decoration` (line-api.md §4.4 value sets).
pub const DECORATIONS: &[&str] = &["none", "underline", "line-through"];
/// `align` values (line-api.md §4.4 value sets).
pub const ALIGNS: &[&str] = &["start", "end", "center"];
/// `gravity` values (line-api.md §4.4 value sets).
pub const GRAVITIES: &[&str] = &["top", "bottom", "center"];
/// Button `style` values (line-api.md §4.4 value sets).
pub const BUTTON_STYLES: &[&str] = &["primary", "secondary", "link"];
/// Button `height` values (line-api.md §4.4 value sets).
pub const BUTTON_HEIGHTS: &[&str] = &["sm", "md"];
/// Box `justifyContent` values (line-api.md §4.4 value sets).
pub const JUSTIFY_CONTENTS: &[&str] =
    &["center", "flex-start", "flex-end", "space-between", "space-around", "space-evenly"];
/// Box `alignItems` values (line-api.md §4.4 value sets).
pub const ALIGN_ITEMS: &[&str] = &["center", "flex-start", "flex-end"];
/// Text and button `adjustMode` values (line-api.md §4.4 value sets).
pub const ADJUST_MODES: &[&str] = &["shrink-to-fit"];
/// Image `aspectMode` values (line-api.md §4.4 value sets).
pub const ASPECT_MODES: &[&str] = &["fit", "cover"];
/// Largest side of an image `aspectRatio` `W:H`; the smallest is 1 (line-api.md §4.4).
pub const MAX_ASPECT_RATIO_SIDE: u32 = 100_000;
/// An image `aspectRatio` height may be at most this many times its width (line-api.md §4.4).
pub const MAX_ASPECT_HEIGHT_FACTOR: u32 = 3;
/// Box `background.type` values (line-api.md §4.4 value sets).
pub const BACKGROUND_TYPES: &[&str] = &["linearGradient"];
/// Gradient `angle` is `Ndeg` with 0 ≤ N < this (line-api.md §4.4 value sets).
pub const MAX_GRADIENT_ANGLE_DEG: f64 = 360.0;
/// Gradient `centerPosition` is `N%` with 0 ≤ N ≤ this (line-api.md §4.4 value sets).
pub const MAX_GRADIENT_CENTER_PERCENT: f64 = 100.0;
/// Longest Flex image or icon `url`, in characters (line-api.md §4.4 "Image").
pub const MAX_FLEX_IMAGE_URL_LEN: usize = 2000;

// ---------------------------------------------------------------------------------------------
// Actions (§4.5)

/// Action types usable inside Flex messages: camera, cameraRoll and location are quick-reply
/// only and richmenuswitch is rich-menu only (line-api.md §4.5 "Where usable").
pub const FLEX_ACTION_TYPES: &[&str] =
    &["postback", "message", "uri", "datetimepicker", "clipboard"];
/// Longest postback `data`, in UTF-16 units; it must not be empty either (line-api.md §4.5).
pub const MAX_POSTBACK_DATA_LEN: usize = 300;
/// Longest postback `displayText`, in grapheme clusters (line-api.md §4.5, §4.1 counting).
pub const MAX_DISPLAY_TEXT_LEN: usize = 300;
/// Longest deprecated postback `text`, in grapheme clusters (line-api.md §4.5).
pub const MAX_POSTBACK_TEXT_LEN: usize = 300;
/// Longest postback `fillInText`, in grapheme clusters (line-api.md §4.5).
pub const MAX_FILL_IN_TEXT_LEN: usize = 300;
/// Postback `inputOption` values (line-api.md §4.5).
pub const INPUT_OPTIONS: &[&str] = &["closeRichMenu", "openRichMenu", "openKeyboard", "openVoice"];
/// Longest message-action `text`, in grapheme clusters (line-api.md §4.5, §4.1 counting).
pub const MAX_MESSAGE_ACTION_TEXT_LEN: usize = 300;
/// Longest URI-action `uri` and `altUri.desktop` (line-api.md §4.5).
pub const MAX_URI_LEN: usize = 1000;
/// Schemes a URI action may open (line-api.md §4.5).
pub const URI_SCHEMES: &[&str] = &["http", "https", "line", "tel"];
/// Longest datetime-picker `data` (line-api.md §4.5).
pub const MAX_DATETIME_DATA_LEN: usize = 300;
/// Datetime-picker `mode` values (line-api.md §4.5).
pub const DATETIME_MODES: &[&str] = &["date", "time", "datetime"];
/// Longest clipboard-action `clipboardText`; it must not be empty (line-api.md §4.5).
pub const MAX_CLIPBOARD_TEXT_LEN: usize = 1000;
/// Longest action `label` in Flex, where a button requires one (line-api.md §4.5 `label`).
pub const MAX_FLEX_LABEL_LEN: usize = 40;
/// Longest action `label` in a quick reply, where it is required (line-api.md §4.5 `label`).
pub const MAX_QUICK_REPLY_LABEL_LEN: usize = 20;

// ---------------------------------------------------------------------------------------------
// Rich menus (§5)

/// Most tappable areas in one rich menu (line-api.md §5.1).
pub const MAX_AREAS: usize = 20;
/// Longest `chatBarText`, in grapheme clusters, approximated by characters (line-api.md §5.1).
pub const MAX_CHAT_BAR_LEN: usize = 14;
/// Longest rich menu `name` (line-api.md §5.1).
pub const MAX_NAME_LEN: usize = 300;
/// Longest action `label` in a rich menu (line-api.md §4.5 `label`).
pub const MAX_RICHMENU_LABEL_LEN: usize = 20;
/// Narrowest rich menu image (line-api.md §5.1, §5.2).
pub const MIN_WIDTH: u32 = 800;
/// Widest rich menu image (line-api.md §5.1, §5.2).
pub const MAX_WIDTH: u32 = 2500;
/// Lowest rich menu image (line-api.md §5.1, §5.2).
pub const MIN_HEIGHT: u32 = 250;
/// Smallest width/height ratio (line-api.md §5.1, §5.2).
pub const MIN_RATIO: f64 = 1.45;
/// Largest image file. LINE says "1 MB"; we take the stricter decimal reading (line-api.md §5.2).
pub const MAX_IMAGE_BYTES: usize = 1_000_000;
/// Longest rich menu alias ID; only `[a-z0-9_-]` (line-api.md §5.3 "Alias ID").
pub const MAX_ALIAS_LEN: usize = 32;
/// Action types a rich menu area may carry (line-api.md §4.5 "Where usable").
pub const AREA_ACTION_TYPES: &[&str] =
    &["postback", "message", "uri", "datetimepicker", "richmenuswitch", "clipboard"];

// ---------------------------------------------------------------------------------------------
// Sending (§3.2, §6.1)

/// Most users in one multicast (line-api.md §3.2).
pub const MAX_MULTICAST_RECIPIENTS: usize = 500;
/// Most filter conditions in one narrowcast (line-api.md §6.1).
pub const MAX_FILTER_CONDITIONS: usize = 10;
