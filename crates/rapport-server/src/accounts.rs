//! Accounts, sign-in and invites: `POST /v1/accounts`, `POST|DELETE /v1/sessions`,
//! `POST /v1/invites`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::Json;
use uuid::Uuid;

use crate::app::{ApiJson, AppState};
use crate::auth::{hash_password, hash_secret, new_invite_code, new_secret, verify_password};
use crate::error::ApiError;
use crate::limits::{MAX_EMAIL_BYTES, MAX_NAME_CHARS, MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
use crate::storage::{Joining, NewAccount, NewDevice, Session};
use rapport_protocol::wire::accounts::{
    AccountCreated, CreateAccount, Invite, Role, SetRole, SignIn, SignedIn,
};

/// The one answer to a failed sign-in, whether the email or the password was wrong.
pub const SIGN_IN_FAILED: &str = "the email or password is not right";

/// How long an invite code works.
pub const INVITE_TTL_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// Trimmed and lowercased, so one person has one account however they type it.
fn email(raw: &str) -> Result<String, ApiError> {
    let email = raw.trim().to_lowercase();
    let well_formed = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
    }) && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if email.len() > MAX_EMAIL_BYTES || !well_formed {
        return Err(ApiError::Invalid("email: expected an address like name@example.com".into()));
    }
    Ok(email)
}

fn password(raw: &str) -> Result<&str, ApiError> {
    if raw.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::Invalid(format!(
            "password: use at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if raw.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::Invalid(format!("password: use at most {MAX_PASSWORD_BYTES} bytes")));
    }
    Ok(raw)
}

/// A name a person gave (team, device): trimmed, 1 to 200 characters, no control characters.
pub fn name(field: &str, raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let count = name.chars().count();
    if count == 0 || count > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::Invalid(format!(
            "{field}: expected 1 to {MAX_NAME_CHARS} characters, without control characters"
        )));
    }
    Ok(name.to_string())
}

pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<CreateAccount>,
) -> Result<(StatusCode, Json<AccountCreated>), ApiError> {
    let limits = state.config.login_limits;
    state.limiter.check(&format!("ip:{}", peer.ip()), limits.per_ip, &*state.clock)?;
    let email = email(&body.email)?;
    let password = password(&body.password)?;
    let team_name = match (&body.invite, &body.team_name) {
        (Some(_), _) => None,
        (None, Some(team)) => Some(name("team_name", team)?),
        (None, None) => Some("My team".to_string()),
    };
    let password_hash = hash_password(&state.config.argon2, password).await?;
    let invite_hash = body.invite.as_deref().map(|code| hash_secret(code.trim()));
    let joining = match (&invite_hash, &team_name) {
        (Some(code_hash), _) => Joining::Invite { code_hash },
        (None, team) => {
            Joining::NewTeam { id: Uuid::now_v7(), name: team.as_deref().unwrap_or("") }
        }
    };
    let new =
        NewAccount { id: Uuid::now_v7(), email: &email, password_hash: &password_hash, joining };
    let account = state.storage.create_account(new, state.clock.now_ms()).await?;
    tracing::info!(team = %account.team_id, role = account.role.as_str(), "account created");
    let created =
        AccountCreated { account_id: account.id, team_id: account.team_id, role: account.role };
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Json<SignedIn>, ApiError> {
    let limits = state.config.login_limits;
    let clock = &*state.clock;
    state.limiter.check(&format!("ip:{}", peer.ip()), limits.per_ip, clock)?;
    let email = email(&body.email).map_err(|_| ApiError::Unauthorized(SIGN_IN_FAILED.into()))?;
    state.limiter.check(&format!("account:{email}"), limits.per_account, clock)?;
    let device_name = name("device_name", &body.device_name)?;
    if body.password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::Unauthorized(SIGN_IN_FAILED.into()));
    }
    let account = state.storage.account_by_email(&email).await?;
    let params = &state.config.argon2;
    let Some(account) = account else {
        // As slow as a wrong password, so timing doesn't tell which emails have accounts.
        verify_password(params, &state.decoy_hash, &body.password).await;
        return Err(ApiError::Unauthorized(SIGN_IN_FAILED.into()));
    };
    if !verify_password(params, &account.password_hash, &body.password).await {
        return Err(ApiError::Unauthorized(SIGN_IN_FAILED.into()));
    }
    let token = new_secret();
    let device = NewDevice {
        id: body.device_id,
        account: &account,
        name: &device_name,
        token_hash: &hash_secret(&token),
    };
    state.storage.start_session(device, clock.now_ms()).await?;
    tracing::info!(team = %account.team_id, device = %body.device_id, "signed in");
    Ok(Json(SignedIn {
        token,
        account_id: account.id,
        team_id: account.team_id,
        device_id: body.device_id,
        role: account.role,
    }))
}

pub async fn sign_out(
    State(state): State<AppState>,
    session: Session,
) -> Result<StatusCode, ApiError> {
    state.storage.end_session(session.device_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn invite(
    State(state): State<AppState>,
    session: Session,
) -> Result<(StatusCode, Json<Invite>), ApiError> {
    if !session.role.manages() {
        return Err(ApiError::Forbidden("only the team's owner and admins can invite".into()));
    }
    let code = new_invite_code();
    let now = state.clock.now_ms();
    let expires_at = now + INVITE_TTL_MS;
    state.storage.create_invite(&session, &hash_secret(&code), now, expires_at).await?;
    Ok((StatusCode::CREATED, Json(Invite { code, expires_at })))
}

/// `PUT /v1/accounts/{id}/role`: the owner makes a team member an admin, or an admin a
/// member again. Another team's account is not found; the owner's own role stays.
pub async fn set_role(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SetRole>,
) -> Result<StatusCode, ApiError> {
    if session.role != Role::Owner {
        return Err(ApiError::Forbidden("only the team's owner can change roles".into()));
    }
    let not_found = || ApiError::NotFound("no such account in your team".into());
    let id = Uuid::parse_str(&id).map_err(|_| not_found())?;
    let current = state.storage.account_role(session.team_id, id).await?.ok_or_else(not_found)?;
    if current == Role::Owner || body.role == Role::Owner {
        return Err(ApiError::Invalid(
            "role: the owner stays the owner; give another account admin or member".into(),
        ));
    }
    state.storage.set_role(session.team_id, id, body.role).await?;
    tracing::info!(account = %id, role = body.role.as_str(), "role changed");
    Ok(StatusCode::NO_CONTENT)
}
