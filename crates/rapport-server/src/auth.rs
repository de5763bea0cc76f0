//! Secrets (tokens, invite codes) and passwords, and the extractor that turns a request's
//! bearer token into its [`Session`].
//!
//! Tokens are 256 random bits, shown once; the database keeps only their SHA-256, so a
//! leaked database holds no usable token. Passwords are Argon2id hashes (PHC strings).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::{Session, SEEN_EVERY_MS};

/// A new random 256-bit secret, as base64url text (43 characters).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new one-use invite code: 256 random bits as 64 hex digits. People paste it into a
/// command line, where base64url's `-` as the first character reads as an option (1 code
/// in 64 could not be used that way), so it is letters and digits only.
pub fn new_invite_code() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a secret.
pub fn hash_secret(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

/// An Argon2id hash of `password` (on a blocking thread: it is meant to be slow).
pub async fn hash_password(params: &Params, password: &str) -> Result<String, ApiError> {
    let (params, password) = (params.clone(), password.to_string());
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2(&params).hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(|e| ApiError::Internal(e.to_string().into()))
}

/// Whether `password` matches the PHC string `hash` (its own parameters apply).
pub async fn verify_password(params: &Params, hash: &str, password: &str) -> bool {
    let (params, hash, password) = (params.clone(), hash.to_string(), password.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|h| argon2(&params).verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "sign in first: this request needs the device's token \
                     (Authorization: Bearer …)"
                        .into(),
                )
            })?;
        let session =
            state.storage.session(&hash_secret(token.trim())).await?.ok_or_else(|| {
                ApiError::Unauthorized("this device is signed out; sign in again".into())
            })?;
        if session.revoked {
            return Err(ApiError::Unauthorized(
                "this device was signed out by an administrator".into(),
            ));
        }
        let span = tracing::Span::current();
        span.record("team", tracing::field::display(session.team_id));
        span.record("device", tracing::field::display(session.device_id));
        let now = state.clock.now_ms();
        if session.last_seen_at.is_none_or(|t| now.saturating_sub(t) >= SEEN_EVERY_MS) {
            state.storage.touch_device(session.device_id, now).await?;
        }
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_codes_are_letters_and_digits_and_never_repeat() {
        let codes: std::collections::HashSet<String> =
            (0..256).map(|_| new_invite_code()).collect();
        assert_eq!(codes.len(), 256);
        for code in &codes {
            assert_eq!(code.len(), 64, "{code}");
            assert!(code.bytes().all(|b| b.is_ascii_alphanumeric()), "{code}");
        }
    }
}
