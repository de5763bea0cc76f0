//! Waiting for teammates' changes: a long poll the desktop keeps open between syncs, so
//! an edit made on another device shows here within a round trip, not at the next
//! periodic sync.

use std::time::Duration;

use rapport_core::sync::SyncAccount;

use crate::client::Client;
use crate::error::Result;

/// Waits up to `wait` (the server caps it at 25 s) until the team's server has ops this
/// store hasn't taken in, and says whether it has. It takes nothing in itself — a [`sync`]
/// does, under the caller's one-sync-at-a-time rule — and it holds no store, so locking the
/// store meanwhile is not delayed.
///
/// [`sync`]: crate::sync
pub async fn wait_for_changes(account: &SyncAccount, wait: Duration) -> Result<bool> {
    let client = Client::new(&account.server_url)?.with_token(account.token.clone());
    let page = client.pull_waiting(account.cursor, 1, wait.as_secs().max(1)).await?;
    Ok(!page.ops.is_empty())
}
