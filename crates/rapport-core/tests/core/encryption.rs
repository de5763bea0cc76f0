//! SQLCipher is really linked and no plaintext reaches the database, its WAL or a backup.

use rapport_core::customers::NewCustomer;
use rapport_core::timeline::{InteractionKind, NewInteraction};

use crate::support::*;

const CANARY: &str = "Zebracanary7f3a";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlcipher_is_linked() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let v = rapport_core::store::cipher_version(store.pool()).await.unwrap();
    assert!(!v.is_empty(), "PRAGMA cipher_version is empty: plain SQLite got linked");
    let report = store.doctor().await.unwrap();
    assert_eq!(report.integrity, "ok");
    assert_eq!(report.journal_mode, "wal");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_dir_and_key_file_are_private_to_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("store");
    new_store(&dir).await.close().await;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("keyfile.json")), 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn canary_never_reaches_file_wal_or_backup() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer {
            name: format!("{CANARY} Person"),
            emails: vec![format!("{}@example.com", CANARY.to_lowercase())],
            notes: Some(format!("notes about {CANARY}")),
            tags: vec![CANARY.into()],
            ..Default::default()
        })
        .await
        .unwrap();
    store
        .log_interaction(&NewInteraction {
            customer_id: c.id,
            kind: InteractionKind::Note,
            summary: format!("met {CANARY} for coffee"),
            body: Some(CANARY.repeat(50)),
            occurred_at: None,
            amount: None,
            score: None,
        })
        .await
        .unwrap();
    let backup = dir.path().join("backup.db");
    store.backup(&backup).await.unwrap();

    // While the store is open, the recent writes sit in the WAL: check it is there and
    // encrypted, then check the main file and the backup.
    let wal = std::fs::read(dir.path().join("rapport.db-wal")).unwrap();
    assert!(wal.len() > 4096, "expected the WAL to hold the recent writes");
    for (name, bytes) in [
        ("wal", wal),
        ("db", std::fs::read(dir.path().join("rapport.db")).unwrap()),
        ("backup", std::fs::read(&backup).unwrap()),
        ("keyfile", std::fs::read(dir.path().join("keyfile.json")).unwrap()),
    ] {
        for needle in [CANARY.as_bytes(), CANARY.to_lowercase().as_bytes(), b"SQLite format 3"] {
            assert!(
                !contains(&bytes, needle),
                "{name} contains plaintext {:?}",
                String::from_utf8_lossy(needle)
            );
        }
    }

    // After a checkpoint the main file holds everything: still no plaintext.
    store.close().await;
    let db = std::fs::read(dir.path().join("rapport.db")).unwrap();
    assert!(!contains(&db, CANARY.as_bytes()));

    // And the backup is a working store under the same key.
    std::fs::create_dir(dir.path().join("restored")).unwrap();
    std::fs::copy(&backup, dir.path().join("restored/rapport.db")).unwrap();
    std::fs::copy(dir.path().join("keyfile.json"), dir.path().join("restored/keyfile.json"))
        .unwrap();
    let restored = reopen(&dir.path().join("restored")).await;
    let found = restored.get_customer(c.id).await.unwrap();
    assert_eq!(found.display_name, format!("{CANARY} Person"));
}
