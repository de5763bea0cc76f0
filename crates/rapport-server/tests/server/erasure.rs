//! Erasure: once a record's tombstone (an op writing `erased`) is pushed, the server keeps
//! no other op of it, and forgets any that arrives later, while acknowledging it.

use rapport_protocol::wire::{Envelope, Pulled, PushResponse, SnapshotResponse};
use rapport_protocol::{EntityKind, Hlc, Op, OpAction, ERASED_FIELD};
use serde_json::json;
use sqlx::Connection as _;
use uuid::Uuid;

use crate::both;
use crate::support::{Client, Database, Db, Server, NOW_MS};

const PERSON: u128 = 1;
const NOTE: u128 = 2;
const BYSTANDER: u128 = 3;
/// In the person's and the note's payloads only.
const SECRET: &str = "Quorvelmix";

fn op(device: Uuid, seq: u64, entity: EntityKind, id: u128, action: OpAction) -> Envelope {
    Envelope::seal(&Op {
        device,
        seq,
        hlc: Hlc { millis: NOW_MS - 10_000 + seq * 10, counter: 0 },
        entity,
        entity_id: Uuid::from_u128(id),
        action,
    })
}

fn set(field: &str, value: serde_json::Value) -> OpAction {
    OpAction::Set { field: field.into(), value, prev: None }
}

fn create(fields: serde_json::Value) -> OpAction {
    OpAction::Create { fields: fields.as_object().cloned().unwrap() }
}

async fn push(c: &Client, ops: &[Envelope]) -> PushResponse {
    let r = c.push(ops).await;
    assert_eq!(r.status, 200, "{r:?}");
    serde_json::from_value(r.body).unwrap()
}

async fn snapshot(c: &Client) -> Vec<Pulled> {
    let r = c.get("/v1/snapshot?after=0&limit=1000").await;
    assert_eq!(r.status, 200, "{r:?}");
    let page: SnapshotResponse = serde_json::from_value(r.body).unwrap();
    assert!(!page.more);
    page.ops
}

/// What pull and snapshot say of a record: (device seq, registers) of each op.
fn of(ops: &[Pulled], id: u128) -> Vec<(u64, Vec<String>)> {
    ops.iter()
        .filter(|p| p.envelope.entity_id == Uuid::from_u128(id))
        .map(|p| (p.envelope.seq, p.envelope.registers.clone()))
        .collect()
}

/// Every payload the database holds, read with its own driver.
async fn stored_payloads(db: Db, database: &Database) -> Vec<Vec<u8>> {
    let sql = "SELECT payload FROM ops";
    match db {
        Db::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&database.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
        Db::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
        }
    }
}

fn mentions_secret(payloads: &[Vec<u8>]) -> usize {
    payloads.iter().filter(|p| String::from_utf8_lossy(p).contains(SECRET)).count()
}

both!(erase_leaves_only_tombstones_in_pull_and_snapshot);
async fn erase_leaves_only_tombstones_in_pull_and_snapshot(db: Db) {
    let server = Server::start(db).await;
    let a = server.owner("ada@x.org").await;
    let b = server.member(&a, "bob@x.org").await;
    let (da, dbv) = (a.device, b.device);
    use EntityKind::{Customer, Interaction};

    // The person, a tag, a note about them, and a bystander; B edits the person too.
    let before = [
        op(da, 1, Customer, PERSON, create(json!({"display_name": SECRET, "tags": ["vip"]}))),
        op(da, 2, Customer, PERSON, set("notes", json!(format!("likes {SECRET}")))),
        op(da, 3, Interaction, NOTE, create(json!({"customer_id": "p", "summary": SECRET}))),
        op(da, 4, Customer, BYSTANDER, create(json!({"display_name": "Bystander"}))),
    ];
    assert_eq!(push(&a, &before).await.stored, 4);
    assert_eq!(
        push(&b, &[op(dbv, 1, Customer, PERSON, set("title", json!(SECRET)))]).await.stored,
        1
    );
    // The control: the secret is stored, and pulled, before the erasure.
    assert_eq!(mentions_secret(&stored_payloads(db, &server.db).await), 4);
    assert_eq!(of(&a.pull_all(0, 100).await, PERSON).len(), 3);

    // A erases: a tombstone on the note, then on the person.
    let tombstones = [
        op(da, 5, Interaction, NOTE, set(ERASED_FIELD, json!(true))),
        op(da, 6, Customer, PERSON, set(ERASED_FIELD, json!(true))),
    ];
    assert_eq!(push(&a, &tombstones).await.acked_seq, 6);

    // B was offline: its edits of the person and of the note are acknowledged (its outbox
    // moves on) but not kept; its next ordinary op follows without a gap.
    let late = [
        op(dbv, 2, Customer, PERSON, set("notes", json!(format!("still {SECRET}")))),
        op(dbv, 3, Interaction, NOTE, set("body", json!(SECRET))),
        op(dbv, 4, Customer, PERSON, OpAction::Add { field: "tags".into(), element: json!("x") }),
    ];
    assert_eq!(push(&b, &late).await.acked_seq, 4);
    let next = push(&b, &[op(dbv, 5, Customer, BYSTANDER, set("title", json!("Dr")))]).await;
    assert_eq!(next.acked_seq, 5, "{next:?}");
    // A retried push of forgotten ops stores nothing again.
    assert_eq!(push(&b, &late).await.stored, 0);

    let tomb = |seq| (seq, vec![ERASED_FIELD.to_string()]);
    let pulled = b.pull_all(0, 100).await;
    assert_eq!(of(&pulled, PERSON), [tomb(6)], "pull: the person's tombstone only");
    assert_eq!(of(&pulled, NOTE), [tomb(5)], "pull: the note's tombstone only");
    assert_eq!(of(&pulled, BYSTANDER).len(), 2, "other records stay");
    let snap = snapshot(&b).await;
    assert_eq!(of(&snap, PERSON), [tomb(6)], "snapshot: the person's tombstone only");
    assert_eq!(of(&snap, NOTE), [tomb(5)]);
    assert_eq!(of(&snap, BYSTANDER).len(), 2);
    assert_eq!(mentions_secret(&stored_payloads(db, &server.db).await), 0);
}
