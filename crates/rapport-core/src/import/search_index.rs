//! The search index during a bulk create (an import, or a sync bootstrap's page). Triggers keep `customer_search`,
//! `customer_own_search`, `customer_all_search` (and the typo vocabulary's
//! `search_terms_pending`) in step row by row, re-indexing a customer for each email, phone and tag. While an import inserts its
//! new customers those triggers are dropped, and the new customers are then indexed with
//! one statement each — the triggers' own queries, run once over the new rows — and their
//! words added to the typo vocabulary. Then the triggers are re-created
//! from the SQL SQLite kept for them, in the same transaction: SQLite's DDL is
//! transactional, so a rollback, a cancel or a crash leaves them exactly as they were.
//!
//! Only triggers that write the search index or the pending words are suspended (found by
//! what they write, so a trigger added later for something else still fires).

use sqlx::SqliteConnection;

use crate::error::Result;

/// Triggers dropped for the bulk create, and where the new customers start.
pub(crate) struct Suspended {
    triggers: Vec<(String, String)>,
    /// Customers with a greater rowid are this import's.
    after_rowid: i64,
}

/// The tables a create inserts into whose triggers index the search.
const TABLES: &str = "('customers', 'contact_points', 'customer_tags')";

pub(crate) async fn suspend(conn: &mut SqliteConnection) -> Result<Suspended> {
    let after_rowid: i64 = sqlx::query_scalar("SELECT coalesce(max(rowid), 0) FROM customers")
        .fetch_one(&mut *conn)
        .await?;
    let triggers: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN {TABLES}
           AND (sql LIKE '%customer_search%' OR sql LIKE '%customer_own_search%'
                OR sql LIKE '%customer_all_search%' OR sql LIKE '%search_terms_pending%')
         ORDER BY rowid"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &triggers {
        // The name comes from sqlite_master, quoted as an identifier.
        sqlx::query(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))
            .persistent(false)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Suspended { triggers, after_rowid })
}

/// Indexes the customers created since [`suspend`] and re-creates the triggers.
pub(crate) async fn resume(conn: &mut SqliteConnection, s: Suspended) -> Result<()> {
    // The insert triggers' document (slot 0 of each customer), built once for both indexes
    // (in memory: SQLCipher's builds keep temporary tables in memory, never in a file).
    sqlx::query("DROP TABLE IF EXISTS temp.import_new_docs").execute(&mut *conn).await?;
    sqlx::query(
        "CREATE TEMP TABLE import_new_docs AS
         SELECT doc, id, name, company, emails, phones, notes, tags FROM customer_search_fields
         WHERE id IN (SELECT id FROM customers WHERE rowid > ?1) ORDER BY doc",
    )
    .bind(s.after_rowid)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO customer_search (rowid, name, company, emails, phones, notes, tags)
         SELECT doc, name, company, emails, phones, notes, tags FROM temp.import_new_docs
         ORDER BY doc",
    )
    .execute(&mut *conn)
    .await?;
    // The own-fields index (migration 13): the same document, keyed by the customer's rowid.
    sqlx::query(
        "INSERT INTO customer_own_search (rowid, name, company, emails, phones, notes, tags)
         SELECT doc / 128, name, company, emails, phones, notes, tags FROM temp.import_new_docs
         ORDER BY doc",
    )
    .execute(&mut *conn)
    .await?;
    // The one-document-per-customer index (migration 17), as its view builds it. The
    // entries' triggers are not suspended, so an entry logged meanwhile (a sync page) may
    // have indexed its customer already: those documents go first (deleting one that is
    // not there does nothing), or the index would hold two of one rowid.
    sqlx::query(
        "DELETE FROM customer_all_search WHERE rowid IN (SELECT rowid FROM customers WHERE rowid > ?1)",
    )
    .bind(s.after_rowid)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO customer_all_search (rowid, own, timeline)
         SELECT d.doc / 128, concat_ws(' ', d.name, d.company, d.emails, d.phones, d.notes, d.tags),
             (SELECT group_concat(concat_ws(' ', i.summary, i.body), ' ') FROM interactions i
                 WHERE i.customer_id = d.id AND i.deleted_at IS NULL)
         FROM temp.import_new_docs d ORDER BY d.doc",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("DROP TABLE temp.import_new_docs").execute(&mut *conn).await?;
    // The typo vocabulary (migration 12): the words of the own-fields index, read from its
    // vocabulary, which holds every customer's words once (and no erased or replaced ones).
    // Reading it whole costs a fraction of queuing the new documents' text to be tokenized
    // once more (0.17 s against 1.3 s and more at 100k customers); every word already in the
    // vocabulary is ignored.
    sqlx::query("DROP TABLE IF EXISTS temp.import_own_vocab").execute(&mut *conn).await?;
    sqlx::query(
        "CREATE VIRTUAL TABLE temp.import_own_vocab
         USING fts5vocab(main, customer_own_search, row)",
    )
    .execute(&mut *conn)
    .await?;
    crate::search::typo::add_terms_from(&mut *conn, "temp.import_own_vocab").await?;
    sqlx::query("DROP TABLE temp.import_own_vocab").execute(&mut *conn).await?;
    for (_, sql) in &s.triggers {
        sqlx::query(sql).persistent(false).execute(&mut *conn).await?;
    }
    Ok(())
}
