//! Opening, creating and writing the encrypted store.
//!
//! Opening never modifies a file it cannot read: the database header and the key are
//! checked first, then a read-only probe proves the key decrypts the file, and only then
//! is the read-write pool opened and pending migrations applied.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rapport_protocol::{EntityKind, Hlc, HlcState, OpAction, ALL_FIELDS};
use serde::Serialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Row, Sqlite, Transaction};
use tokio::sync::{Mutex, MutexGuard};
use uuid::Uuid;

use crate::clock::SharedClock;
use crate::error::{Error, Result};
use crate::keys::{self, KeyFile, KeyFileProtection, Protection, StoreKey, Unlock};
use crate::migrate;

pub const DB_FILE: &str = "rapport.db";
const SQLITE_PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What is at a data directory, found without unlocking anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Missing,
    Keychain,
    Passphrase,
}

/// An open, unlocked store. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Store {
    pool: SqlitePool,
    dir: PathBuf,
    clock: SharedClock,
    device_id: Uuid,
    // Kept (zeroised on drop) so a restore can check a backup and reopen the store without
    // asking for the passphrase again; the pool's connect options hold it anyway.
    key: StoreKey,
    // One writer at a time in this process; SQLite's own lock covers other processes.
    write_lock: Mutex<()>,
    // Bumped by every committed change that wrote ops: the desktop pushes soon after.
    written: tokio::sync::watch::Sender<u64>,
}

pub(crate) async fn close_pool(pool: &SqlitePool) {
    let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await;
    while pool.size() > 0 {
        match pool.acquire().await {
            Ok(conn) => {
                let _ = conn.detach().close().await;
            }
            Err(_) => break,
        }
    }
    pool.close().await;
}

impl Drop for Store {
    /// A store dropped without `close` (a test's end, an early return) still waits, for a
    /// bounded time, until its connections have shut down: otherwise the process can exit
    /// while a worker thread is inside SQLCipher (see `close`). Runs on its own thread and
    /// runtime because `drop` may be called from inside an async context.
    fn drop(&mut self) {
        if self.pool.is_closed() {
            return;
        }
        let pool = self.pool.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_time().build() else {
                return;
            };
            rt.block_on(async {
                let _ = tokio::time::timeout(Duration::from_secs(5), close_pool(&pool)).await;
            });
        })
        .join();
    }
}

impl Store {
    /// Says whether `dir` holds a store and how its key is protected.
    pub fn inspect(dir: &Path) -> Result<StoreKind> {
        match keys::read_key_file(dir)? {
            Some(KeyFile { protection: KeyFileProtection::Keychain { .. }, .. }) => {
                Ok(StoreKind::Keychain)
            }
            Some(KeyFile { protection: KeyFileProtection::Passphrase { .. }, .. }) => {
                Ok(StoreKind::Passphrase)
            }
            None if dir.join(DB_FILE).exists() => {
                check_header(&dir.join(DB_FILE))?;
                Err(Error::KeyMissing {
                    path: dir.to_path_buf(),
                    detail: format!("{} is missing", keys::KEY_FILE),
                })
            }
            None => Ok(StoreKind::Missing),
        }
    }

    /// Creates a new encrypted store in `dir`. Refuses if anything is already there.
    pub async fn init(dir: &Path, protection: Protection, clock: SharedClock) -> Result<Store> {
        let db = dir.join(DB_FILE);
        if db.exists() || keys::key_file_path(dir).exists() {
            return Err(Error::AlreadyExists(format!(
                "a Rapport store already exists in {}",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        restrict_to_owner(dir, 0o700)?;
        let key = StoreKey::generate();
        let mut key_file = keys::create_key_file(dir, &key, &protection)?;
        match Self::create_db(dir, &db, key, &mut key_file, clock).await {
            Ok(store) => Ok(store),
            Err(e) => {
                // Nothing was ever stored: remove the half-made store so `init` can be retried.
                let _ = std::fs::remove_file(&db);
                let _ = std::fs::remove_file(keys::key_file_path(dir));
                keys::forget_keychain_entry(&key_file);
                Err(e)
            }
        }
    }

    async fn create_db(
        dir: &Path,
        db: &Path,
        key: StoreKey,
        key_file: &mut KeyFile,
        clock: SharedClock,
    ) -> Result<Store> {
        let pool = connect(db, &key, true).await?;
        ensure_sqlcipher(&pool).await?;
        migrate::run(&pool, dir, clock.as_ref()).await?;
        let store = Self::finish_open(pool, dir, key, clock).await?;
        key_file.db_salt = Some(hex::encode(read_header(db)?.1));
        keys::write_key_file(dir, key_file)?;
        Ok(store)
    }

    /// Opens an existing store. Wrong key, plaintext file and damaged file are distinct
    /// errors, and in each case the files are left exactly as they were.
    pub async fn open(dir: &Path, unlock: &Unlock, clock: SharedClock) -> Result<Store> {
        let db = dir.join(DB_FILE);
        let db_exists = db.exists();
        if db_exists {
            check_header(&db)?;
        }
        let key_file = match (keys::read_key_file(dir)?, db_exists) {
            (Some(f), true) => f,
            (Some(_), false) => {
                return Err(Error::Corrupt {
                    path: dir.to_path_buf(),
                    detail: format!("{DB_FILE} is missing although {} exists", keys::KEY_FILE),
                })
            }
            (None, true) => {
                return Err(Error::KeyMissing {
                    path: dir.to_path_buf(),
                    detail: format!("{} is missing", keys::KEY_FILE),
                })
            }
            (None, false) => return Err(Error::NotInitialized(dir.to_path_buf())),
        };
        let key = keys::unlock_key(dir, &key_file, unlock)?;
        Self::open_with_key(dir, &key_file, key, clock).await
    }

    /// Opens with a key already recovered from `key_file` (open, and reopening after a
    /// restore): the same checks as [`Store::open`] from the salt on.
    pub(crate) async fn open_with_key(
        dir: &Path,
        key_file: &KeyFile,
        key: StoreKey,
        clock: SharedClock,
    ) -> Result<Store> {
        let db = dir.join(DB_FILE);
        check_salt(dir, &db, key_file)?;
        probe(dir, &db, &key).await?;
        let pool = connect(&db, &key, false).await?;
        migrate::run(&pool, dir, clock.as_ref()).await?;
        Self::finish_open(pool, dir, key, clock).await
    }

    async fn finish_open(
        pool: SqlitePool,
        dir: &Path,
        key: StoreKey,
        clock: SharedClock,
    ) -> Result<Store> {
        let device_id = ensure_device(&pool).await?;
        Ok(Store {
            pool,
            dir: dir.to_path_buf(),
            clock,
            device_id,
            key,
            write_lock: Mutex::new(()),
            written: tokio::sync::watch::channel(0).0,
        })
    }

    pub(crate) fn key(&self) -> &StoreKey {
        &self.key
    }

    /// Whether `close` ran (the store is unusable then).
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Checkpoints the WAL and closes every connection. Returns only once SQLite has let
    /// go of the files (`Pool::close` alone can return while a connection that was being
    /// handed back is still closing on its worker thread).
    /// Call it before the process exits: a process that exits while SQLCipher is still
    /// checkpointing on a worker thread can crash in exit-time crypto cleanup.
    /// Idempotent; the store is unusable afterwards.
    pub async fn close(&self) {
        close_pool(&self.pool).await;
    }

    /// Changes as they are committed: the value goes up each time a change in this process
    /// records ops (the outbox grew), so the desktop can push it soon after.
    pub fn local_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.written.subscribe()
    }

    /// Starts a write: one transaction in which the change and its ops are recorded.
    pub(crate) async fn change(&self) -> Result<Change<'_>> {
        let guard = self.write_lock.lock().await;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let row = sqlx::query("SELECT device_id, next_seq, hlc FROM device WHERE singleton = 1")
            .fetch_one(&mut *tx)
            .await?;
        let device: String = row.get(0);
        let hlc: String = row.get(2);
        Ok(Change {
            tx,
            _guard: guard,
            written: &self.written,
            device: Uuid::parse_str(&device)
                .map_err(|e| Error::Internal(e.to_string()))?
                .to_string()
                .into(),
            next_seq: row.get(1),
            hlc: HlcState::new(Hlc::from_str(&hlc).map_err(|e| Error::Internal(e.to_string()))?),
            now: self.clock.now(),
            ops: 0,
            observed: false,
            erased: false,
        })
    }
}

/// Records that are deleted by marking them (and writing a `deleted` op), never removed,
/// so sync can apply delete-wins and a restore can bring concurrent edits back.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Deletable {
    Customer,
    ScoringRule,
    FollowupRule,
}

impl Deletable {
    /// (table, SET clause, entity, noun for errors)
    fn parts(self) -> (&'static str, &'static str, EntityKind, &'static str) {
        match self {
            Deletable::Customer => {
                ("customers", "deleted_at = ?1, updated_at = ?1", EntityKind::Customer, "customer")
            }
            Deletable::ScoringRule => {
                ("scoring_rules", "deleted_at = ?1", EntityKind::ScoringRule, "scoring rule")
            }
            Deletable::FollowupRule => {
                ("followup_rules", "deleted_at = ?1", EntityKind::FollowupRule, "follow-up rule")
            }
        }
    }
}

impl Store {
    pub(crate) async fn soft_delete(&self, what: Deletable, id: Uuid) -> Result<()> {
        let (table, set, entity, noun) = what.parts();
        let mut ch = self.change().await?;
        let now = ch.now().to_rfc3339();
        // Table and SET clause come from the closed list above, never from input.
        let sql = format!("UPDATE {table} SET {set} WHERE id = ?2 AND deleted_at IS NULL");
        let n = sqlx::query(&sql)
            .bind(now)
            .bind(id.to_string())
            .execute(ch.conn())
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound(format!("{noun} {id}")));
        }
        ch.set(entity, id, "deleted", true).await?;
        ch.commit().await
    }
}

/// An open write transaction. Every field it changes is also recorded as an op, in the
/// same transaction, so a failed change leaves neither the change nor its ops.
pub(crate) struct Change<'s> {
    tx: Transaction<'static, Sqlite>,
    _guard: MutexGuard<'s, ()>,
    written: &'s tokio::sync::watch::Sender<u64>,
    /// The device id as text, as every op row holds it.
    device: Arc<str>,
    next_seq: i64,
    hlc: HlcState,
    now: DateTime<Utc>,
    ops: usize,
    /// Whether the clock took in another device's op (see [`Change::observe`]).
    observed: bool,
    /// Whether someone's data was erased (see `privacy/erase.rs`): the caller then rewrites
    /// the search index before the commit and truncates the WAL after it.
    pub(crate) erased: bool,
}

/// An op numbered and clocked, not yet written (see [`Change::pending_op`]). Texts shared
/// by many ops (the device, a record's id) are shared, not copied.
pub(crate) struct PendingOp {
    seq: i64,
    device: Arc<str>,
    hlc: String,
    entity: &'static str,
    entity_id: Arc<str>,
    action: &'static str,
    field: Cow<'static, str>,
    value: String,
    /// A remove's observed adds, as JSON (`None` for every other action).
    observed: Option<String>,
}

impl Serialize for PendingOp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (
            self.seq,
            &*self.device,
            &self.hlc,
            self.entity,
            &*self.entity_id,
            self.action,
            &*self.field,
            &self.value,
            &self.observed,
        )
            .serialize(s)
    }
}

impl crate::bulk::JsonRow for PendingOp {
    const COLUMNS: usize = 9;
}

impl Change<'_> {
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }

    /// Records one op. A set names what it knowingly overwrites (the field's values written
    /// by other devices that this one holds), so only an edit never seen can lose to it
    /// unnoticed: that one is kept for review (`sync::conflicts`).
    pub async fn op(&mut self, entity: EntityKind, id: Uuid, mut action: OpAction) -> Result<()> {
        if let OpAction::Set { field, prev, .. } = &mut action {
            *prev = Some(crate::sync::conflicts::before_set(self, id, field).await?);
        }
        let op = self.pending_op(entity, id, action);
        self.write_ops(std::slice::from_ref(&op)).await
    }

    /// Numbers and clocks an op without writing it: a bulk writer (an import) collects
    /// many and writes them with [`Change::write_ops`], a few thousand per statement.
    pub fn pending_op(&mut self, entity: EntityKind, id: Uuid, action: OpAction) -> PendingOp {
        let (kind, value, observed) = crate::oplog::columns(&action);
        let field = action.field().to_string();
        let mut op = self.pending(entity, &id.to_string().into(), kind, field.into(), value);
        op.observed = observed;
        op
    }

    /// A new record's first values as one [`OpAction::Create`] op (field `*`).
    pub fn pending_create(
        &mut self,
        entity: EntityKind,
        id: &Arc<str>,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<PendingOp> {
        let value = serde_json::to_string(fields).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(self.pending(entity, id, "create", ALL_FIELDS.into(), value))
    }

    /// Records a new record's first values (one op; see [`Change::pending_create`]).
    pub async fn create(
        &mut self,
        entity: EntityKind,
        id: Uuid,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<()> {
        let op = self.pending_create(entity, &id.to_string().into(), fields)?;
        self.write_ops(std::slice::from_ref(&op)).await
    }

    /// The next op: `action` is `set`, `add` or `remove`, `value` its JSON.
    pub fn pending(
        &mut self,
        entity: EntityKind,
        id: &Arc<str>,
        action: &'static str,
        field: Cow<'static, str>,
        value: String,
    ) -> PendingOp {
        let now_ms = u64::try_from(self.now.timestamp_millis()).unwrap_or(0);
        let op = PendingOp {
            seq: self.next_seq,
            device: self.device.clone(),
            hlc: self.hlc.tick(now_ms).to_string(),
            entity: entity.as_str(),
            entity_id: id.clone(),
            action,
            field,
            value,
            observed: None,
        };
        self.next_seq += 1;
        self.ops += 1;
        op
    }

    /// Writes ops made by [`Change::pending_op`] (in this transaction, like every op).
    pub async fn write_ops(&mut self, ops: &[PendingOp]) -> Result<()> {
        crate::bulk::insert_json(
            &mut self.tx,
            "INSERT INTO ops (seq, device_id, hlc, entity, entity_id, action, field, value, observed)",
            ops,
        )
        .await
    }

    /// Records a last-writer-wins field value.
    pub async fn set(
        &mut self,
        entity: EntityKind,
        id: Uuid,
        field: &str,
        value: impl Serialize,
    ) -> Result<()> {
        let value = serde_json::to_value(value).map_err(|e| Error::Internal(e.to_string()))?;
        self.op(entity, id, OpAction::Set { field: field.into(), value, prev: None }).await
    }

    /// This device's id, as its op rows hold it.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Takes in the clock of another device's op, so this device's later ops order after
    /// it even when the local wall clock is behind. The server refused clocks too far
    /// ahead of its own, so a pulled op's clock is taken as it is.
    pub fn observe(&mut self, remote: Hlc) {
        let now_ms = u64::try_from(self.now.timestamp_millis()).unwrap_or(0).max(remote.millis);
        if self.hlc.observe(remote, now_ms).is_ok() {
            self.observed = true;
        }
    }

    pub async fn commit(mut self) -> Result<()> {
        crate::search::typo::flush_pending(&mut self.tx).await?;
        if self.ops > 0 || self.observed {
            sqlx::query("UPDATE device SET next_seq = ?, hlc = ? WHERE singleton = 1")
                .bind(self.next_seq)
                .bind(self.hlc.last().to_string())
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        if self.ops > 0 {
            self.written.send_modify(|n| *n = n.wrapping_add(1));
        }
        Ok(())
    }
}

/// A key file records the salt of its database: a database with another salt (another
/// store's file, or a damaged start) is refused before anything decrypts it.
pub(crate) fn check_salt(dir: &Path, db: &Path, key_file: &KeyFile) -> Result<()> {
    if let Some(salt) = &key_file.db_salt {
        if *salt != hex::encode(read_header(db)?.1) {
            return Err(Error::KeyMissing {
                path: dir.to_path_buf(),
                detail: format!(
                    "{} belongs to another database (or the start of {} is damaged)",
                    keys::KEY_FILE,
                    db.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                ),
            });
        }
    }
    Ok(())
}

pub(crate) fn options(db: &Path, key: &StoreKey) -> SqliteConnectOptions {
    SqliteConnectOptions::new().filename(db).pragma("key", key.pragma_value().to_string())
}

async fn connect(db: &Path, key: &StoreKey, create: bool) -> Result<SqlitePool> {
    let opts = options(db, key)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("secure_delete", "ON")
        // 64 MiB of page cache per connection (the default is 2 MiB): every page that
        // falls out of the cache is read *and decrypted* again.
        .pragma("cache_size", "-65536");
    Ok(SqlitePoolOptions::new().max_connections(4).connect_with(opts).await?)
}

async fn ensure_sqlcipher(pool: &SqlitePool) -> Result<()> {
    let version: Option<String> =
        sqlx::query_scalar("PRAGMA cipher_version").fetch_optional(pool).await?;
    match version {
        Some(v) if !v.is_empty() => Ok(()),
        _ => Err(Error::NotSqlcipher),
    }
}

/// The SQLCipher version this build is linked against (empty if plain SQLite).
pub async fn cipher_version(pool: &SqlitePool) -> Result<String> {
    Ok(sqlx::query_scalar::<_, Option<String>>("PRAGMA cipher_version")
        .fetch_optional(pool)
        .await?
        .flatten()
        .unwrap_or_default())
}

/// The number of bytes read (up to 16) and the first 16 bytes of the file.
pub(crate) fn read_header(db: &Path) -> Result<(usize, [u8; 16])> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut f =
        std::fs::File::open(db).map_err(|e| Error::io(format!("opening {}", db.display()), e))?;
    let mut n = 0;
    while n < 16 {
        match f.read(&mut header[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(Error::io(format!("reading {}", db.display()), e)),
        }
    }
    Ok((n, header))
}

pub(crate) fn check_header(db: &Path) -> Result<()> {
    let (n, header) = read_header(db)?;
    if n == 0 {
        return Err(Error::Corrupt { path: db.to_path_buf(), detail: "the file is empty".into() });
    }
    if n == 16 && &header == SQLITE_PLAIN_HEADER {
        return Err(Error::NotEncrypted(db.to_path_buf()));
    }
    Ok(())
}

/// Proves the key decrypts the file, on a read-only connection that cannot create or
/// change anything.
pub(crate) async fn probe(dir: &Path, db: &Path, key: &StoreKey) -> Result<()> {
    // With an empty WAL, open `immutable`: no locks and no -shm, so even SQLite's WAL index
    // stays byte-identical. With WAL content (e.g. after a crash mid-checkpoint) the main
    // file alone may be torn, so read through the WAL like any reader would.
    let wal_len = std::fs::metadata(db.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
    let opts = options(db, key).read_only(true).immutable(wal_len == 0).create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&opts).await?;
    let version: Option<String> =
        sqlx::query_scalar("PRAGMA cipher_version").fetch_optional(&mut conn).await?;
    if version.unwrap_or_default().is_empty() {
        return Err(Error::NotSqlcipher);
    }
    let mut result = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
        .fetch_one(&mut conn)
        .await;
    if result.is_ok() {
        result = sqlx::query_scalar::<_, i64>("PRAGMA user_version").fetch_one(&mut conn).await;
    }
    let _ = conn.close().await;
    match result {
        // Refused here, before anything opens the file for writing.
        Ok(found) if found > migrate::SCHEMA_VERSION => Err(Error::StoreTooNew {
            path: dir.to_path_buf(),
            found,
            known: migrate::SCHEMA_VERSION,
        }),
        Ok(_) => Ok(()),
        // The key matched its check value, so a file that won't decrypt is damaged (or
        // belongs with another key file).
        Err(e) => Err(Error::Corrupt {
            path: dir.to_path_buf(),
            detail: format!("it does not decrypt with its key: {}", db_error_text(&e)),
        }),
    }
}

fn db_error_text(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    }
}

async fn ensure_device(pool: &SqlitePool) -> Result<Uuid> {
    if let Some(id) =
        sqlx::query_scalar::<_, String>("SELECT device_id FROM device").fetch_optional(pool).await?
    {
        return Uuid::parse_str(&id).map_err(|e| Error::Internal(e.to_string()));
    }
    let id = Uuid::now_v7();
    sqlx::query("INSERT INTO device (singleton, device_id, next_seq, hlc) VALUES (1, ?, 1, ?)")
        .bind(id.to_string())
        .bind(Hlc::default().to_string())
        .execute(pool)
        .await?;
    Ok(id)
}

/// Only the owner may list or read the store directory (and, below, the key file).
#[cfg(unix)]
pub(crate) fn restrict_to_owner(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io(format!("restricting permissions of {}", path.display()), e))
}

#[cfg(not(unix))]
pub(crate) fn restrict_to_owner(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}
