//! Merges across devices: crossed merges keep one survivor everywhere, and what a device
//! did to a merged customer while it did not know of the merge reaches the survivor (and
//! comes back with the customer when the merge is undone).

use rapport_core::customers::NewCustomer;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::Store;
use rapport_sync::sync;
use uuid::Uuid;

use crate::support::*;

async fn add(store: &Store, name: &str) -> Uuid {
    let new = NewCustomer { name: name.into(), ..Default::default() };
    store.add_customer(&new).await.unwrap().id
}

async fn names(store: &Store) -> Vec<String> {
    let mut out: Vec<String> = store
        .list_customers(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    out.sort();
    out
}

async fn sync_all(stores: &[&Store]) {
    for _ in 0..2 {
        for s in stores {
            sync(s).await.unwrap();
        }
    }
}

async fn timeline(store: &Store, id: Uuid) -> Vec<String> {
    let mut out: Vec<String> =
        store.timeline(id, 50).await.unwrap().into_iter().map(|i| i.summary).collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossed_merges_keep_the_same_survivor_on_every_device() {
    let server = Server::start().await;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (store(da.path()).await, store(db.path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;
    let x = add(&a, "Ann Example").await;
    let y = add(&a, "Ann Exampel").await;
    sync_all(&[&a, &b]).await;

    // Apart, A merges X into Y, then B merges Y into X: a loop once both are known.
    a.merge_customers(x, y, &Default::default()).await.unwrap();
    b.merge_customers(y, x, &Default::default()).await.unwrap();
    sync_all(&[&a, &b]).await;

    // A's merge came first and stands; B's gives way. Both show Y, and X leads to Y.
    assert_eq!(customers(&a).await, customers(&b).await);
    assert_eq!(names(&a).await, ["Ann Exampel"]);
    for s in [&a, &b] {
        assert_eq!(s.live_customer_id(x).await.unwrap(), y);
        assert_eq!(s.live_customer_id(y).await.unwrap(), y);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_made_apart_to_a_merged_customer_reach_the_survivor() {
    let server = Server::start().await;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (store(da.path()).await, store(db.path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;
    let dup = add(&a, "Bob Duplicate").await;
    let survivor = add(&a, "Bob Survivor").await;
    sync_all(&[&a, &b]).await;

    // A merges; B, not knowing, gives the duplicate a title, a tag, an email and a call.
    a.merge_customers(dup, survivor, &Default::default()).await.unwrap();
    b.edit_customer(dup, &[("title".into(), "Buyer".into())]).await.unwrap();
    b.edit_customer(dup, &[("tags".into(), "trade".into())]).await.unwrap();
    b.edit_customer(dup, &[("emails".into(), "bob@example.com".into())]).await.unwrap();
    let call = NewInteraction {
        customer_id: dup,
        kind: InteractionKind::Call,
        summary: "Asked for a quote".into(),
        body: None,
        occurred_at: None,
        amount: None,
        score: None,
    };
    b.log_interaction(&call).await.unwrap();
    sync_all(&[&b, &a]).await;

    assert_eq!(customers(&a).await, customers(&b).await);
    for s in [&a, &b] {
        assert_eq!(names(s).await, ["Bob Survivor"]);
        let shown = s.get_customer(survivor).await.unwrap();
        assert_eq!(shown.title.as_deref(), Some("Buyer"));
        assert_eq!(shown.tags, ["trade"]);
        assert_eq!(
            shown.emails.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(),
            ["bob@example.com"]
        );
        assert_eq!(timeline(s, survivor).await, ["Asked for a quote"]);
        assert!(shown.last_contacted_at.is_some());
    }

    // A device joining now starts from the server's compacted snapshot and shows the same.
    let dc = tempfile::tempdir().unwrap();
    let c = store(dc.path()).await;
    member(&server, &a, &c, "new@example.com").await;
    assert!(sync(&c).await.unwrap().from_snapshot);
    assert_eq!(customers(&c).await, customers(&a).await);
    assert_eq!(timeline(&c, survivor).await, ["Asked for a quote"]);

    // Undone on A: the duplicate comes back with its call and title, everywhere, and the
    // survivor no longer shows what was the duplicate's.
    let merge = a.latest_merge().await.unwrap();
    a.undo_merge(merge).await.unwrap();
    sync_all(&[&a, &b, &c]).await;
    assert_eq!(customers(&a).await, customers(&b).await);
    assert_eq!(customers(&a).await, customers(&c).await);
    for s in [&a, &b, &c] {
        assert_eq!(names(s).await, ["Bob Duplicate", "Bob Survivor"]);
        assert_eq!(timeline(s, dup).await, ["Asked for a quote"]);
        assert!(timeline(s, survivor).await.is_empty());
        assert_eq!(s.get_customer(dup).await.unwrap().title.as_deref(), Some("Buyer"));
        assert_eq!(s.get_customer(survivor).await.unwrap().title, None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_said_not_to_be_one_person_is_not_proposed_on_any_device() {
    let server = Server::start().await;
    let (da, db, dc) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (store(da.path()).await, store(db.path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;
    let x = add(&a, "Ann Example").await;
    let y = add(&a, "Ann Example").await;
    sync_all(&[&a, &b]).await;
    let mut both = [x, y];
    both.sort();
    assert_eq!(pairs(&b).await, [both], "both devices propose the pair first");

    // The rep says they are two people; after a sync the owner is not asked again, nor is
    // a laptop that joins later (from the snapshot).
    b.dismiss_duplicate(y, x).await.unwrap();
    assert!(pairs(&b).await.is_empty());
    sync_all(&[&b, &a]).await;
    assert!(pairs(&a).await.is_empty(), "the owner still sees the pair");
    let c = store(dc.path()).await;
    member(&server, &a, &c, "laptop@example.com").await;
    sync(&c).await.unwrap();
    assert_eq!(names(&c).await, ["Ann Example", "Ann Example"]);
    assert!(pairs(&c).await.is_empty(), "the new device still sees the pair");
    // Said twice (once on each device before syncing): one op, nothing changes.
    a.dismiss_duplicate(x, y).await.unwrap();
    sync_all(&[&a, &b, &c]).await;
    assert!(pairs(&a).await.is_empty() && pairs(&b).await.is_empty());
}

/// The duplicate pairs a device proposes, each as its two ids in order.
async fn pairs(store: &Store) -> Vec<[Uuid; 2]> {
    let mut out: Vec<[Uuid; 2]> = store
        .duplicates(50)
        .await
        .unwrap()
        .into_iter()
        .map(|p| {
            let mut ids = [p.a.id, p.b.id];
            ids.sort();
            ids
        })
        .collect();
    out.sort();
    out
}
