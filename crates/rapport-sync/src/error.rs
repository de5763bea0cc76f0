//! What can go wrong talking to the server, in words a person can act on.

use rapport_protocol::wire::{codes, ErrorBody};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server could not be reached: the device works offline and syncs later.
    #[error("could not reach the sync server at {url}: {detail}; your changes are kept and sync when it can be reached")]
    Offline { url: String, detail: String },
    /// The server no longer speaks this version's wire format.
    #[error("{0}")]
    Outdated(String),
    /// The token is unknown or the device was revoked: signed out, local data kept.
    #[error("{0}")]
    SignedOut(String),
    #[error("this device is not signed in to a sync server; run `rapport account login` first")]
    NotSignedIn,
    /// Any other answer with an error body.
    #[error("the sync server said: {message} ({code}, HTTP {status})")]
    Server { status: u16, code: String, message: String },
    /// An answer that isn't what the protocol says.
    #[error("the sync server's answer could not be read: {0}")]
    Protocol(String),
    #[error(transparent)]
    Store(#[from] rapport_core::Error),
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

impl SyncError {
    /// The error from an answer's status and body.
    pub(crate) fn from_answer(status: u16, body: &[u8]) -> Self {
        let Ok(ErrorBody { code, message }) = serde_json::from_slice::<ErrorBody>(body) else {
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            return SyncError::Protocol(format!("HTTP {status}: {text}"));
        };
        match code.as_str() {
            codes::CLIENT_OUTDATED => SyncError::Outdated(message),
            codes::UNAUTHORIZED => SyncError::SignedOut(message),
            _ => SyncError::Server { status, code, message },
        }
    }

    /// The stable code, as `{code, message}` across IPC.
    pub fn code(&self) -> &str {
        match self {
            SyncError::Offline { .. } => "offline",
            SyncError::Outdated(_) => codes::CLIENT_OUTDATED,
            SyncError::SignedOut(_) => codes::UNAUTHORIZED,
            SyncError::NotSignedIn => "not_signed_in",
            SyncError::Server { code, .. } => code,
            SyncError::Protocol(_) => "protocol",
            SyncError::Store(_) => "store",
        }
    }
}
