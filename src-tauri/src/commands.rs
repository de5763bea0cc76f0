//! The IPC surface. Every argument is checked here because the webview is untrusted.

use std::future::Future;
use std::sync::Arc;

use rapport_core::customers::{CustomerFilter, CustomerSummary, NewCustomer};
use rapport_core::{ApiError, ErrorCode, Session, StoreStatus};
use tauri::State;

type Res<T> = Result<T, ApiError>;
type Shared<'a> = State<'a, Arc<Session>>;

const MAX_PASSPHRASE: usize = 1024;
const MAX_QUERY: usize = 200;
const MAX_LIMIT: u32 = 1000;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError { code: ErrorCode::InvalidInput, message: message.into() }
}

/// Runs a command's work as its own task. Besides keeping the IPC thread free, this makes
/// the compiler prove `Send` for the concrete future (sqlx futures inside Tauri's
/// higher-ranked handler bounds otherwise trip rust-lang/rust#100013).
async fn task<T: Send + 'static>(work: impl Future<Output = Res<T>> + Send + 'static) -> Res<T> {
    tauri::async_runtime::spawn(work).await.map_err(|e| {
        tracing::error!(error = %e, "command task failed");
        ApiError { code: ErrorCode::Internal, message: "the command stopped unexpectedly".into() }
    })?
}

#[tauri::command]
pub async fn store_status(session: Shared<'_>) -> Res<StoreStatus> {
    let session = session.inner().clone();
    task(async move { Ok(session.status().await) }).await
}

#[tauri::command]
pub async fn unlock(session: Shared<'_>, passphrase: String) -> Res<StoreStatus> {
    if passphrase.len() > MAX_PASSPHRASE {
        return Err(invalid("passphrase: too long"));
    }
    let session = session.inner().clone();
    task(async move {
        match session.unlock(&passphrase).await {
            Ok(status) => Ok(status),
            // The UI asks again for a wrong passphrase; anything else is a status to show.
            Err(e) if e.code() == ErrorCode::WrongPassphrase => Err(e.into()),
            Err(e) => {
                let api = ApiError::from(&e);
                Ok(StoreStatus::CannotOpen {
                    data_dir: session.dir().display().to_string(),
                    code: api.code,
                    message: api.message,
                })
            }
        }
    })
    .await
}

#[tauri::command]
pub async fn create_store(session: Shared<'_>, passphrase: Option<String>) -> Res<StoreStatus> {
    if passphrase.as_ref().is_some_and(|p| p.len() > MAX_PASSPHRASE) {
        return Err(invalid("passphrase: too long"));
    }
    let session = session.inner().clone();
    task(async move { session.create(passphrase.as_deref()).await.map_err(ApiError::from) }).await
}

#[tauri::command]
pub async fn list_customers(
    session: Shared<'_>,
    query: Option<String>,
    limit: u32,
) -> Res<Vec<CustomerSummary>> {
    if query.as_ref().is_some_and(|q| q.chars().count() > MAX_QUERY) {
        return Err(invalid(format!("query: longer than {MAX_QUERY} characters")));
    }
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        let filter =
            CustomerFilter { query, tag: None, limit: limit.clamp(1, MAX_LIMIT), offset: 0 };
        store.list_customers(&filter).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn add_customer(session: Shared<'_>, input: NewCustomer) -> Res<CustomerSummary> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.add_customer(&input).await.map_err(ApiError::from)
    })
    .await
}
