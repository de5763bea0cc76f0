//! Data hygiene: duplicates, merges and their undo, tag clean-up, the data audit.

use rapport_core::hygiene::{
    AuditReport, DuplicatePair, HygieneOptions, MergeRecord, MergeResult, Pick, TagUsage, UnusedTag,
};
use rapport_core::ApiError;

use super::args::{capped, id};
use super::{invalid, task, Res, Shared};

const MAX_LIMIT: u32 = 1_000;
const MAX_PICKS: usize = 100;
const MAX_TAG: usize = 50;

/// Likely duplicates, best first. Phone numbers without a country code are read in the
/// region of the user's locale.
#[tauri::command]
pub async fn duplicates(session: Shared<'_>, limit: u32) -> Res<Vec<DuplicatePair>> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.duplicates_with(limit, &HygieneOptions::from_system()).await.map_err(ApiError::from)
    })
    .await
}

/// "Not a duplicate": the pair is never proposed again.
#[tauri::command]
pub async fn dismiss_duplicate(session: Shared<'_>, a: String, b: String) -> Res<()> {
    let (a, b) = (id("a", &a)?, id("b", &b)?);
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.dismiss_duplicate(a, b).await.map_err(ApiError::from)
    })
    .await
}

/// `pick`: field → "duplicate" | "survivor" (single-value fields; lists are combined).
#[tauri::command]
pub async fn merge_customers(
    session: Shared<'_>,
    duplicate_id: String,
    into_id: String,
    pick: Pick,
) -> Res<MergeResult> {
    let duplicate = id("duplicateId", &duplicate_id)?;
    let into = id("intoId", &into_id)?;
    if pick.len() > MAX_PICKS {
        return Err(invalid(format!("pick: more than {MAX_PICKS} fields")));
    }
    for field in pick.keys() {
        capped("pick: a field name", field, 200)?;
    }
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.merge_customers(duplicate, into, &pick).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn merges(session: Shared<'_>) -> Res<Vec<MergeRecord>> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.merges().await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn undo_merge(session: Shared<'_>, merge_id: String) -> Res<MergeRecord> {
    let merge = id("mergeId", &merge_id)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.undo_merge(merge).await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn tag_usage(session: Shared<'_>) -> Res<Vec<TagUsage>> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.tag_usage().await.map_err(ApiError::from)
    })
    .await
}

/// Customers changed. Renaming onto a tag in use merges the two.
#[tauri::command]
pub async fn rename_tag(session: Shared<'_>, from: String, to: String) -> Res<u32> {
    capped("from", &from, MAX_TAG)?;
    capped("to", &to, MAX_TAG)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        Ok(store.rename_tag(&from, &to).await?.customers)
    })
    .await
}

/// Customers changed.
#[tauri::command]
pub async fn delete_tag(session: Shared<'_>, tag: String) -> Res<u32> {
    capped("tag", &tag, MAX_TAG)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        Ok(store.delete_tag(&tag).await?.customers)
    })
    .await
}

/// Tags a cadence or scoring rule names but no customer carries.
#[tauri::command]
pub async fn unused_tags(session: Shared<'_>) -> Res<Vec<UnusedTag>> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.unused_tags().await.map_err(ApiError::from)
    })
    .await
}

#[tauri::command]
pub async fn data_audit(session: Shared<'_>) -> Res<AuditReport> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.data_audit_with(&HygieneOptions::from_system()).await.map_err(ApiError::from)
    })
    .await
}
