//! Online, encrypted backups, and restoring one.
//!
//! A backup is `VACUUM INTO` on SQLCipher: a consistent snapshot (one read transaction, so
//! writers carry on and no half-committed change is in it), encrypted with the same key
//! and salt, with no WAL of its own.
//!
//! Restore replaces nothing until the new database is proven good, and a crash at any
//! point leaves a store that opens, either the old one or the restored one:
//! 1. the backup is opened read-only (`immutable`: not a byte of it changes) with the
//!    store's key, and refused with the error opening it as a store would give (plain
//!    file, another store's file, damaged, too new); `integrity_check` and
//!    `cipher_integrity_check` must pass;
//! 2. it is copied (`VACUUM INTO`, from that connection) to `rapport.db.restoring` beside
//!    the store and fsynced; the current store is backed up to
//!    `backups/pre-restore-<time>.db`;
//! 3. the store is closed: the last connection checkpoints the WAL into the database and
//!    deletes `-wal` and `-shm`. A `-wal` still there means another program has the store
//!    open: the restore stops (a WAL left beside the new file would be replayed onto it);
//! 4. `rename(rapport.db.restoring, rapport.db)`, atomic, then an fsync of the directory;
//! 5. the store is reopened, which runs migrations if the backup is older.
//!
//! A crash before step 4 leaves the old database (its WAL already folded in) and maybe a
//! stale `rapport.db.restoring`, which nothing opens and the next restore removes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Row, SqlitePool};
use ts_rs::TS;

use crate::clock::SharedClock;
use crate::error::{Error, ErrorCode, Result};
use crate::keys::{self, StoreKey, Unlock};
use crate::migrate::SCHEMA_VERSION;
use crate::store::{self, Store, DB_FILE};

/// The app's own backups (before migrations and restores), beside the database.
pub const BACKUPS_DIR: &str = "backups";
/// The restored database while it is being written, before it replaces `rapport.db`.
pub const STAGING_FILE: &str = "rapport.db.restoring";

/// A backup just written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupInfo {
    pub path: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub restored_from: PathBuf,
    /// The backup's schema; older ones were migrated on reopening.
    pub backup_schema_version: i64,
    /// Where the store as it was before the restore was kept.
    pub previous_store: PathBuf,
}

/// The points between restore steps, for tests that stop there as a crash would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreStep {
    /// The new database is written beside the store and the old one is backed up.
    Staged,
    /// The old store is closed.
    Closed,
    /// Its (empty) `-wal` and `-shm` are gone.
    OldWalRemoved,
    /// The new database has replaced the old one.
    Renamed,
}

pub(crate) async fn backup_to(pool: &SqlitePool, target: &Path) -> Result<()> {
    if target.exists() {
        return Err(Error::AlreadyExists(format!("{} already exists", target.display())));
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
    }
    let path =
        target.to_str().ok_or_else(|| Error::invalid("backup path", "must be valid UTF-8"))?;
    sqlx::query("VACUUM INTO ?").bind(path).execute(pool).await?;
    // VACUUM INTO does not sync what it wrote.
    sync_file(target)?;
    Ok(())
}

impl Store {
    /// Writes an encrypted, consistent copy of the store to `target` (which must not exist).
    pub async fn backup(&self, target: &Path) -> Result<BackupInfo> {
        backup_to(self.pool(), target).await?;
        let size_bytes = std::fs::metadata(target)
            .map_err(|e| Error::io(format!("reading {}", target.display()), e))?
            .len();
        Ok(BackupInfo { path: target.display().to_string(), size_bytes })
    }

    /// Replaces this store's data with a backup (see the module docs). Closes this store;
    /// returns the reopened one. On an error after the close, [`Store::reopen`] opens
    /// whichever database is in place (the old one unless the swap completed).
    pub async fn restore(&self, backup: &Path) -> Result<(Store, RestoreReport)> {
        self.restore_inner(backup, None).await
    }

    /// [`Store::restore`], stopping after `step` as if the process died there (the store
    /// is left as a crash would leave it: closed, nothing cleaned up).
    #[cfg(feature = "test-support")]
    pub async fn restore_until(&self, backup: &Path, step: RestoreStep) -> Result<()> {
        self.restore_inner(backup, Some(step)).await.map(|_| ())
    }

    async fn restore_inner(
        &self,
        backup: &Path,
        stop: Option<RestoreStep>,
    ) -> Result<(Store, RestoreReport)> {
        let dir = self.dir().to_path_buf();
        let key_file =
            keys::read_key_file(&dir)?.ok_or_else(|| Error::NotInitialized(dir.clone()))?;
        refuse_own_file(&dir, backup)?;
        let staging = dir.join(STAGING_FILE);
        let version = stage(backup, self.key(), key_file.db_salt.as_deref(), &staging).await?;
        let stamp = self.now().format("%Y%m%dT%H%M%SZ");
        let previous = unique(&dir.join(BACKUPS_DIR), &format!("pre-restore-{stamp}"));
        if let Err(e) = backup_to(self.pool(), &previous).await {
            let _ = std::fs::remove_file(&staging);
            return Err(e);
        }
        stop_at(stop, RestoreStep::Staged)?;
        self.close().await;
        stop_at(stop, RestoreStep::Closed)?;
        swap(&dir, &staging, stop)?;
        let store =
            Store::open_with_key(&dir, &key_file, self.key().clone(), self.clock().clone()).await?;
        Ok((
            store,
            RestoreReport {
                restored_from: backup.to_path_buf(),
                backup_schema_version: version,
                previous_store: previous,
            },
        ))
    }

    /// Opens the database now in place with this store's key (after a failed restore).
    pub async fn reopen(&self) -> Result<Store> {
        let dir = self.dir();
        let key_file =
            keys::read_key_file(dir)?.ok_or_else(|| Error::NotInitialized(dir.to_path_buf()))?;
        Store::open_with_key(dir, &key_file, self.key().clone(), self.clock().clone()).await
    }

    /// Restores into a store that does not open (damaged, or its database missing): the
    /// key comes from the key file and `unlock`. What was there (database and WAL) is
    /// first copied as-is to `backups/pre-restore-<time>-unopened.db[-wal]`. Only for a
    /// store no program has open (the CLI uses it when opening failed).
    pub async fn restore_unopened(
        dir: &Path,
        unlock: &Unlock,
        backup: &Path,
        clock: SharedClock,
    ) -> Result<(Store, RestoreReport)> {
        let key_file =
            keys::read_key_file(dir)?.ok_or_else(|| Error::NotInitialized(dir.to_path_buf()))?;
        let key = keys::unlock_key(dir, &key_file, unlock)?;
        refuse_own_file(dir, backup)?;
        let staging = dir.join(STAGING_FILE);
        let version = stage(backup, &key, key_file.db_salt.as_deref(), &staging).await?;
        let stamp = clock.now().format("%Y%m%dT%H%M%SZ");
        let previous = unique(&dir.join(BACKUPS_DIR), &format!("pre-restore-{stamp}-unopened"));
        let db = dir.join(DB_FILE);
        let wal = wal_path(dir);
        for (from, to) in [(&db, previous.clone()), (&wal, with_suffix(&previous, "-wal"))] {
            if from.exists() {
                std::fs::create_dir_all(dir.join(BACKUPS_DIR))
                    .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
                std::fs::copy(from, &to)
                    .map_err(|e| Error::io(format!("copying {}", from.display()), e))?;
                sync_file(&to)?;
            }
        }
        // Their copies are safe; the old WAL must not be replayed onto the new file.
        remove_if_exists(&wal)?;
        remove_if_exists(&shm_path(dir))?;
        swap(dir, &staging, None)?;
        let store = Store::open_with_key(dir, &key_file, key, clock).await?;
        Ok((
            store,
            RestoreReport {
                restored_from: backup.to_path_buf(),
                backup_schema_version: version,
                previous_store: previous,
            },
        ))
    }
}

fn stop_at(stop: Option<RestoreStep>, step: RestoreStep) -> Result<()> {
    if stop == Some(step) {
        return Err(Error::Internal(format!("restore stopped after {step:?} (test)")));
    }
    Ok(())
}

fn refuse_own_file(dir: &Path, backup: &Path) -> Result<()> {
    let own = std::fs::canonicalize(dir.join(DB_FILE)).ok();
    if own.is_some() && std::fs::canonicalize(backup).ok() == own {
        return Err(Error::invalid("backup", "that is the store's own database, not a backup"));
    }
    Ok(())
}

/// `<dir>/<base>.db`, or `<base>-2.db`, … whichever does not exist yet.
fn unique(dir: &Path, base: &str) -> PathBuf {
    let first = dir.join(format!("{base}.db"));
    if !first.exists() {
        return first;
    }
    (2..).map(|n| dir.join(format!("{base}-{n}.db"))).find(|p| !p.exists()).unwrap_or(first)
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn wal_path(dir: &Path) -> PathBuf {
    dir.join(format!("{DB_FILE}-wal"))
}

fn shm_path(dir: &Path) -> PathBuf {
    dir.join(format!("{DB_FILE}-shm"))
}

fn remove_if_exists(p: &Path) -> Result<()> {
    match std::fs::remove_file(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(format!("removing {}", p.display()), e)),
    }
}

fn sync_file(p: &Path) -> Result<()> {
    std::fs::File::open(p)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(format!("syncing {}", p.display()), e))
}

fn sync_dir(dir: &Path) {
    // Not every platform can open a directory to sync it (Windows); rename is still atomic.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Steps 3-4 of the module docs, on a closed store.
fn swap(dir: &Path, staging: &Path, stop: Option<RestoreStep>) -> Result<()> {
    let wal = wal_path(dir);
    if wal.exists() {
        let _ = std::fs::remove_file(staging);
        return Err(Error::io(
            format!("replacing {}", dir.join(DB_FILE).display()),
            std::io::Error::other(format!(
                "{} is still there after closing: another Rapport (the app or a `rapport` \
                 command) has the store open; close it and try again (nothing was replaced)",
                wal.display()
            )),
        ));
    }
    remove_if_exists(&shm_path(dir))?;
    stop_at(stop, RestoreStep::OldWalRemoved)?;
    std::fs::rename(staging, dir.join(DB_FILE))
        .map_err(|e| Error::io(format!("moving {} into place", staging.display()), e))?;
    stop_at(stop, RestoreStep::Renamed)?;
    sync_dir(dir);
    Ok(())
}

/// Step 1-2: checks `backup` and copies it to `staging` (fsynced). Returns its schema.
async fn stage(backup: &Path, key: &StoreKey, salt: Option<&str>, staging: &Path) -> Result<i64> {
    remove_if_exists(staging)?;
    let result = check_and_copy(backup, key, salt, staging).await;
    let result = result.and_then(|v| sync_file(staging).map(|()| v));
    if result.is_err() {
        let _ = std::fs::remove_file(staging);
    }
    result
}

async fn check_and_copy(
    backup: &Path,
    key: &StoreKey,
    salt: Option<&str>,
    staging: &Path,
) -> Result<i64> {
    let bad = |code: ErrorCode, reason: &str| Error::BadBackup {
        path: backup.to_path_buf(),
        code,
        reason: reason.to_string(),
    };
    let meta = match std::fs::metadata(backup) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(bad(ErrorCode::NotFound, "there is no such file"))
        }
        Err(e) => return Err(Error::io(format!("reading {}", backup.display()), e)),
    };
    if !meta.is_file() {
        return Err(bad(ErrorCode::InvalidInput, "it is not a file"));
    }
    let (n, header) = store::read_header(backup)?;
    if n == 0 {
        return Err(bad(ErrorCode::Corrupt, "the file is empty"));
    }
    if &header == b"SQLite format 3\0" {
        return Err(bad(
            ErrorCode::NotEncrypted,
            "it is a plain, unencrypted SQLite file, not an encrypted Rapport backup",
        ));
    }
    if n < 16 || meta.len() < 512 {
        return Err(bad(ErrorCode::Corrupt, "it is too short to be a database"));
    }
    if std::fs::metadata(with_suffix(backup, "-wal")).is_ok_and(|m| m.len() > 0) {
        return Err(bad(
            ErrorCode::InvalidInput,
            "a -wal file beside it holds changes that are not in it: it is a live database, \
             not a backup (make one with `rapport backup`)",
        ));
    }
    let same_salt = salt.map(|s| s == hex::encode(header));
    if same_salt == Some(false) {
        return Err(bad(
            ErrorCode::WrongKey,
            "it is not a backup of this store (it was made from another store, or with another key)",
        ));
    }
    let opts = store::options(backup, key).read_only(true).immutable(true).create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&opts).await?;
    let result = check_open_backup(&mut conn, same_salt.is_some(), &bad, staging).await;
    let _ = conn.close().await;
    result
}

async fn check_open_backup(
    conn: &mut SqliteConnection,
    salt_matched: bool,
    bad: &(dyn Fn(ErrorCode, &str) -> Error + Sync),
    staging: &Path,
) -> Result<i64> {
    if sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
        .fetch_one(&mut *conn)
        .await
        .is_err()
    {
        // With the salt recorded and matching, the key is this store's: the file is damaged.
        return Err(if salt_matched {
            bad(ErrorCode::Corrupt, "it is damaged (it does not decrypt with this store's key)")
        } else {
            bad(
                ErrorCode::WrongKey,
                "it does not decrypt with this store's key (a backup of another store, or damaged)",
            )
        });
    }
    let version: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&mut *conn).await?;
    if version > SCHEMA_VERSION {
        return Err(bad(
            ErrorCode::StoreTooNew,
            &format!(
                "it was written by a newer Rapport (schema {version}, this app knows up to \
                 {SCHEMA_VERSION}); update Rapport first"
            ),
        ));
    }
    let rapport_tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('device', 'ops', 'customers')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if version < 1 || rapport_tables != 3 {
        return Err(bad(
            ErrorCode::InvalidInput,
            "it is an encrypted database but not a Rapport store",
        ));
    }
    let integrity: Vec<String> =
        match sqlx::query("PRAGMA integrity_check").fetch_all(&mut *conn).await {
            Ok(rows) => rows.iter().map(|r| r.get::<String, _>(0)).collect(),
            Err(e) => vec![e.to_string()],
        };
    if integrity != ["ok"] {
        let detail = integrity.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
        return Err(bad(ErrorCode::Corrupt, &format!("it is damaged (integrity check: {detail})")));
    }
    // Every page's HMAC: damage the b-tree check can miss (a flipped byte in free space).
    let cipher: Vec<String> =
        match sqlx::query("PRAGMA cipher_integrity_check").fetch_all(&mut *conn).await {
            Ok(rows) => rows.iter().map(|r| r.get::<String, _>(0)).collect(),
            Err(e) => vec![e.to_string()],
        };
    if !cipher.is_empty() {
        let detail = cipher.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
        return Err(bad(ErrorCode::Corrupt, &format!("it is damaged (page check: {detail})")));
    }
    let path = staging.to_str().ok_or_else(|| Error::invalid("data dir", "must be valid UTF-8"))?;
    sqlx::query("VACUUM INTO ?").bind(path).execute(&mut *conn).await?;
    Ok(version)
}
