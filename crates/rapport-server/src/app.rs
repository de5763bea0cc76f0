//! The router: [`app`] builds it from an [`AppState`], whatever listener serves it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use rapport_protocol::wire::{PROTOCOL_VERSION, VERSION_HEADER};
use serde::de::DeserializeOwned;
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::clock::Clock;
use crate::error::ApiError;
use crate::limits::{Limiter, LoginLimits, MAX_PUSH_BODY_BYTES, MAX_SMALL_BODY_BYTES};
use crate::storage::Storage;
use crate::wakeups::Wakeups;
use crate::{accounts, devices, ops};

/// Settings a deployment (or a test) may change.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// Argon2id cost for new password hashes (the argon2 crate's defaults in production;
    /// tests pass cheap ones).
    pub argon2: argon2::Params,
    pub login_limits: LoginLimits,
}

impl AppConfig {
    /// The cheapest password hashes and login limits nothing reaches: for tests and
    /// benchmarks, which measure other things. Never for a server people use.
    pub fn lenient() -> Self {
        let loose = crate::limits::Quota { burst: 100_000, refill_ms: 1 };
        AppConfig {
            // The argon2 crate's minimum memory; these parameters are always valid.
            argon2: argon2::Params::new(8, 1, 1, None).unwrap_or_default(),
            login_limits: LoginLimits { per_ip: loose, per_account: loose },
        }
    }
}

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    pub limiter: Arc<Limiter>,
    /// A hash to check unknown emails' passwords against, so a failed sign-in takes as
    /// long whether or not the account exists.
    pub(crate) decoy_hash: Arc<String>,
    /// Pulls waiting for a push to their team.
    pub(crate) wakeups: Arc<Wakeups>,
}

impl AppState {
    pub async fn new(
        storage: Arc<dyn Storage>,
        clock: Arc<dyn Clock>,
        config: AppConfig,
    ) -> Result<Self, ApiError> {
        let decoy_hash = crate::auth::hash_password(&config.argon2, "decoy password").await?;
        Ok(AppState {
            storage,
            clock,
            config: Arc::new(config),
            limiter: Arc::new(Limiter::default()),
            decoy_hash: Arc::new(decoy_hash),
            wakeups: Arc::new(Wakeups::default()),
        })
    }
}

/// Every route. Bodies may come gzip-compressed; responses are compressed when the client
/// accepts it. Body caps apply to the decompressed bytes.
pub fn app(state: AppState) -> Router {
    let versioned = Router::new()
        .route("/accounts", post(accounts::create))
        .route("/accounts/{id}/role", put(accounts::set_role))
        .route("/sessions", post(accounts::sign_in).delete(accounts::sign_out))
        .route("/invites", post(accounts::invite))
        .route("/devices", get(devices::list))
        .route("/devices/{id}/revoke", post(devices::revoke))
        .route("/push", post(ops::push).layer(DefaultBodyLimit::max(MAX_PUSH_BODY_BYTES)))
        .route("/pull", get(ops::pull))
        .route("/snapshot", get(ops::snapshot))
        .layer(DefaultBodyLimit::max(MAX_SMALL_BODY_BYTES))
        .route_layer(middleware::from_fn(require_version));
    // Health answers any client, whatever its version.
    let v1 = versioned.route("/health", get(health));
    Router::new()
        .nest("/v1", v1)
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    // Logged: request id, method, path (ids only), status, latency; the
                    // session adds team and device. Never bodies, queries or headers.
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request| {
                            let id = req
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("");
                            tracing::info_span!(
                                "request",
                                id,
                                method = %req.method(),
                                path = req.uri().path(),
                                team = tracing::field::Empty,
                                device = tracing::field::Empty,
                            )
                        })
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                // A bug answers 500 like any internal error (the panic is in the log).
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::Internal("a handler panicked".into()).into_response()
                }))
                .layer(CompressionLayer::new())
                .layer(RequestDecompressionLayer::new()),
        )
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({
        "status": "ok",
        "protocol": PROTOCOL_VERSION,
        "database": state.storage.kind(),
    }))
}

/// Refuses a request without the [`VERSION_HEADER`] or with an older version: 426.
async fn require_version(req: Request, next: Next) -> Response {
    let version = req
        .headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u32>().ok());
    match version {
        Some(v) if v == PROTOCOL_VERSION => next.run(req).await,
        Some(v) if v > PROTOCOL_VERSION => ApiError::Invalid(format!(
            "this sync server speaks protocol {PROTOCOL_VERSION}, older than this Rapport's \
             ({v}); ask whoever runs the server to update it"
        ))
        .into_response(),
        _ => ApiError::ClientOutdated.into_response(),
    }
}

/// A JSON body, its failures as [`ApiError`]s (400, or 413 over the route's cap).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let push = req.uri().path().ends_with("/push");
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(if push {
                    format!(
                        "the push is over {} MiB (after decompression); send fewer ops per push",
                        MAX_PUSH_BODY_BYTES >> 20
                    )
                } else {
                    format!("the request body is over {} KiB", MAX_SMALL_BODY_BYTES >> 10)
                })
            } else {
                ApiError::Invalid("the request body could not be read (bad gzip?)".into())
            }
        })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            ApiError::Invalid(format!("the request body is not what this endpoint takes: {e}"))
        })
    }
}

/// Query parameters, their failures as 400 [`ApiError`]s.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError::Invalid(format!("query: {}", e.body_text())))
    }
}
