//! Migrations: a store with data is backed up first; a failing migration changes nothing.

use rapport_core::customers::NewCustomer;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_migration_leaves_store_as_it_was_with_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    store
        .add_customer(&NewCustomer { name: "Katherine Johnson".into(), ..Default::default() })
        .await
        .unwrap();
    // Pretend the store predates migration 2. Its stages are still there, so re-running
    // migration 2 violates UNIQUE(name) half-way: it must roll back entirely.
    sqlx::query("PRAGMA user_version = 1").execute(store.pool()).await.unwrap();
    sqlx::query("DELETE FROM pipeline_stages WHERE name = 'Proposal'")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;

    let err = rapport_core::Store::open(dir.path(), &pass(PASS), clock()).await.unwrap_err();
    assert!(err.to_string().contains("migration 2"), "{err}");

    let backups: Vec<_> =
        std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let name = backups[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(name.starts_with("pre-migration-v1-20261122T100000Z"), "{name}");
    let bytes = std::fs::read(&backups[0]).unwrap();
    assert!(!contains(&bytes, b"Katherine"), "backup is not encrypted");

    // Nothing of the failed migration stuck: still schema 1, the stages as they were.
    let key = rapport_core::keys::debug_unwrap_key_for_tests(dir.path(), PASS).unwrap();
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("rapport.db"))
        .pragma("key", format!("\"x'{}'\"", key.as_str()));
    let pool = sqlx::SqlitePool::connect_with(opts).await.unwrap();
    let v: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(&pool).await.unwrap();
    assert_eq!(v, 1, "the failed migration bumped the version");
    let stages: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pipeline_stages").fetch_one(&pool).await.unwrap();
    assert_eq!(stages, 3, "the failed migration left rows behind");
    pool.close().await;
}
