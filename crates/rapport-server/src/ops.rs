//! Sync: `POST /v1/push`, `GET /v1/pull`, `GET /v1/snapshot`. The server checks what an
//! envelope shows (device, seq, clock, sizes) and never opens a payload.

use std::time::Duration;

use axum::extract::State;
use axum::Json;
use rapport_protocol::wire::{Envelope, PullResponse, PushRequest, PushResponse, SnapshotResponse};
use rapport_protocol::MAX_DRIFT_MS;
use serde::Deserialize;

use crate::app::{ApiJson, ApiQuery, AppState};
use crate::error::ApiError;
use crate::limits::{
    DEFAULT_PAGE, MAX_BATCH_OPS, MAX_FIELD_KEY_BYTES, MAX_PAGE, MAX_PAYLOAD_BYTES, MAX_REGISTERS,
};
use crate::storage::{Page, Session};
use crate::wakeups::{MAX_WAIT_S, RECHECK};

#[derive(Debug, Deserialize)]
pub struct PullParams {
    pub after: Option<u64>,
    pub limit: Option<u32>,
    /// Seconds to wait for a push when there is nothing new (long poll; at most
    /// [`MAX_WAIT_S`]).
    pub wait: Option<u64>,
}

#[derive(Debug, Deserialize)]
pub struct SnapshotParams {
    pub after: Option<u64>,
    pub upto: Option<u64>,
    pub limit: Option<u32>,
}

fn page_size(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
}

/// One op's envelope, checked before anything is stored.
fn check(op: &Envelope, session: &Session, now_ms: u64) -> Result<(), ApiError> {
    let id = format!("op {}/{}", op.device, op.seq);
    if op.device != session.device_id {
        return Err(ApiError::Invalid(format!(
            "{id}: its device is not the signed-in device {}; a device pushes only its own ops",
            session.device_id
        )));
    }
    if op.seq == 0 {
        return Err(ApiError::Invalid(format!("{id}: seq starts at 1")));
    }
    if op.payload.len() > MAX_PAYLOAD_BYTES {
        return Err(ApiError::TooLarge(format!(
            "{id}: its payload is {} KiB; at most {} KiB",
            op.payload.len() >> 10,
            MAX_PAYLOAD_BYTES >> 10
        )));
    }
    if op.registers.len() > MAX_REGISTERS
        || op.registers.iter().any(|f| f.is_empty() || f.len() > MAX_FIELD_KEY_BYTES)
    {
        return Err(ApiError::Invalid(format!(
            "{id}: registers: at most {MAX_REGISTERS} field keys of 1 to {MAX_FIELD_KEY_BYTES} bytes"
        )));
    }
    if op.hlc.millis > now_ms.saturating_add(MAX_DRIFT_MS) {
        let ahead_s = (op.hlc.millis - now_ms) / 1000;
        return Err(ApiError::ClockAhead(format!(
            "{id}: its clock is {ahead_s} s ahead of the server's (at most {} s); set this \
             device's date and time correctly, then sync again",
            MAX_DRIFT_MS / 1000
        )));
    }
    Ok(())
}

pub async fn push(
    State(state): State<AppState>,
    session: Session,
    ApiJson(body): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if body.ops.len() > MAX_BATCH_OPS {
        return Err(ApiError::TooLarge(format!(
            "push: {} ops in one push; at most {MAX_BATCH_OPS}, send the rest in another",
            body.ops.len()
        )));
    }
    let now = state.clock.now_ms();
    for op in &body.ops {
        check(op, &session, now)?;
    }
    let outcome = state.storage.push(session.team_id, session.device_id, &body.ops).await?;
    tracing::debug!(stored = outcome.stored, acked = outcome.acked_seq, "push");
    if outcome.stored > 0 {
        state.wakeups.pushed(session.team_id);
    }
    Ok(Json(PushResponse { acked_seq: outcome.acked_seq, stored: outcome.stored }))
}

fn cursor(page: &Page, after: u64) -> u64 {
    page.ops.last().map_or(after, |op| op.server_seq)
}

pub async fn pull(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(params): ApiQuery<PullParams>,
) -> Result<Json<PullResponse>, ApiError> {
    let after = params.after.unwrap_or(0);
    let limit = page_size(params.limit);
    let wait = Duration::from_secs(params.wait.unwrap_or(0).min(MAX_WAIT_S));
    let deadline = tokio::time::Instant::now() + wait;
    let mut pushed = state.wakeups.subscribe(session.team_id);
    let mut page = state.storage.pull(session.team_id, after, limit).await?;
    // Nothing new: wait for a push to this team (or another instance's, seen by looking
    // again every RECHECK), until the deadline.
    while page.ops.is_empty() && tokio::time::Instant::now() < deadline {
        let recheck = (tokio::time::Instant::now() + RECHECK).min(deadline);
        tokio::select! {
            _ = pushed.changed() => {}
            _ = tokio::time::sleep_until(recheck) => {}
        }
        page = state.storage.pull(session.team_id, after, limit).await?;
    }
    let cursor = cursor(&page, after);
    Ok(Json(PullResponse { ops: page.ops, cursor, more: page.more }))
}

/// A compacted page up to `upto` (the team's head when the first page doesn't say).
pub async fn snapshot(
    State(state): State<AppState>,
    session: Session,
    ApiQuery(params): ApiQuery<SnapshotParams>,
) -> Result<Json<SnapshotResponse>, ApiError> {
    let after = params.after.unwrap_or(0);
    let upto = match params.upto {
        Some(upto) => upto,
        None => state.storage.head(session.team_id).await?,
    };
    let limit = page_size(params.limit);
    let page = state.storage.snapshot(session.team_id, after, upto, limit).await?;
    let cursor = cursor(&page, after);
    Ok(Json(SnapshotResponse { ops: page.ops, cursor, upto, more: page.more }))
}
