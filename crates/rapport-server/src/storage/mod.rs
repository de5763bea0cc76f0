//! Where the server keeps everything: behind [`Storage`], one backend per database, chosen
//! by the URL's scheme ([`open`]). The server holds no state of its own, so several
//! instances on one PostgreSQL database serve the same teams.
//!
//! Both backends run the same SQL ([`sql`]): ids are 16-byte blobs and clocks integers, so
//! comparisons agree; each has its own migrations.

use std::sync::Arc;

use async_trait::async_trait;
use rapport_protocol::wire::{Envelope, Pulled};
use rapport_protocol::{EntityKind, Hlc};
use uuid::Uuid;

mod postgres;
mod sql;
mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("push must continue from seq {expected}")]
    SeqGap { expected: u64 },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    // Not `#[from]`/`source`: the message already holds the cause, and logs print Display.
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("unsupported database URL scheme `{0}`: use sqlite://PATH or postgres://…")]
    Scheme(String),
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        StorageError::Database(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StorageError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StorageError::Migrate(e)
    }
}

/// How fresh a device's `last_seen_at` is kept.
pub const SEEN_EVERY_MS: u64 = 60_000;

pub use rapport_protocol::wire::accounts::{DeviceInfo, Role};

/// A role as the database keeps it.
pub(crate) fn parse_role(s: &str) -> Result<Role, StorageError> {
    Role::from_name(s).ok_or_else(|| StorageError::Corrupt(format!("unknown role `{s}`")))
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: Uuid,
    pub team_id: Uuid,
    pub role: Role,
    pub password_hash: String,
}

/// How a new account gets its team.
pub enum Joining<'a> {
    NewTeam {
        id: Uuid,
        name: &'a str,
    },
    /// The SHA-256 of an invite code.
    Invite {
        code_hash: &'a [u8],
    },
}

pub struct NewAccount<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub joining: Joining<'a>,
}

pub struct NewDevice<'a> {
    pub id: Uuid,
    pub account: &'a Account,
    pub name: &'a str,
    pub token_hash: &'a [u8],
}

/// Who a token speaks for.
#[derive(Debug, Clone)]
pub struct Session {
    pub device_id: Uuid,
    pub account_id: Uuid,
    pub team_id: Uuid,
    pub role: Role,
    pub revoked: bool,
    pub last_seen_at: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushOutcome {
    pub acked_seq: u64,
    pub stored: u64,
}

/// A page of a team's ops in server_seq order, and whether more follow.
#[derive(Debug, Clone)]
pub struct Page {
    pub ops: Vec<Pulled>,
    pub more: bool,
}

#[async_trait]
pub trait Storage: Send + Sync {
    /// "sqlite" or "postgres".
    fn kind(&self) -> &'static str;

    /// A new account with its team: a new team (owner), or an invite's (member, using the
    /// invite up). A taken email is [`StorageError::Conflict`]; a bad invite `Invalid`.
    async fn create_account(&self, new: NewAccount<'_>, now: u64) -> Result<Account, StorageError>;

    /// `email` as stored (trimmed, lowercase).
    async fn account_by_email(&self, email: &str) -> Result<Option<Account>, StorageError>;

    /// Registers the device (or signs it in again) with a new token. A device id of
    /// another account is `Conflict`; a revoked device `Forbidden`.
    async fn start_session(&self, device: NewDevice<'_>, now: u64) -> Result<(), StorageError>;

    async fn session(&self, token_hash: &[u8]) -> Result<Option<Session>, StorageError>;

    /// Records that the device was seen (callers skip it when they saw it within
    /// [`SEEN_EVERY_MS`]: a write per request would queue reads behind SQLite's writer).
    async fn touch_device(&self, device_id: Uuid, now: u64) -> Result<(), StorageError>;

    /// Signs the device out: its token stops working.
    async fn end_session(&self, device_id: Uuid) -> Result<(), StorageError>;

    /// The team's devices, or only `account`'s.
    async fn devices(
        &self,
        team_id: Uuid,
        account: Option<Uuid>,
    ) -> Result<Vec<DeviceInfo>, StorageError>;

    /// The account a device of this team belongs to (None: no such device in the team).
    async fn device_owner(
        &self,
        team_id: Uuid,
        device_id: Uuid,
    ) -> Result<Option<Uuid>, StorageError>;

    /// An account's role, if the account is in the team.
    async fn account_role(
        &self,
        team_id: Uuid,
        account_id: Uuid,
    ) -> Result<Option<Role>, StorageError>;

    /// Makes a team's admin a member or the reverse; the owner's role never changes.
    async fn set_role(
        &self,
        team_id: Uuid,
        account_id: Uuid,
        role: Role,
    ) -> Result<(), StorageError>;

    async fn revoke_device(
        &self,
        team_id: Uuid,
        device_id: Uuid,
        now: u64,
    ) -> Result<(), StorageError>;

    async fn create_invite(
        &self,
        session: &Session,
        code_hash: &[u8],
        now: u64,
        expires_at: u64,
    ) -> Result<(), StorageError>;

    /// Stores the ops the server doesn't hold yet, in order, each with the team's next
    /// server_seq, in one transaction. Ops it holds are acknowledged; a gap is `SeqGap`.
    async fn push(
        &self,
        team_id: Uuid,
        device_id: Uuid,
        ops: &[Envelope],
    ) -> Result<PushOutcome, StorageError>;

    /// The team's ops with server_seq > `after`.
    async fn pull(&self, team_id: Uuid, after: u64, limit: u32) -> Result<Page, StorageError>;

    /// The team's highest server_seq.
    async fn head(&self, team_id: Uuid) -> Result<u64, StorageError>;

    /// The team's ops with `after < server_seq <= upto` that compaction keeps (see
    /// [`sql`]): every op touching a set, every op with no register, every op that is
    /// the latest writer (by clock, then device, among all the team's ops) of one of its
    /// registers, and every head (a set with `prev` that nothing supersedes).
    async fn snapshot(
        &self,
        team_id: Uuid,
        after: u64,
        upto: u64,
        limit: u32,
    ) -> Result<Page, StorageError>;
}

/// Opens (creating and migrating as needed) the database the URL names:
/// `sqlite://PATH` or `postgres://…` / `postgresql://…`.
pub async fn open(url: &str) -> Result<Arc<dyn Storage>, StorageError> {
    let scheme = url.split_once(':').map_or("", |(s, _)| s);
    match scheme {
        "sqlite" => Ok(Arc::new(SqliteStorage::open(url).await?)),
        "postgres" | "postgresql" => Ok(Arc::new(PostgresStorage::open(url).await?)),
        // Only the scheme: the rest may hold a password.
        other => Err(StorageError::Scheme(other.chars().take(32).collect())),
    }
}

/// An op as a row holds it.
#[derive(Debug, sqlx::FromRow)]
struct OpRow {
    server_seq: i64,
    device_id: Vec<u8>,
    seq: i64,
    hlc_millis: i64,
    hlc_counter: i64,
    entity: String,
    entity_id: Vec<u8>,
    registers: String,
    touches_set: bool,
    payload: Vec<u8>,
    prev: Option<String>,
}

fn uuid(bytes: &[u8]) -> Result<Uuid, StorageError> {
    Uuid::from_slice(bytes).map_err(|_| StorageError::Corrupt("an id is not 16 bytes".into()))
}

fn entity(text: &str) -> Result<EntityKind, StorageError> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| StorageError::Corrupt(format!("unknown entity kind `{text}`")))
}

impl OpRow {
    fn into_pulled(self) -> Result<Pulled, StorageError> {
        let registers = serde_json::from_str(&self.registers)
            .map_err(|e| StorageError::Corrupt(format!("op registers: {e}")))?;
        Ok(Pulled {
            server_seq: self.server_seq as u64,
            envelope: Envelope {
                device: uuid(&self.device_id)?,
                seq: self.seq as u64,
                hlc: Hlc { millis: self.hlc_millis as u64, counter: self.hlc_counter as u32 },
                entity: entity(&self.entity)?,
                entity_id: uuid(&self.entity_id)?,
                registers,
                touches_set: self.touches_set,
                prev: self
                    .prev
                    .map(|p| serde_json::from_str(&p))
                    .transpose()
                    .map_err(|e| StorageError::Corrupt(format!("op prev: {e}")))?,
                payload: self.payload,
            },
        })
    }
}

/// A row count or cursor from the API (u64) as SQL's i64, saturating.
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Rows fetched with `limit + 1` as a page of at most `limit`.
fn page(mut rows: Vec<OpRow>, limit: u32) -> Result<Page, StorageError> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let ops = rows.into_iter().map(OpRow::into_pulled).collect::<Result<_, _>>()?;
    Ok(Page { ops, more })
}
