//! A real server per test on 127.0.0.1:0, and encrypted stores signed in to it.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use rapport_core::{FixedClock, Protection, Store};
use rapport_server::clock::SystemClock;
use rapport_server::{app, AppConfig, AppState};
use serde_json::Value;
use tempfile::TempDir;
use uuid::Uuid;
use zeroize::Zeroizing;

pub const PASSWORD: &str = "correct horse battery";

pub struct Server {
    pub url: String,
    /// The server's SQLite file.
    pub db: std::path::PathBuf,
    _dir: TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    pub async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("server.sqlite3").display());
        Server::on_database(&db, dir).await
    }

    /// A server instance on the database at `url` (several may share one PostgreSQL).
    pub async fn on_database(url: &str, dir: TempDir) -> Server {
        // The SQLite file, when that is the database (tests grep its bytes).
        let file = dir.path().join("server.sqlite3");
        let storage = rapport_server::storage::open(url).await.unwrap();
        // Cheap password hashes and loose login limits: the server's own tests cover both.
        let config = AppConfig::lenient();
        let state = AppState::new(storage, Arc::new(SystemClock), config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            let stopped = async {
                let _ = stopped.await;
            };
            axum::serve(listener, service).with_graceful_shutdown(stopped).await.unwrap();
        });
        Server { url, db: file, _dir: dir, stop: Some(stop) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub async fn store(dir: &Path) -> Store {
    let clock = Arc::new(FixedClock(
        chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00Z").unwrap().to_utc(),
    ));
    let protection = Protection::Passphrase(Zeroizing::new("a passphrase for tests".into()));
    Store::init(dir, protection, clock).await.unwrap()
}

/// The owner of a new team, signed in on `store`.
pub async fn owner(server: &Server, store: &Store, email: &str) -> Uuid {
    rapport_sync::account::register(&server.url, email, PASSWORD, Some("Acme"), None)
        .await
        .unwrap();
    let signed_in = rapport_sync::account::login(store, &server.url, email, PASSWORD, "desk");
    signed_in.await.unwrap().team_id
}

/// A member joining with an invite from `inviter`'s store, signed in on `store`.
pub async fn member(server: &Server, inviter: &Store, store: &Store, email: &str) {
    let code = rapport_sync::account::invite(inviter).await.unwrap().code;
    rapport_sync::account::register(&server.url, email, PASSWORD, None, Some(&code)).await.unwrap();
    rapport_sync::account::login(store, &server.url, email, PASSWORD, "laptop").await.unwrap();
}

/// Every customer as a device shows it, without the times each device keeps for itself.
pub async fn customers(store: &Store) -> Vec<Value> {
    let list = store.list_customers(&Default::default()).await.unwrap();
    let mut out = Vec::new();
    for c in list {
        let mut c = serde_json::to_value(store.get_customer(c.id).await.unwrap()).unwrap();
        for local in ["created_at", "updated_at", "last_contacted_at"] {
            c.as_object_mut().unwrap().remove(local);
        }
        out.push(c);
    }
    out.sort_by_key(|c| c["id"].as_str().unwrap().to_string());
    out
}
