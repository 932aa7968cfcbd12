//! `oyako richmenu deploy|status`: the bundle's rich menus on the channel.

use std::path::Path;
use std::process::ExitCode;

use runtime::api::Api;

use super::verify::Args;

/// What to do with the rich menus.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create, upload, alias and set as default; delete the menus replaced (env: LINE_CHANNEL_ACCESS_TOKEN).
    Deploy(Args),
    /// Show the rich menus, aliases and default on the channel, and whether they match the bundle.
    Status(Args),
}

/// Runs the command on a small single-threaded async runtime.
pub fn execute(command: Command) -> ExitCode {
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| {
            rt.block_on(async {
                let api = Api::from_env(|name| std::env::var(name).ok())?;
                match &command {
                    Command::Deploy(args) => deploy(&api, &args.bundle).await,
                    Command::Status(args) => status(&api, &args.bundle).await,
                }
            })
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oyako richmenu: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn status(api: &Api, bundle: &Path) -> anyhow::Result<()> {
    for line in runtime::richmenu::status(api, Some(bundle)).await? {
        println!("{line}");
    }
    Ok(())
}

async fn deploy(api: &Api, bundle: &Path) -> anyhow::Result<()> {
    let done = runtime::richmenu::deploy(api, bundle).await?;
    if done.is_noop() {
        println!("リッチメニューは最新です（変更なし）");
    } else {
        println!(
            "リッチメニューを更新しました: 作成 {} / 別名 {} / 既定の切り替え {} / 削除 {}",
            done.created.len(),
            done.aliases.len(),
            if done.default_changed { "あり" } else { "なし" },
            done.deleted.len()
        );
    }
    Ok(())
}
