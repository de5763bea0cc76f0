//! Accounts and devices, for `rapport account …` and the desktop's sync settings.

use rapport_core::Store;
use rapport_protocol::wire::accounts::{
    AccountCreated, CreateAccount, DeviceInfo, SignIn, SignedIn,
};
use uuid::Uuid;

use crate::client::Client;
use crate::error::{Result, SyncError};

/// Creates an account on `server`: a new team (named `team_name`) with it as owner, or,
/// with an invite code, a member of the team that invited it. Signs nothing in.
pub async fn register(
    server: &str,
    email: &str,
    password: &str,
    team_name: Option<&str>,
    invite: Option<&str>,
) -> Result<AccountCreated> {
    let body = CreateAccount {
        email: email.to_string(),
        password: password.to_string(),
        team_name: team_name.map(str::to_string),
        invite: invite.map(str::to_string),
    };
    Client::new(server)?.create_account(&body).await
}

/// Signs this store's device in: the token is kept inside the encrypted store.
pub async fn login(
    store: &Store,
    server: &str,
    email: &str,
    password: &str,
    device_name: &str,
) -> Result<SignedIn> {
    let client = Client::new(server)?;
    let body = SignIn {
        email: email.to_string(),
        password: password.to_string(),
        device_id: store.device_id(),
        device_name: device_name.to_string(),
    };
    let signed_in = client.sign_in(&body).await?;
    store.sign_in_sync(client.url(), email, signed_in.team_id, &signed_in.token).await?;
    Ok(signed_in)
}

/// Signs this device out: the server forgets its token (when it can be reached) and the
/// store forgets it anyway. Local data and unsynced changes stay.
pub async fn logout(store: &Store) -> Result<()> {
    let account = store.sync_account().await?.ok_or(SyncError::NotSignedIn)?;
    let client = Client::new(&account.server_url)?.with_token(account.token);
    let told = client.sign_out().await;
    store.sign_out_sync(None).await?;
    match told {
        // Already signed out there, or offline: signed out here all the same.
        Ok(()) | Err(SyncError::SignedOut(_) | SyncError::Offline { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

async fn signed_in(store: &Store) -> Result<Client> {
    let account = store.sync_account().await?.ok_or(SyncError::NotSignedIn)?;
    Ok(Client::new(&account.server_url)?.with_token(account.token))
}

/// The team's devices (an owner's or admin's view), or this account's own.
pub async fn devices(store: &Store) -> Result<Vec<DeviceInfo>> {
    Ok(signed_in(store).await?.devices().await?.devices)
}

/// Signs a device out of the team at once; it keeps its local data.
pub async fn revoke(store: &Store, device: Uuid) -> Result<()> {
    signed_in(store).await?.revoke(device).await
}

/// A one-use code that lets a new account join this team (owners and admins).
pub async fn invite(store: &Store) -> Result<rapport_protocol::wire::accounts::Invite> {
    signed_in(store).await?.invite().await
}
