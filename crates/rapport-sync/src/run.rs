//! One sync: push the outbox, then take in the team's ops.

use rapport_core::Store;
use rapport_protocol::wire::{Envelope, PushRequest};
use rapport_protocol::Op;
use serde::Serialize;

use crate::client::Client;
use crate::error::{Result, SyncError};

/// Ops per push (the server caps a batch at 1000).
pub const PUSH_BATCH: u32 = 500;
/// Ops per pulled page.
pub const PULL_PAGE: u32 = 1000;
/// Ops per snapshot page: the server's most, as a bootstrap takes in a whole team.
pub const SNAPSHOT_PAGE: u32 = 2000;

/// What one sync moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// This device's ops the server took.
    pub pushed: u64,
    /// Other devices' ops taken in for the first time.
    pub received: u64,
    /// Records rebuilt from their ops.
    pub rebuilt: u64,
    /// Whether this sync started from the team's compacted snapshot (a new device).
    pub from_snapshot: bool,
}

/// Pushes this device's outbox, then takes in what other devices wrote. The outcome (the
/// time, or the error in words) is recorded for the status indicator; when the server says
/// this device was revoked, the token is forgotten and every local change kept.
pub async fn sync(store: &Store) -> Result<SyncReport> {
    let outcome = run(store).await;
    match &outcome {
        Ok(_) => store.record_sync(None).await?,
        Err(SyncError::SignedOut(message)) => store.sign_out_sync(Some(message)).await?,
        Err(e) => store.record_sync(Some(&e.to_string())).await?,
    }
    outcome
}

async fn run(store: &Store) -> Result<SyncReport> {
    let account = store.sync_account().await?.ok_or(SyncError::NotSignedIn)?;
    let client = Client::new(&account.server_url)?.with_token(account.token.clone());
    let mut report = SyncReport::default();
    push(store, &client, &mut report).await?;
    if account.cursor == 0 {
        bootstrap(store, &client, &mut report).await?;
    }
    pull(store, &client, &mut report).await?;
    // Applying may have written ops: an erasure's tombstones for records the server can't
    // tie to the person (an entry this device logged before it heard). They go now, so
    // the server forgets those records in this sync, not the next.
    push(store, &client, &mut report).await?;
    Ok(report)
}

async fn push(store: &Store, client: &Client, report: &mut SyncReport) -> Result<()> {
    loop {
        let ops = store.unpushed_ops(PUSH_BATCH).await?;
        let Some(last) = ops.last().map(|o| o.seq) else {
            return Ok(());
        };
        let body = PushRequest { ops: ops.iter().map(Envelope::seal).collect() };
        let answer = client.push(&body).await?;
        store.mark_pushed(answer.acked_seq).await?;
        report.pushed += answer.stored;
        if answer.acked_seq < last {
            return Err(SyncError::Protocol(format!(
                "the server acknowledged this device's changes up to {} of {last}",
                answer.acked_seq
            )));
        }
    }
}

/// A new device (or one that never took anything in): the compacted ops, page by page;
/// the cursor is saved with the last page, so a bootstrap cut short starts again. The next
/// page is fetched while this one is applied (the network and the store overlap).
async fn bootstrap(store: &Store, client: &Client, report: &mut SyncReport) -> Result<()> {
    let mut page = client.snapshot(0, None, SNAPSHOT_PAGE).await?;
    loop {
        let ops = open(page.ops.iter().map(|p| &p.envelope))?;
        let cursor = (!page.more).then_some(page.upto);
        let next = async {
            match page.more {
                true => Some(client.snapshot(page.cursor, Some(page.upto), SNAPSHOT_PAGE).await),
                false => None,
            }
        };
        let (applied, next) = tokio::join!(store.apply_remote_ops(&ops, cursor), next);
        let applied = applied?;
        report.received += applied.new;
        report.rebuilt += applied.rebuilt;
        report.from_snapshot = true;
        match next {
            Some(next) => page = next?,
            None => return Ok(()),
        }
    }
}

async fn pull(store: &Store, client: &Client, report: &mut SyncReport) -> Result<()> {
    let mut after = store.sync_account().await?.map_or(0, |a| a.cursor);
    loop {
        let page = client.pull(after, PULL_PAGE).await?;
        let ops = open(page.ops.iter().map(|p| &p.envelope))?;
        let applied = store.apply_remote_ops(&ops, Some(page.cursor)).await?;
        report.received += applied.new;
        report.rebuilt += applied.rebuilt;
        if !page.more {
            return Ok(());
        }
        after = page.cursor;
    }
}

fn open<'a>(envelopes: impl Iterator<Item = &'a Envelope>) -> Result<Vec<Op>> {
    envelopes.map(|e| e.open().map_err(|e| SyncError::Protocol(e.to_string()))).collect()
}
