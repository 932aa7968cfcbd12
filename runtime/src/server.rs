//! The accept loops: HTTP/1 connections on already bound listeners, shut down gracefully.
//!
//! `serve_on` takes bound `TcpListener`s and a shutdown future, so `main` passes the real ports and
//! SIGTERM/SIGINT while tests run the real server in-process on `127.0.0.1:0`, stopped through a
//! channel. The public listener (optionally TLS) answers LINE and parents; the admin listener,
//! when there is one, answers probes and monitoring (see [`Routes`]). Each listener has its own
//! connection cap (a semaphore), so a flood on the public port cannot starve the health checks;
//! hyper's header-read timeout drops clients that send nothing; an accept error (e.g. out of file
//! descriptors) is logged and retried after a pause instead of ending the server. On shutdown the
//! listeners are dropped first, open connections get the grace period to finish, and then the
//! reply queue is drained within the same bound.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::routes::{self, Routes};
use crate::state::State;
use crate::tls::Tls;

/// Pause after a failed `accept` before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// Open connections allowed on the admin listener (probes and a metrics scraper need few).
const ADMIN_CONNECTIONS: usize = 32;

/// The sockets one server answers on.
#[derive(Debug)]
pub struct Listeners {
    /// LINE's webhooks and parents' requests.
    pub public: TcpListener,
    /// Terminate TLS on the public listener with this certificate.
    pub tls: Option<Arc<Tls>>,
    /// Health, readiness and metrics (plain HTTP, for loopback or the cluster network).
    /// `None` serves them on the public listener too: one port, as `oyako dev` and tests do.
    pub admin: Option<TcpListener>,
}

/// Serves every route on `listener` until `shutdown` completes, then finishes open
/// connections and queued replies (each within `limits.shutdown_grace`) and returns.
pub async fn serve(listener: TcpListener, state: Arc<State>, shutdown: impl Future<Output = ()>) {
    serve_tls(listener, state, None, shutdown).await;
}

/// Like [`serve`], terminating TLS with `tls` when given (the TLS handshake must finish
/// within the header-read timeout).
pub async fn serve_tls(
    listener: TcpListener,
    state: Arc<State>,
    tls: Option<Arc<Tls>>,
    shutdown: impl Future<Output = ()>,
) {
    serve_on(Listeners { public: listener, tls, admin: None }, state, shutdown).await;
}

/// Serves the public routes on `listeners.public` and the admin routes on `listeners.admin`
/// (or everything on the public listener when there is no admin one) until `shutdown`.
pub async fn serve_on(listeners: Listeners, state: Arc<State>, shutdown: impl Future<Output = ()>) {
    let limits = state.config.limits.clone();
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    let Listeners { public, tls, admin } = listeners;
    let public_routes = if admin.is_some() { Routes::Public } else { Routes::All };
    let conn = Conn { state: &state, builder: &builder, graceful: &graceful };
    let public = conn.accept(public, public_routes, tls, limits.max_connections);
    let admin = async {
        match admin {
            Some(admin) => conn.accept(admin, Routes::Admin, None, ADMIN_CONNECTIONS).await,
            None => std::future::pending().await,
        }
    };
    // Dropping the accept loops closes the listeners; connections already open are watched
    // by `graceful`.
    tokio::select! {
        _ = async { tokio::join!(public, admin) } => {}
        () = shutdown => {}
    }
    state.begin_shutdown();
    tracing::info!("shutting down: finishing open connections and queued replies");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("open connections did not finish in time");
    }
    state.queue.close(limits.shutdown_grace).await;
    // Taps, follows and searches wait in memory for the journal's next batch (up to a
    // second); a clean stop writes them before it returns, whoever still holds the state.
    if let Err(e) = state.flush_journal().await {
        tracing::error!(error = %e, "the last KPI records could not be written");
    }
    tracing::info!("stopped");
}

/// What every accept loop shares.
#[derive(Clone, Copy)]
struct Conn<'a> {
    state: &'a Arc<State>,
    builder: &'a http1::Builder,
    graceful: &'a GracefulShutdown,
}

impl Conn<'_> {
    /// Accepts connections on `listener` and serves `routes` on each (at most `cap` at once).
    /// Runs until dropped.
    async fn accept(
        self,
        listener: TcpListener,
        routes: Routes,
        tls: Option<Arc<Tls>>,
        cap: usize,
    ) {
        let header_timeout = self.state.config.limits.header_timeout;
        let permits = Arc::new(Semaphore::new(cap.max(1)));
        if let Ok(addr) = listener.local_addr() {
            match routes {
                Routes::Admin => tracing::info!(%addr, routes = routes.name(), "admin listening"),
                _ => tracing::info!(%addr, routes = routes.name(), "listening"),
            }
        }
        loop {
            let Ok(permit) = permits.clone().acquire_owned().await else { return };
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            };
            let state = self.state.clone();
            let service = service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(routes::handle_on(routes, &state, req).await) }
            });
            match &tls {
                None => {
                    let conn = self
                        .graceful
                        .watch(self.builder.serve_connection(TokioIo::new(stream), service));
                    tokio::spawn(async move {
                        if let Err(e) = conn.await {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                        drop(permit);
                    });
                }
                Some(tls) => {
                    let (acceptor, builder) = (tls.acceptor(), self.builder.clone());
                    let watcher = self.graceful.watcher();
                    tokio::spawn(async move {
                        match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                            Ok(Ok(stream)) => {
                                let conn = builder.serve_connection(TokioIo::new(stream), service);
                                if let Err(e) = watcher.watch(conn).await {
                                    tracing::debug!(error = %e, "TLS connection ended with an error");
                                }
                            }
                            Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                            Err(_) => tracing::debug!("TLS handshake timed out"),
                        }
                        drop(permit);
                    });
                }
            }
        }
    }
}
