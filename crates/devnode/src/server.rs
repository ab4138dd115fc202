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
use serde_json::json;
use std::{net::SocketAddr, sync::Arc};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

/// Errors starting a node.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
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
            chain: std::sync::Mutex::new(Chain::new(&config)),
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
        let server = tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                eprintln!("stylus-devnode: server error: {e}");
            }
        });
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

async fn handle(State(state): State<AppState>, body: Body) -> Response {
    let bytes = match axum::body::to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
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
    let out = tokio::task::spawn_blocking(move || rpc::handle_body(&rpc, &bytes)).await;
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
