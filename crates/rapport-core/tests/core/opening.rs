//! Wrong passphrase, wrong key file, plaintext file, damaged file, too-new store: each is
//! its own clear error, and the files are left byte-identical.

use rapport_core::customers::NewCustomer;
use rapport_core::{Error, ErrorCode, Store, Unlock};
use std::io::{Seek, SeekFrom, Write};

use crate::support::*;

async fn store_with_data(dir: &std::path::Path) {
    let store = new_store(dir).await;
    store
        .add_customer(&NewCustomer { name: "Grace Hopper".into(), ..Default::default() })
        .await
        .unwrap();
    store.close().await;
}

async fn open_err(dir: &std::path::Path, unlock: &Unlock) -> Error {
    let before = fingerprint(dir);
    let err = Store::open(dir, unlock, clock()).await.expect_err("open should have been refused");
    assert_eq!(fingerprint(dir), before, "a refused open changed the files ({err})");
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passphrase_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    store_with_data(dir.path()).await;
    let err = open_err(dir.path(), &pass("not the passphrase")).await;
    assert_eq!(err.code(), ErrorCode::WrongPassphrase, "{err}");
    let err = open_err(dir.path(), &Unlock::default()).await;
    assert_eq!(err.code(), ErrorCode::PassphraseRequired, "{err}");
    // And the right one still works.
    assert_eq!(reopen(dir.path()).await.count_customers(&Default::default()).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_stores_key_file_is_a_wrong_key() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    store_with_data(a.path()).await;
    store_with_data(b.path()).await;
    std::fs::copy(b.path().join("keyfile.json"), a.path().join("keyfile.json")).unwrap();
    let err = open_err(a.path(), &pass(PASS)).await;
    assert_eq!(err.code(), ErrorCode::WrongKey, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plaintext_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // A plain SQLite database (SQLCipher without a key writes an ordinary file).
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("rapport.db"))
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
    sqlx::query("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('hello')")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let err = open_err(dir.path(), &pass(PASS)).await;
    assert_eq!(err.code(), ErrorCode::NotEncrypted, "{err}");
    assert!(matches!(Store::inspect(dir.path()), Err(Error::NotEncrypted(_))));
    // Even with a key file beside it.
    let other = tempfile::tempdir().unwrap();
    store_with_data(other.path()).await;
    std::fs::copy(other.path().join("keyfile.json"), dir.path().join("keyfile.json")).unwrap();
    assert_eq!(open_err(dir.path(), &pass(PASS)).await.code(), ErrorCode::NotEncrypted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bytes_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    store_with_data(dir.path()).await;
    let len = std::fs::metadata(dir.path().join("rapport.db")).unwrap().len() as usize;
    let noise: Vec<u8> = (0..len).map(|_| rand::random::<u8>()).collect();
    std::fs::write(dir.path().join("rapport.db"), noise).unwrap();
    let err = open_err(dir.path(), &pass(PASS)).await;
    assert!(matches!(err.code(), ErrorCode::WrongKey | ErrorCode::Corrupt), "{err}");
    // An empty file is refused too (SQLite would otherwise treat it as a new database).
    std::fs::write(dir.path().join("rapport.db"), b"").unwrap();
    assert_eq!(open_err(dir.path(), &pass(PASS)).await.code(), ErrorCode::Corrupt);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_pages_are_corrupt_not_wrong_key() {
    let dir = tempfile::tempdir().unwrap();
    store_with_data(dir.path()).await;
    // Keep the 16-byte salt, scramble the rest of the first page.
    let mut f =
        std::fs::OpenOptions::new().write(true).open(dir.path().join("rapport.db")).unwrap();
    f.seek(SeekFrom::Start(100)).unwrap();
    f.write_all(&[0xA5; 2000]).unwrap();
    drop(f);
    let err = open_err(dir.path(), &pass(PASS)).await;
    assert_eq!(err.code(), ErrorCode::Corrupt, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_key_file_is_refused_and_init_wont_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    store_with_data(dir.path()).await;
    std::fs::rename(dir.path().join("keyfile.json"), dir.path().join("elsewhere.json")).unwrap();
    let err = open_err(dir.path(), &pass(PASS)).await;
    assert_eq!(err.code(), ErrorCode::WrongKey, "{err}");
    let before = fingerprint(dir.path());
    let err = Store::init(
        dir.path(),
        rapport_core::Protection::Passphrase(PASS.to_string().into()),
        clock(),
    )
    .await
    .expect_err("init over an existing database");
    assert_eq!(err.code(), ErrorCode::AlreadyExists);
    assert_eq!(fingerprint(dir.path()), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_from_a_newer_app_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    sqlx::query("PRAGMA user_version = 999").execute(store.pool()).await.unwrap();
    store.close().await;
    let err = open_err(dir.path(), &pass(PASS)).await;
    assert_eq!(err.code(), ErrorCode::StoreTooNew, "{err}");
    assert!(err.to_string().contains("999"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uninitialised_dir_says_run_init() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), &pass(PASS), clock()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotInitialized);
    assert!(err.to_string().contains("rapport init"));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "open created files");
}
