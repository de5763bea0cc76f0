//! The pipeline board and deals.

use rapport_core::deals::{Deal, DealStatus, NewDeal};
use rapport_core::pipeline::Pipeline;
use rapport_core::ApiError;
use serde_json::Value;

use super::args::{capped, capped_opt, id, input};
use super::{task, Res, Shared};

#[tauri::command]
pub async fn pipeline(session: Shared<'_>) -> Res<Pipeline> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.pipeline().await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn add_deal(session: Shared<'_>, input: Value) -> Res<Deal> {
    let new: NewDeal = self::input("input", input, &["customer_id"])?;
    capped("title", &new.title, 500)?;
    capped_opt("stage", new.stage.as_deref(), 60)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.add_deal(&new).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn move_deal(session: Shared<'_>, id: String, stage: String) -> Res<Deal> {
    let id = self::id("id", &id)?;
    capped("stage", &stage, 60)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.move_deal(id, &stage).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn close_deal(
    session: Shared<'_>,
    id: String,
    won: bool,
    reason: Option<String>,
) -> Res<Deal> {
    let id = self::id("id", &id)?;
    capped_opt("reason", reason.as_deref(), 1_000)?;
    let status = if won { DealStatus::Won } else { DealStatus::Lost };
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.close_deal(id, status, reason.as_deref()).await.map_err(ApiError::from)
    })
    .await
}
