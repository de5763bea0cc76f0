//! The conflict list (issue 6): a concurrent edit of an important field that loses is kept
//! for review on every device, an edit made after seeing the other is not, and resolving
//! on one device settles it everywhere. Two stores exchange ops as sync would
//! (`unpushed_ops` + `apply_remote_ops`).

use rapport_core::customers::NewCustomer;
use rapport_core::deals::NewDeal;
use rapport_core::money::Money;
use rapport_core::sync::SyncConflict;
use rapport_core::timeline::InteractionKind;
use rapport_core::{ErrorCode, Store};
use rapport_protocol::{EntityKind, Hlc, Op, OpAction};
use uuid::Uuid;

use crate::support::*;

/// Both stores take in the other's ops they don't have yet.
async fn exchange(a: &Store, b: &Store) {
    let (from_a, from_b) =
        (a.unpushed_ops(u32::MAX).await.unwrap(), b.unpushed_ops(u32::MAX).await.unwrap());
    b.apply_remote_ops(&from_a, None).await.unwrap();
    a.apply_remote_ops(&from_b, None).await.unwrap();
    // As after a push: the outbox is empty (the server holds them).
    for (s, ops) in [(a, &from_a), (b, &from_b)] {
        if let Some(last) = ops.last() {
            s.mark_pushed(last.seq).await.unwrap();
        }
    }
}

async fn rename(s: &Store, id: Uuid, name: &str) {
    s.edit_customer(id, &[("name".into(), name.into())]).await.unwrap();
}

/// The list without the one field that differs by device (who wrote it, in words).
async fn conflicts(s: &Store) -> Vec<SyncConflict> {
    let mut list = s.sync_conflicts().await.unwrap();
    for c in &mut list {
        c.losing_device = String::new();
    }
    list
}

async fn two_stores_with_ada() -> (tempfile::TempDir, tempfile::TempDir, Store, Store, Uuid) {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let ada = NewCustomer { name: "Ada Lovelace".into(), ..Default::default() };
    let ada = a.add_customer(&ada).await.unwrap().id;
    exchange(&a, &b).await;
    (da, db, a, b, ada)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_renames_keep_the_losing_name_for_review_on_both_devices() {
    let (_da, _db, a, b, ada) = two_stores_with_ada().await;
    // Offline, both rename Ada, neither having seen the other's.
    rename(&a, ada, "Ada King").await;
    rename(&b, ada, "Countess of Lovelace").await;
    exchange(&a, &b).await;

    let name = a.get_customer(ada).await.unwrap().display_name;
    assert_eq!(b.get_customer(ada).await.unwrap().display_name, name);
    let losing = if name == "Ada King" { "Countess of Lovelace" } else { "Ada King" };
    let on_a = conflicts(&a).await;
    assert_eq!(on_a, conflicts(&b).await, "both devices list the same");
    assert_eq!(on_a.len(), 1, "{on_a:?}");
    let c = &on_a[0];
    assert_eq!((c.entity.as_str(), c.record_id, c.customer_id), ("customer", ada, Some(ada)));
    assert_eq!((c.field.as_str(), c.field_label.as_str()), ("display_name", "name"));
    assert_eq!((c.current.as_str(), c.losing.as_str()), (name.as_str(), losing));
    assert_eq!(c.record_label, name);
    assert_eq!(c.losing_at, at("2026-11-22T10:00:00Z"));
    // Who lost is this device on one store and another device on the other.
    let mut who = Vec::new();
    for s in [&a, &b] {
        who.push(s.sync_conflicts().await.unwrap()[0].losing_device.clone());
    }
    who.sort();
    assert_eq!(who, ["another device", "this device"]);
    assert_eq!(a.sync_status().await.unwrap().conflicts, 1);
    assert_eq!(b.sync_status().await.unwrap().conflicts, 1);
    // Taking the losing name on B: one edit that names both, so none is left anywhere.
    b.resolve_conflict(&c.id, true).await.unwrap();
    assert_eq!(b.get_customer(ada).await.unwrap().display_name, losing);
    assert!(b.sync_conflicts().await.unwrap().is_empty());
    exchange(&a, &b).await;
    for s in [&a, &b] {
        assert!(s.sync_conflicts().await.unwrap().is_empty());
        assert_eq!(s.sync_status().await.unwrap().conflicts, 0);
        assert_eq!(s.get_customer(ada).await.unwrap().display_name, losing);
        let (found, _) = s.search(losing, 10).await.unwrap();
        assert!(found.iter().any(|h| h.customer.id == ada), "the search index follows");
    }
    // A resolved conflict is gone: its id is not found, and says so.
    let err = b.resolve_conflict(&c.id, false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(err.to_string().contains(&c.id), "{err}");
    let err = b.resolve_conflict("not-an-id", false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_made_after_seeing_the_other_is_no_conflict() {
    let (_da, _db, a, b, ada) = two_stores_with_ada().await;
    rename(&a, ada, "Ada King").await;
    exchange(&a, &b).await;
    // B saw A's rename, and renames again; an unimportant field edited at once is no
    // conflict either.
    rename(&b, ada, "Countess of Lovelace").await;
    a.edit_customer(ada, &[("title".into(), "Countess".into())]).await.unwrap();
    b.edit_customer(ada, &[("title".into(), "Analyst".into())]).await.unwrap();
    exchange(&a, &b).await;
    for s in [&a, &b] {
        assert_eq!(s.get_customer(ada).await.unwrap().display_name, "Countess of Lovelace");
        assert!(s.sync_conflicts().await.unwrap().is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deal_value_and_stage_conflict_read_as_money_and_stage_names() {
    let (_da, _db, a, b, ada) = two_stores_with_ada().await;
    let deal = NewDeal {
        customer_id: ada,
        title: "Renewal 2027".into(),
        value: Money::new(100_000, "EUR").unwrap(),
        stage: None,
        expected_close: None,
    };
    let deal = a.add_deal(&deal).await.unwrap().id;
    exchange(&a, &b).await;
    let stages = a.pipeline_stages().await.unwrap();
    let (second, third) = (&stages[1].name, &stages[2].name);
    a.move_deal(deal, second).await.unwrap();
    b.move_deal(deal, third).await.unwrap();
    // No screen edits a deal's value yet: a third device's edit, made without having seen
    // the deal's first value (naming nothing), comes as one op.
    let value = Op {
        device: Uuid::from_u128(3),
        seq: 1,
        hlc: Hlc { millis: at("2026-11-22T10:00:01Z").timestamp_millis() as u64, counter: 0 },
        entity: EntityKind::Deal,
        entity_id: deal,
        action: OpAction::Set {
            field: "value".into(),
            value: serde_json::json!({"minor": 200_000, "currency": "EUR"}),
            prev: Some(Vec::new()),
        },
    };
    exchange(&a, &b).await;
    for s in [&a, &b] {
        s.apply_remote_ops(std::slice::from_ref(&value), None).await.unwrap();
    }

    let list = conflicts(&a).await;
    assert_eq!(list, conflicts(&b).await);
    assert_eq!(list.len(), 2, "{list:?}");
    for c in &list {
        assert_eq!(c.record_label, "Deal “Renewal 2027” (Ada Lovelace)");
        assert_eq!(c.customer_id, Some(ada));
        let values = [c.current.as_str(), c.losing.as_str()];
        match c.field.as_str() {
            "stage_id" => {
                assert_eq!(c.field_label, "stage");
                assert!(values.contains(&second.as_str()) && values.contains(&third.as_str()));
            }
            "value" => {
                assert_eq!(c.field_label, "value");
                assert_eq!(values, ["2000.00 EUR", "1000.00 EUR"]);
            }
            other => panic!("unexpected field {other}"),
        }
    }
    // Keeping the current stage settles it with the stage the deal shows now.
    let stage = list.iter().find(|c| c.field == "stage_id").unwrap();
    a.resolve_conflict(&stage.id, false).await.unwrap();
    exchange(&a, &b).await;
    for s in [&a, &b] {
        let left = s.sync_conflicts().await.unwrap();
        assert_eq!(left.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["value"]);
        assert_eq!(&s.deal(deal).await.unwrap().stage, &stage.current);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_note_conflict_reads_as_the_note_and_erasure_takes_the_list_with_it() {
    let (_da, _db, a, b, ada) = two_stores_with_ada().await;
    let note = entry(ada, InteractionKind::Note, at("2026-11-03T09:00:00Z"));
    let note = a.log_interaction(&note).await.unwrap().id;
    exchange(&a, &b).await;
    // Another device rewrites the summary, having seen nothing of A's (no screen edits an
    // entry yet: it comes as one op); A renames Ada while B does too.
    let theirs = Op {
        device: Uuid::from_u128(3),
        seq: 1,
        hlc: Hlc { millis: at("2026-11-22T10:00:01Z").timestamp_millis() as u64, counter: 0 },
        entity: EntityKind::Interaction,
        entity_id: note,
        action: OpAction::Set {
            field: "summary".into(),
            value: "Talked about the engine".into(),
            prev: Some(Vec::new()),
        },
    };
    rename(&a, ada, "Ada King").await;
    rename(&b, ada, "Countess of Lovelace").await;
    exchange(&a, &b).await;
    a.apply_remote_ops(std::slice::from_ref(&theirs), None).await.unwrap();
    let list = a.sync_conflicts().await.unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let on_note = list.iter().find(|c| c.entity == "interaction").unwrap();
    let on_ada = list.iter().find(|c| c.entity == "customer").unwrap();
    assert_eq!(on_note.record_label, format!("Note of 3 Nov on {}", on_ada.current));
    assert_eq!((on_note.field_label.as_str(), on_note.customer_id), ("summary", Some(ada)));
    let values = (on_note.current.as_str(), on_note.losing.as_str());
    assert_eq!(values, ("Talked about the engine", "Note"));
    assert!(list.windows(2).all(|w| w[0].losing_at >= w[1].losing_at), "newest first");

    a.erase_customer(ada).await.unwrap();
    assert!(a.sync_conflicts().await.unwrap().is_empty());
    assert_eq!(a.sync_status().await.unwrap().conflicts, 0);
}
