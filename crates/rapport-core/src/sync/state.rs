//! Which server this store syncs with, and how far it got: what the sync client reads and
//! records, and what the status indicator shows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::Store;

/// The sync account, as the status indicator and `rapport sync` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    /// None until this store signs in to a server once.
    pub server_url: Option<String>,
    pub account_email: Option<String>,
    pub team_id: Option<Uuid>,
    /// Whether this device holds a token (signed in, not revoked).
    pub signed_in: bool,
    /// This device's changes the server doesn't have yet.
    #[ts(type = "number")]
    pub outbox: u64,
    /// The team's server sequence this store has taken in up to.
    #[ts(type = "number")]
    pub cursor: u64,
    pub last_sync_at: Option<DateTime<Utc>>,
    /// Why the last sync failed, in words; None after a sync that worked.
    pub last_error: Option<String>,
    /// How many concurrent edits that lost are kept for review (`sync_conflicts`).
    #[ts(type = "number")]
    pub conflicts: u64,
}

/// What the client needs to talk to the server.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncAccount {
    pub server_url: String,
    pub team_id: Uuid,
    pub token: String,
    pub cursor: u64,
}

// The token must never reach a log.
impl std::fmt::Debug for SyncAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncAccount")
            .field("server_url", &self.server_url)
            .field("team_id", &self.team_id)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl Store {
    pub async fn sync_status(&self) -> Result<SyncStatus> {
        let row = sqlx::query(
            "SELECT server_url, account_email, team_id, token IS NOT NULL AS signed_in, cursor,
                    last_sync_at, last_error FROM sync_state",
        )
        .fetch_optional(self.pool())
        .await?;
        let outbox: i64 = sqlx::query_scalar("SELECT count(*) FROM ops WHERE pushed = 0")
            .fetch_one(self.pool())
            .await?;
        let outbox = u64::try_from(outbox).unwrap_or(0);
        let conflicts = self.sync_conflict_count().await?;
        let Some(row) = row else {
            return Ok(SyncStatus {
                server_url: None,
                account_email: None,
                team_id: None,
                signed_in: false,
                outbox,
                cursor: 0,
                last_sync_at: None,
                last_error: None,
                conflicts,
            });
        };
        Ok(SyncStatus {
            server_url: Some(row.get("server_url")),
            account_email: Some(row.get("account_email")),
            team_id: crate::text::parse_id(row.get::<&str, _>("team_id")).ok(),
            signed_in: row.get("signed_in"),
            outbox,
            cursor: u64::try_from(row.get::<i64, _>("cursor")).unwrap_or(0),
            last_sync_at: crate::text::parse_time(row.get("last_sync_at"))?,
            last_error: row.get("last_error"),
            conflicts,
        })
    }

    /// The signed-in account, or None when this device is signed out.
    pub async fn sync_account(&self) -> Result<Option<SyncAccount>> {
        let row = sqlx::query(
            "SELECT server_url, team_id, token, cursor FROM sync_state WHERE token IS NOT NULL",
        )
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(SyncAccount {
                server_url: row.get("server_url"),
                team_id: crate::text::parse_id(row.get::<&str, _>("team_id"))?,
                token: row.get("token"),
                cursor: u64::try_from(row.get::<i64, _>("cursor")).unwrap_or(0),
            })
        })
        .transpose()
    }

    /// Records a sign-in. A store that synced with one team can't be signed in to
    /// another: its data and cursor belong to the first.
    pub async fn sign_in_sync(
        &self,
        server_url: &str,
        account_email: &str,
        team_id: Uuid,
        token: &str,
    ) -> Result<()> {
        let mut ch = self.change().await?;
        let before: Option<(String, String)> =
            sqlx::query_as("SELECT server_url, team_id FROM sync_state")
                .fetch_optional(ch.conn())
                .await?;
        if let Some((url, team)) = before {
            if team != team_id.to_string() {
                return Err(Error::invalid(
                    "account",
                    format!(
                        "this store already syncs with another team (on {url}); sign in to that \
                         team, or use a new data directory for this one"
                    ),
                ));
            }
        }
        sqlx::query(
            "INSERT INTO sync_state (singleton, server_url, account_email, team_id, token)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (singleton) DO UPDATE SET server_url = ?1, account_email = ?2,
                token = ?4, last_error = NULL",
        )
        .bind(server_url)
        .bind(account_email)
        .bind(team_id.to_string())
        .bind(token)
        .execute(ch.conn())
        .await?;
        ch.commit().await
    }

    /// The same server and team at a new address (it moved, or got a name and TLS).
    pub async fn move_sync_server(&self, server_url: &str) -> Result<()> {
        let url = server_url.trim().trim_end_matches('/');
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::invalid(
                "server",
                format!("`{url}` is not an http:// or https:// address"),
            ));
        }
        let n = sqlx::query("UPDATE sync_state SET server_url = ?")
            .bind(url)
            .execute(self.pool())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::invalid(
                "server",
                "this device has never signed in to a sync server; run `rapport account login`",
            ));
        }
        Ok(())
    }

    /// Forgets the token (signing out, or revoked by an administrator); the local data and
    /// every unsynced change stay.
    pub async fn sign_out_sync(&self, reason: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE sync_state SET token = NULL, last_error = ?")
            .bind(reason)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The server holds this device's ops up to `seq`: they leave the outbox.
    pub async fn mark_pushed(&self, seq: u64) -> Result<()> {
        sqlx::query("UPDATE ops SET pushed = 1 WHERE pushed = 0 AND seq <= ?")
            .bind(i64::try_from(seq).unwrap_or(i64::MAX))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// How the last sync went: `None` when it worked.
    pub async fn record_sync(&self, error: Option<&str>) -> Result<()> {
        let now = self.now().to_rfc3339();
        let sql = if error.is_none() {
            "UPDATE sync_state SET last_sync_at = ?1, last_error = NULL"
        } else {
            "UPDATE sync_state SET last_error = ?2"
        };
        sqlx::query(sql).bind(now).bind(error).execute(self.pool()).await?;
        Ok(())
    }
}
