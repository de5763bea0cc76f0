//! Opening, creating and unlocking the store.

use rapport_core::customers::CustomerQuery;
use rapport_core::{ApiError, ErrorCode, StartUp, StoreStatus};

use super::{invalid, task, Res, Shared};

const MAX_PASSPHRASE: usize = 1024;

#[tauri::command]
pub async fn store_status(session: Shared<'_>) -> Res<StoreStatus> {
    let session = session.inner().clone();
    let asked = super::bench::since_start_ms();
    let status = task(async move { Ok(session.status().await) }).await;
    tracing::debug!(target: "startup", "store_status from {asked:.0} to {:.0} ms", super::bench::since_start_ms());
    status
}

/// The status and the list's first page in one answer: what the window asks for first.
#[tauri::command]
pub async fn start_up(session: Shared<'_>, first: CustomerQuery) -> Res<StartUp> {
    let session = session.inner().clone();
    let asked = super::bench::since_start_ms();
    let answer = task(async move { Ok(session.start_up(&first).await) }).await;
    tracing::debug!(target: "startup", "start_up from {asked:.0} to {:.0} ms", super::bench::since_start_ms());
    answer
}

/// Unlocks with the passphrase; a keychain store the user locked (`needs_passphrase` with
/// `keychain: true`) unlocks with none (null or "").
#[tauri::command]
pub async fn unlock(session: Shared<'_>, passphrase: Option<String>) -> Res<StoreStatus> {
    if passphrase.as_ref().is_some_and(|p| p.len() > MAX_PASSPHRASE) {
        return Err(invalid("passphrase: too long"));
    }
    let session = session.inner().clone();
    task(async move {
        match session.unlock(passphrase.as_deref()).await {
            Ok(status) => Ok(status),
            // The UI asks again for a wrong or missing passphrase; anything else is a status
            // to show.
            Err(e)
                if matches!(
                    e.code(),
                    ErrorCode::WrongPassphrase | ErrorCode::PassphraseRequired
                ) =>
            {
                Err(e.into())
            }
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
