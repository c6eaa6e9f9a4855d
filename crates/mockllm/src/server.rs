//! Accept loop and per-connection handling.
//!
//! `axum::serve` hides the socket, but `fault-reset` must abort the TCP connection
//! with an RST. So each accepted connection is served by hyper directly, with a
//! [`ConnHandle`] in every request's extensions. A handler that calls
//! [`ConnHandle::reset`] makes the connection task set `SO_LINGER 0` on a duplicate
//! of the socket's descriptor and drop the connection: the last close then sends
//! an RST instead of a FIN. Accepted sockets get `TCP_NODELAY`.

use std::future::Future;
use std::io;
use std::os::fd::AsFd;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;
use tracing::{debug, warn};

use crate::state::AppState;

/// Lets a handler abort the connection its request arrived on.
#[derive(Clone, Default)]
pub(crate) struct ConnHandle {
    reset: Arc<Notify>,
}

impl ConnHandle {
    /// Asks the connection task to reset the connection (RST, no response).
    pub(crate) fn reset(&self) {
        self.reset.notify_one();
    }
}

/// Serves [`crate::app`] on `listener` until `shutdown` completes.
///
/// Connections still open at shutdown are dropped when the runtime stops.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let router = crate::app(state);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Per-connection failures (e.g. aborted handshakes, fd limits)
                    // must not stop the server.
                    warn!(%error, "accept failed");
                    continue;
                }
            },
        };
        if let Err(error) = stream.set_nodelay(true) {
            debug!(%error, %peer, "TCP_NODELAY not set");
        }
        tokio::spawn(serve_connection(stream, router.clone()));
    }
}

async fn serve_connection(stream: TcpStream, router: Router) {
    // A second descriptor for the same socket, kept to set SO_LINGER at reset time.
    let socket = stream
        .as_fd()
        .try_clone_to_owned()
        .map(socket2::Socket::from)
        .ok();
    let handle = ConnHandle::default();
    let for_requests = handle.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(for_requests.clone());
        router.clone().oneshot(request)
    });
    let builder = Builder::new(TokioExecutor::new());
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                debug!(%error, "connection ended with an error");
            }
        }
        () = handle.reset.notified() => {
            if let Some(socket) = &socket {
                if let Err(error) = socket.set_linger(Some(Duration::ZERO)) {
                    warn!(%error, "SO_LINGER 0 not set; the reset will be a FIN");
                }
            }
            // Leaving the select drops the connection and its descriptor; dropping
            // `socket` below closes the last one, which sends the RST.
        }
    }
    drop(socket);
}
