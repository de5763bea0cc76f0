//! An erasure on one device reaches every device and the server: the person leaves the
//! other devices' tables and logs, the server keeps only tombstones (no payload of theirs
//! in its file), a device that joins later never sees them, and an edit a device made
//! offline before it heard is not brought back anywhere.

use chrono::DateTime;
use rapport_core::customers::NewCustomer;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::Store;
use rapport_sync::sync;
use uuid::Uuid;

use crate::support::*;

/// One unique word per thing A wrote about the person.
const NAME: &str = "Vexorimbla Quintavolp";
const EMAIL: &str = "wurmelpask@example.org";
const NOTES: &str = "Jumbrafexo";
const SUMMARY: &str = "Tovrimaxel";
const DEAL: &str = "Zorvantixe";
const FOLLOWUP: &str = "Yavrintolp";
/// What B wrote about them offline, before the erasure reached it.
const OFFLINE_TITLE: &str = "Kastrowelp";
const OFFLINE_NOTE: &str = "Ulmerquast";
const OFFLINE_LOST: &str = "Bemvortila";

const MARKERS: &[&str] =
    &[NAME, EMAIL, NOTES, SUMMARY, DEAL, FOLLOWUP, OFFLINE_TITLE, OFFLINE_NOTE, OFFLINE_LOST];

/// What is searched for: a marker's last six letters, lowercase (the full-text index keeps
/// terms prefix-compressed and case-folded).
fn needle(marker: &str) -> String {
    let word = marker.split(['@', ' ']).next().unwrap();
    word[word.len() - 6..].to_lowercase()
}

fn entry(customer_id: Uuid, summary: &str) -> NewInteraction {
    NewInteraction {
        customer_id,
        kind: InteractionKind::Note,
        summary: summary.into(),
        body: None,
        occurred_at: Some(DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z").unwrap().to_utc()),
        amount: None,
        score: None,
    }
}

/// The markers found in any column of any table of a device's store (its ops and
/// remote_ops, the full-text index's own tables, everything), read through SQL: the file
/// is encrypted, so its raw bytes say nothing.
async fn markers_in_store(store: &Store) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(store.pool())
                .await
                .unwrap();
        for column in columns {
            for m in MARKERS {
                let n: i64 = sqlx::query_scalar(&format!(
                    "SELECT count(*) FROM \"{table}\"
                     WHERE instr(lower(CAST(\"{column}\" AS BLOB)), CAST(? AS BLOB)) > 0"
                ))
                .bind(needle(m))
                .fetch_one(store.pool())
                .await
                .unwrap();
                if n > 0 {
                    found.push(format!("{m} in {table}.{column}"));
                }
            }
        }
    }
    found
}

/// The markers in the raw bytes of the server's SQLite file and its WAL (payloads are
/// stored as the JSON the device sent, in plain text).
fn markers_in_server(server: &Server) -> Vec<&'static str> {
    let mut bytes = std::fs::read(&server.db).unwrap();
    bytes.extend(std::fs::read(server.db.with_extension("sqlite3-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    MARKERS.iter().copied().filter(|m| text.contains(&needle(m))).collect()
}

async fn customer_ids(store: &Store) -> Vec<Uuid> {
    let list = store.list_customers(&Default::default()).await.unwrap();
    list.into_iter().map(|c| c.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_reaches_every_device_and_the_server() {
    let server = Server::start().await;
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a, b) = (store(dirs[0].path()).await, store(dirs[1].path()).await);
    owner(&server, &a, "owner@example.com").await;
    member(&server, &a, &b, "rep@example.com").await;

    let person = a
        .add_customer(&NewCustomer {
            name: NAME.into(),
            emails: vec![EMAIL.into()],
            notes: Some(format!("met at the fair, {NOTES}")),
            tags: vec!["vip".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    a.log_interaction(&entry(person, &format!("call about {SUMMARY}"))).await.unwrap();
    let deal = NewDeal {
        customer_id: person,
        title: format!("{DEAL} order"),
        value: "1200 EUR".parse().unwrap(),
        stage: None,
        expected_close: None,
    };
    let deal = a.add_deal(&deal).await.unwrap().id;
    let due = DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z").unwrap().to_utc();
    a.add_followup(person, &format!("send {FOLLOWUP}"), due).await.unwrap();
    let bystander = NewCustomer { name: "Bystander Person".into(), ..Default::default() };
    let bystander = a.add_customer(&bystander).await.unwrap().id;
    sync(&a).await.unwrap();
    sync(&b).await.unwrap();

    // The control: B holds the person, and so does the server's file.
    assert_eq!(b.get_customer(person).await.unwrap().display_name, NAME);
    let all_of_a: Vec<&str> = MARKERS[..6].to_vec();
    let on_b = markers_in_store(&b).await;
    for m in &all_of_a {
        assert!(on_b.iter().any(|f| f.starts_with(m)), "B should hold {m} before: {on_b:?}");
    }
    assert_eq!(markers_in_server(&server), all_of_a, "the server's file holds the payloads");

    // B, offline, edits the person, loses the deal with a reason and logs a new note.
    b.edit_customer(person, &[("title".into(), OFFLINE_TITLE.into())]).await.unwrap();
    b.close_deal(deal, DealStatus::Lost, Some(OFFLINE_LOST)).await.unwrap();
    b.log_interaction(&entry(person, OFFLINE_NOTE)).await.unwrap();

    // A erases the person; then each syncs (B pushes its offline edits first, then hears).
    a.erase_customer(person).await.unwrap();
    sync(&a).await.unwrap();
    sync(&b).await.unwrap();
    sync(&a).await.unwrap();

    for (name, device) in [("A", &a), ("B", &b)] {
        assert_eq!(customer_ids(device).await, [bystander], "{name} shows only the bystander");
        assert!(device.get_customer(person).await.is_err(), "{name} still finds the person");
        assert!(device.erased_at(person).await.unwrap().is_some(), "{name} has the tombstone");
        assert_eq!(markers_in_store(device).await, Vec::<String>::new(), "left on {name}");
        assert_eq!(device.sync_status().await.unwrap().outbox, 0, "{name} pushed everything");
    }
    // B applied the erasure in a transaction followed by a WAL truncation; whatever is in
    // its WAL now was written after (its sync bookkeeping), and the SQL check above sees
    // every live page. The server's file and WAL hold no payload of theirs.
    assert_eq!(markers_in_server(&server), Vec::<&str>::new(), "left on the server");

    // A third device joining now bootstraps from the snapshot and never sees them.
    let c = store(dirs[2].path()).await;
    member(&server, &a, &c, "new@example.com").await;
    let first = sync(&c).await.unwrap();
    assert!(first.from_snapshot);
    assert_eq!(customer_ids(&c).await, [bystander]);
    assert!(c.erased_at(person).await.unwrap().is_some(), "C keeps the tombstone");
    assert_eq!(markers_in_store(&c).await, Vec::<String>::new(), "left on C");
    // And nothing more comes back to anyone.
    for device in [&a, &b, &c] {
        sync(device).await.unwrap();
        assert_eq!(customer_ids(device).await, [bystander]);
        assert_eq!(markers_in_store(device).await, Vec::<String>::new());
    }
    assert_eq!(markers_in_server(&server), Vec::<&str>::new());
}
