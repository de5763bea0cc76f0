//! The IPC surface, one module per concept. Every argument is checked here because the
//! webview is untrusted.

mod args;
pub mod bench;
pub mod customers;
pub mod data;
pub mod export;
pub mod hygiene;
pub mod import;
pub mod insights;
pub mod pipeline;
pub mod settings;
pub mod store;
pub mod sync;
pub mod tasks;
pub mod timeline;
pub mod today;

use std::future::Future;
use std::sync::Arc;

use rapport_core::{ApiError, ErrorCode, Session};
use tauri::State;

pub(crate) type Res<T> = Result<T, ApiError>;
pub(crate) type Shared<'a> = State<'a, Arc<Session>>;

pub(crate) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError { code: ErrorCode::InvalidInput, message: message.into() }
}

/// Runs a command's work as its own task. Besides keeping the IPC thread free, this makes
/// the compiler prove `Send` for the concrete future (sqlx futures inside Tauri's
/// higher-ranked handler bounds otherwise trip rust-lang/rust#100013).
pub(crate) async fn task<T: Send + 'static>(
    work: impl Future<Output = Res<T>> + Send + 'static,
) -> Res<T> {
    tauri::async_runtime::spawn(work).await.map_err(|e| {
        tracing::error!(error = %e, "command task failed");
        ApiError { code: ErrorCode::Internal, message: "the command stopped unexpectedly".into() }
    })?
}
