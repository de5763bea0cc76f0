//! Every change is recorded as ops in the same transaction (one create op for a new
//! record, field-level ops after): a failed change leaves neither the change nor any op.

use rapport_core::customers::NewCustomer;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use uuid::Uuid;

use crate::support::*;

async fn ops_for(store: &rapport_core::Store, id: Uuid) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT action, field, value FROM ops WHERE entity_id = ? ORDER BY seq")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await
        .unwrap()
}

async fn count(store: &rapport_core::Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_customer_is_one_create_op_and_later_ops_have_increasing_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer {
            name: "Ada Lovelace".into(),
            emails: vec!["ada@example.com".into()],
            tags: vec!["vip".into(), "math".into(), "vip".into()],
            birthday: Some("--12-10".into()),
            company: Some("Analytical Engines".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let ops = ops_for(&store, c.id).await;
    assert_eq!(ops.len(), 1, "{ops:?}");
    let (action, field, value) = &ops[0];
    assert_eq!((action.as_str(), field.as_str()), ("create", "*"));
    let fields: serde_json::Value = serde_json::from_str(value).unwrap();
    assert_eq!(fields["display_name"], "Ada Lovelace");
    assert_eq!(fields["given_name"], "Ada");
    assert_eq!(fields["family_name"], "Lovelace");
    assert_eq!(fields["kind"], "person");
    assert_eq!(fields["birthday"], "--12-10");
    assert_eq!(fields["emails"][0]["value"], "ada@example.com");
    // The tag set's first elements, each once.
    assert_eq!(fields["tags"], serde_json::json!(["vip", "math"]));
    // The company was created first, by its own create op, and the person points at it.
    let company: String =
        sqlx::query_scalar("SELECT entity_id FROM ops WHERE action = 'create' AND entity_id <> ? ")
            .bind(c.id.to_string())
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(fields["company_id"], company.as_str());

    // Later changes are per field, after the create.
    store.edit_customer(c.id, &[("title".into(), "Countess".into())]).await.unwrap();
    let hlcs: Vec<String> = sqlx::query_scalar("SELECT hlc FROM ops ORDER BY seq")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(hlcs.len(), 3);
    assert!(hlcs.windows(2).all(|w| w[0] < w[1]), "clocks must strictly increase: {hlcs:?}");
    let (seq_max, n): (i64, i64) =
        sqlx::query_as("SELECT max(seq), count(*) FROM ops").fetch_one(store.pool()).await.unwrap();
    assert_eq!(seq_max, n, "per-device sequence must have no gaps");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_writes_ops_only_for_changed_fields() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer {
            name: "Alan Turing".into(),
            tags: vec!["a".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let before = ops_for(&store, c.id).await.len();
    store
        .edit_customer(
            c.id,
            &[
                ("name".into(), "Alan Turing".into()),
                ("stage".into(), "customer".into()),
                ("tags".into(), "b".into()),
            ],
        )
        .await
        .unwrap();
    let after = ops_for(&store, c.id).await;
    let new: Vec<_> = after[before..].iter().map(|(a, f, v)| format!("{a} {f} {v}")).collect();
    assert_eq!(
        new,
        vec!["set lifecycle_stage \"customer\"", "remove tags \"a\"", "add tags \"b\""]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_change_leaves_no_row_and_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    // Make the last statement of add_customer fail, after the row and most ops are written.
    sqlx::query(
        "CREATE TRIGGER boom BEFORE INSERT ON customer_tags WHEN NEW.tag = 'boom'
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let ops_before = count(&store, "SELECT count(*) FROM ops").await;
    let seq_before = count(&store, "SELECT next_seq FROM device").await;
    let err = store
        .add_customer(&NewCustomer {
            name: "Should Not Exist".into(),
            emails: vec!["nobody@example.com".into()],
            tags: vec!["fine".into(), "boom".into()],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("injected failure"), "{err:?}");
    assert_eq!(count(&store, "SELECT count(*) FROM customers").await, 0);
    assert_eq!(count(&store, "SELECT count(*) FROM contact_points").await, 0);
    assert_eq!(count(&store, "SELECT count(*) FROM ops").await, ops_before);
    assert_eq!(count(&store, "SELECT next_seq FROM device").await, seq_before);

    // The same for a timeline entry whose derived update fails.
    let ok = store
        .add_customer(&NewCustomer { name: "Real Person".into(), ..Default::default() })
        .await
        .unwrap();
    sqlx::query(
        "CREATE TRIGGER boom2 BEFORE UPDATE OF last_contacted_at ON customers
         BEGIN SELECT RAISE(ABORT, 'injected failure 2'); END",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let ops_before = count(&store, "SELECT count(*) FROM ops").await;
    store
        .log_interaction(&NewInteraction {
            customer_id: ok.id,
            kind: InteractionKind::Call,
            summary: "call".into(),
            body: None,
            occurred_at: None,
            amount: None,
            score: None,
        })
        .await
        .unwrap_err();
    assert_eq!(count(&store, "SELECT count(*) FROM interactions").await, 0);
    assert_eq!(count(&store, "SELECT count(*) FROM ops").await, ops_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_alone_rebuilds_each_customer_and_so_does_its_compaction() {
    use rapport_protocol::rules::{compact, materialize};
    use rapport_protocol::EntityKind;
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let ada = store
        .add_customer(&NewCustomer {
            name: "Ada Lovelace".into(),
            tags: vec!["vip".into(), "math".into(), "chess".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    // "chess" and "printing" come only from the creates: nothing later names them.
    let file = b"Name,Email,Tags\nBob Byte,bob@example.com,poet ::: vip ::: printing\n";
    import_bytes(&store, "one.csv", file).await.unwrap();
    let bob = store.resolve_customer("bob@example.com").await.unwrap();
    // Edits, tag edits and tag clean-up, each writing its own ops after the creates.
    store.edit_customer(ada, &[("name".into(), "Ada King".into())]).await.unwrap();
    store.edit_customer(ada, &[("tags".into(), "vip, poet, chess".into())]).await.unwrap();
    store.edit_customer(bob, &[("title".into(), "Printer".into())]).await.unwrap();
    store.edit_customer(bob, &[("title".into(), "Typesetter".into())]).await.unwrap();
    store.rename_tag("vip", "VIP").await.unwrap();
    store.delete_tag("poet").await.unwrap();

    let ops = store.unpushed_ops(u32::MAX).await.unwrap();
    let all: Vec<&rapport_protocol::Op> = ops.iter().collect();
    let kept = compact(&all);
    assert!(kept.len() < all.len(), "the first title was written again: it can go");
    for records in [materialize(all.iter().copied()), materialize(kept.iter().copied())] {
        for id in [ada, bob] {
            let c = store.get_customer(id).await.unwrap();
            let r = &records[&(EntityKind::Customer, id)];
            assert_eq!(r.registers["display_name"], c.display_name.as_str());
            assert_eq!(r.registers.get("title").and_then(|t| t.as_str()), c.title.as_deref());
            let mut tags: Vec<String> = c.tags.iter().map(|t| format!("{t:?}")).collect();
            tags.sort();
            assert_eq!(r.elements("tags"), tags, "{}", c.display_name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_removal_names_exactly_the_adds_this_device_had_seen() {
    use rapport_protocol::{OpAction, OpId};
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let ada = store
        .add_customer(&NewCustomer {
            name: "Ada".into(),
            tags: vec!["vip".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    for tags in ["vip, poet", "poet", "poet, vip", ""] {
        store.edit_customer(ada, &[("tags".into(), tags.into())]).await.unwrap();
    }
    let ops = store.unpushed_ops(u32::MAX).await.unwrap();
    let id = |i: usize| OpId { device: ops[i].device, seq: ops[i].seq };
    let removes: Vec<(String, Option<Vec<OpId>>)> = ops
        .iter()
        .filter_map(|o| match &o.action {
            OpAction::Remove { element, observed, .. } => {
                Some((element.as_str().unwrap().to_string(), observed.clone()))
            }
            _ => None,
        })
        .collect();
    // ops: 0 create (vip), 1 add poet, 2 remove vip, 3 add vip, then removes of both.
    assert!(matches!(ops[3].action, OpAction::Add { .. }), "{:?}", ops[3]);
    assert_eq!(removes[0], ("vip".to_string(), Some(vec![id(0)])), "the create's vip");
    let last: std::collections::HashMap<_, _> = removes[1..].iter().cloned().collect();
    assert_eq!(last["vip"], Some(vec![id(3)]), "only the add after the first removal");
    assert_eq!(last["poet"], Some(vec![id(1)]));
    assert!(store.get_customer(ada).await.unwrap().tags.is_empty());
}
