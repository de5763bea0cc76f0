//! The search-query builder on arbitrary bytes: it never panics, and every FTS5 expression
//! it builds — with any corrections, the column filters the list uses, and the "where did it
//! match" filters — parses and runs on a real FTS5 table shaped like `customer_search`.
//!
//! `cargo +nightly fuzz run search_query -- -max_total_time=20`

#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use rapport_core::search::query::{self, OWN_COLUMNS};
use rapport_core::search::typo;
use sqlx::{Connection, SqliteConnection};

struct Fts {
    rt: tokio::runtime::Runtime,
    conn: SqliteConnection,
}

thread_local! {
    static FTS: RefCell<Fts> = RefCell::new({
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let conn = rt.block_on(async {
            let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
            sqlx::query(
                "CREATE VIRTUAL TABLE customer_search USING fts5 (
                    name, company, emails, phones, notes, tags, summary, body,
                    content = '', contentless_delete = 1,
                    tokenize = 'unicode61 remove_diacritics 2')",
            )
            .execute(&mut conn)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO customer_search (rowid, name, notes, summary)
                 VALUES (128, 'Amélie Dubois', 'likes \"quotes\" NEAR( the OR', 'call'),
                        (129, NULL, NULL, 'Lunch with Amélie')",
            )
            .execute(&mut conn)
            .await
            .unwrap();
            conn
        });
        Fts { rt, conn }
    });
}

fn check(expr: &str) {
    FTS.with(|fts| {
        let fts = &mut *fts.borrow_mut();
        let r = fts.rt.block_on(
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM customer_search WHERE customer_search MATCH ?",
            )
            .bind(expr)
            .fetch_one(&mut fts.conn),
        );
        if let Err(e) = r {
            panic!("FTS5 rejected {expr:?}: {e}");
        }
    });
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let words = query::parse(&text);
    assert!(words.len() <= query::MAX_WORDS);
    let mut exprs = Vec::new();
    for w in &words {
        assert!(!w.tokens.is_empty());
        if let Some(form) = w.typo_form() {
            // The neighbourhood of a typo form is small and contains it.
            let keys = typo::deletions(form, typo::max_edits(form.chars().count()));
            assert_eq!(keys[0], form);
            assert!(keys.iter().all(|k| typo::distance(form, k) <= 2));
        }
        // Corrections are real index terms in the app; here any text, to test the quoting.
        let fixes: Vec<String> = text.split('\n').take(3).map(str::to_string).collect();
        // The whole-word form a single word is first tried as (completions are real terms).
        check(&w.whole_expr(&fixes));
        exprs.push(w.expr(&fixes));
    }
    if exprs.is_empty() {
        return;
    }
    check(&query::all_of(&exprs, None));
    check(&query::all_of(&exprs, Some("name")));
    check(&query::all_of(&exprs, Some(OWN_COLUMNS)));
    check(&query::any_of_in(&exprs, "{summary body}"));
});
