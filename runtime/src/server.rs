//! The accept loop: HTTP/1 connections on an already bound listener, shut down gracefully.
//!
//! `serve` takes a bound `TcpListener` and a shutdown future, so `main` passes the real port and
//! SIGTERM/SIGINT while tests run the real server in-process on `127.0.0.1:0`, stopped through a
//! channel. A semaphore caps open connections; hyper's header-read timeout drops clients that send
//! nothing; an accept error (e.g. out of file descriptors) is logged and retried after a pause
//! instead of ending the server. On shutdown the listener is dropped first, open connections get
//! the grace period to finish, and then the reply queue is drained within the same bound.

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

use crate::routes;
use crate::state::State;
use crate::tls::Tls;

/// Pause after a failed `accept` before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `state` on `listener` until `shutdown` completes, then finishes open connections
/// and queued replies (each within `limits.shutdown_grace`) and returns.
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
    let limits = state.config.limits.clone();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "listening");
    }
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let state = state.clone();
        let service = service_fn(move |req| {
            let state = state.clone();
            async move { Ok::<_, Infallible>(routes::handle(&state, req).await) }
        });
        match &tls {
            None => {
                let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                    drop(permit);
                });
            }
            Some(tls) => {
                let (acceptor, builder) = (tls.acceptor(), builder.clone());
                let (timeout, watcher) = (limits.header_timeout, graceful.watcher());
                tokio::spawn(async move {
                    match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
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
    drop(listener);
    state.begin_shutdown();
    tracing::info!("shutting down: finishing open connections and queued replies");
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("open connections did not finish in time");
    }
    state.queue.close(limits.shutdown_grace).await;
    tracing::info!("stopped");
}
