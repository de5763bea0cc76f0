//! The timeline, follow-ups and keep-in-touch snoozes: what the customer page records.

use rapport_core::followups::Followup;
use rapport_core::timeline::{Interaction, NewInteraction};
use rapport_core::ApiError;
use serde_json::Value;

use super::args::{capped, done, id, input, time};
use super::{task, Res, Shared};

#[tauri::command]
pub async fn log_interaction(session: Shared<'_>, input: Value) -> Res<Interaction> {
    let new: NewInteraction = self::input("input", input, &["customer_id"])?;
    capped("summary", &new.summary, 1_000)?;
    capped("body", new.body.as_deref().unwrap_or(""), 50_000)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.log_interaction(&new).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn resolve_complaint(session: Shared<'_>, id: String) -> Res<Interaction> {
    let id = self::id("id", &id)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.resolve_complaint(id).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn add_followup(
    session: Shared<'_>,
    customer_id: String,
    title: String,
    due_at: String,
) -> Res<Followup> {
    let customer_id = id("customer_id", &customer_id)?;
    capped("title", &title, 500)?;
    let due_at = time("due_at", &due_at)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.add_followup(customer_id, &title, due_at).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn complete_followup(session: Shared<'_>, id: String) -> Res<Followup> {
    let id = self::id("id", &id)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.complete_followup(id).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn snooze_followup(session: Shared<'_>, id: String, until: String) -> Res<Followup> {
    let id = self::id("id", &id)?;
    let until = time("until", &until)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.snooze_followup(id, until).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn snooze_nudge(session: Shared<'_>, customer_id: String, until: String) -> Res<()> {
    let customer_id = id("customer_id", &customer_id)?;
    let until = time("until", &until)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        done(store.snooze_nudge(customer_id, until).await)
    })
    .await
}
