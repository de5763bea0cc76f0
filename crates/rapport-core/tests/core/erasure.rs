//! Erasure removes a person from every table, the search index, the op outbox and the
//! bytes of the files, and leaves only a tombstone.
//!
//! How "the bytes are gone" is checked, honestly: the store is closed (the last connection
//! checkpoints and removes the WAL), then every page of `rapport.db` is decrypted by the
//! test itself (`raw_pages.rs`: AES-256-CBC with the raw key, SQLCipher 4's page layout),
//! free pages and the unused space inside pages included, and searched for each marker.
//! A plaintext copy (`sqlcipher_export` into an unencrypted database) would not do on its
//! own: it only copies live rows, so it would miss exactly what secure_delete and the FTS
//! `optimize` are there for. It is checked too, as the logical view. The check can fail:
//! the same decryption of the same file before the erasure finds every marker.
//!
//! FTS5 stores terms prefix-compressed (a term shares its start with the term before it
//! in the same leaf), so the search is for each marker's last six letters, which no other
//! term shares; a boundary key in the FTS `_idx` b-tree may keep a few leading letters of
//! a term (the shortest prefix separating two pages), which no search here could find.

use chrono::Duration;
use rapport_core::customers::NewCustomer;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::{ErrorCode, Store};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};
use uuid::Uuid;

use crate::raw_pages::{decrypt_db, decrypt_wal, key_from_hex};
use crate::support::*;

/// One unique word per field; Capitalised, so each one's last six letters are lowercase
/// in the rows and in the (case-folded) search index alike.
const NAME_GIVEN: &str = "Vexorimbla";
const NAME_FAMILY: &str = "Quintavolp";
const EMAIL: &str = "wurmelpask";
const PHONE: &str = "+44 7700 918273";
const TITLE: &str = "Kastrowelp";
const NOTES: &str = "Jumbrafexo";
const TAG: &str = "Lidorvanex";
const CUSTOM: &str = "Mirtuplexo";
const FACT: &str = "Nostravimk";
const DATE_LABEL: &str = "Orvelquist";
const STREET: &str = "Plumtravex";
const HOW_WE_MET: &str = "Rexmurolta";
const SUMMARY: &str = "Tovrimaxel";
const BODY: &str = "Ulmerquast";
const FOLLOWUP: &str = "Yavrintolp";
const DEAL: &str = "Zorvantixe";
const LOST: &str = "Bemvortila";
const NOTIFIED: &str = "Cuvrantelo";

const MARKERS: &[&str] = &[
    NAME_GIVEN,
    NAME_FAMILY,
    EMAIL,
    "918273",
    TITLE,
    NOTES,
    TAG,
    CUSTOM,
    FACT,
    DATE_LABEL,
    STREET,
    HOW_WE_MET,
    SUMMARY,
    BODY,
    FOLLOWUP,
    DEAL,
    LOST,
    NOTIFIED,
];

fn needle(marker: &str) -> String {
    marker[marker.len() - 6..].to_lowercase()
}

fn found_in(bytes: &[u8]) -> Vec<&'static str> {
    MARKERS.iter().copied().filter(|m| contains(bytes, needle(m).as_bytes())).collect()
}

/// The person with a marker in every field, their timeline spread over many
/// transactions (so over several FTS segments), follow-ups, a won and a lost deal, a
/// notification shown; plus other customers around them. Returns (them, a bystander).
async fn populate(store: &Store) -> (Uuid, Uuid) {
    store.demo(60, 7).await.unwrap();
    let c = store
        .add_customer(&NewCustomer {
            name: format!("{NAME_GIVEN} {NAME_FAMILY}"),
            emails: vec![format!("{}@example.org", EMAIL.to_lowercase())],
            phones: vec![PHONE.into()],
            title: Some(TITLE.into()),
            notes: Some(format!("met at the fair, {NOTES}")),
            tags: vec![TAG.into()],
            birthday: Some("1984-03-09".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let id = c.id;
    let edits = [
        (format!("custom.{CUSTOM}"), format!("likes {CUSTOM}")),
        ("key_facts".into(), format!(r#"[{{"kind":"pet","label":"dog","value":"{FACT}"}}]"#)),
        ("important_dates".into(), format!(r#"[{{"label":"{DATE_LABEL}","date":"--06-01"}}]"#)),
        ("addresses".into(), format!(r#"[{{"street":"1 {STREET} Road","city":"Leeds"}}]"#)),
        ("how_we_met".into(), HOW_WE_MET.into()),
    ];
    store.edit_customer(id, &edits).await.unwrap();
    let bystander = store
        .add_customer(&NewCustomer { name: "Bystander Person".into(), ..Default::default() })
        .await
        .unwrap()
        .id;
    let others = store.list_customers(&Default::default()).await.unwrap();
    for i in 0..40 {
        // Their entries and other people's, each its own transaction: many FTS segments.
        store
            .log_interaction(&NewInteraction {
                customer_id: id,
                kind: InteractionKind::Call,
                summary: format!("call {i} {SUMMARY}"),
                body: Some(format!("talked about {BODY} and more")),
                occurred_at: Some(at("2026-10-01T09:00:00Z") + Duration::hours(i)),
                amount: None,
                score: None,
            })
            .await
            .unwrap();
        let other = &others[i as usize % others.len()];
        store
            .log_interaction(&entry(other.id, InteractionKind::Note, at("2026-10-02T09:00:00Z")))
            .await
            .unwrap();
    }
    store.add_followup(id, &format!("send {FOLLOWUP}"), at("2026-11-20T09:00:00Z")).await.unwrap();
    let won = store
        .add_deal(&NewDeal {
            customer_id: id,
            title: format!("{DEAL} order"),
            value: "1200 EUR".parse().unwrap(),
            stage: None,
            expected_close: None,
        })
        .await
        .unwrap();
    let stages = store.pipeline_stages().await.unwrap();
    store.move_deal(won.id, &stages[1].name).await.unwrap();
    store.close_deal(won.id, DealStatus::Won, None).await.unwrap();
    let lost = store
        .add_deal(&NewDeal {
            customer_id: id,
            title: "second order".into(),
            value: "50 EUR".parse().unwrap(),
            stage: None,
            expected_close: None,
        })
        .await
        .unwrap();
    store.close_deal(lost.id, DealStatus::Lost, Some(&format!("chose {LOST}"))).await.unwrap();
    store
        .mark_notified(&[format!("date:{id}:{}:2026-06-01", NOTIFIED.to_lowercase())])
        .await
        .unwrap();
    (id, bystander)
}

async fn raw_conn(dir: &std::path::Path) -> SqliteConnection {
    let key = rapport_core::keys::debug_unwrap_key_for_tests(dir, PASS).unwrap();
    let opts = SqliteConnectOptions::new()
        .filename(dir.join("rapport.db"))
        .pragma("key", format!("\"x'{}'\"", key.as_str()))
        // ATTACH opens with the main database's flags: it must be allowed to create.
        .create_if_missing(true);
    SqliteConnection::connect_with(&opts).await.unwrap()
}

/// An unencrypted copy of the database's live content, as bytes.
async fn plaintext_copy(dir: &std::path::Path, name: &str) -> Vec<u8> {
    let plain = dir.join(name);
    let mut conn = raw_conn(dir).await;
    sqlx::query(&format!("ATTACH DATABASE '{}' AS plain KEY ''", plain.display()))
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("SELECT sqlcipher_export('plain')").execute(&mut conn).await.unwrap();
    sqlx::query("DETACH DATABASE plain").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    let bytes = std::fs::read(&plain).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3\0"), "the copy should be plaintext");
    std::fs::remove_file(&plain).unwrap();
    bytes
}

fn key(dir: &std::path::Path) -> [u8; 32] {
    key_from_hex(rapport_core::keys::debug_unwrap_key_for_tests(dir, PASS).unwrap().as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_leaves_no_byte_of_the_person_in_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let (id, bystander) = populate(&store).await;
    store.close().await;

    // The control: before the erasure, the same checks find every marker, in the
    // decrypted pages and in the plaintext copy.
    let k = key(dir.path());
    let before = decrypt_db(&k, &std::fs::read(dir.path().join("rapport.db")).unwrap());
    assert_eq!(found_in(&before), MARKERS, "the page check must see the person before erasure");
    assert_eq!(found_in(&plaintext_copy(dir.path(), "before.db").await), MARKERS);

    let store = reopen(dir.path()).await;
    // Sync (a later issue) has pushed the outbox up to the edit of their personal memory.
    sqlx::query(
        "UPDATE ops SET pushed = 1 WHERE seq <= (SELECT max(seq) FROM ops WHERE field = 'how_we_met')",
    )
    .execute(store.pool())
        .await
        .unwrap();
    let record_ids: Vec<String> = sqlx::query_scalar(
        "SELECT ?1 UNION ALL SELECT id FROM interactions WHERE customer_id = ?1
         UNION ALL SELECT id FROM followups WHERE customer_id = ?1
         UNION ALL SELECT id FROM deals WHERE customer_id = ?1",
    )
    .bind(id.to_string())
    .fetch_all(store.pool())
    .await
    .unwrap();
    let report = store.erase_customer(id).await.unwrap();
    assert!(report.wal_truncated);
    let wal = dir.path().join("rapport.db-wal");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0, "WAL not truncated");
    let rows: std::collections::BTreeMap<_, _> = report.rows.iter().cloned().collect();
    assert_eq!(rows["customers"], 1);
    assert_eq!(rows["interactions"], 40);
    assert_eq!(rows["followups"], 1);
    assert_eq!(rows["deals"], 2);
    // Created in the first stage, moved once, for the won deal; created, for the lost one.
    assert_eq!(rows["deal_stage_changes"], 3);
    assert_eq!(rows["notifications_sent"], 1);
    assert_eq!(rows["contact_points"], 2);
    assert_eq!(rows["customer_tags"], 1);

    // Search: no term of theirs is left in either index (fts5vocab lists every term).
    let mut conn = store.pool().acquire().await.unwrap();
    for index in ["customer_search", "customer_own_search"] {
        sqlx::query(&format!(
            "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, {index}, row)"
        ))
        .execute(&mut *conn)
        .await
        .unwrap();
        for m in MARKERS {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM temp.terms WHERE term LIKE ?")
                .bind(format!("%{}%", needle(m)))
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            assert_eq!(n, 0, "term {m} is still in {index}");
        }
        let bystanders: i64 =
            sqlx::query_scalar("SELECT count(*) FROM temp.terms WHERE term = 'bystander'")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(bystanders, 1, "other people's terms stay in {index}");
        sqlx::query("DROP TABLE temp.terms").execute(&mut *conn).await.unwrap();
    }
    drop(conn);

    // The tombstone and the erase op carry no personal data; old ops are redacted.
    let tomb: Vec<(String, String)> =
        sqlx::query_as("SELECT * FROM erased_customers").fetch_all(store.pool()).await.unwrap();
    assert_eq!(tomb, vec![(id.to_string(), "2026-11-22T10:00:00+00:00".to_string())]);
    let erase_op =
        sqlx::query("SELECT action, value FROM ops WHERE entity_id = ? AND field = 'erased'")
            .bind(id.to_string())
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(
        (erase_op.get::<String, _>(0), erase_op.get::<String, _>(1)),
        ("set".into(), "true".into())
    );
    let mut ops_left = 0;
    for rid in &record_ids {
        let ops: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT field, value, pushed FROM ops WHERE entity_id = ? AND field <> 'erased'",
        )
        .bind(rid)
        .fetch_all(store.pool())
        .await
        .unwrap();
        for op in &ops {
            assert_eq!(op, &("redacted".to_string(), "null".to_string(), 0), "op about {rid}");
        }
        ops_left += ops.len();
    }
    assert!(ops_left > 0, "their later ops were not pushed yet: redacted, kept");
    // Each of their records, and they, have a tombstone to push: the server can't tell
    // whose a record is, so it is told record by record. The person's comes last.
    let tombstones: Vec<String> = sqlx::query_scalar(
        "SELECT entity_id FROM ops WHERE field = 'erased' AND value = 'true' AND pushed = 0
         ORDER BY seq",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(tombstones.len(), record_ids.len(), "{tombstones:?}");
    assert_eq!(tombstones.last(), Some(&id.to_string()));
    let mut sorted = tombstones.clone();
    sorted.sort();
    let mut expected = record_ids.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    let redacted: i64 = sqlx::query_scalar("SELECT count(*) FROM ops WHERE field = 'redacted'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(redacted as u64, report.ops_redacted);
    assert!(report.ops_removed > 0, "pushed ops about them are deleted");
    let pushed_left: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ops WHERE pushed = 1 AND field = 'redacted'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(pushed_left, 0);
    // What sync still has to push keeps its sequence numbers without gaps.
    let (min, max, n): (i64, i64, i64) =
        sqlx::query_as("SELECT min(seq), max(seq), count(*) FROM ops WHERE pushed = 0")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(max - min + 1, n);

    // The API: gone, and erasing again says so; the bystander is untouched.
    let err = store.get_customer(id).await.unwrap_err();
    assert_eq!(rapport_core::ApiError::from(err).code, ErrorCode::NotFound);
    let again = store.erase_customer(id).await.unwrap_err();
    assert!(again.to_string().contains("was erased at"), "{again}");
    assert_eq!(store.erased_at(id).await.unwrap(), Some(at("2026-11-22T10:00:00Z")));
    assert_eq!(store.get_customer(bystander).await.unwrap().display_name, "Bystander Person");
    store.close().await;

    // The files: no WAL, and no marker in any page, free or used, nor in the live content.
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
    let after = decrypt_db(&k, &std::fs::read(dir.path().join("rapport.db")).unwrap());
    assert_eq!(found_in(&after), Vec::<&str>::new(), "markers left in the database pages");
    assert!(contains(&after, b"Bystander Person"), "the page check reads real content");
    assert_eq!(found_in(&plaintext_copy(dir.path(), "after.db").await), Vec::<&str>::new());
    // Trivially, the encrypted file itself has no plaintext either.
    assert!(found_in(&std::fs::read(dir.path().join("rapport.db")).unwrap()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_holds_the_person_until_the_erasure_truncates_it() {
    // While the store is open, recent writes live in the WAL: the WAL check can fail.
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let (id, _) = populate(&store).await;
    let k = key(dir.path());
    let wal = dir.path().join("rapport.db-wal");
    let frames = decrypt_wal(&k, &std::fs::read(&wal).unwrap());
    assert!(!found_in(&frames).is_empty(), "the WAL should hold recent writes of the person");
    store.erase_customer(id).await.unwrap();
    assert_eq!(std::fs::metadata(&wal).unwrap().len(), 0, "the WAL still has frames");
    // And new writes start a fresh WAL: nothing of the person comes back into it.
    store
        .add_customer(&NewCustomer { name: "After Erasure".into(), ..Default::default() })
        .await
        .unwrap();
    assert!(found_in(&decrypt_wal(&k, &std::fs::read(&wal).unwrap())).is_empty());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_a_company_keeps_its_people_without_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let ada = store
        .add_customer(&NewCustomer {
            name: "Ada Person".into(),
            company: Some("Quorvantix Ltd".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let company = store.get_customer(ada.id).await.unwrap().company_id.unwrap();
    let report = store.erase_customer(company).await.unwrap();
    assert_eq!(report.unlinked_people, 1);
    let ada = store.get_customer(ada.id).await.unwrap();
    assert_eq!((ada.company_id, ada.company_name), (None, None));
    // Ada's search document no longer carries the company's name.
    let page = store
        .customer_page(&rapport_core::customers::CustomerFilter {
            query: Some("Quorvantix".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.total, 0);
    // The unlink is an op like any edit, so other devices do the same.
    let unlink: String = sqlx::query_scalar(
        "SELECT value FROM ops WHERE entity_id = ? AND field = 'company_id' ORDER BY seq DESC LIMIT 1",
    )
    .bind(ada.id.to_string())
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(unlink, "null");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_an_unknown_customer_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let before: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ops").fetch_one(store.pool()).await.unwrap();
    let err = store.erase_customer(Uuid::now_v7()).await.unwrap_err();
    assert_eq!(rapport_core::ApiError::from(err).code, ErrorCode::NotFound);
    let after: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ops").fetch_one(store.pool()).await.unwrap();
    assert_eq!(before, after);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_a_merge_survivor_erases_the_record_merged_into_it_and_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let add = |name: &str, email: &str| NewCustomer {
        name: name.into(),
        emails: vec![email.into()],
        ..Default::default()
    };
    let survivor = store.add_customer(&add("Mara Merged", "mara@example.org")).await.unwrap();
    let duplicate = store.add_customer(&add("Mara Merged", "mara.old@example.org")).await.unwrap();
    store.merge_customers(duplicate.id, survivor.id, &Default::default()).await.unwrap();

    store.erase_customer(survivor.id).await.unwrap();

    let left: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM merges)
              + (SELECT count(*) FROM contact_points)",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(left, 0, "the merged-away record, the merge and both emails are gone");
    let tombstones: i64 = sqlx::query_scalar("SELECT count(*) FROM erased_customers")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(tombstones, 2);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_erasure_removes_the_person_and_redacts_what_was_not_pushed() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let id = a
        .add_customer(&NewCustomer {
            name: format!("{NAME_GIVEN} {NAME_FAMILY}"),
            notes: Some(NOTES.into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let mut note = entry(id, InteractionKind::Note, at("2026-11-01T09:00:00Z"));
    note.summary = SUMMARY.into();
    a.log_interaction(&note).await.unwrap();
    let bystander = NewCustomer { name: "Bystander Person".into(), ..Default::default() };
    let bystander = a.add_customer(&bystander).await.unwrap().id;
    b.apply_remote_ops(&a.unpushed_ops(u32::MAX).await.unwrap(), None).await.unwrap();
    a.mark_pushed(u64::MAX).await.unwrap();
    b.mark_pushed(u64::MAX).await.unwrap();
    assert!(b.get_customer(id).await.is_ok(), "the control: B has them");

    // B, before it hears: an edit of the person and a new entry, not pushed yet.
    b.edit_customer(id, &[("title".into(), TITLE.into())]).await.unwrap();
    let mut offline = entry(id, InteractionKind::Note, at("2026-11-21T09:00:00Z"));
    offline.summary = BODY.into();
    let offline = b.log_interaction(&offline).await.unwrap().id;

    a.erase_customer(id).await.unwrap();
    let erasure = a.unpushed_ops(u32::MAX).await.unwrap();
    b.apply_remote_ops(&erasure, None).await.unwrap();

    let err = b.get_customer(id).await.unwrap_err();
    assert_eq!(rapport_core::ApiError::from(err).code, ErrorCode::NotFound);
    assert!(b.erased_at(id).await.unwrap().is_some(), "B keeps the tombstone");
    assert_eq!(b.get_customer(bystander).await.unwrap().display_name, "Bystander Person");
    let wal = db.path().join("rapport.db-wal");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0, "WAL not truncated");
    // Nothing of theirs in any row, log or index; B's unpushed edits are redacted, and
    // its entry (which the server can't tie to them) got a tombstone to push.
    let mut conn = b.pool().acquire().await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        for column in columns {
            for m in [NAME_GIVEN, NAME_FAMILY, NOTES, SUMMARY, TITLE, BODY] {
                let n: i64 = sqlx::query_scalar(&format!(
                    "SELECT count(*) FROM \"{table}\"
                     WHERE instr(lower(CAST(\"{column}\" AS BLOB)), CAST(? AS BLOB)) > 0"
                ))
                .bind(needle(m))
                .fetch_one(&mut *conn)
                .await
                .unwrap();
                assert_eq!(n, 0, "{m} left in {table}.{column}");
            }
        }
    }
    drop(conn);
    let outbox: Vec<(String, String)> =
        sqlx::query_as("SELECT entity_id, field FROM ops WHERE pushed = 0 ORDER BY seq")
            .fetch_all(b.pool())
            .await
            .unwrap();
    assert!(outbox.iter().all(|(_, f)| f == "redacted" || f == "erased"), "{outbox:?}");
    assert!(outbox.contains(&(offline.to_string(), "erased".into())), "{outbox:?}");
    assert!(!outbox.contains(&(id.to_string(), "erased".into())), "A's tombstone is enough");
    b.close().await;
    a.close().await;
}
