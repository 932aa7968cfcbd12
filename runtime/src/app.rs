//! `oyako serve` as a process: environment, signals, runtime. Glue, so errors are `anyhow`.
//!
//! The library entry point [`crate::serve`] knows nothing about signals or the environment;
//! this module connects it to them: SIGTERM/SIGINT become the shutdown future, and SIGHUP
//! calls [`crate::State::reload`] on a blocking thread (file I/O) while requests go on.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use crate::config::Config;
use crate::state::State;
use crate::tls::Tls;

/// What `oyako serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The bundle directory.
    pub bundle: PathBuf,
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The state directory, if any.
    pub state_dir: Option<PathBuf>,
    /// Certificate chain and private key (PEM) to terminate HTTPS here; `None` means plain
    /// HTTP behind a reverse proxy.
    pub tls: Option<(PathBuf, PathBuf)>,
}

/// Runs the server until SIGTERM or SIGINT.
pub fn run(opts: &ServeOptions) -> anyhow::Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    let config = Config::from_env(opts.bundle.clone(), opts.state_dir.clone(), env)?;
    let notice_policy = crate::notices::Policy::from_env(env).map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let tls = match &opts.tls {
            Some((cert, key)) => Some(Arc::new(Tls::load(cert, key)?)),
            None => None,
        };
        let state = State::start(config)?;
        crate::notices::spawn(state.clone(), notice_policy, Arc::new(crate::notices::SystemClock));
        let listener = TcpListener::bind(opts.listen)
            .await
            .with_context(|| format!("cannot listen on {}", opts.listen))?;
        let terminate = shutdown_signal()?;
        spawn_reload_on_sighup(state.clone(), tls.clone())?;
        crate::serve_tls(listener, state, tls, terminate).await;
        Ok(())
    })
}

/// Completes on the first SIGTERM or SIGINT.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    let mut term = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM received"),
            _ = int.recv() => tracing::info!("SIGINT received"),
        }
    })
}

/// Reloads the bundle (and the TLS certificate, if any) on every SIGHUP, for the life of the
/// process.
fn spawn_reload_on_sighup(state: Arc<State>, tls: Option<Arc<Tls>>) -> anyhow::Result<()> {
    let mut hup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            tracing::info!("SIGHUP received: reloading the bundle");
            let state = state.clone();
            // The outcome is logged and counted by `reload` itself.
            let _ = tokio::task::spawn_blocking(move || state.reload()).await;
            if let Some(tls) = &tls {
                match tls.reload() {
                    Ok(()) => tracing::info!("TLS certificate reloaded"),
                    Err(e) => {
                        tracing::error!(error = %e, "TLS reload failed; keeping the old certificate")
                    }
                }
            }
        }
    });
    Ok(())
}
