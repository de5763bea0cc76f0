//! Long tasks: started here, reported through "task-progress" events, cancellable.

use std::sync::Arc;

use rapport_core::ApiError;
use tauri::{AppHandle, State};

use super::{invalid, task, Res, Shared};
use crate::tasks::Tasks;

const MAX_DEMO: u32 = 1_000_000;

/// Fills an empty store with `customers` demo customers; returns the task id at once.
#[tauri::command]
pub async fn start_demo(
    app: AppHandle,
    session: Shared<'_>,
    tasks: State<'_, Arc<Tasks>>,
    customers: u32,
) -> Res<String> {
    if !(1..=MAX_DEMO).contains(&customers) {
        return Err(invalid(format!("customers: must be from 1 to {MAX_DEMO}")));
    }
    let session = session.inner().clone();
    let tasks = tasks.inner().clone();
    task(async move {
        let store = session.store().await?;
        // Said now rather than as a failed task; the core checks again inside its transaction.
        let existing = store.count_customers(&Default::default()).await?;
        if existing > 0 {
            return Err(ApiError::from(rapport_core::Error::AlreadyExists(format!(
                "the store already has {existing} customers; demo data only goes into an empty store"
            ))));
        }
        tasks.start_demo(app, store, customers)
    })
    .await
}

/// Asks a running task to stop; a task that already ended is left as it is.
#[tauri::command]
pub fn cancel_task(tasks: State<'_, Arc<Tasks>>, id: String) -> Res<()> {
    if id.len() > 64 {
        return Err(invalid("id: not a task id"));
    }
    tasks.cancel(&id);
    Ok(())
}
