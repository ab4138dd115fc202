//! The HTTP server and the embeddable node handle.

use crate::{
    chain::Chain,
    config::{Mining, NodeConfig},
    error::{code, RpcError},
    rpc::{self, RpcContext},
};
use axum::{
    body::Body,
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use hyper::server::conn::http1;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use serde_json::json;
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    net::TcpListener,
    sync::{oneshot, watch, Semaphore},
    task::{JoinHandle, JoinSet},
};

/// Errors starting a node.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration names an ArbOS version the node does not model.
    #[error("unsupported ArbOS version {0} (supported: 40, 50, 51, 59, 60)")]
    UnsupportedArbos(u64),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Requested address.
        addr: SocketAddr,
        /// OS error.
        source: std::io::Error,
    },
}

#[derive(Clone)]
struct AppState {
    rpc: Arc<RpcContext>,
    max_body_bytes: usize,
}

/// A running node. Dropping it stops the server and the miner.
#[derive(Debug)]
pub struct DevNode {
    addr: SocketAddr,
    url: String,
    rpc: Arc<RpcContext>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    miner: Option<JoinHandle<()>>,
}

impl DevNode {
    /// Starts a node on the current tokio runtime and returns once it accepts connections.
    pub async fn start(config: NodeConfig) -> Result<Self, StartError> {
        if stylus_vm::StylusParams::for_arbos(config.arbos_version).is_none() {
            return Err(StartError::UnsupportedArbos(config.arbos_version));
        }
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
        let rpc = Arc::new(RpcContext {
            chain: std::sync::RwLock::new(Chain::new(&config)),
            max_batch: config.max_batch,
        });
        let state = AppState {
            rpc: rpc.clone(),
            max_body_bytes: config.max_body_bytes,
        };
        let app = Router::new()
            .route("/", post(handle).options(preflight))
            .with_state(state);
        let (tx, rx) = oneshot::channel::<()>();
        let limits = ConnectionLimits {
            max_connections: config.max_connections.max(1),
            header_timeout: config.header_timeout,
        };
        let server = tokio::spawn(serve(listener, app, limits, rx));
        let miner = match config.mining {
            Mining::Auto => None,
            Mining::Interval(period) => {
                let rpc = rpc.clone();
                Some(tokio::spawn(async move {
                    let mut ticker = tokio::time::interval(period);
                    ticker.tick().await;
                    loop {
                        ticker.tick().await;
                        rpc.with_chain(|c| c.seal());
                    }
                }))
            }
        };
        let url = format!("http://{addr}");
        Ok(Self {
            addr,
            url,
            rpc,
            shutdown: Some(tx),
            server: Some(server),
            miner,
        })
    }

    /// The JSON-RPC endpoint, e.g. `http://127.0.0.1:39123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Runs `f` with direct access to the chain (for embedding and tests).
    pub fn with_chain<R>(&self, f: impl FnOnce(&mut Chain) -> R) -> R {
        self.rpc.with_chain(f)
    }

    /// Stops the server (finishing in-flight requests) and the miner.
    pub async fn stop(mut self) {
        self.halt();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    /// Waits until the server ends (it ends only through [`DevNode::stop`] or a fatal error).
    pub async fn wait(mut self) {
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }

    fn halt(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(miner) = self.miner.take() {
            miner.abort();
        }
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Limits of the HTTP server.
#[derive(Clone, Copy, Debug)]
struct ConnectionLimits {
    max_connections: usize,
    header_timeout: Duration,
}

/// Accepts connections until `shutdown`, at most `max_connections` at once (the rest wait in
/// the listen backlog), each closed when its request headers take longer than
/// `header_timeout` (idle keep-alive connections included). On shutdown, in-flight requests
/// finish before the task ends.
async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    mut shutdown: oneshot::Receiver<()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and similar: wait a little instead of spinning.
                    eprintln!("stylus-devnode: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop_rx.clone();
        // Finished connections leave the set as new ones arrive.
        while connections.try_join_next().is_some() {}
        connections.spawn(async move {
            let _permit = permit;
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let stopping = tokio::select! {
                _ = conn.as_mut() => false,
                _ = stop.wait_for(|s| *s) => true,
            };
            if stopping {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        });
    }
    let _ = stop_tx.send(true);
    while connections.join_next().await.is_some() {}
}

/// Stack for executing one JSON-RPC request body.
const REQUEST_STACK: usize = 64 * 1024 * 1024;

/// Response headers of every JSON-RPC answer. Any origin may call the node (like anvil), so
/// browser dapps on another local port can use it.
const JSON_HEADERS: [(header::HeaderName, &str); 2] = [
    (header::CONTENT_TYPE, "application/json"),
    (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
];

/// CORS preflight for browser clients.
async fn preflight() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (header::ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS"),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"),
            (header::ACCESS_CONTROL_MAX_AGE, "600"),
        ],
    )
        .into_response()
}

/// Whether reading a body failed because it exceeds the size limit.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

async fn handle(State(state): State<AppState>, body: Body) -> Response {
    let bytes = match axum::body::to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(e) if !is_length_limit(&e) => {
            // A body that cannot be read (malformed chunked encoding, a broken connection).
            let error = RpcError::new(code::INVALID_REQUEST, format!("cannot read the body: {e}"));
            let body =
                json!({ "jsonrpc": "2.0", "id": null, "error": error.to_json() }).to_string();
            return (StatusCode::BAD_REQUEST, JSON_HEADERS, body).into_response();
        }
        Err(_) => {
            let error = RpcError::new(
                code::INVALID_REQUEST,
                format!(
                    "request body too large (limit {} bytes)",
                    state.max_body_bytes
                ),
            );
            let body =
                json!({ "jsonrpc": "2.0", "id": null, "error": error.to_json() }).to_string();
            return (StatusCode::PAYLOAD_TOO_LARGE, JSON_HEADERS, body).into_response();
        }
    };
    let rpc = state.rpc.clone();
    // Executing a request nests revm frames and Stylus programs; it gets a stack of its own
    // (64 MiB, allocated lazily) rather than the runtime's 2 MiB worker stack, which deep
    // cross-contract calls in debug builds overflow.
    let out = tokio::task::spawn_blocking(move || {
        stacker::grow(REQUEST_STACK, || rpc::handle_body(&rpc, &bytes))
    })
    .await;
    match out {
        Ok(body) => (JSON_HEADERS, body).into_response(),
        Err(_) => {
            let error = RpcError::new(code::INTERNAL, "internal error while handling the request");
            let body =
                json!({ "jsonrpc": "2.0", "id": null, "error": error.to_json() }).to_string();
            (StatusCode::INTERNAL_SERVER_ERROR, JSON_HEADERS, body).into_response()
        }
    }
}
