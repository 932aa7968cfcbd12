//! Command implementations shared by the `oyako` binary: each returns the process exit code.

use std::process::ExitCode;
use std::time::Instant;

use compiler::BuildOptions;

/// `oyako build` (write = true) and `oyako check` (write = false).
pub fn build(opts: &BuildOptions, write: bool) -> ExitCode {
    let start = Instant::now();
    let result = if write { compiler::build(opts) } else { compiler::check(opts) };
    match result {
        Ok(report) => {
            for w in report.warnings.clone().sorted() {
                eprintln!("{w}");
            }
            let verb = if write { "書き出しました" } else { "問題はありません" };
            eprintln!(
                "{verb}: ページ {} / セクション {} / 返信 {}（{} バイト、{:.0} ms）ハッシュ {}",
                report.pages,
                report.sections,
                report.replies,
                report.manifest_bytes,
                start.elapsed().as_secs_f64() * 1000.0,
                &report.content_hash[..12.min(report.content_hash.len())],
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            let errors = diags.error_count();
            for d in diags.sorted() {
                eprintln!("{d}");
            }
            eprintln!("エラーが {errors} 件あります。何も書き出していません。");
            ExitCode::FAILURE
        }
    }
}

/// `oyako serve`: runs the webhook server until SIGTERM or SIGINT.
pub fn serve(opts: &crate::ServeOptions) -> ExitCode {
    match crate::app::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("oyako serve cannot run: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `oyako dev`: builds, serves and simulates until Ctrl-C.
pub fn dev(opts: &crate::dev::DevOptions) -> ExitCode {
    match crate::dev::run(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oyako dev を起動できません: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `oyako verify`: loads a bundle exactly as `oyako serve` would, without serving it.
pub fn verify(bundle: &std::path::Path) -> ExitCode {
    match crate::state::load(bundle, None) {
        Ok(loaded) => {
            let b = &loaded.bundle;
            eprintln!(
                "{}: ok (format {}, {} pages, {} replies, hash {})",
                bundle.display(),
                b.format_version,
                b.pages.len(),
                b.postbacks.len(),
                &b.content_hash[..12.min(b.content_hash.len())]
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: not a usable bundle: {e}", bundle.display());
            ExitCode::FAILURE
        }
    }
}

/// `oyako richmenu deploy` (deploy = true) and `oyako richmenu status`.
pub fn richmenu(bundle: &std::path::Path, deploy: bool) -> ExitCode {
    let run = async {
        let api = crate::api::Api::from_env(|name| std::env::var(name).ok())?;
        if !deploy {
            for line in crate::richmenu::status(&api, Some(bundle)).await? {
                println!("{line}");
            }
            return Ok::<_, anyhow::Error>(());
        }
        let done = crate::richmenu::deploy(&api, bundle).await?;
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
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from);
    match result.and_then(|rt| rt.block_on(run)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oyako richmenu: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `oyako report`: prints the KPI summary; writes the HTML page and CSV files asked for.
pub fn report(opts: &crate::report::ReportOptions) -> ExitCode {
    match crate::report::run(opts, |name| std::env::var(name).ok()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("oyako report: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `oyako notices`: every notice of the bundle with its status (upcoming, sent, missed, …).
pub fn notices(opts: &crate::notices::ListOptions) -> ExitCode {
    crate::notices::list(opts)
}

/// `oyako send`: one notice now, a test on staff phones (`--to`), or the request (`--dry-run`).
pub fn send(opts: &crate::notices::SendOptions) -> ExitCode {
    crate::notices::send(opts)
}
