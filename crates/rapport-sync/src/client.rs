//! The server's HTTP API, one method per endpoint. Every request names the wire version;
//! push bodies go gzip-compressed, and answers come compressed when large.

use std::io::Write as _;
use std::time::Duration;

use flate2::write::GzEncoder;
use rapport_protocol::wire::accounts::{
    AccountCreated, CreateAccount, Devices, Invite, SignIn, SignedIn,
};
use rapport_protocol::wire::{
    PullResponse, PushRequest, PushResponse, SnapshotResponse, PROTOCOL_VERSION, VERSION_HEADER,
};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::{Result, SyncError};

/// A connection to one sync server, signed in or not.
#[derive(Clone)]
pub struct Client {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

// The token never reaches a log.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base", &self.base).finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the server at `url` (`https://…`, or `http://` on a local network).
    pub fn new(url: &str) -> Result<Self> {
        let base = url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(SyncError::Server {
                status: 0,
                code: "invalid".into(),
                message: format!("server: `{base}` is not an http:// or https:// address"),
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        Ok(Client { base, token: None, http })
    }

    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let mut req = self
            .http
            .request(method, format!("{}/v1{path}", self.base))
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        req
    }

    async fn send<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T> {
        let answer = req.send().await.map_err(|e| self.offline(e))?;
        let status = answer.status();
        let body = answer.bytes().await.map_err(|e| self.offline(e))?;
        if !status.is_success() {
            return Err(SyncError::from_answer(status.as_u16(), &body));
        }
        // An answer without a body (204) reads as JSON null.
        let body: &[u8] = if body.is_empty() { b"null" } else { &body };
        serde_json::from_slice(body).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    fn offline(&self, e: reqwest::Error) -> SyncError {
        // The error's own text can carry the URL with a query; keep the kind only.
        let detail = if e.is_timeout() {
            "it did not answer in time".to_string()
        } else if e.is_connect() {
            "the connection was refused or the address could not be found".to_string()
        } else {
            e.to_string()
        };
        SyncError::Offline { url: self.base.clone(), detail }
    }

    fn json<B: serde::Serialize>(req: RequestBuilder, body: &B) -> Result<RequestBuilder> {
        let bytes = serde_json::to_vec(body).map_err(|e| SyncError::Protocol(e.to_string()))?;
        Ok(req.header("content-type", "application/json").body(bytes))
    }

    pub async fn create_account(&self, body: &CreateAccount) -> Result<AccountCreated> {
        self.send(Self::json(self.request(Method::POST, "/accounts"), body)?).await
    }

    pub async fn sign_in(&self, body: &SignIn) -> Result<SignedIn> {
        self.send(Self::json(self.request(Method::POST, "/sessions"), body)?).await
    }

    pub async fn sign_out(&self) -> Result<()> {
        let _: serde_json::Value = self.send(self.request(Method::DELETE, "/sessions")).await?;
        Ok(())
    }

    pub async fn invite(&self) -> Result<Invite> {
        self.send(self.request(Method::POST, "/invites")).await
    }

    pub async fn devices(&self) -> Result<Devices> {
        self.send(self.request(Method::GET, "/devices")).await
    }

    pub async fn revoke(&self, device: Uuid) -> Result<()> {
        let path = format!("/devices/{device}/revoke");
        let _: serde_json::Value = self.send(self.request(Method::POST, &path)).await?;
        Ok(())
    }

    /// Pushes a batch, gzip-compressed.
    pub async fn push(&self, body: &PushRequest) -> Result<PushResponse> {
        let json = serde_json::to_vec(body).map_err(|e| SyncError::Protocol(e.to_string()))?;
        let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4), Default::default());
        gz.write_all(&json)
            .and_then(|()| gz.flush())
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        let body = gz.finish().map_err(|e| SyncError::Protocol(e.to_string()))?;
        let req = self
            .request(Method::POST, "/push")
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(body);
        self.send(req).await
    }

    pub async fn pull(&self, after: u64, limit: u32) -> Result<PullResponse> {
        self.send(self.request(Method::GET, &format!("/pull?after={after}&limit={limit}"))).await
    }

    /// Like [`Client::pull`], but when nothing is new the server holds the request up to
    /// `wait_s` seconds (it caps that at 25) for a teammate's push: a long poll.
    pub async fn pull_waiting(&self, after: u64, limit: u32, wait_s: u64) -> Result<PullResponse> {
        let path = format!("/pull?after={after}&limit={limit}&wait={wait_s}");
        self.send(self.request(Method::GET, &path)).await
    }

    /// A page of the compacted snapshot; `upto` from the first page's answer.
    pub async fn snapshot(
        &self,
        after: u64,
        upto: Option<u64>,
        limit: u32,
    ) -> Result<SnapshotResponse> {
        let upto = upto.map(|u| format!("&upto={u}")).unwrap_or_default();
        let path = format!("/snapshot?after={after}&limit={limit}{upto}");
        self.send(self.request(Method::GET, &path)).await
    }
}
