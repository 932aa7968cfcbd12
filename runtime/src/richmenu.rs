//! `oyako richmenu deploy|status`: puts the bundle's rich menus on the channel through LINE's API
//! (<https://developers.line.biz/en/reference/messaging-api/#rich-menu>) and shows what is live.
//!
//! Order matters so that a failure half-way leaves the old menu live: every new menu is
//! created and gets its image first; only then are aliases pointed at the new menus, the
//! main menu made the default, and the menus it replaced deleted. A menu's name carries the
//! hash of its request and image, so a menu that is already on the channel is reused and a
//! second run with unchanged content makes no change at all.

use std::collections::BTreeMap;
use std::path::Path;

use bundle::{self, RichMenuEntry};
use bytes::Bytes;
use http::Method;
use serde::Deserialize;
use serde_json::json;

use crate::api::{Api, ApiError, Host};

/// Menus whose name starts with this were made by oyako (others are left alone).
pub const NAME_PREFIX: &str = "oyako-";

/// Why a deploy stopped.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    /// The bundle could not be read or has no rich menu.
    #[error("{0}")]
    Bundle(String),
    /// A LINE API call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LiveMenu {
    rich_menu_id: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct MenuList {
    richmenus: Vec<LiveMenu>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Alias {
    rich_menu_alias_id: String,
    rich_menu_id: String,
}

#[derive(Debug, Deserialize)]
struct AliasList {
    aliases: Vec<Alias>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MenuId {
    rich_menu_id: String,
}

/// What a deploy did, for the operator.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Deployed {
    /// Menus created (alias → new id).
    pub created: Vec<(String, String)>,
    /// Aliases created or moved.
    pub aliases: Vec<String>,
    /// Whether the default menu changed.
    pub default_changed: bool,
    /// Old menus deleted.
    pub deleted: Vec<String>,
}

impl Deployed {
    /// True when the channel already matched the bundle.
    pub fn is_noop(&self) -> bool {
        *self == Deployed::default()
    }
}

/// Deploys the rich menus of the bundle in `dir`.
pub async fn deploy(api: &Api, dir: &Path) -> Result<Deployed, DeployError> {
    let menus = bundle_menus(dir)?;
    let mut done = Deployed::default();
    let live: MenuList = api.get("/v2/bot/richmenu/list").await?;
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (entry, image) in &menus {
        let name = entry.request["name"].as_str().unwrap_or_default();
        let id = match live.richmenus.iter().find(|m| m.name == name) {
            Some(m) => m.rich_menu_id.clone(),
            None => {
                let id = create(api, entry, image).await?;
                done.created.push((entry.alias.clone(), id.clone()));
                id
            }
        };
        ids.insert(entry.alias.clone(), id);
    }
    let aliases: AliasList = api.get("/v2/bot/richmenu/alias/list").await?;
    for (alias, id) in &ids {
        match aliases.aliases.iter().find(|a| &a.rich_menu_alias_id == alias) {
            Some(a) if &a.rich_menu_id == id => {}
            Some(_) => {
                api.post::<serde_json::Value>(
                    &format!("/v2/bot/richmenu/alias/{alias}"),
                    &json!({ "richMenuId": id }),
                )
                .await?;
                done.aliases.push(alias.clone());
            }
            None => {
                let body = json!({ "richMenuAliasId": alias, "richMenuId": id });
                api.post::<serde_json::Value>("/v2/bot/richmenu/alias", &body).await?;
                done.aliases.push(alias.clone());
            }
        }
    }
    let default_alias = menus.first().map(|(e, _)| e.alias.clone()).unwrap_or_default();
    let default_id = &ids[&default_alias];
    if current_default(api).await?.as_ref() != Some(default_id) {
        api.call(Method::POST, Host::Api, &format!("/v2/bot/user/all/richmenu/{default_id}"), None)
            .await?;
        done.default_changed = true;
    }
    let keep: Vec<&String> = ids.values().collect();
    for old in live
        .richmenus
        .iter()
        .filter(|m| m.name.starts_with(NAME_PREFIX) && !keep.contains(&&m.rich_menu_id))
    {
        api.delete(&format!("/v2/bot/richmenu/{}", old.rich_menu_id)).await?;
        done.deleted.push(old.rich_menu_id.clone());
    }
    Ok(done)
}

/// Validates, creates and uploads one menu; a menu left without its image is deleted again,
/// so a re-run never reuses a menu LINE cannot show.
async fn create(api: &Api, entry: &RichMenuEntry, image: &[u8]) -> Result<String, DeployError> {
    api.post::<serde_json::Value>("/v2/bot/richmenu/validate", &entry.request).await?;
    let MenuId { rich_menu_id: id } = api.post("/v2/bot/richmenu", &entry.request).await?;
    let content_type = if entry.image.ends_with(".png") { "image/png" } else { "image/jpeg" };
    let path = format!("/v2/bot/richmenu/{id}/content");
    if let Err(e) = api
        .call(Method::POST, Host::Data, &path, Some((Bytes::copy_from_slice(image), content_type)))
        .await
    {
        if let Err(cleanup) = api.delete(&format!("/v2/bot/richmenu/{id}")).await {
            tracing::warn!(error = %cleanup, "could not delete the half-made rich menu");
        }
        return Err(e.into());
    }
    Ok(id)
}

async fn current_default(api: &Api) -> Result<Option<String>, ApiError> {
    match api.get::<MenuId>("/v2/bot/user/all/richmenu").await {
        Ok(m) => Ok(Some(m.rich_menu_id)),
        Err(ApiError::Status { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The bundle's menus (main first) with their image bytes.
fn bundle_menus(dir: &Path) -> Result<Vec<(RichMenuEntry, Vec<u8>)>, DeployError> {
    let b = bundle::load(dir).map_err(|e| DeployError::Bundle(e.to_string()))?;
    let Some(rm) = b.richmenu else {
        return Err(DeployError::Bundle(format!(
            "{}: the bundle has no rich menu (add richmenu: to content/_index.md)",
            dir.display()
        )));
    };
    let mut menus: Vec<RichMenuEntry> = rm.menus;
    menus.sort_by_key(|m| m.alias != rm.default_alias);
    menus
        .into_iter()
        .map(|m| {
            let image = std::fs::read(dir.join(&m.image)).map_err(|e| {
                DeployError::Bundle(format!("{}: {e}", dir.join(&m.image).display()))
            })?;
            Ok((m, image))
        })
        .collect()
}

/// One line per live menu and alias, for `oyako richmenu status`.
pub async fn status(api: &Api, dir: Option<&Path>) -> Result<Vec<String>, DeployError> {
    let live: MenuList = api.get("/v2/bot/richmenu/list").await?;
    let aliases: AliasList = api.get("/v2/bot/richmenu/alias/list").await?;
    let default = current_default(api).await?;
    let wanted: Vec<String> = match dir {
        Some(d) => bundle_menus(d)?
            .iter()
            .map(|(e, _)| e.request["name"].as_str().unwrap_or_default().to_string())
            .collect(),
        None => Vec::new(),
    };
    let mut out = Vec::new();
    for m in &live.richmenus {
        let mut marks = Vec::new();
        if default.as_ref() == Some(&m.rich_menu_id) {
            marks.push("default".to_string());
        }
        marks.extend(
            aliases
                .aliases
                .iter()
                .filter(|a| a.rich_menu_id == m.rich_menu_id)
                .map(|a| format!("alias {}", a.rich_menu_alias_id)),
        );
        if wanted.contains(&m.name) {
            marks.push("matches the bundle".into());
        }
        out.push(format!("{} {:?} {}", m.rich_menu_id, m.name, marks.join(", ")));
    }
    for name in wanted.iter().filter(|n| !live.richmenus.iter().any(|m| &m.name == *n)) {
        out.push(format!("not deployed yet: {name:?} (run oyako richmenu deploy)"));
    }
    if out.is_empty() {
        out.push("no rich menus on the channel".into());
    }
    Ok(out)
}
