//! LINE's limits for what a bot sends, each a named constant citing where LINE states it.
//!
//! One home per limit: the compiler's generators size their output by these constants and its
//! validator checks the result against the same ones; the runtime sizes its requests by them.
//! Each cites the LINE documentation it comes from. LINE's OpenAPI spec (`messaging-api.yml`)
//! checks field names, types and a few enums, but not these sizes, label lengths, URL schemes,
//! value formats or which components a box layout may hold.

// ---------------------------------------------------------------------------------------------
// Requests and common message properties

/// Fewest message objects in one send request
/// (<https://developers.line.biz/en/reference/messaging-api/#send-reply-message-request-body>).
pub const MIN_MESSAGES: usize = 1;
/// Most message objects in one send request
/// (<https://developers.line.biz/en/reference/messaging-api/#send-reply-message-request-body>).
pub const MAX_MESSAGES: usize = 5;
/// Message `type`s LINE knows
/// (<https://developers.line.biz/en/reference/messaging-api/#message-objects>).
pub const MESSAGE_TYPES: &[&str] = &[
    "text", "textV2", "sticker", "image", "video", "audio", "location", "imagemap", "template",
    "flex", "coupon",
];
/// Most quick-reply buttons on one message
/// (<https://developers.line.biz/en/reference/messaging-api/#items-object>).
pub const MAX_QUICK_REPLY_ITEMS: usize = 13;
/// Action types a quick-reply button may carry
/// (<https://developers.line.biz/en/reference/messaging-api/#quick-reply-button-object>).
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
/// Longest quick-reply `imageUrl`, in characters
/// (<https://developers.line.biz/en/reference/messaging-api/#quick-reply-button-object>).
pub const MAX_QUICK_REPLY_IMAGE_URL_LEN: usize = 2000;
/// Longest `sender.name`, in UTF-16 units
/// (<https://developers.line.biz/en/reference/messaging-api/#icon-nickname-switch>).
pub const MAX_SENDER_NAME_LEN: usize = 20;
/// Longest `sender.iconUrl`, in characters
/// (<https://developers.line.biz/en/reference/messaging-api/#icon-nickname-switch>).
pub const MAX_SENDER_ICON_URL_LEN: usize = 2000;
/// Longest text message, in UTF-16 units
/// (<https://developers.line.biz/en/reference/messaging-api/#text-message>).
pub const MAX_TEXT_LEN: usize = 5000;
/// Longest image-message URL (`originalContentUrl`, `previewImageUrl`)
/// (<https://developers.line.biz/en/reference/messaging-api/#image-message>).
pub const MAX_IMAGE_MESSAGE_URL_LEN: usize = 2000;
/// Longest Flex `altText`, in UTF-16 units; shown in notifications
/// (<https://developers.line.biz/en/reference/messaging-api/#flex-message>).
pub const MAX_ALT_TEXT_LEN: usize = 1500;

// ---------------------------------------------------------------------------------------------
// Flex containers

/// Largest bubble, in bytes of compact JSON. LINE says "30 KB" without defining KB or the
/// serialisation, so we take the stricter reading
/// (<https://developers.line.biz/en/reference/messaging-api/#bubble>).
pub const MAX_BUBBLE_BYTES: usize = 30_000;
/// Largest carousel, in bytes of compact JSON, read as strictly as the bubble limit
/// (<https://developers.line.biz/en/reference/messaging-api/#f-carousel>).
pub const MAX_CAROUSEL_BYTES: usize = 50_000;
/// Most bubbles in a carousel
/// (<https://developers.line.biz/en/reference/messaging-api/#f-carousel>).
pub const MAX_CAROUSEL_BUBBLES: usize = 12;
/// Fewest bubbles in a carousel: an empty one has nothing to show
/// (<https://developers.line.biz/en/reference/messaging-api/#f-carousel>).
pub const MIN_CAROUSEL_BUBBLES: usize = 1;
/// Bubble `size` values (<https://developers.line.biz/en/reference/messaging-api/#bubble>).
pub const BUBBLE_SIZES: &[&str] = &["nano", "micro", "deca", "hecto", "kilo", "mega", "giga"];
/// Bubble size when `size` is absent; matters for "all bubbles the same size"
/// (<https://developers.line.biz/en/reference/messaging-api/#bubble>).
pub const DEFAULT_BUBBLE_SIZE: &str = "mega";
/// Bubble `direction` values (<https://developers.line.biz/en/reference/messaging-api/#bubble>).
pub const BUBBLE_DIRECTIONS: &[&str] = &["ltr", "rtl"];
/// Component types allowed as a bubble's `hero`
/// (<https://developers.line.biz/en/reference/messaging-api/#bubble>).
pub const HERO_TYPES: &[&str] = &["box", "image", "video"];
/// Bubble sizes whose hero may be a video
/// (<https://developers.line.biz/en/reference/messaging-api/#f-video>).
pub const VIDEO_BUBBLE_SIZES: &[&str] = &["kilo", "mega", "giga"];

// ---------------------------------------------------------------------------------------------
// Flex components

/// Every Flex component type
/// (<https://developers.line.biz/en/reference/messaging-api/#flex-component>).
pub const COMPONENT_TYPES: &[&str] =
    &["box", "button", "image", "video", "icon", "text", "span", "separator", "filler"];
/// Box `layout` values (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const BOX_LAYOUTS: &[&str] = &["horizontal", "vertical", "baseline"];
/// Children a horizontal or vertical box may hold
/// (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const LINEAR_BOX_CHILDREN: &[&str] = &["box", "button", "image", "text", "separator", "filler"];
/// Children a baseline box may hold
/// (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const BASELINE_BOX_CHILDREN: &[&str] = &["icon", "text", "filler"];
/// Properties a child of a baseline box may not use
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/#baseline-box>).
pub const BASELINE_FORBIDDEN_CHILD_PROPS: &[&str] = &["gravity", "offsetBottom"];
/// Keywords for `spacing`, `margin`, `padding*` and `offset*`
/// (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const SPACING_KEYWORDS: &[&str] = &["none", "xs", "sm", "md", "lg", "xl", "xxl"];
/// Keywords for text, span and icon `size`
/// (<https://developers.line.biz/en/reference/messaging-api/#f-text>).
pub const TEXT_SIZES: &[&str] = &["xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl"];
/// Keywords for image `size`: the text sizes plus `full`
/// (<https://developers.line.biz/en/reference/messaging-api/#f-image>).
pub const IMAGE_SIZES: &[&str] =
    &["xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl", "full"];
/// Box `borderWidth` keywords (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const BORDER_WIDTHS: &[&str] = &["none", "light", "normal", "medium", "semi-bold", "bold"];
/// Box `cornerRadius` keywords (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const CORNER_RADII: &[&str] = &["none", "xs", "sm", "md", "lg", "xl", "xxl"];
/// `position` values
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/#component-offset>).
pub const POSITIONS: &[&str] = &["relative", "absolute"];
/// Text and span `weight` (<https://developers.line.biz/en/reference/messaging-api/#f-text>).
pub const WEIGHTS: &[&str] = &["regular", "bold"];
/// Text and span `style` (<https://developers.line.biz/en/reference/messaging-api/#f-text>).
pub const TEXT_STYLES: &[&str] = &["normal", "italic"];
/// Text and span `decoration` (<https://developers.line.biz/en/reference/messaging-api/#f-text>).
pub const DECORATIONS: &[&str] = &["none", "underline", "line-through"];
/// `align` values
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/#align-property>).
pub const ALIGNS: &[&str] = &["start", "end", "center"];
/// `gravity` values
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/#gravity-property>).
pub const GRAVITIES: &[&str] = &["top", "bottom", "center"];
/// Button `style` values (<https://developers.line.biz/en/reference/messaging-api/#button>).
pub const BUTTON_STYLES: &[&str] = &["primary", "secondary", "link"];
/// Button `height` values (<https://developers.line.biz/en/reference/messaging-api/#button>).
pub const BUTTON_HEIGHTS: &[&str] = &["sm", "md"];
/// Box `justifyContent` values (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const JUSTIFY_CONTENTS: &[&str] =
    &["center", "flex-start", "flex-end", "space-between", "space-around", "space-evenly"];
/// Box `alignItems` values (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const ALIGN_ITEMS: &[&str] = &["center", "flex-start", "flex-end"];
/// Text and button `adjustMode` values
/// (<https://developers.line.biz/en/reference/messaging-api/#f-text>).
pub const ADJUST_MODES: &[&str] = &["shrink-to-fit"];
/// Image `aspectMode` values (<https://developers.line.biz/en/reference/messaging-api/#f-image>).
pub const ASPECT_MODES: &[&str] = &["fit", "cover"];
/// Largest side of an image `aspectRatio` `W:H`; the smallest is 1
/// (<https://developers.line.biz/en/reference/messaging-api/#f-image>).
pub const MAX_ASPECT_RATIO_SIDE: u32 = 100_000;
/// An image `aspectRatio` height may be at most this many times its width
/// (<https://developers.line.biz/en/reference/messaging-api/#f-image>).
pub const MAX_ASPECT_HEIGHT_FACTOR: u32 = 3;
/// Box `background.type` values (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub const BACKGROUND_TYPES: &[&str] = &["linearGradient"];
/// Gradient `angle` is `Ndeg` with 0 ≤ N < this
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/#linear-gradient-bg-angle>).
pub const MAX_GRADIENT_ANGLE_DEG: f64 = 360.0;
/// Gradient `centerPosition` is `N%` with 0 ≤ N ≤ this
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/#linear-gradient-bg-center-color>).
pub const MAX_GRADIENT_CENTER_PERCENT: f64 = 100.0;
/// Longest Flex image or icon `url`, in characters
/// (<https://developers.line.biz/en/reference/messaging-api/#f-image>).
pub const MAX_FLEX_IMAGE_URL_LEN: usize = 2000;

// ---------------------------------------------------------------------------------------------
// Actions

/// Action types usable inside Flex messages: camera, cameraRoll and location are quick-reply only
/// and richmenuswitch is rich-menu only
/// (<https://developers.line.biz/en/reference/messaging-api/#action-objects>).
pub const FLEX_ACTION_TYPES: &[&str] =
    &["postback", "message", "uri", "datetimepicker", "clipboard"];
/// Longest postback `data`, in UTF-16 units; it must not be empty either
/// (<https://developers.line.biz/en/reference/messaging-api/#postback-action>).
pub const MAX_POSTBACK_DATA_LEN: usize = 300;
/// Longest postback `displayText`, in grapheme clusters
/// (<https://developers.line.biz/en/reference/messaging-api/#postback-action>; counted as in
/// <https://developers.line.biz/en/docs/messaging-api/text-character-count/>).
pub const MAX_DISPLAY_TEXT_LEN: usize = 300;
/// Longest deprecated postback `text`, in grapheme clusters
/// (<https://developers.line.biz/en/reference/messaging-api/#postback-action>).
pub const MAX_POSTBACK_TEXT_LEN: usize = 300;
/// Longest postback `fillInText`, in grapheme clusters
/// (<https://developers.line.biz/en/reference/messaging-api/#postback-action>).
pub const MAX_FILL_IN_TEXT_LEN: usize = 300;
/// Postback `inputOption` values
/// (<https://developers.line.biz/en/reference/messaging-api/#postback-action>).
pub const INPUT_OPTIONS: &[&str] = &["closeRichMenu", "openRichMenu", "openKeyboard", "openVoice"];
/// Longest message-action `text`, in grapheme clusters
/// (<https://developers.line.biz/en/reference/messaging-api/#message-action>; counted as in
/// <https://developers.line.biz/en/docs/messaging-api/text-character-count/>).
pub const MAX_MESSAGE_ACTION_TEXT_LEN: usize = 300;
/// Longest URI-action `uri` and `altUri.desktop`
/// (<https://developers.line.biz/en/reference/messaging-api/#uri-action>).
pub const MAX_URI_LEN: usize = 1000;
/// Schemes a URI action may open
/// (<https://developers.line.biz/en/reference/messaging-api/#uri-action>).
pub const URI_SCHEMES: &[&str] = &["http", "https", "line", "tel"];
/// Longest datetime-picker `data`
/// (<https://developers.line.biz/en/reference/messaging-api/#datetime-picker-action>).
pub const MAX_DATETIME_DATA_LEN: usize = 300;
/// Datetime-picker `mode` values
/// (<https://developers.line.biz/en/reference/messaging-api/#datetime-picker-action>).
pub const DATETIME_MODES: &[&str] = &["date", "time", "datetime"];
/// Longest clipboard-action `clipboardText`; it must not be empty
/// (<https://developers.line.biz/en/reference/messaging-api/#clipboard-action>).
pub const MAX_CLIPBOARD_TEXT_LEN: usize = 1000;
/// Longest action `label` in Flex, where a button requires one
/// (<https://developers.line.biz/en/reference/messaging-api/#action-object-label-spec>).
pub const MAX_FLEX_LABEL_LEN: usize = 40;
/// Longest action `label` in a quick reply, where it is required
/// (<https://developers.line.biz/en/reference/messaging-api/#action-object-label-spec>).
pub const MAX_QUICK_REPLY_LABEL_LEN: usize = 20;

// ---------------------------------------------------------------------------------------------
// Rich menus

/// Most tappable areas in one rich menu
/// (<https://developers.line.biz/en/reference/messaging-api/#rich-menu-object>).
pub const MAX_AREAS: usize = 20;
/// Longest `chatBarText`, in grapheme clusters, approximated by characters
/// (<https://developers.line.biz/en/reference/messaging-api/#rich-menu-object>).
pub const MAX_CHAT_BAR_LEN: usize = 14;
/// Longest rich menu `name`
/// (<https://developers.line.biz/en/reference/messaging-api/#rich-menu-object>).
pub const MAX_NAME_LEN: usize = 300;
/// Longest action `label` in a rich menu
/// (<https://developers.line.biz/en/reference/messaging-api/#action-object-label-spec>).
pub const MAX_RICHMENU_LABEL_LEN: usize = 20;
/// Narrowest rich menu image
/// (<https://developers.line.biz/en/reference/messaging-api/#upload-rich-menu-image-requirements>).
pub const MIN_WIDTH: u32 = 800;
/// Widest rich menu image
/// (<https://developers.line.biz/en/reference/messaging-api/#upload-rich-menu-image-requirements>).
pub const MAX_WIDTH: u32 = 2500;
/// Lowest rich menu image
/// (<https://developers.line.biz/en/reference/messaging-api/#upload-rich-menu-image-requirements>).
pub const MIN_HEIGHT: u32 = 250;
/// Smallest width/height ratio
/// (<https://developers.line.biz/en/reference/messaging-api/#upload-rich-menu-image-requirements>).
pub const MIN_RATIO: f64 = 1.45;
/// Largest image file. LINE says "1 MB"; we take the stricter decimal reading
/// (<https://developers.line.biz/en/reference/messaging-api/#upload-rich-menu-image-requirements>).
pub const MAX_IMAGE_BYTES: usize = 1_000_000;
/// Longest rich menu alias ID; only `[a-z0-9_-]`
/// (<https://developers.line.biz/en/reference/messaging-api/#create-rich-menu-alias>).
pub const MAX_ALIAS_LEN: usize = 32;
/// Action types a rich menu area may carry
/// (<https://developers.line.biz/en/reference/messaging-api/#action-objects>).
pub const AREA_ACTION_TYPES: &[&str] =
    &["postback", "message", "uri", "datetimepicker", "richmenuswitch", "clipboard"];

// ---------------------------------------------------------------------------------------------
// Sending

/// Most users in one multicast
/// (<https://developers.line.biz/en/reference/messaging-api/#send-multicast-request-body>).
pub const MAX_MULTICAST_RECIPIENTS: usize = 500;
/// Most filter conditions in one narrowcast
/// (<https://developers.line.biz/en/reference/messaging-api/#narrowcast-demographic-filter>).
pub const MAX_FILTER_CONDITIONS: usize = 10;
/// Days after a narrowcast was accepted during which LINE tells its progress (then 404)
/// (<https://developers.line.biz/en/reference/messaging-api/#get-narrowcast-progress-status>).
pub const NARROWCAST_PROGRESS_DAYS: u64 = 14;
