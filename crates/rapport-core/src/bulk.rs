//! Writing many rows with few statements. Through sqlx every statement is a round trip to
//! the connection's worker thread, which costs more than SQLite inserting the row; a
//! statement of a few thousand rows pays it once for all of them.
//!
//! Two forms: [`insert`], multi-row `INSERT … VALUES (…), (…)` with bound parameters (any
//! column type, blobs too), and [`insert_json`], `INSERT … SELECT … FROM json_each(?)` with
//! the rows as one JSON array of arrays. The second is several times faster for text: sqlx
//! copies every bound value (into the worker's own arguments) and SQLite copies it again,
//! while one JSON text is copied once and taken apart in C. It suits rows of text and
//! numbers whose text holds no NUL (the cleaned text of customers, op values).

use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqliteConnection};

use crate::error::Result;

/// SQLite's limit on bound parameters per statement (since 3.32).
const MAX_PARAMS: usize = 32_766;
/// Rows per statement at most, however narrow the row: bigger statements stop paying off.
const MAX_ROWS: usize = 4_000;

pub(crate) type Q<'q> = Query<'q, Sqlite, SqliteArguments<'q>>;

/// A row that binds its `COLUMNS` values, in the order of the insert's column list.
pub(crate) trait BindRow {
    const COLUMNS: usize;
    fn bind<'q>(&'q self, q: Q<'q>) -> Q<'q>;
}

/// Inserts `rows` with `head` (`INSERT INTO t (a, b)`, or with `OR REPLACE`), as few
/// statements as SQLite's parameter limit allows.
pub(crate) async fn insert<R: BindRow>(
    conn: &mut SqliteConnection,
    head: &str,
    rows: &[R],
) -> Result<()> {
    let per = (MAX_PARAMS / R::COLUMNS).clamp(1, MAX_ROWS);
    for chunk in rows.chunks(per) {
        let sql = values_sql(head, R::COLUMNS, chunk.len());
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = r.bind(q);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A row written as one JSON array of its `COLUMNS` values (texts, numbers, nulls), in the
/// order of the insert's column list.
pub(crate) trait JsonRow: serde::Serialize {
    const COLUMNS: usize;
}

/// Rows per [`insert_json`] statement.
const JSON_ROWS: usize = 5_000;

/// Inserts `rows` with `head` (`INSERT INTO t (a, b)`, or with `OR IGNORE`) from JSON.
pub(crate) async fn insert_json<R: JsonRow>(
    conn: &mut SqliteConnection,
    head: &str,
    rows: &[R],
) -> Result<()> {
    let sql = json_sql(head, R::COLUMNS);
    for chunk in rows.chunks(JSON_ROWS) {
        let json = serde_json::to_string(chunk)
            .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        sqlx::query(&sql).bind(json).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Like [`insert_json`], for rows whose width is known only at run time: each row a JSON
/// array of `columns` values.
pub(crate) async fn insert_json_arrays(
    conn: &mut SqliteConnection,
    head: &str,
    columns: usize,
    rows: &[serde_json::Value],
) -> Result<()> {
    let sql = json_sql(head, columns);
    for chunk in rows.chunks(JSON_ROWS) {
        let json = serde_json::to_string(chunk)
            .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
        sqlx::query(&sql).bind(json).execute(&mut *conn).await?;
    }
    Ok(())
}

fn json_sql(head: &str, columns: usize) -> String {
    // Each row is read from `json_each` once, into a materialized table: SQLite asks the
    // virtual table for `value` once per use, and each ask turns the whole row back into
    // text, so reading 23 columns straight from it cost 23 conversions a row (the customers'
    // insert took twice as long).
    let columns: Vec<String> = (0..columns).map(|i| format!("r ->> {i}")).collect();
    format!(
        "WITH rows (r) AS MATERIALIZED (SELECT value FROM json_each(?1)) {head} SELECT {} FROM rows",
        columns.join(", ")
    )
}

fn values_sql(head: &str, columns: usize, rows: usize) -> String {
    let tuple = format!("({})", vec!["?"; columns].join(", "));
    let mut sql = String::with_capacity(head.len() + 8 + rows * (tuple.len() + 2));
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&tuple);
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sql_has_one_tuple_per_row() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 3),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"
        );
    }
}
