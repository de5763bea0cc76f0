//! Taking in other devices' ops (`Store::apply_remote_ops`): a second device rebuilds what
//! the first wrote, and concurrent edits converge the same way on both.

use std::sync::Arc;

use rapport_core::customers::NewCustomer;
use rapport_core::{ManualClock, Protection, Store};
use serde_json::Value;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::support::*;

/// A customer as every device must show it: times kept by each device left out.
async fn shown(store: &Store, id: Uuid) -> Value {
    let mut c = serde_json::to_value(store.get_customer(id).await.unwrap()).unwrap();
    for local in ["created_at", "updated_at", "last_contacted_at"] {
        c.as_object_mut().unwrap().remove(local);
    }
    c
}

async fn listed(store: &Store) -> Vec<(Uuid, String)> {
    let list = store.list_customers(&Default::default()).await.unwrap();
    let mut list: Vec<_> = list.into_iter().map(|c| (c.id, c.display_name)).collect();
    list.sort();
    list
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_device_rebuilds_every_customer_from_the_first_devices_ops() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    assert_ne!(a.device_id(), b.device_id());
    let ada = a
        .add_customer(&NewCustomer {
            name: "Ada Lovelace".into(),
            emails: vec!["ada@example.com".into()],
            phones: vec!["+44 20 7946 0018".into()],
            company: Some("Analytical Engines".into()),
            tags: vec!["vip".into(), "math".into()],
            birthday: Some("--12-10".into()),
            keep_in_touch_days: Some(30),
            notes: Some("Prefers letters".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let edits = [
        ("title", "Countess"),
        ("stage", "customer"),
        ("quiet_hours", "21:00-08:00"),
        ("addresses", r#"[{"label":"home","street":"St James's Square","city":"London"}]"#),
        ("custom.favourite", "tea"),
        ("tags", "vip, poet"),
        ("emails", "ada@example.com, countess@example.org"),
    ];
    for (field, value) in edits {
        a.edit_customer(ada, &[(field.into(), value.into())]).await.unwrap();
    }
    let bob = NewCustomer { name: "Bob".into(), ..Default::default() };
    let bob = a.add_customer(&bob).await.unwrap().id;
    a.delete_customer(bob).await.unwrap();
    let file = b"Name,Email,Tags\nCy Young,cy@example.com,pitcher\nDee Dee,dee@example.com,\n";
    import_bytes(&a, "two.csv", file).await.unwrap();

    let ops = a.unpushed_ops(u32::MAX).await.unwrap();
    let report = b.apply_remote_ops(&ops, None).await.unwrap();
    assert_eq!(report.new, ops.len() as u64);
    assert_eq!(report.kept_for_later, 0);
    assert_eq!(listed(&b).await, listed(&a).await);
    assert_eq!(listed(&b).await.len(), 4, "Ada, her company, Cy and Dee; Bob was deleted");
    for (id, _) in listed(&a).await {
        assert_eq!(shown(&b, id).await, shown(&a, id).await);
    }
    assert!(b.get_customer(bob).await.is_err(), "deleted on the first device");
    // What B received is searchable there, by the words of every field.
    for q in ["countess@", "lovelace", "poet", "pitcher", "analytical"] {
        assert!(!b.search(q, 5).await.unwrap().0.is_empty(), "{q}");
    }

    // A page pulled again changes nothing; B's own ops coming back are not taken twice.
    let again = b.apply_remote_ops(&ops, None).await.unwrap();
    assert_eq!((again.new, again.known), (0, ops.len() as u64));
    b.edit_customer(ada, &[("title".into(), "Analyst".into())]).await.unwrap();
    let mine = b.unpushed_ops(u32::MAX).await.unwrap();
    assert_eq!(b.apply_remote_ops(&mine, None).await.unwrap().new, 0);
    assert_eq!(b.get_customer(ada).await.unwrap().title.as_deref(), Some("Analyst"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_converge_and_a_tag_added_meanwhile_survives_a_removal() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let clock_a = Arc::new(ManualClock::new(at("2026-11-22T10:00:00Z")));
    let protection = Protection::Passphrase(Zeroizing::new(PASS.into()));
    let a = Store::init(da.path(), protection, clock_a.clone()).await.unwrap();
    let b = new_store(db.path()).await;
    let ada = NewCustomer {
        name: "Ada".into(),
        tags: vec!["vip".into(), "math".into()],
        ..Default::default()
    };
    let ada = a.add_customer(&ada).await.unwrap().id;
    let first = a.unpushed_ops(u32::MAX).await.unwrap();
    b.apply_remote_ops(&first, None).await.unwrap();

    // Offline, at once: B takes "vip" off and puts it back (a new add A never saw), and
    // retitles; five minutes later by the clocks, A clears the tags and retitles.
    async fn edit(s: &Store, id: Uuid, field: &str, value: &str) {
        s.edit_customer(id, &[(field.into(), value.into())]).await.unwrap();
    }
    edit(&b, ada, "tags", "math").await;
    edit(&b, ada, "tags", "math, vip").await;
    edit(&b, ada, "title", "From B").await;
    clock_a.set(at("2026-11-22T10:05:00Z"));
    edit(&a, ada, "tags", "").await;
    edit(&a, ada, "title", "From A").await;

    let from_a = a.unpushed_ops(u32::MAX).await.unwrap();
    let from_b = b.unpushed_ops(u32::MAX).await.unwrap();
    a.apply_remote_ops(&from_b, None).await.unwrap();
    b.apply_remote_ops(&from_a, None).await.unwrap();

    let (on_a, on_b) = (shown(&a, ada).await, shown(&b, ada).await);
    assert_eq!(on_a, on_b);
    // "math": both removes saw its only add. "vip": B's second add was unseen by A, so A's
    // later removal leaves it (add-wins). The title is a register: the later clock wins.
    assert_eq!(on_a["tags"], serde_json::json!(["vip"]));
    assert_eq!(on_a["title"], "From A");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_cursor_and_outbox_are_kept_with_the_data() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let status = b.sync_status().await.unwrap();
    assert_eq!((status.server_url, status.signed_in, status.outbox), (None, false, 0));
    assert!(b.sync_account().await.unwrap().is_none());

    let team = Uuid::now_v7();
    b.sign_in_sync("http://127.0.0.1:8787", "rep@example.com", team, "t0k3n").await.unwrap();
    let account = b.sync_account().await.unwrap().unwrap();
    assert_eq!((account.team_id, account.token.as_str(), account.cursor), (team, "t0k3n", 0));
    assert!(!format!("{account:?}").contains("t0k3n"), "the token never reaches a log");

    // A page and its cursor land together; the cursor never goes back.
    a.add_customer(&NewCustomer { name: "Ada".into(), ..Default::default() }).await.unwrap();
    let page = a.unpushed_ops(u32::MAX).await.unwrap();
    b.apply_remote_ops(&page, Some(7)).await.unwrap();
    b.apply_remote_ops(&page, Some(3)).await.unwrap();
    assert_eq!(b.sync_account().await.unwrap().unwrap().cursor, 7);

    // B's own changes wait in the outbox until the server acknowledges them.
    for name in ["Bo", "Cy"] {
        b.add_customer(&NewCustomer { name: name.into(), ..Default::default() }).await.unwrap();
    }
    assert_eq!(b.sync_status().await.unwrap().outbox, 2);
    let first = b.unpushed_ops(1).await.unwrap()[0].seq;
    b.mark_pushed(first).await.unwrap();
    assert_eq!(b.sync_status().await.unwrap().outbox, 1);

    // Another team is refused; signing out (or being revoked) keeps data and outbox.
    let other = b.sign_in_sync("http://127.0.0.1:8787", "rep@example.com", Uuid::now_v7(), "x");
    let err = other.await.unwrap_err().to_string();
    assert!(err.contains("another team"), "{err}");
    b.sign_out_sync(Some("this device was signed out by an administrator")).await.unwrap();
    let status = b.sync_status().await.unwrap();
    assert!(!status.signed_in && status.outbox == 1 && status.cursor == 7);
    assert!(status.last_error.unwrap().contains("administrator"));
    assert!(b.sync_account().await.unwrap().is_none());
    assert_eq!(listed(&b).await.len(), 3);
}
