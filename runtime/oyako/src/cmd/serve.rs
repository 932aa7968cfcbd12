//! `oyako serve` as a process: environment, signals, runtime. Glue, so errors are `anyhow`.
//!
//! The library entry point [`runtime::serve_on`] knows nothing about signals or the
//! environment; this module connects it to them: `--listen` is the public listener (LINE and
//! parents), `--admin-listen` the admin one (probes, metrics); SIGTERM/SIGINT become the shutdown future,
//! and SIGHUP calls [`runtime::State::reload`] on a blocking thread (file I/O) while requests
//! go on.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use runtime::tls::Tls;
use runtime::{Config, Listeners, State, logging, notices};

/// What to serve, where, and with which state and certificate.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle directory to serve.
    #[arg(long, default_value = "dist")]
    bundle: PathBuf,
    /// The public address: LINE's webhooks and the bundle's assets, nothing else.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// The admin address: /healthz, /readyz and /metrics (plain HTTP; keep it off the
    /// internet: loopback on a VM, the pod network in Kubernetes).
    #[arg(long, default_value = "127.0.0.1:9091")]
    admin_listen: SocketAddr,
    /// Directory for runtime state (created if missing).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Log format: text or json (default: OYAKO_LOG_FORMAT, else text).
    #[arg(long)]
    log_format: Option<String>,
    /// Serve HTTPS with this certificate chain (PEM); re-read on SIGHUP.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Private key (PEM) for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

/// Runs the webhook server until SIGTERM or SIGINT.
pub fn execute(args: Args) -> ExitCode {
    match logging::Format::resolve(args.log_format.as_deref()) {
        Ok(format) => logging::init(format),
        Err(e) => {
            eprintln!("oyako serve: {e}");
            return ExitCode::FAILURE;
        }
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("oyako serve cannot run: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let env = |name: &str| std::env::var(name).ok();
    let config = Config::from_env(args.bundle.clone(), args.state_dir.clone(), env)?;
    let notice_policy = notices::Policy::from_env(env).map_err(anyhow::Error::msg)?;
    let timed_policy = runtime::delivery::Policy::from_env(env).map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let tls = match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => Some(Arc::new(Tls::load(cert, key)?)),
            _ => None,
        };
        let state = State::start(config)?;
        notices::spawn(state.clone(), notice_policy);
        runtime::delivery::spawn(state.clone(), timed_policy);
        let public = bind(args.listen).await?;
        let admin = bind(args.admin_listen).await.context("--admin-listen")?;
        let terminate = shutdown_signal()?;
        spawn_reload_on_sighup(state.clone(), tls.clone())?;
        let listeners = Listeners { public, tls, admin: Some(admin) };
        runtime::serve_on(listeners, state, terminate).await;
        Ok(())
    })
}

async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))
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
