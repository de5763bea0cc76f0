//! Sync settings: sign in to the team's server (or create an account), sign out, the
//! team's devices and invites, the status and "Sync now", and the conflicts kept for
//! review. The sync itself runs through [`Syncer`] so the window's and the background
//! loop's never overlap.

use std::sync::Arc;

use rapport_core::sync::{SyncConflict, SyncDevice, SyncInvite, SyncOutcome, SyncView};
use rapport_core::{ApiError, ErrorCode, Session};
use rapport_protocol::wire::codes;
use rapport_sync::SyncError;
use tauri::State;
use zeroize::Zeroizing;

use super::{args, invalid, task, Res, Shared};
use crate::syncer::Syncer;

type SyncerState<'a> = State<'a, Arc<Syncer>>;

const MAX_URL: usize = 2048;
const MAX_EMAIL: usize = 254;
const MAX_PASSWORD_BYTES: usize = 1024;
const MAX_NAME: usize = 100;
const MAX_INVITE: usize = 200;
/// A conflict id is a device's UUID, a colon and a sequence number: 36 + 1 + at most 20.
const MAX_CONFLICT_ID: usize = 64;

/// The code a sync error crosses IPC with.
pub(crate) fn error_code(e: &SyncError) -> ErrorCode {
    match e {
        SyncError::Offline { .. } => ErrorCode::Offline,
        SyncError::Outdated(_) => ErrorCode::ClientOutdated,
        SyncError::SignedOut(_) => ErrorCode::Unauthorized,
        SyncError::NotSignedIn => ErrorCode::NotSignedIn,
        // The server names the field ("password: use at least 10 characters").
        SyncError::Server { code, .. } if code == codes::INVALID => ErrorCode::InvalidInput,
        SyncError::Server { code, .. } if code == codes::CONFLICT => ErrorCode::AlreadyExists,
        SyncError::Server { .. } | SyncError::Protocol(_) => ErrorCode::SyncServer,
        SyncError::Store(core) => core.code(),
    }
}

/// A sync error as `{code, message}`, in words for the window.
pub(crate) fn api_error(e: SyncError) -> ApiError {
    let message = match &e {
        SyncError::Store(core) => return ApiError::from(core),
        SyncError::NotSignedIn => {
            "this device is not signed in to a sync server; sign in under Settings → Sync".into()
        }
        SyncError::Server { code, message, .. }
            if code == codes::INVALID || code == codes::CONFLICT =>
        {
            message.clone()
        }
        SyncError::Server { status, code, message } => {
            tracing::info!(status, code, "the sync server refused: {message}");
            format!("the sync server said: {message}")
        }
        other => other.to_string(),
    };
    ApiError { code: error_code(&e), message }
}

/// A server address: `https://…`, or `http://` on a local network.
fn server(value: &str) -> Res<String> {
    args::capped("server", value, MAX_URL)?;
    let url = value.trim().trim_end_matches('/');
    let scheme_ok = ["https://", "http://"]
        .iter()
        .any(|s| url.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
    if !scheme_ok || url.len() <= "http://".len() || url.chars().any(char::is_whitespace) {
        return Err(invalid(
            "server: enter an address that starts with https:// (or http:// on your own network)",
        ));
    }
    Ok(url.to_string())
}

fn email(value: &str) -> Res<String> {
    args::capped("email", value, MAX_EMAIL)?;
    let email = value.trim();
    if !email.contains('@') {
        return Err(invalid("email: expected an address like name@example.com"));
    }
    Ok(email.to_string())
}

fn password(value: String) -> Res<Zeroizing<String>> {
    let password = Zeroizing::new(value);
    if password.is_empty() {
        return Err(invalid("password: enter your password"));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(invalid(format!("password: use at most {MAX_PASSWORD_BYTES} bytes")));
    }
    Ok(password)
}

/// Trimmed, required text of at most `max` characters.
fn required(field: &str, value: &str, max: usize) -> Res<String> {
    args::capped(field, value, max)?;
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(format!("{field}: must not be empty")));
    }
    Ok(value.to_string())
}

/// Signs this store's device in and starts its first sync in the background.
async fn sign_in(
    session: &Session,
    syncer: &Syncer,
    server: &str,
    email: &str,
    password: &str,
    device_name: &str,
) -> Res<SyncView> {
    let store = session.store().await?;
    rapport_sync::account::login(&store, server, email, password, device_name)
        .await
        .map_err(api_error)?;
    syncer.clear_error();
    syncer.soon();
    syncer.publish(&store).await;
    syncer.view(&store).await
}

#[tauri::command]
pub async fn sync_status(session: Shared<'_>, syncer: SyncerState<'_>) -> Res<SyncView> {
    let (session, syncer) = (session.inner().clone(), syncer.inner().clone());
    task(async move { syncer.view(&*session.store().await?).await }).await
}

/// Syncs at once (after one in progress finishes).
#[tauri::command]
pub async fn sync_now(syncer: SyncerState<'_>) -> Res<SyncOutcome> {
    let syncer = syncer.inner().clone();
    task(async move { syncer.sync().await }).await
}

/// Creates an account (a new team named `team_name`, or joining with `invite`), then signs
/// this device in.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // the form's fields, each checked by name
pub async fn sync_register(
    session: Shared<'_>,
    syncer: SyncerState<'_>,
    server: String,
    email: String,
    password: String,
    team_name: Option<String>,
    invite: Option<String>,
    device_name: String,
) -> Res<SyncView> {
    let url = self::server(&server)?;
    let email = self::email(&email)?;
    let password = self::password(password)?;
    let device_name = required("device_name", &device_name, MAX_NAME)?;
    let team_name = team_name.filter(|t| !t.trim().is_empty());
    let invite = invite.filter(|i| !i.trim().is_empty());
    let (team_name, invite) = match (team_name, invite) {
        (Some(_), Some(_)) => {
            return Err(invalid("invite: give a team name or an invite code, not both"))
        }
        (None, None) => {
            return Err(invalid("team_name: name the new team, or join one with an invite code"))
        }
        (Some(t), None) => (Some(required("team_name", &t, MAX_NAME)?), None),
        (None, Some(i)) => (None, Some(required("invite", &i, MAX_INVITE)?)),
    };
    let (session, syncer) = (session.inner().clone(), syncer.inner().clone());
    task(async move {
        // Before creating the account: a locked store would leave it made but unused.
        session.store().await?;
        rapport_sync::account::register(
            &url,
            &email,
            &password,
            team_name.as_deref(),
            invite.as_deref(),
        )
        .await
        .map_err(api_error)?;
        sign_in(&session, &syncer, &url, &email, &password, &device_name).await
    })
    .await
}

#[tauri::command]
pub async fn sync_login(
    session: Shared<'_>,
    syncer: SyncerState<'_>,
    server: String,
    email: String,
    password: String,
    device_name: String,
) -> Res<SyncView> {
    let url = self::server(&server)?;
    let email = self::email(&email)?;
    let password = self::password(password)?;
    let device_name = required("device_name", &device_name, MAX_NAME)?;
    let (session, syncer) = (session.inner().clone(), syncer.inner().clone());
    task(async move { sign_in(&session, &syncer, &url, &email, &password, &device_name).await })
        .await
}

/// Signs this device out; its data and unsynced changes stay.
#[tauri::command]
pub async fn sync_logout(session: Shared<'_>, syncer: SyncerState<'_>) -> Res<SyncView> {
    let (session, syncer) = (session.inner().clone(), syncer.inner().clone());
    task(async move {
        let store = session.store().await?;
        {
            let _alone = syncer.exclusive().await;
            rapport_sync::account::logout(&store).await.map_err(api_error)?;
            syncer.clear_error();
        }
        syncer.publish(&store).await;
        syncer.view(&store).await
    })
    .await
}

/// The team's devices (an owner's or admin's view), or this account's own.
#[tauri::command]
pub async fn sync_devices(session: Shared<'_>) -> Res<Vec<SyncDevice>> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        let devices = rapport_sync::account::devices(&store).await.map_err(api_error)?;
        let me = store.device_id();
        Ok(devices.into_iter().map(|d| SyncDevice::new(d, me)).collect())
    })
    .await
}

/// Signs another device out of the team at once (this one signs out with `sync_logout`).
#[tauri::command]
pub async fn sync_revoke(session: Shared<'_>, id: String) -> Res<()> {
    let device = args::id("id", &id)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        if device == store.device_id() {
            return Err(invalid("id: this is this device; sign out instead"));
        }
        rapport_sync::account::revoke(&store, device).await.map_err(api_error)
    })
    .await
}

/// A conflict's id as the core names it ("<device uuid>:<seq>"), trimmed.
fn conflict_id(value: &str) -> Res<String> {
    let bad = || invalid("id: not a valid conflict id");
    if value.len() > MAX_CONFLICT_ID {
        return Err(bad());
    }
    let value = value.trim();
    let (device, seq) = value.rsplit_once(':').ok_or_else(bad)?;
    args::id("id", device).map_err(|_| bad())?;
    seq.parse::<u64>().map_err(|_| bad())?;
    Ok(value.to_string())
}

/// Edits of an important field that lost to one made at once on another device, newest
/// first (`rapport conflicts`).
#[tauri::command]
pub async fn sync_conflicts(session: Shared<'_>) -> Res<Vec<SyncConflict>> {
    let session = session.inner().clone();
    task(async move { session.store().await?.sync_conflicts().await.map_err(ApiError::from) }).await
}

/// Settles a conflict for the whole team: keeps the current value, or puts the losing one
/// back (`use_losing`) as a new edit, which the background loop pushes at once.
#[tauri::command]
pub async fn resolve_conflict(
    session: Shared<'_>,
    syncer: SyncerState<'_>,
    id: String,
    use_losing: bool,
) -> Res<()> {
    let id = conflict_id(&id)?;
    let (session, syncer) = (session.inner().clone(), syncer.inner().clone());
    task(async move {
        let store = session.store().await?;
        store.resolve_conflict(&id, use_losing).await.map_err(ApiError::from)?;
        // As after a sync that took changes in: the indicator's count and open views
        // (a customer's name, a deal's value) follow at once.
        syncer.publish(&store).await;
        syncer.data_changed();
        Ok(())
    })
    .await
}

/// A one-use code for a colleague's new account (owners and admins).
#[tauri::command]
pub async fn sync_invite(session: Shared<'_>) -> Res<SyncInvite> {
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        rapport_sync::account::invite(&store).await.map(SyncInvite::from).map_err(api_error)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_must_be_http_or_https() {
        assert_eq!(server(" https://sync.example.com/ ").unwrap(), "https://sync.example.com");
        assert_eq!(server("HTTP://10.0.0.2:8787").unwrap(), "HTTP://10.0.0.2:8787");
        for bad in ["sync.example.com", "ftp://x", "https://", "http://a b", ""] {
            let err = server(bad).unwrap_err();
            assert!(err.message.starts_with("server: "), "{bad}: {}", err.message);
        }
        assert!(server(&format!("https://{}", "a".repeat(MAX_URL))).is_err());
    }

    #[test]
    fn credentials_are_checked_by_name() {
        assert_eq!(email(" ada@example.com ").unwrap(), "ada@example.com");
        assert!(email("ada").unwrap_err().message.starts_with("email: "));
        assert!(password(String::new()).unwrap_err().message.starts_with("password: "));
        assert!(password("x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
        assert_eq!(*password("correct horse".into()).unwrap(), "correct horse");
        assert!(required("device_name", "  ", MAX_NAME).unwrap_err().message.contains("empty"));
    }

    #[test]
    fn conflict_ids_are_a_device_and_a_sequence_number() {
        let device = "0190b3c0-0000-7000-8000-000000000001";
        assert_eq!(conflict_id(&format!(" {device}:42 ")).unwrap(), format!("{device}:42"));
        let long = format!("{device}:{}", "9".repeat(40));
        for bad in ["", "42", "nope:42", &format!("{device}:"), &format!("{device}:-1"), &long] {
            let err = conflict_id(bad).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{bad}");
            assert_eq!(err.message, "id: not a valid conflict id", "{bad}");
        }
    }

    #[test]
    fn sync_errors_keep_their_meaning_and_words() {
        let offline = api_error(SyncError::Offline {
            url: "http://127.0.0.1:1".into(),
            detail: "connection refused".into(),
        });
        assert_eq!(offline.code, ErrorCode::Offline);
        assert!(offline.message.contains("your changes are kept"), "{}", offline.message);

        let wrong = api_error(SyncError::SignedOut("the email or password is not right".into()));
        assert_eq!(wrong.code, ErrorCode::Unauthorized);
        assert_eq!(wrong.message, "the email or password is not right");

        let old = api_error(SyncError::Outdated("please update Rapport".into()));
        assert_eq!(old.code, ErrorCode::ClientOutdated);

        let short = api_error(SyncError::Server {
            status: 400,
            code: codes::INVALID.into(),
            message: "password: use at least 10 characters".into(),
        });
        assert_eq!(short.code, ErrorCode::InvalidInput);
        assert_eq!(short.message, "password: use at least 10 characters");

        let taken = api_error(SyncError::Server {
            status: 409,
            code: codes::CONFLICT.into(),
            message: "email: already has an account".into(),
        });
        assert_eq!(taken.code, ErrorCode::AlreadyExists);

        let refused = api_error(SyncError::Server {
            status: 403,
            code: codes::FORBIDDEN.into(),
            message: "only owners and admins can invite".into(),
        });
        assert_eq!(refused.code, ErrorCode::SyncServer);
        assert_eq!(refused.message, "the sync server said: only owners and admins can invite");

        let none = api_error(SyncError::NotSignedIn);
        assert_eq!(none.code, ErrorCode::NotSignedIn);
        assert!(!none.message.contains("rapport account"), "{}", none.message);
    }
}
