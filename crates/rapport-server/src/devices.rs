//! A team's devices: `GET /v1/devices`, `POST /v1/devices/{id}/revoke`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use uuid::Uuid;

use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::Session;
use rapport_protocol::wire::accounts::Devices;

/// Owners and admins see the team's devices; members their own.
pub async fn list(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Devices>, ApiError> {
    let only = (!session.role.manages()).then_some(session.account_id);
    let devices = state.storage.devices(session.team_id, only).await?;
    Ok(Json(Devices { devices }))
}

/// Signs a device out for good: its token is refused from the next request on. Owners
/// and admins may revoke any of the team's devices, members only their own. Another
/// team's device is not found.
pub async fn revoke(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let not_found = || ApiError::NotFound("no such device in your team".into());
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let owner = state.storage.device_owner(session.team_id, id).await?.ok_or_else(not_found)?;
    if owner != session.account_id && !session.role.manages() {
        return Err(ApiError::Forbidden(
            "only the team's owner and admins can sign out another person's device".into(),
        ));
    }
    state.storage.revoke_device(session.team_id, id, state.clock.now_ms()).await?;
    tracing::info!(revoked = %id, "device revoked");
    Ok(StatusCode::NO_CONTENT)
}
