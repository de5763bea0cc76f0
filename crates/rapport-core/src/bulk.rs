//! Writing many rows with few statements: multi-row `INSERT … VALUES (…), (…)` with bound
//! parameters. Through sqlx every statement is a round trip to the connection's worker
//! thread, which costs more than SQLite inserting the row; a statement of a few thousand
//! rows pays it once for all of them.

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
