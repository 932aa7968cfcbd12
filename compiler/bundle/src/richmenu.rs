//! The rich menu part of the bundle format (`bundle.json` → `richmenu`).
//!
//! What a deploy step does with it
//! (<https://developers.line.biz/en/reference/messaging-api/#rich-menu>): for each menu whose
//! `name` is not yet on the channel, `POST /v2/bot/richmenu` with `request`, upload `image` with
//! `image_type`, then create or update the alias `alias` to the new menu ID; finally make the menu
//! of `default_alias` the default for all users and delete the account's older `oyako-*` menus.
//! The switch actions in the requests (postback data [`crate::postback::TAB`]) name aliases,
//! never menu IDs, so each menu can be replaced alone.

use serde::{Deserialize, Serialize};

/// Every rich menu of the account, with their images under `dist/richmenu/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RichMenuBundle {
    /// SHA-256 (hex) over the menus' hashes: unchanged means there is nothing to deploy.
    pub content_hash: String,
    /// Alias of the menu to show to everyone (the main menu).
    pub default_alias: String,
    /// The main menu first, then the tabs by name.
    pub menus: Vec<RichMenuEntry>,
}

/// One rich menu, ready for LINE's API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RichMenuEntry {
    /// Tab name (`main` for the main menu).
    pub tab: String,
    /// Rich menu alias ID that switch actions and the deploy step use (`oyako-main`).
    pub alias: String,
    /// SHA-256 (hex) of the request JSON (with an empty `name`) followed by the image bytes.
    pub hash: String,
    /// The body of `POST /v2/bot/richmenu` (a rich menu object,
    /// <https://developers.line.biz/en/reference/messaging-api/#rich-menu-object>); its `name`
    /// holds the alias and the start of `hash`, so a deploy step can tell which menus already
    /// exist.
    pub request: serde_json::Value,
    /// The image, relative to the bundle directory (`richmenu/oyako-main.png`).
    pub image: String,
    /// `Content-Type` for the upload: `image/png` or `image/jpeg`.
    pub image_type: String,
}
