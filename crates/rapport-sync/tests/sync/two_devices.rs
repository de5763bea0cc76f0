use rapport_core::customers::NewCustomer;
use rapport_sync::{sync, SyncError, PULL_PAGE};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_of_a_team_end_up_with_the_same_customers() {
    let server = Server::start().await;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (store(da.path()).await, store(db.path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;

    // A has years of customers already: more than one page of them.
    let mut csv = String::from("Name,Email,Tags\n");
    for i in 0..(PULL_PAGE + 200) {
        csv.push_str(&format!("Person {i},p{i}@example.com,batch\n"));
    }
    let opts = rapport_core::import::ImportOptions::default();
    let never = std::sync::atomic::AtomicBool::new(false);
    a.import_file("old.csv", csv.as_bytes(), &opts, &|_, _| {}, &never).await.unwrap();
    let ada = NewCustomer {
        name: "Ada Lovelace".into(),
        emails: vec!["ada@example.com".into()],
        tags: vec!["vip".into()],
        ..Default::default()
    };
    let ada = a.add_customer(&ada).await.unwrap().id;

    let outbox = a.sync_status().await.unwrap().outbox;
    assert!(outbox > u64::from(PULL_PAGE));
    let pushed = sync(&a).await.unwrap();
    assert_eq!(pushed.pushed, outbox);
    assert_eq!(a.sync_status().await.unwrap().outbox, 0);
    let first = sync(&b).await.unwrap();
    assert!(first.from_snapshot);
    assert_eq!(first.received, pushed.pushed);
    assert_eq!(customers(&b).await, customers(&a).await);
    // Taken in as a bulk page, and found by search as on A (name prefix, email, tag, typo).
    for q in ["Ada Lov", "ada@example", "vip", "Lovelcae", "Person 1199"] {
        let found = |hits: Vec<rapport_core::customers::search::SearchHit>| {
            hits.into_iter().map(|h| h.customer.id).collect::<Vec<_>>()
        };
        let (on_a, on_b) = (a.search(q, 5).await.unwrap(), b.search(q, 5).await.unwrap());
        assert!(!on_b.0.is_empty(), "{q} finds nothing on the new device");
        assert_eq!((found(on_b.0), on_b.1), (found(on_a.0), on_a.1), "{q}");
    }

    // Both edit while apart; after each has synced twice, both show the same.
    b.edit_customer(ada, &[("title".into(), "Countess".into())]).await.unwrap();
    b.edit_customer(ada, &[("tags".into(), "vip, poet".into())]).await.unwrap();
    a.edit_customer(ada, &[("notes".into(), "Prefers letters".into())]).await.unwrap();
    a.edit_customer(ada, &[("tags".into(), "".into())]).await.unwrap();
    for device in [&b, &a, &b] {
        sync(device).await.unwrap();
    }
    assert_eq!(customers(&b).await, customers(&a).await);
    let shown = a.get_customer(ada).await.unwrap();
    assert_eq!(shown.title.as_deref(), Some("Countess"));
    assert_eq!(shown.notes.as_deref(), Some("Prefers letters"));
    // A removed only the "vip" it had seen; B's "poet" was added meanwhile and stays.
    assert_eq!(shown.tags, ["poet"]);
    let status = b.sync_status().await.unwrap();
    assert!(status.signed_in && status.outbox == 0 && status.last_error.is_none());
    assert!(status.last_sync_at.is_some() && status.cursor > 0);

    // Nothing new: a sync moves nothing.
    let idle = sync(&a).await.unwrap();
    assert_eq!((idle.pushed, idle.received), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_device_is_signed_out_and_keeps_what_it_has_not_synced() {
    let server = Server::start().await;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (store(da.path()).await, store(db.path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;
    sync(&b).await.unwrap();

    let devices = rapport_sync::account::devices(&a).await.unwrap();
    assert_eq!(devices.len(), 2, "the owner sees the team's devices");
    rapport_sync::account::revoke(&a, b.device_id()).await.unwrap();
    let bo = NewCustomer { name: "Bo Offline".into(), ..Default::default() };
    b.add_customer(&bo).await.unwrap();
    let err = sync(&b).await.unwrap_err();
    assert!(matches!(err, SyncError::SignedOut(_)), "{err:?}");
    let status = b.sync_status().await.unwrap();
    assert!(!status.signed_in);
    assert_eq!(status.outbox, 1, "the unsynced change is kept");
    assert!(status.last_error.is_some_and(|e| !e.is_empty()));
    assert_eq!(b.list_customers(&Default::default()).await.unwrap().len(), 1);
    assert!(matches!(sync(&b).await.unwrap_err(), SyncError::NotSignedIn));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_reported_in_words_and_nothing_is_lost() {
    let server = Server::start().await;
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path()).await;
    owner(&server, &a, "owner@example.com").await;
    drop(server);
    let ada = NewCustomer { name: "Ada".into(), ..Default::default() };
    a.add_customer(&ada).await.unwrap();
    // The server's listener may take a moment to go; a bounded wait for the refusal.
    let mut err = None;
    for _ in 0..50 {
        match sync(&a).await {
            Err(e @ SyncError::Offline { .. }) => {
                err = Some(e);
                break;
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let err = err.expect("the stopped server is reported as unreachable").to_string();
    assert!(err.contains("could not reach") && err.contains("kept"), "{err}");
    let status = a.sync_status().await.unwrap();
    assert!(status.signed_in, "offline is not signed out");
    assert_eq!(status.outbox, 1);
    assert_eq!(status.last_error.as_deref(), Some(err.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_whose_clock_runs_far_ahead_is_told_so_and_keeps_its_changes() {
    let server = Server::start().await;
    let (dr, df) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let right = store(dr.path()).await;
    owner(&server, &right, "owner@example.com").await;
    // A laptop whose clock says 2099 (the server runs on the real clock).
    let ahead = chrono::DateTime::parse_from_rfc3339("2099-01-01T09:00:00Z").unwrap();
    let clock = std::sync::Arc::new(rapport_core::FixedClock(ahead.to_utc()));
    let protection = rapport_core::Protection::Passphrase(zeroize::Zeroizing::new(
        "a passphrase for tests".into(),
    ));
    let future = rapport_core::Store::init(df.path(), protection, clock).await.unwrap();
    member(&server, &right, &future, "rep@example.com").await;
    let c = NewCustomer { name: "Ada from the future".into(), ..Default::default() };
    future.add_customer(&c).await.unwrap();
    let err = sync(&future).await.unwrap_err();
    assert_eq!(err.code(), "clock_ahead", "{err}");
    assert!(err.to_string().contains("clock"), "{err}");
    let status = future.sync_status().await.unwrap();
    assert!(status.signed_in, "a clock problem is not a sign-out");
    assert_eq!(status.outbox, 1, "the change waits for the clock to be fixed");
    assert!(status.last_error.is_some_and(|e| e.contains("clock")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_waiting_for_changes_wakes_when_a_teammate_pushes() {
    let server = Server::start().await;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (store(da.path()).await, store(db.path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;
    let bo = NewCustomer { name: "Bo Early".into(), ..Default::default() };
    a.add_customer(&bo).await.unwrap();
    sync(&a).await.unwrap();
    sync(&b).await.unwrap();

    // Nothing new for B: the wait ends empty-handed.
    let account = b.sync_account().await.unwrap().unwrap();
    let wait = std::time::Duration::from_secs(1);
    assert!(!rapport_sync::wait_for_changes(&account, wait).await.unwrap());

    // B waits; A's edit ends the wait long before its 20 s, and B's sync shows it.
    let started = std::time::Instant::now();
    let wait = std::time::Duration::from_secs(20);
    let (woken, ()) = tokio::join!(rapport_sync::wait_for_changes(&account, wait), async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let cy = NewCustomer { name: "Cy Later".into(), ..Default::default() };
        a.add_customer(&cy).await.unwrap();
        sync(&a).await.unwrap();
    });
    assert!(woken.unwrap(), "A's push is news to B");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    assert_eq!(sync(&b).await.unwrap().received, 1);
    assert_eq!(customers(&b).await, customers(&a).await);

    // Offline is an error in words, not a wait.
    let mut gone = account.clone();
    gone.server_url = "http://127.0.0.1:9".into();
    let err = rapport_sync::wait_for_changes(&gone, wait).await.unwrap_err();
    assert_eq!(err.code(), "offline", "{err:?}");
}
