//! Preferences, what the store says about itself, how its key is protected, and locking.

use std::sync::Arc;

use rapport_core::{ApiError, Prefs, StoreInfo, StoreStatus};
use tauri::State;

use super::{invalid, task, Res, Shared};
use crate::syncer::Syncer;
use crate::tasks::Tasks;

const MAX_PASSPHRASE: usize = 1024;

/// Works while locked: the preferences are not secret and live beside the store.
#[tauri::command]
pub async fn get_prefs(session: Shared<'_>) -> Res<Prefs> {
    let dir = session.dir().to_path_buf();
    task(async move { Prefs::load(&dir).map_err(ApiError::from) }).await
}

#[tauri::command]
pub async fn save_prefs(session: Shared<'_>, prefs: Prefs) -> Res<Prefs> {
    let dir = session.dir().to_path_buf();
    task(async move { prefs.save(&dir).map_err(ApiError::from) }).await
}

#[tauri::command]
pub async fn store_info(session: Shared<'_>) -> Res<StoreInfo> {
    let session = session.inner().clone();
    task(async move { session.store().await?.info().await.map_err(ApiError::from) }).await
}

/// keychain → passphrase (`current` null), new passphrase (both), passphrase → keychain
/// (`next` null). A wrong `current` is `wrong_passphrase`.
#[tauri::command]
pub async fn change_protection(
    session: Shared<'_>,
    current: Option<String>,
    next: Option<String>,
) -> Res<StoreInfo> {
    for (field, p) in [("current", &current), ("next", &next)] {
        if p.as_ref().is_some_and(|p| p.len() > MAX_PASSPHRASE) {
            return Err(invalid(format!("{field}: too long")));
        }
    }
    let session = session.inner().clone();
    task(async move { session.change_protection(current.as_deref(), next.as_deref()).await }).await
}

/// Cancels running tasks (their work rolls back) and a sync in progress (it resumes after
/// unlocking), closes the store and forgets the key.
#[tauri::command]
pub async fn lock(
    session: Shared<'_>,
    tasks: State<'_, Arc<Tasks>>,
    syncer: State<'_, Arc<Syncer>>,
) -> Res<StoreStatus> {
    let session = session.inner().clone();
    let tasks = tasks.inner().clone();
    let syncer = syncer.inner().clone();
    task(async move {
        tasks.cancel_all();
        let _no_sync = syncer.exclusive().await;
        session.lock().await;
        Ok(session.status().await)
    })
    .await
}
