//! One server per test on 127.0.0.1:0, a fresh database each, and a small HTTP client.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rapport_protocol::wire::{Envelope, PROTOCOL_VERSION, VERSION_HEADER};
use rapport_protocol::{EntityKind, Hlc, Op, OpAction};
use rapport_server::clock::ManualClock;
use rapport_server::{app, AppConfig, AppState};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::Connection as _;
use tempfile::TempDir;
use uuid::Uuid;

/// The server's "now" in tests (2027-01-15), so op clocks look real.
pub const NOW_MS: u64 = 1_800_000_000_000;
pub const PASSWORD: &str = "correct horse battery";

/// Runs a scenario against each backend: `both!(name)` makes `name::sqlite` and
/// `name::postgres` (ignored unless run via `make test`, which provides PostgreSQL).
#[macro_export]
macro_rules! both {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario($crate::support::Db::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[ignore = "needs PostgreSQL: run via make test"]
            async fn postgres() {
                super::$scenario($crate::support::Db::Postgres).await
            }
        }
    };
}

#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// A fresh database: a file in a temp dir, or a new PostgreSQL database.
pub struct Database {
    pub url: String,
    _dir: Option<TempDir>,
}

impl Database {
    pub async fn fresh(db: Db) -> Database {
        match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("server.sqlite3").display());
                Database { url, _dir: Some(dir) }
            }
            Db::Postgres => {
                let base = std::env::var("RAPPORT_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                    panic!(
                        "RAPPORT_TEST_POSTGRES_URL is not set: run PostgreSQL tests via \
                         `make test` or scripts/with-postgres.sh"
                    )
                });
                let name = format!("t_{}", Uuid::now_v7().simple());
                let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
                let (server, _) = base.rsplit_once('/').unwrap();
                Database { url: format!("{server}/{name}"), _dir: None }
            }
        }
    }
}

/// Cheap hashes and generous login limits; tests of the limits set their own.
pub fn test_config() -> AppConfig {
    AppConfig::lenient()
}

pub struct Server {
    pub base: String,
    pub clock: ManualClock,
    pub db: Arc<Database>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    pub async fn start(db: Db) -> Server {
        Server::start_with(db, test_config()).await
    }

    pub async fn start_with(db: Db, config: AppConfig) -> Server {
        let db = Arc::new(Database::fresh(db).await);
        Server::on(db, config, ManualClock::new(NOW_MS)).await
    }

    /// Another instance on the same database.
    pub async fn on(db: Arc<Database>, config: AppConfig, clock: ManualClock) -> Server {
        let storage = rapport_server::storage::open(&db.url).await.unwrap();
        let state = AppState::new(storage, Arc::new(clock.clone()), config).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move {
            axum::serve(listener, service)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Server { base: format!("http://{addr}"), clock, db, stop: Some(stop) }
    }

    pub fn client(&self) -> Client {
        Client { http: http(), base: self.base.clone(), token: None, device: Uuid::now_v7() }
    }

    /// A new account with its own team, signed in on a new device.
    pub async fn owner(&self, email: &str) -> Client {
        let mut c = self.client();
        let r = c.post("/v1/accounts", &json!({"email": email, "password": PASSWORD})).await;
        assert_eq!(r.status, 201, "{r:?}");
        c.sign_in(email, PASSWORD).await;
        c
    }

    /// A new account joining `inviter`'s team, signed in on a new device.
    pub async fn member(&self, inviter: &Client, email: &str) -> Client {
        let code = inviter.post("/v1/invites", &json!({})).await;
        assert_eq!(code.status, 201, "{code:?}");
        let mut c = self.client();
        let r = c
            .post(
                "/v1/accounts",
                &json!({"email": email, "password": PASSWORD, "invite": code.body["code"]}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r.body["role"], "member");
        c.sign_in(email, PASSWORD).await;
        c
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
}

/// A device talking to one server instance.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
    pub device: Uuid,
}

impl Client {
    /// The same device, talking to another instance.
    pub fn via(&self, server: &Server) -> Client {
        Client {
            http: http(),
            base: server.base.clone(),
            token: self.token.clone(),
            device: self.device,
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        req
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| panic!("status {status}: body is not JSON: {bytes:?}"))
        };
        Reply { status, headers, body }
    }

    pub async fn post<T: Serialize + ?Sized>(&self, path: &str, body: &T) -> Reply {
        self.send(self.request(reqwest::Method::POST, path).json(body)).await
    }

    pub async fn put<T: Serialize + ?Sized>(&self, path: &str, body: &T) -> Reply {
        self.send(self.request(reqwest::Method::PUT, path).json(body)).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Reply {
        let r = self
            .post(
                "/v1/sessions",
                &json!({"email": email, "password": password,
                        "device_id": self.device, "device_name": "laptop"}),
            )
            .await;
        if r.status == 200 {
            self.token = Some(r.body["token"].as_str().unwrap().to_string());
        }
        r
    }

    pub async fn push(&self, ops: &[Envelope]) -> Reply {
        self.post("/v1/push", &json!({ "ops": ops })).await
    }

    /// Every op of the team from `after` on, following pages.
    pub async fn pull_all(&self, after: u64, limit: u32) -> Vec<rapport_protocol::wire::Pulled> {
        let mut ops = Vec::new();
        let mut cursor = after;
        loop {
            let r = self.get(&format!("/v1/pull?after={cursor}&limit={limit}")).await;
            assert_eq!(r.status, 200, "{r:?}");
            let page: rapport_protocol::wire::PullResponse =
                serde_json::from_value(r.body).unwrap();
            ops.extend(page.ops);
            cursor = page.cursor;
            if !page.more {
                return ops;
            }
        }
    }
}

/// An op of `device` sealed as the client sends it.
pub fn envelope(device: Uuid, seq: u64, millis: u64, entity: u128, action: OpAction) -> Envelope {
    Envelope::seal(&Op {
        device,
        seq,
        hlc: Hlc { millis, counter: 0 },
        entity: EntityKind::Customer,
        entity_id: Uuid::from_u128(entity),
        action,
    })
}

/// `n` ops setting a customer's name, seqs `from..from + n`.
pub fn names(device: Uuid, from: u64, n: u64) -> Vec<Envelope> {
    (from..from + n)
        .map(|seq| {
            let action =
                OpAction::Set { field: "name".into(), value: format!("v{seq}").into(), prev: None };
            envelope(device, seq, NOW_MS - 1_000_000 + seq, 1, action)
        })
        .collect()
}
