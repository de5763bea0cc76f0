//! Imports bigger than one write chunk (2000 customers): the set-based path must give the
//! same store as writing row by row — searchable (the index filled for the new rows is the
//! one the triggers would have written), matched against the file's own earlier rows,
//! undoable exactly, and rolled back whole on cancel with the triggers intact.

use std::sync::atomic::{AtomicBool, Ordering};

use rapport_core::customers::NewCustomer;
use rapport_core::import::ImportOptions;
use rapport_core::{ErrorCode, Store};

use crate::import::count;
use crate::support::new_store;

const ROWS: usize = 2_600;
const FAMILY: [&str; 5] = ["Dubois", "Kowalski", "Nakamura", "Okonkwo", "Lindqvist"];

/// `ROWS` people (file rows 2…); every 4th has one of 40 companies; file row 2401 is row 3's
/// person again (same email, new phone, in another chunk); row 1500 has a bad email; the
/// last row is Ada, who exists already, now with a company.
fn file() -> Vec<u8> {
    let mut out = String::from("Name,Email,Phone,Company,Tags,Notes\n");
    for i in 0..ROWS {
        let name = format!("Person{i} {}", FAMILY[i % 5]);
        let company = if i % 4 == 0 { format!("Firm {}", (i / 4) % 40) } else { String::new() };
        let (email, phone) = match i {
            2399 => ("p1@bulk.example".to_string(), "+44 20 7946 9999".to_string()),
            1498 => ("not an email".to_string(), String::new()),
            _ if i == ROWS - 1 => ("ada@home.example".to_string(), String::new()),
            _ => (format!("p{i}@bulk.example"), format!("+44 20 {:04} {:04}", i / 100, i)),
        };
        let name = if i == ROWS - 1 { "Ada Lovelace".to_string() } else { name };
        let company = if i == ROWS - 1 { "Analytical Engines".to_string() } else { company };
        // "booth" is a word only the new customers have (Ada's update brings her own).
        let booth = if i == ROWS - 1 { "" } else { " booth" };
        out.push_str(&format!(
            "{name},{email},{phone},{company},{},met at the fair{booth} row{i}\n",
            if i % 2 == 0 { "vip" } else { "" }
        ));
    }
    out.into_bytes()
}

fn skip_bad() -> ImportOptions {
    ImportOptions { skip_bad_rows: true, ..Default::default() }
}

async fn ada(store: &Store) -> uuid::Uuid {
    store
        .add_customer(&NewCustomer {
            name: "Ada L.".into(),
            emails: vec!["ada@home.example".into()],
            tags: vec!["poetry".into()],
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

async fn triggers(store: &Store) -> Vec<(String, String)> {
    sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        .fetch_all(store.pool())
        .await
        .unwrap()
}

/// The documents matching `q`, in the index and in one built afresh from the view the
/// triggers index from.
async fn matches(store: &Store, q: &str) -> (Vec<i64>, Vec<i64>) {
    let live = sqlx::query_scalar(
        "SELECT rowid FROM customer_search WHERE customer_search MATCH ? ORDER BY rowid",
    )
    .bind(q)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let fresh = sqlx::query_scalar(
        "SELECT rowid FROM check_search WHERE check_search MATCH ? ORDER BY rowid",
    )
    .bind(q)
    .fetch_all(store.pool())
    .await
    .unwrap();
    (live, fresh)
}

/// The customers (rowids) matching `q` in the own-fields index, and in the fresh index
/// (its documents are slot 0, `rowid * 128`).
async fn own_matches(store: &Store, q: &str) -> (Vec<i64>, Vec<i64>) {
    let live = sqlx::query_scalar(
        "SELECT rowid FROM customer_own_search WHERE customer_own_search MATCH ? ORDER BY rowid",
    )
    .bind(q)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let fresh = sqlx::query_scalar(
        "SELECT rowid / 128 FROM check_search WHERE check_search MATCH ? ORDER BY rowid",
    )
    .bind(q)
    .fetch_all(store.pool())
    .await
    .unwrap();
    (live, fresh)
}

/// The customers (rowids) matching `q` in the index of one document per customer
/// (migration 17), and in one built afresh from its triggers' view.
async fn all_matches(store: &Store, q: &str) -> (Vec<i64>, Vec<i64>) {
    let mut out = Vec::new();
    for table in ["customer_all_search", "check_all"] {
        let sql = format!("SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid");
        out.push(sqlx::query_scalar(&sql).bind(q).fetch_all(store.pool()).await.unwrap());
    }
    let fresh = out.pop().unwrap_or_default();
    (out.pop().unwrap_or_default(), fresh)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_several_chunks_is_searchable_matched_and_undone_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let ada = ada(&store).await;
    // A timeline entry of a customer who was there before.
    let met = rapport_core::timeline::NewInteraction {
        summary: "Quarterly engines review".into(),
        ..crate::support::entry(
            ada,
            rapport_core::timeline::InteractionKind::Meeting,
            crate::support::at("2026-11-02T09:00:00Z"),
        )
    };
    store.log_interaction(&met).await.unwrap();
    let before = store.get_customer(ada).await.unwrap();
    let schema = triggers(&store).await;
    let bytes = file();
    let seq_before = count(&store, "SELECT coalesce(max(seq), 0) FROM ops").await;

    let p = store.import_preview("bulk.csv", &bytes, &skip_bad()).await.unwrap();
    assert_eq!((p.created, p.updated, p.errors), (ROWS as u64 - 3, 2, 1));
    let last = std::sync::atomic::AtomicU64::new(0);
    let s = store
        .import_file(
            "bulk.csv",
            &bytes,
            &skip_bad(),
            &|d, t| last.store(d * 10_000 + t, Ordering::Relaxed),
            &AtomicBool::new(false),
        )
        .await
        .unwrap();
    // The dry run said exactly what the import did.
    assert_eq!((s.created, s.updated, s.skipped), (p.created, p.updated, 1));
    assert_eq!(last.load(Ordering::Relaxed), (ROWS as u64 - 2) * 10_001);
    assert_eq!(triggers(&store).await, schema, "the search triggers are back as they were");
    // 2597 people, 40 firms, Analytical Engines, Ada.
    let live = "SELECT count(*) FROM customers WHERE deleted_at IS NULL";
    assert_eq!(count(&store, live).await, ROWS as i64 - 3 + 40 + 1 + 1);

    // File row 2401 matched row 3's person, across the chunk boundary.
    let p1 = crate::import::by_email(&store, "p1@bulk.example").await;
    assert_eq!(p1.phones.len(), 2, "{:?}", p1.phones);
    assert_eq!(p1.display_name, "Person2399 Lindqvist", "the later row's name wins");
    assert_eq!(
        count(&store, "SELECT count(*) FROM contact_points WHERE normalized = 'p1@bulk.example'")
            .await,
        1
    );
    let p4 = crate::import::by_email(&store, "p4@bulk.example").await;
    assert_eq!(p4.company_name.as_deref(), Some("Firm 1"));
    assert_eq!(p4.tags, vec!["vip"]);

    // Every new customer has its one create op, with its tags among its fields, and the
    // updated one its changed fields' ops.
    let created = "SELECT customer_id FROM import_batch_customers WHERE action = 'create'";
    assert_eq!(
        count(&store, &format!("SELECT count(*) FROM ({created})")).await,
        ROWS as i64 - 3 + 41
    );
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM ops WHERE action = 'create' AND field = '*'
                   AND value ->> 'kind' IS NOT NULL AND entity_id IN ({created})"
            )
        )
        .await,
        ROWS as i64 - 3 + 41
    );
    assert_eq!(
        count(&store, &format!("SELECT count(*) FROM ops WHERE entity_id IN ({created})")).await,
        ROWS as i64 - 3 + 41,
        "one op per new customer"
    );
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM ops WHERE value ->> '$.tags[0]' = 'vip'
                   AND entity_id IN ({created})"
            )
        )
        .await,
        // The even rows, but row 1500 (skipped).
        ROWS as i64 / 2 - 1
    );
    let ada_ops = format!("SELECT field FROM ops WHERE entity_id = '{ada}' AND seq > {seq_before}");
    assert_eq!(
        count(&store, &format!("SELECT count(*) FROM ({ada_ops}) WHERE field = 'company_id'"))
            .await,
        1
    );

    // The index holds what the triggers would have written: compared with one built from
    // the same view.
    for sql in [
        "CREATE VIRTUAL TABLE check_search USING fts5 (name, company, emails, phones, notes, tags,
            tokenize = 'unicode61 remove_diacritics 2')",
        "INSERT INTO check_search (rowid, name, company, emails, phones, notes, tags)
         SELECT doc, name, company, emails, phones, notes, tags FROM customer_search_fields
         WHERE id IN (SELECT id FROM customers)",
        "CREATE VIRTUAL TABLE check_all USING fts5 (own, timeline,
            tokenize = 'unicode61 remove_diacritics 2')",
        "INSERT INTO check_all (rowid, own, timeline)
         SELECT rowid, own, timeline FROM customer_all_search_docs",
    ] {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
    for q in [
        "kowalski",
        "person17",
        "company: firm",
        "company: analytical",
        "emails: p2598",
        "phones: 9999",
        "tags: vip",
        "notes: fair",
        "name: ada",
        "lovelace",
    ] {
        let (live, fresh) = matches(&store, q).await;
        assert!(!live.is_empty(), "{q}: nothing found");
        assert_eq!(live, fresh, "{q}");
        let (live, fresh) = own_matches(&store, q).await;
        assert!(!live.is_empty(), "{q}: nothing found in the own-fields index");
        assert_eq!(live, fresh, "{q} (own fields)");
    }
    for q in [
        "kowalski",
        "person17 AND booth",
        "firm AND vip",
        "analytical AND engines AND lovelace",
        "p2598",
        "9999",
        "own: fair",
        "timeline: quarterly",
        "quarterly AND poetry",
        "lovelace",
    ] {
        let (live, fresh) = all_matches(&store, q).await;
        assert!(!live.is_empty(), "{q}: nothing found in the index of whole customers");
        assert_eq!(live, fresh, "{q} (whole customers)");
    }
    let (hits, _) = store.search("nakamuar", 5).await.unwrap();
    assert!(!hits.is_empty(), "a typo finds the imported word (the vocabulary has it)");
    // The typo vocabulary is exactly the index's words a typo can reach (migration 12),
    // no more and no fewer.
    let reachable = "SELECT term FROM customer_search_vocab
                     WHERE length(term) BETWEEN 3 AND 24 AND term NOT GLOB '*[0-9]*'";
    let words = count(&store, &format!("SELECT count(*) FROM ({reachable})")).await;
    assert!(words > 10, "{words} words");
    for sql in [
        format!(
            "SELECT count(*) FROM ({reachable}) WHERE term NOT IN (SELECT term FROM search_terms)"
        ),
        format!("SELECT count(*) FROM search_terms WHERE term NOT IN ({reachable})"),
    ] {
        assert_eq!(count(&store, &sql).await, 0, "{sql}");
    }

    // Undo: every created customer goes, Ada is as she was.
    store.undo_import(None).await.unwrap();
    assert_eq!(count(&store, live).await, 1);
    let after = store.get_customer(ada).await.unwrap();
    assert_eq!(
        (&after.display_name, &after.tags, &after.emails, &after.phones, after.company_id),
        (&before.display_name, &before.tags, &before.emails, &before.phones, before.company_id)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_in_the_middle_of_a_chunk_rolls_everything_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let schema = triggers(&store).await;
    let cancel = AtomicBool::new(false);
    let e = store
        .import_file(
            "bulk.csv",
            &file(),
            &skip_bad(),
            &|d, _| {
                if d == 2_100 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
            &cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Cancelled);
    for table in ["customers", "ops", "contact_points", "customer_tags", "import_batches"] {
        assert_eq!(count(&store, &format!("SELECT count(*) FROM {table}")).await, 0, "{table}");
    }
    assert_eq!(triggers(&store).await, schema, "the dropped triggers came back with the rollback");
    // And they work: a customer added now is found.
    ada(&store).await;
    let n = sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM customer_search WHERE customer_search MATCH 'poetry'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(n, 1);
}
