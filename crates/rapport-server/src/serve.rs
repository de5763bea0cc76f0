//! Listening: TLS with rustls, or plain HTTP on loopback (or when explicitly allowed), and
//! a graceful stop on Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;

use crate::app::{app, AppConfig, AppState};
use crate::clock::SystemClock;
use crate::storage::{self, StorageError};

/// The server's defaults: a SQLite file in the working directory, loopback, port 8787.
pub const DEFAULT_DATABASE: &str = "sqlite://rapport-server.sqlite3";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// `sqlite://PATH` or `postgres://…`.
    pub database: String,
    pub listen: SocketAddr,
    /// PEM certificate chain and private key.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Serve plain HTTP on a non-loopback address (behind a TLS-terminating proxy).
    pub allow_plain_http: bool,
    pub app: AppConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("refusing plain HTTP on {0}, which is not a loopback address: passwords and tokens would cross the network unencrypted. Give --tls-cert and --tls-key, or --allow-plain-http when a proxy in front terminates TLS")]
    PlainHttp(SocketAddr),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("TLS certificate or key ({path})")]
    Tls { path: String, source: std::io::Error },
    #[error("listening on {addr}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("starting: {0}")]
    Start(String),
}

/// Opens the database and serves until Ctrl-C.
pub async fn serve(config: ServeConfig) -> Result<(), ServeError> {
    let addr = config.listen;
    if config.tls.is_none() && !addr.ip().is_loopback() && !config.allow_plain_http {
        return Err(ServeError::PlainHttp(addr));
    }
    let storage = storage::open(&config.database).await?;
    tracing::info!(database = storage.kind(), "database ready");
    let state = AppState::new(storage, Arc::new(SystemClock), config.app)
        .await
        .map_err(|e| ServeError::Start(e.to_string()))?;
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    let listen_error = |source| ServeError::Listen { addr, source };
    match config.tls {
        Some((cert, key)) => {
            // One crypto provider for the process, whatever other crates enable.
            let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
            let tls = RustlsConfig::from_pem_file(&cert, &key).await.map_err(|source| {
                ServeError::Tls { path: format!("{}, {}", cert.display(), key.display()), source }
            })?;
            let handle = axum_server::Handle::new();
            let stopping = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stopping.graceful_shutdown(Some(Duration::from_secs(30)));
            });
            tracing::info!(%addr, "listening (HTTPS)");
            axum_server::bind_rustls(addr, tls)
                .handle(handle)
                .serve(service)
                .await
                .map_err(listen_error)
        }
        None => {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(listen_error)?;
            // The port it got (`--listen 127.0.0.1:0` picks a free one: tests read it here).
            let bound = listener.local_addr().unwrap_or(addr);
            tracing::info!(addr = %bound, "listening (plain HTTP)");
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown_signal())
                .await
                .map_err(listen_error)
        }
    }
}

async fn shutdown_signal() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handler: run until killed.
        std::future::pending::<()>().await;
    }
    tracing::info!("shutting down");
}
