//! The core's one error type, and the closed list of codes it crosses IPC/CLI boundaries as.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field}: {problem}")]
    InvalidInput { field: String, problem: String },
    #[error("{0} not found")]
    NotFound(String),
    #[error("`{query}` matches {} customers: {}; use the id instead", candidates.len(), candidates.join(", "))]
    Ambiguous { query: String, candidates: Vec<String> },
    #[error("{0}")]
    AlreadyExists(String),
    #[error("no Rapport store in {0}; run `rapport init` to create one")]
    NotInitialized(PathBuf),
    #[error("the key does not match the store at {0}; the file was not changed")]
    WrongKey(PathBuf),
    #[error("that passphrase does not unlock the store at {0}")]
    WrongPassphrase(PathBuf),
    #[error("the store at {0} is protected by a passphrase: set RAPPORT_PASSPHRASE or unlock in the app")]
    PassphraseRequired(PathBuf),
    #[error("the key for the store at {path} is missing: {detail}; the file was not changed")]
    KeyMissing { path: PathBuf, detail: String },
    #[error("{0} is a plain, unencrypted SQLite file, not a Rapport store; it was not changed")]
    NotEncrypted(PathBuf),
    #[error("the store at {path} is damaged ({detail}); it was not changed. Restore a backup with `rapport restore`")]
    Corrupt { path: PathBuf, detail: String },
    #[error("the store at {path} was written by a newer Rapport (schema {found}, this app knows up to {known}); update Rapport")]
    StoreTooNew { path: PathBuf, found: i64, known: i64 },
    /// A file offered for restore that can't be used; `code` is the one opening a store
    /// like it would give (not_encrypted, wrong_key, corrupt, store_too_new…).
    #[error("{path} cannot be restored: {reason}; nothing was replaced")]
    BadBackup { path: PathBuf, code: ErrorCode, reason: String },
    #[error("the system keychain is not available ({0}); set RAPPORT_PASSPHRASE to protect the store with a passphrase instead")]
    KeychainUnavailable(String),
    #[error("this build is not linked against SQLCipher; refusing to store data unencrypted")]
    NotSqlcipher,
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    /// SQLite could not grow the store (the disk or the file system's quota is full, or a
    /// size cap). The change was rolled back whole.
    #[error("the disk is full: the change was not saved, and nothing stored before it was lost. Free some space and try again")]
    DiskFull,
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A long task stopped because the user asked; nothing of it was kept.
    #[error("{0}")]
    Cancelled(String),
    #[error("{0}")]
    Internal(String),
}

/// SQLite's `SQLITE_FULL` (its unix files answer ENOSPC with it too).
const SQLITE_FULL: &str = "13";

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        let full = match &e {
            sqlx::Error::Database(d) => d.code().as_deref() == Some(SQLITE_FULL),
            sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
            _ => false,
        };
        if full {
            Error::DiskFull
        } else {
            Error::Database(e)
        }
    }
}

impl Error {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::InvalidInput { field: field.into(), problem: problem.into() }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::Ambiguous { .. } => ErrorCode::Ambiguous,
            Error::AlreadyExists(_) => ErrorCode::AlreadyExists,
            Error::NotInitialized(_) => ErrorCode::NotInitialized,
            Error::WrongKey(_) | Error::KeyMissing { .. } => ErrorCode::WrongKey,
            Error::WrongPassphrase(_) => ErrorCode::WrongPassphrase,
            Error::PassphraseRequired(_) => ErrorCode::PassphraseRequired,
            Error::NotEncrypted(_) => ErrorCode::NotEncrypted,
            Error::Corrupt { .. } => ErrorCode::Corrupt,
            Error::StoreTooNew { .. } => ErrorCode::StoreTooNew,
            Error::BadBackup { code, .. } => *code,
            Error::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            Error::Io { .. } | Error::DiskFull => ErrorCode::Io,
            Error::Cancelled(_) => ErrorCode::Cancelled,
            Error::NotSqlcipher | Error::Database(_) | Error::Internal(_) => ErrorCode::Internal,
        }
    }
}

/// The closed list of error kinds a UI or script can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    Ambiguous,
    AlreadyExists,
    NotInitialized,
    WrongKey,
    WrongPassphrase,
    PassphraseRequired,
    NotEncrypted,
    Corrupt,
    StoreTooNew,
    Locked,
    KeychainUnavailable,
    Io,
    Cancelled,
    Internal,
    /// The sync server could not be reached; the data stays and syncs later.
    Offline,
    /// The sync server refused the email and password, or this device's token.
    Unauthorized,
    /// The sync server needs a newer Rapport.
    ClientOutdated,
    /// Another refusal from the sync server, in its own words.
    SyncServer,
    /// This device is not signed in to a sync server.
    NotSignedIn,
}

/// An error as it crosses a process boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&Error> for ApiError {
    fn from(e: &Error) -> Self {
        let message = match e {
            // Say nothing internal across the boundary; the detail goes to the log.
            Error::Database(_) | Error::Internal(_) => {
                tracing::error!(error = %e, "internal error");
                "something went wrong inside Rapport; details are in the log".to_string()
            }
            other => other.to_string(),
        };
        ApiError { code: e.code(), message }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::from(&e)
    }
}
