//! Settings: preferences on disk, what the store reports about itself, changing how the key
//! is protected, and locking.

use rapport_core::customers::NewCustomer;
use rapport_core::prefs::{Prefs, Theme, MALFORMED_PREFS_FILE, PREFS_FILE};
use rapport_core::timeline::InteractionKind;
use rapport_core::{ErrorCode, ProtectionKind, Session, StoreStatus, SCHEMA_VERSION};

use crate::support::*;

fn invalid_field(r: rapport_core::Result<Prefs>, field: &str) {
    let err = r.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    assert!(err.to_string().starts_with(&format!("{field}:")), "{err}");
}

#[test]
fn prefs_default_when_absent_and_round_trip_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(Prefs::load(dir.path()).unwrap(), Prefs::default());
    assert_eq!(Prefs::default().reminder_days, 7);
    assert!(!dir.path().join(PREFS_FILE).exists(), "loading wrote a file");

    let mine = Prefs {
        theme: Theme::Dark,
        auto_lock_minutes: Some(15),
        notifications: false,
        quiet_start: Some("22:00".into()),
        quiet_end: Some("07:30".into()),
        reminder_days: 14,
    };
    assert_eq!(mine.save(dir.path()).unwrap(), mine);
    assert_eq!(Prefs::load(dir.path()).unwrap(), mine);
    let raw = std::fs::read_to_string(dir.path().join(PREFS_FILE)).unwrap();
    assert!(raw.contains("\"theme\": \"dark\""), "{raw}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(PREFS_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn prefs_are_validated_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let ok = Prefs::default();
    invalid_field(
        Prefs { auto_lock_minutes: Some(0), ..ok.clone() }.save(dir.path()),
        "auto_lock_minutes",
    );
    invalid_field(
        Prefs { auto_lock_minutes: Some(1441), ..ok.clone() }.save(dir.path()),
        "auto_lock_minutes",
    );
    invalid_field(Prefs { reminder_days: 61, ..ok.clone() }.save(dir.path()), "reminder_days");
    let quiet = |a: &str, b: &str| Prefs {
        quiet_start: Some(a.into()),
        quiet_end: Some(b.into()),
        ..ok.clone()
    };
    invalid_field(quiet("24:00", "07:00").save(dir.path()), "quiet_start");
    invalid_field(quiet("22:00", "7:00").save(dir.path()), "quiet_end");
    invalid_field(quiet("22:00", "22:00").save(dir.path()), "quiet_end");
    invalid_field(
        Prefs { quiet_start: Some("22:00".into()), ..ok.clone() }.save(dir.path()),
        "quiet_end",
    );
    assert!(!dir.path().join(PREFS_FILE).exists(), "an invalid save wrote the file");

    // The edges are fine.
    let edge = Prefs { auto_lock_minutes: Some(1440), reminder_days: 0, ..quiet("23:59", "00:00") };
    assert_eq!(edge.save(dir.path()).unwrap(), edge);
}

#[test]
fn a_malformed_prefs_file_is_named_and_never_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(PREFS_FILE);
    for (content, field) in [
        (r#"{"theme": "blue"}"#, "field theme"),
        (r#"{"reminder_days": 99}"#, "field reminder_days"),
        (r#"{"quiet_start": "late"}"#, "field quiet_start"),
        ("{not json", "not valid JSON"),
    ] {
        std::fs::write(&path, content).unwrap();
        let err = Prefs::load(dir.path()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&path.display().to_string()) && msg.contains(field), "{msg}");
        assert_eq!(Prefs::load_or_default(dir.path()), Prefs::default());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), content, "loading changed the file");
    }
    // Fields a file lacks take their defaults (files from older versions still load).
    std::fs::write(&path, r#"{"theme": "light"}"#).unwrap();
    assert_eq!(Prefs::load(dir.path()).unwrap(), Prefs { theme: Theme::Light, ..Prefs::default() });

    // Saving over a malformed file keeps it aside.
    std::fs::write(&path, "{not json").unwrap();
    Prefs::default().save(dir.path()).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join(MALFORMED_PREFS_FILE)).unwrap(),
        "{not json"
    );
    assert_eq!(Prefs::load(dir.path()).unwrap(), Prefs::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_info_counts_and_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let a = store.add_customer(&NewCustomer { name: "Ada".into(), ..Default::default() }).await;
    let a = a.unwrap().id;
    store.add_customer(&NewCustomer { name: "Grace".into(), ..Default::default() }).await.unwrap();
    for _ in 0..3 {
        store
            .log_interaction(&entry(a, InteractionKind::Call, at("2026-11-01T09:00:00Z")))
            .await
            .unwrap();
    }
    let info = store.info().await.unwrap();
    assert_eq!((info.customers, info.interactions), (2, 3));
    assert_eq!(info.schema_version, SCHEMA_VERSION);
    assert_eq!(info.protection, ProtectionKind::Passphrase);
    assert_eq!(info.data_dir, dir.path().display().to_string());
    let on_disk: u64 = ["rapport.db", "rapport.db-wal"]
        .iter()
        .map(|f| std::fs::metadata(dir.path().join(f)).map_or(0, |m| m.len()))
        .sum();
    assert!(info.size_bytes > 0 && info.size_bytes == on_disk, "{info:?} vs {on_disk}");
}

const NEW_PASS: &str = "a brand new passphrase";

async fn session_on_passphrase_store(dir: &std::path::Path) -> Session {
    let store = new_store(dir).await;
    store.add_customer(&NewCustomer { name: "Ada".into(), ..Default::default() }).await.unwrap();
    store.close().await;
    let session = Session::new(dir, clock());
    assert!(matches!(
        session.unlock(Some(PASS)).await.unwrap(),
        StoreStatus::Ready { customers: 1, .. }
    ));
    session
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_passphrase_keeps_the_database_and_only_the_new_one_opens() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_on_passphrase_store(dir.path()).await;
    let keyfile = dir.path().join("keyfile.json");
    let before = std::fs::read(&keyfile).unwrap();

    let err =
        session.change_protection(Some("not the passphrase"), Some(NEW_PASS)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassphrase, "{err:?}");
    let err = session.change_protection(Some(PASS), Some("short")).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.starts_with("next:"), "{err:?}");
    let err = session.change_protection(None, Some(NEW_PASS)).await.unwrap_err();
    assert!(err.message.starts_with("current:"), "{err:?}");
    assert_eq!(std::fs::read(&keyfile).unwrap(), before, "a refused change touched the key file");

    session.lock().await;
    let db = std::fs::read(dir.path().join(rapport_core::DB_FILE)).unwrap();
    session.unlock(Some(PASS)).await.unwrap();
    let info = session.change_protection(Some(PASS), Some(NEW_PASS)).await.unwrap();
    assert_eq!((info.protection, info.customers), (ProtectionKind::Passphrase, 1));
    assert!(session.store().await.is_ok(), "the store stays open");
    session.lock().await;
    assert_eq!(
        std::fs::read(dir.path().join(rapport_core::DB_FILE)).unwrap(),
        db,
        "the database changed"
    );
    assert_ne!(std::fs::read(&keyfile).unwrap(), before);

    let err = session.unlock(Some(PASS)).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPassphrase);
    assert!(matches!(
        session.unlock(Some(NEW_PASS)).await.unwrap(),
        StoreStatus::Ready { customers: 1, .. }
    ));
    session.lock().await;
    // And in a fresh process's view, through the plain store API.
    assert!(rapport_core::Store::open(dir.path(), &pass(NEW_PASS), clock()).await.is_ok());
    let err = rapport_core::Store::open(dir.path(), &pass(PASS), clock()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPassphrase);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_closes_the_store_until_unlocked() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_on_passphrase_store(dir.path()).await;
    session.lock().await;
    let status = session.status().await;
    assert!(matches!(status, StoreStatus::NeedsPassphrase { keychain: None, .. }), "{status:?}");
    assert_eq!(session.store().await.unwrap_err().code, ErrorCode::Locked);
    assert_eq!(
        session.change_protection(Some(PASS), Some(NEW_PASS)).await.unwrap_err().code,
        ErrorCode::Locked
    );
    let err = session.unlock(None).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::PassphraseRequired);
    assert!(matches!(session.unlock(Some(PASS)).await.unwrap(), StoreStatus::Ready { .. }));
    assert!(session.store().await.is_ok());
    session.lock().await;
}

/// The keychain account of a keychain store, from its key file.
fn keychain_account(dir: &std::path::Path) -> Option<String> {
    let raw = std::fs::read_to_string(dir.join("keyfile.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
    v["protection"]["account"].as_str().map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service session: run via make test"]
async fn keychain_to_passphrase_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::new(dir.path(), clock());
    session.create(None).await.unwrap();
    let customers = session.store().await.unwrap().info().await.unwrap().customers;
    let account = keychain_account(dir.path()).expect("a keychain store");
    let entry = keyring::Entry::new("rapport", &account).unwrap();
    assert!(entry.get_password().is_ok());

    // A keychain store the user locked stays locked; unlocking needs no passphrase.
    session.lock().await;
    let status = session.status().await;
    assert!(
        matches!(status, StoreStatus::NeedsPassphrase { keychain: Some(true), .. }),
        "{status:?}"
    );
    assert!(session.store().await.is_err());
    assert!(matches!(session.unlock(None).await.unwrap(), StoreStatus::Ready { .. }));

    let info = session.change_protection(None, Some(NEW_PASS)).await.unwrap();
    assert_eq!((info.protection, info.customers), (ProtectionKind::Passphrase, customers));
    assert!(
        matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
        "the old entry is still there"
    );
    assert_eq!(keychain_account(dir.path()), None);
    session.lock().await;
    let status = session.status().await;
    assert!(matches!(status, StoreStatus::NeedsPassphrase { keychain: None, .. }), "{status:?}");
    assert_eq!(session.unlock(None).await.unwrap_err().code(), ErrorCode::PassphraseRequired);
    session.unlock(Some(NEW_PASS)).await.unwrap();

    let err = session.change_protection(Some("wrong passphrase"), None).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassphrase);
    let info = session.change_protection(Some(NEW_PASS), None).await.unwrap();
    assert_eq!(info.protection, ProtectionKind::Keychain);
    assert_eq!(keychain_account(dir.path()), Some(account));
    session.lock().await;
    // A fresh session (an app restart) opens it from the keychain by itself.
    let fresh = Session::new(dir.path(), clock());
    assert!(matches!(fresh.status().await, StoreStatus::Ready { .. }));
    fresh.lock().await;
    let _ = entry.delete_credential();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_answers_the_status_and_the_first_page_only_while_open() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_on_passphrase_store(dir.path()).await;
    let store = session.store().await.unwrap();
    store.add_customer(&NewCustomer { name: "Bea".into(), ..Default::default() }).await.unwrap();
    drop(store);
    let first = rapport_core::customers::CustomerQuery { limit: 1, ..Default::default() };

    let answer = session.start_up(&first).await;
    assert!(matches!(answer.status, StoreStatus::Ready { customers: 2, .. }), "{answer:?}");
    let page = answer.first_page.expect("a first page while open");
    assert_eq!(page.total, 2);
    let names: Vec<_> = page.items.iter().map(|c| c.display_name.as_str()).collect();
    assert_eq!(names, ["Ada"], "the page asked for: one row, in name order");

    // A narrowed first page: the status still counts everyone.
    let bea = rapport_core::customers::CustomerQuery { query: Some("Bea".into()), ..first.clone() };
    let answer = session.start_up(&bea).await;
    assert!(matches!(answer.status, StoreStatus::Ready { customers: 2, .. }), "{answer:?}");
    assert_eq!(answer.first_page.map(|p| p.total), Some(1));

    session.lock().await;
    let answer = session.start_up(&first).await;
    assert!(matches!(answer.status, StoreStatus::NeedsPassphrase { .. }), "{answer:?}");
    assert_eq!(answer.first_page, None, "no page from a locked store");
}
