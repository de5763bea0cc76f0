//! Backups while the app writes, and restore: checked before anything is replaced, and a
//! crash at any step leaves a store that opens (the old data or the restored data).

use std::path::Path;
use std::sync::Arc;

use rapport_core::backup::{RestoreStep, BACKUPS_DIR, STAGING_FILE};
use rapport_core::customers::NewCustomer;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::{ApiError, ErrorCode, Session, Store, StoreStatus};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use uuid::Uuid;

use crate::raw_pages::{decrypt_db, key_from_hex};
use crate::support::*;

const MARKER: &str = "Quaffelbrin";

async fn add(store: &Store, name: &str) -> Uuid {
    store
        .add_customer(&NewCustomer {
            name: name.into(),
            notes: Some(format!("notes {MARKER}")),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

async fn names(store: &Store) -> Vec<String> {
    let mut n: Vec<String> = store
        .list_customers(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    n.sort();
    n
}

fn raw_key(dir: &Path) -> String {
    rapport_core::keys::debug_unwrap_key_for_tests(dir, PASS).unwrap().to_string()
}

/// A raw connection to any database file with the store's key.
async fn keyed(file: &Path, key: &str) -> SqliteConnection {
    let opts = SqliteConnectOptions::new().filename(file).pragma("key", format!("\"x'{key}'\""));
    SqliteConnection::connect_with(&opts).await.unwrap()
}

fn backups_named(dir: &Path, prefix: &str) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir.join(BACKUPS_DIR)) else { return Vec::new() };
    rd.map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_brings_the_backup_back_and_keeps_the_store_it_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    add(&store, "Ada Before").await;
    let backup = dir.path().join("mine.db");
    let info = store.backup(&backup).await.unwrap();
    assert_eq!(info.size_bytes, std::fs::metadata(&backup).unwrap().len());
    add(&store, "Bob After").await;

    // The backup file holds no plaintext, yet its decrypted pages do hold the customer
    // (so the check below could fail).
    let bytes = std::fs::read(&backup).unwrap();
    assert!(!contains(&bytes, MARKER.as_bytes()) && !contains(&bytes, b"Ada Before"));
    assert!(!contains(&bytes, b"SQLite format 3"));
    let plain = decrypt_db(&key_from_hex(&raw_key(dir.path())), &bytes);
    assert!(contains(&plain, MARKER.as_bytes()) && contains(&plain, b"Ada Before"));

    let backup_before = std::fs::read(&backup).unwrap();
    let (restored, report) = store.restore(&backup).await.unwrap();
    assert!(store.is_closed());
    assert_eq!(names(&restored).await, ["Ada Before"]);
    assert_eq!(report.backup_schema_version, rapport_core::SCHEMA_VERSION);
    assert_eq!(std::fs::read(&backup).unwrap(), backup_before, "the backup was changed");
    assert!(!dir.path().join(STAGING_FILE).exists());

    // What was replaced is kept, and can itself be restored.
    let kept = backups_named(dir.path(), "pre-restore-");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(report.previous_store, dir.path().join(BACKUPS_DIR).join(&kept[0]));
    let (again, _) = restored.restore(&report.previous_store).await.unwrap();
    assert_eq!(names(&again).await, ["Ada Before", "Bob After"]);
    assert_eq!(backups_named(dir.path(), "pre-restore-").len(), 2);
    again.close().await;
    let reopened = reopen(dir.path()).await;
    assert_eq!(names(&reopened).await, ["Ada Before", "Bob After"]);
    reopened.close().await;
}

/// Every unusable backup is refused with the error opening such a store would give, its
/// path in the message, and not a byte of the store's directory changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_backups_are_refused_before_anything_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    add(&store, "Ada Lovelace").await;
    let good = files.path().join("good.db");
    store.backup(&good).await.unwrap();
    let key = raw_key(dir.path());

    let plain = files.path().join("plain.db");
    let opts = SqliteConnectOptions::new().filename(&plain).create_if_missing(true);
    let mut c = SqliteConnection::connect_with(&opts).await.unwrap();
    sqlx::query("CREATE TABLE t (x)").execute(&mut c).await.unwrap();
    c.close().await.unwrap();

    let empty = files.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let garbage = files.path().join("garbage.db");
    std::fs::write(&garbage, (0..16384u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>())
        .unwrap();

    // Another store's backup: another key and salt.
    let other_dir = tempfile::tempdir().unwrap();
    let other = new_store(other_dir.path()).await;
    let foreign = files.path().join("foreign.db");
    other.backup(&foreign).await.unwrap();
    other.close().await;

    // A flipped byte inside the last page: its HMAC no longer matches.
    let damaged = files.path().join("damaged.db");
    let mut bytes = std::fs::read(&good).unwrap();
    let n = bytes.len();
    bytes[n - 2000] ^= 0x5a;
    std::fs::write(&damaged, bytes).unwrap();

    // Pages that all decrypt, but a b-tree that lies: an index whose root is another
    // table's (only integrity_check sees it; the pages themselves are fine).
    let inconsistent = files.path().join("inconsistent.db");
    std::fs::copy(&good, &inconsistent).unwrap();
    let mut c = keyed(&inconsistent, &key).await;
    sqlx::query("PRAGMA writable_schema = ON").execute(&mut c).await.unwrap();
    sqlx::query(
        "UPDATE sqlite_master SET rootpage = (SELECT rootpage FROM sqlite_master WHERE name = 'ops')
         WHERE name = 'customers_list'",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();

    // A damaged free page: nothing reads it (not the schema, not integrity_check, not a
    // copy), only the per-page HMAC check (cipher_integrity_check) sees it.
    let free_damaged = files.path().join("free-damaged.db");
    std::fs::copy(&good, &free_damaged).unwrap();
    let mut c = keyed(&free_damaged, &key).await;
    sqlx::query("CREATE TABLE junk (b BLOB)").execute(&mut c).await.unwrap();
    sqlx::query("INSERT INTO junk VALUES (zeroblob(200000))").execute(&mut c).await.unwrap();
    sqlx::query("DROP TABLE junk").execute(&mut c).await.unwrap();
    c.close().await.unwrap();
    let mut bytes = std::fs::read(&free_damaged).unwrap();
    let pages = decrypt_db(&key_from_hex(&key), &bytes);
    // Page 1's header (after the 16-byte salt): the first freelist trunk page at 32; the
    // trunk lists its leaf pages from byte 8.
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap()) as usize;
    let trunk = be(&pages[32 - 16..36 - 16]);
    assert!(trunk > 1, "expected free pages");
    // decrypt_db drops each page's 80-byte reserve, and page 1's 16-byte salt.
    let trunk_at = 4000 + (trunk - 2) * 4016;
    let leaf = be(&pages[trunk_at + 8..trunk_at + 12]);
    bytes[(leaf - 1) * 4096 + 1000] ^= 0x5a;
    std::fs::write(&free_damaged, &bytes).unwrap();

    // Written by a newer Rapport.
    let newer = files.path().join("newer.db");
    std::fs::copy(&good, &newer).unwrap();
    let mut c = keyed(&newer, &key).await;
    sqlx::query("PRAGMA user_version = 999").execute(&mut c).await.unwrap();
    c.close().await.unwrap();

    // Encrypted with the key, but not a Rapport store.
    let stranger = files.path().join("stranger.db");
    let mut c = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(&stranger)
            .pragma("key", format!("\"x'{key}'\""))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::query("CREATE TABLE t (x)").execute(&mut c).await.unwrap();
    c.close().await.unwrap();

    // A live database with its WAL beside it.
    let live = files.path().join("live.db");
    std::fs::copy(&good, &live).unwrap();
    std::fs::write(files.path().join("live.db-wal"), b"not empty").unwrap();

    let cases: &[(&Path, ErrorCode, &str)] = &[
        (&plain, ErrorCode::NotEncrypted, "plain, unencrypted"),
        (&empty, ErrorCode::Corrupt, "empty"),
        (&garbage, ErrorCode::WrongKey, "not a backup of this store"),
        (&foreign, ErrorCode::WrongKey, "not a backup of this store"),
        (&damaged, ErrorCode::Corrupt, "damaged"),
        (&inconsistent, ErrorCode::Corrupt, "integrity check"),
        (&free_damaged, ErrorCode::Corrupt, "page check"),
        (&newer, ErrorCode::StoreTooNew, "schema 999"),
        (&stranger, ErrorCode::WrongKey, "not a backup of this store"),
        (&live, ErrorCode::InvalidInput, "live database"),
        (&files.path().join("missing.db"), ErrorCode::NotFound, "no such file"),
        (&dir.path().join("rapport.db"), ErrorCode::InvalidInput, "own database"),
    ];
    store.close().await;
    let before = fingerprint(dir.path());
    let store = reopen(dir.path()).await;
    for (file, code, words) in cases {
        let err = store.restore(file).await.unwrap_err();
        let api = ApiError::from(&err);
        assert_eq!(api.code, *code, "{}: {}", file.display(), api.message);
        assert!(api.message.contains(words), "{}: {}", file.display(), api.message);
        if !words.contains("own") {
            assert!(api.message.contains(&file.display().to_string()), "{}", api.message);
            assert!(api.message.contains("nothing was replaced"), "{}", api.message);
        }
        assert!(!store.is_closed(), "a refused restore must not close the store");
    }
    assert_eq!(names(&store).await, ["Ada Lovelace"]);
    store.close().await;
    assert_eq!(fingerprint(dir.path()), before, "a refused restore changed the store's files");
}

/// Stops the restore after each step as a crash would (nothing cleaned up, the store
/// closed) and opens the store afresh: before the rename it is the old data, after it
/// the restored data, never an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_any_step_leaves_a_store_that_opens() {
    for (step, restored) in [
        (RestoreStep::Staged, false),
        (RestoreStep::Closed, false),
        (RestoreStep::OldWalRemoved, false),
        (RestoreStep::Renamed, true),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let store = new_store(dir.path()).await;
        add(&store, "Ada Before").await;
        let backup = dir.path().join("b.db");
        store.backup(&backup).await.unwrap();
        add(&store, "Bob After").await;
        let err = store.restore_until(&backup, step).await.unwrap_err();
        assert!(err.to_string().contains(&format!("{step:?}")), "{err}");
        if step == RestoreStep::Staged {
            // The "crash" left the store open; a real crash closes everything.
            store.close().await;
        }
        drop(store);
        let opened = reopen(dir.path()).await;
        let expected: &[&str] =
            if restored { &["Ada Before"] } else { &["Ada Before", "Bob After"] };
        assert_eq!(names(&opened).await, expected, "after a crash at {step:?}");
        // A leftover staging file is harmless, and the next restore starts over.
        let (done, _) = opened.restore(&backup).await.unwrap();
        assert_eq!(names(&done).await, ["Ada Before"], "restore after a crash at {step:?}");
        assert!(!dir.path().join(STAGING_FILE).exists());
        done.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_backup_is_migrated_when_the_store_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    add(&store, "Ada Old").await;
    let backup = dir.path().join("old.db");
    store.backup(&backup).await.unwrap();
    // Make it what a backup from three schemas back looks like: no log of other devices' ops,
    // no sync account, and an outbox without the removes' observed adds (migration 15),
    // no conflict list (16), no index of whole customers (17).
    let older = rapport_core::SCHEMA_VERSION - 3;
    let ops_before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ops").fetch_one(store.pool()).await.unwrap();
    assert!(ops_before > 0);
    let mut c = keyed(&backup, &raw_key(dir.path())).await;
    let index: Vec<String> = sqlx::query_scalar(
        "SELECT 'DROP TRIGGER ' || name FROM sqlite_master
         WHERE type = 'trigger' AND sql LIKE '%customer_all_search%'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for sql in index
        .iter()
        .map(String::as_str)
        .chain(["DROP VIEW customer_all_search_docs", "DROP TABLE customer_all_search"])
    {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
    for sql in [
        "DROP TABLE remote_ops",
        "DROP TABLE sync_state",
        "ALTER TABLE ops DROP COLUMN observed",
        "DROP TABLE sync_conflicts",
    ] {
        sqlx::query(sql).execute(&mut c).await.unwrap();
    }
    sqlx::query(&format!("PRAGMA user_version = {older}")).execute(&mut c).await.unwrap();
    c.close().await.unwrap();

    let (restored, report) = store.restore(&backup).await.unwrap();
    assert_eq!(report.backup_schema_version, older);
    assert_eq!(names(&restored).await, ["Ada Old"]);
    let v: i64 =
        sqlx::query_scalar("PRAGMA user_version").fetch_one(restored.pool()).await.unwrap();
    assert_eq!(v, rapport_core::SCHEMA_VERSION);
    // The migration ran on the restored data: the old op is kept, and the new columns and
    // table are there.
    let kept: Vec<(String, String)> =
        sqlx::query_as("SELECT action, field FROM ops").fetch_all(restored.pool()).await.unwrap();
    assert_eq!(kept, [("create".to_string(), "*".to_string())]);
    add(&restored, "Bob New").await;
    let seen: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ops WHERE observed IS NULL AND action = 'create'
         AND NOT EXISTS (SELECT 1 FROM remote_ops)",
    )
    .fetch_one(restored.pool())
    .await
    .unwrap();
    assert_eq!(seen, 2);
    assert_eq!(restored.sync_status().await.unwrap().conflicts, 0);
    // Several words are searched in the index migration 17 built from the data.
    let q = rapport_core::customers::CustomerQuery {
        query: Some("ada old".into()),
        ..Default::default()
    };
    assert_eq!(restored.count_customers(&q).await.unwrap(), 1);
    assert_eq!(backups_named(dir.path(), &format!("pre-migration-v{older}-")).len(), 1);
    restored.close().await;
}

/// A backup taken while another task writes is one consistent snapshot: every change in
/// it is whole (its rows, its ops and the device's sequence number together).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_taken_during_writes_are_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(new_store(dir.path()).await);
    let id = add(&store, "Ada Busy").await;
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            for i in 0..150 {
                store
                    .log_interaction(&NewInteraction {
                        customer_id: id,
                        kind: InteractionKind::Note,
                        summary: format!("note {i}"),
                        body: Some("x".repeat(500)),
                        occurred_at: None,
                        amount: None,
                        score: None,
                    })
                    .await
                    .unwrap();
            }
        })
    };
    let mut counts = Vec::new();
    for n in 0..4 {
        let b = dir.path().join(format!("during-{n}.db"));
        store.backup(&b).await.unwrap();
        counts.push(b);
        tokio::task::yield_now().await;
    }
    writer.await.unwrap();
    let key = raw_key(dir.path());
    let mut seen = Vec::new();
    for b in &counts {
        let mut c = keyed(b, &key).await;
        let ok: String =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
        assert_eq!(ok, "ok");
        let (rows, logged): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM interactions),
                    (SELECT count(DISTINCT entity_id) FROM ops WHERE entity = 'interaction')",
        )
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert_eq!(rows, logged, "{}: rows without their ops, or ops without rows", b.display());
        let (next, max): (i64, i64) =
            sqlx::query_as("SELECT next_seq, (SELECT max(seq) FROM ops) FROM device")
                .fetch_one(&mut c)
                .await
                .unwrap();
        assert_eq!(next, max + 1, "{}: the sequence number is not the ops'", b.display());
        seen.push(rows);
        c.close().await.unwrap();
    }
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    Arc::try_unwrap(store).unwrap().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_restores_and_serves_the_restored_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    add(&store, "Ada Before").await;
    let backup = dir.path().join("s.db");
    store.backup(&backup).await.unwrap();
    add(&store, "Bob After").await;
    store.close().await;

    let session = Session::new(dir.path(), clock());
    session.unlock(Some(PASS)).await.unwrap();
    let err = session.restore(&dir.path().join("nope.db")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(names(&session.store().await.unwrap()).await.len(), 2, "still open and whole");

    let status = session.restore(&backup).await.unwrap();
    assert!(matches!(status, StoreStatus::Ready { customers: 1, .. }), "{status:?}");
    assert_eq!(names(&session.store().await.unwrap()).await, ["Ada Before"]);
    session.lock().await;
    let err = session.restore(&backup).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Locked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_does_not_open_can_still_be_restored() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    add(&store, "Ada Saved").await;
    let backup = dir.path().join("saved.db");
    store.backup(&backup).await.unwrap();
    store.close().await;
    // Damage page 1's encrypted part: the store no longer opens.
    let db = dir.path().join("rapport.db");
    let mut bytes = std::fs::read(&db).unwrap();
    for b in &mut bytes[100..200] {
        *b = 0;
    }
    std::fs::write(&db, &bytes).unwrap();
    let err = Store::open(dir.path(), &pass(PASS), clock()).await.unwrap_err();
    assert_eq!(ApiError::from(err).code, ErrorCode::Corrupt);

    let (restored, report) =
        Store::restore_unopened(dir.path(), &pass(PASS), &backup, clock()).await.unwrap();
    assert_eq!(names(&restored).await, ["Ada Saved"]);
    // The damaged file is kept as it was.
    assert_eq!(std::fs::read(&report.previous_store).unwrap(), bytes);
    restored.close().await;
}
