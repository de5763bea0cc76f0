//! The one HTTP error type: every 4xx and 5xx leaves as an [`ErrorBody`] `{code, message}`.
//! Messages are for a person and never carry internals; 5xx details go to the log only.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rapport_protocol::wire::{codes, ErrorBody};

use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or a field is out of bounds; the message names it.
    #[error("{0}")]
    Invalid(String),
    /// 401: no token, an unknown token, a signed-out or revoked device, or a failed login.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: signed in, but the role doesn't allow it.
    #[error("{0}")]
    Forbidden(String),
    /// 404: not found, or not this team's (the two are not told apart).
    #[error("{0}")]
    NotFound(String),
    /// 405: the route exists, not with this method.
    #[error("this endpoint doesn't take that method")]
    MethodNotAllowed,
    /// 409: it exists already.
    #[error("{0}")]
    Conflict(String),
    /// 409: a push that skips seqs.
    #[error("this device's ops must continue from seq {expected}; the push started a gap")]
    SeqGap { expected: u64 },
    /// 413: a body, batch or field over its cap.
    #[error("{0}")]
    TooLarge(String),
    /// 422: an op's clock is too far ahead of the server's.
    #[error("{0}")]
    ClockAhead(String),
    /// 426: the client speaks an older wire format.
    #[error("this version of Rapport is too old for the sync server; please update Rapport (your data on this device keeps working)")]
    ClientOutdated,
    /// 429: too many attempts; retry after the given seconds.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// 500: the message is generic; the cause is logged.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(e))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::SeqGap { .. } => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::ClockAhead(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::ClientOutdated => StatusCode::UPGRADE_REQUIRED,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Invalid(_) | ApiError::MethodNotAllowed => codes::INVALID,
            ApiError::Unauthorized(_) => codes::UNAUTHORIZED,
            ApiError::Forbidden(_) => codes::FORBIDDEN,
            ApiError::NotFound(_) => codes::NOT_FOUND,
            ApiError::Conflict(_) => codes::CONFLICT,
            ApiError::SeqGap { .. } => codes::SEQ_GAP,
            ApiError::TooLarge(_) => codes::TOO_LARGE,
            ApiError::ClockAhead(_) => codes::CLOCK_AHEAD,
            ApiError::ClientOutdated => codes::CLIENT_OUTDATED,
            ApiError::RateLimited { .. } => codes::RATE_LIMITED,
            ApiError::Internal(_) => codes::INTERNAL,
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::SeqGap { expected } => ApiError::SeqGap { expected },
            StorageError::Conflict(message) => ApiError::Conflict(message),
            StorageError::Forbidden(message) => ApiError::Forbidden(message),
            StorageError::NotFound(message) => ApiError::NotFound(message),
            StorageError::Invalid(message) => ApiError::Invalid(message),
            e @ (StorageError::Database(_)
            | StorageError::Migrate(_)
            | StorageError::Corrupt(_)
            | StorageError::Scheme(_)) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            // The cause stays in the log (the request's span names route and ids).
            tracing::error!(error = %e, "internal error");
        }
        let body = ErrorBody { code: self.code().to_string(), message: self.to_string() };
        let mut response = (self.status(), Json(body)).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}
