//! Typo tolerance: a typed word that no indexed word starts with is widened to the real
//! words within one edit (4-7 letters) or two (8+), a swap of neighbours counting as one
//! (optimal string alignment distance). Candidates come from the deletion neighbourhood in
//! `search_term_keys` (migration 12), so a lookup is one indexed `IN`, never a scan.

use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use crate::error::Result;

/// At most this many corrections per word (the nearest first).
pub const MAX_CORRECTIONS: usize = 8;

/// How many edits a word of `n` characters may be away from what was meant.
pub fn max_edits(n: usize) -> usize {
    match n {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent swaps), over characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, v) in d.iter_mut().enumerate().take(w) {
        *v = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// `word` and every string made from it by deleting up to `edits` characters.
pub fn deletions(word: &str, edits: usize) -> Vec<String> {
    let mut all = vec![word.to_string()];
    let mut frontier = vec![word.to_string()];
    for _ in 0..edits {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            for i in 0..chars.len() {
                let s: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
                if !all.contains(&s) && !next.contains(&s) {
                    next.push(s);
                }
            }
        }
        all.extend(next.iter().cloned());
        frontier = next;
    }
    all
}

/// The upper bound of the prefix range of `prefix` (every string starting with it sorts in
/// `[prefix, upper)` under SQLite's binary collation).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}{}", char::MAX)
}

/// Real words of the index that `word` (folded, see [`crate::search::fold`]) may be a typo
/// of, nearest first; empty when some indexed word starts with `word` (the typed word is
/// not a typo then, or not yet finished).
pub async fn corrections(pool: &SqlitePool, word: &str) -> Result<Vec<String>> {
    let edits = max_edits(word.chars().count());
    if edits == 0 {
        return Ok(Vec::new());
    }
    let known: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM search_terms WHERE term >= ? AND term < ?)",
    )
    .bind(word)
    .bind(prefix_end(word))
    .fetch_one(pool)
    .await?;
    if known {
        return Ok(Vec::new());
    }
    let keys = deletions(word, edits);
    let mut qb = sqlx::QueryBuilder::<Sqlite>::new(
        "SELECT DISTINCT term FROM search_term_keys WHERE key IN (",
    );
    let mut sep = qb.separated(", ");
    for k in &keys {
        sep.push_bind(k.clone());
    }
    qb.push(")");
    let terms: Vec<String> = qb.build_query_scalar().fetch_all(pool).await?;
    let mut near: Vec<(usize, String)> = terms
        .into_iter()
        .filter(|t| !t.starts_with(word))
        .map(|t| (distance(word, &t), t))
        .filter(|(d, _)| *d <= edits)
        .collect();
    near.sort();
    Ok(near.into_iter().take(MAX_CORRECTIONS).map(|(_, t)| t).collect())
}

/// Up to `n` words of the vocabulary starting with `prefix` (folded), in order. Not every
/// indexed word: the vocabulary keeps 3 to 24 letters without digits.
pub async fn completions(pool: &SqlitePool, prefix: &str, n: usize) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT ?")
        .bind(prefix)
        .bind(prefix_end(prefix))
        .bind(n as i64)
        .fetch_all(pool)
        .await?)
}

/// Moves the words of text written in this transaction into the vocabulary (called by
/// `Change::commit`, so new words are typo-reachable as soon as the write is visible).
pub(crate) async fn flush_pending(conn: &mut SqliteConnection) -> Result<()> {
    let pending: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM search_terms_pending_docsize)")
            .fetch_one(&mut *conn)
            .await?;
    if pending {
        add_terms_from(conn, "search_terms_pending_vocab").await?;
        sqlx::query(
            "INSERT INTO search_terms_pending (search_terms_pending) VALUES ('delete-all')",
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds to the vocabulary the words of `vocab` (an `fts5vocab` table of an index with the
/// same tokenizer) that a typo can reach: 3 to 24 characters, no digits (migration 12).
pub(crate) async fn add_terms_from(conn: &mut SqliteConnection, vocab: &str) -> Result<()> {
    sqlx::query(&format!(
        "INSERT OR IGNORE INTO search_terms (term) SELECT term FROM {vocab}
         WHERE length(term) BETWEEN 3 AND 24 AND term NOT GLOB '*[0-9]*'"
    ))
    .execute(conn)
    .await?;
    Ok(())
}

impl crate::store::Store {
    /// Forgets vocabulary words that no longer occur in the index (after an erasure, so a
    /// removed person's name can't be reached by a typo either). Returns how many went.
    pub async fn prune_search_terms(&self) -> Result<u64> {
        let mut ch = self.change().await?;
        let n = prune_terms(ch.conn()).await?;
        ch.commit().await?;
        Ok(n)
    }
}

/// [`Store::prune_search_terms`] inside the caller's transaction (an erasure's).
pub(crate) async fn prune_terms(conn: &mut SqliteConnection) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM search_terms WHERE NOT EXISTS
            (SELECT 1 FROM customer_search_vocab v WHERE v.term = search_terms.term)",
    )
    .execute(conn)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_count_as_one_edit() {
        assert_eq!(distance("dubios", "dubois"), 1);
        assert_eq!(distance("dubois", "dubois"), 0);
        assert_eq!(distance("dubos", "dubois"), 1);
        assert_eq!(distance("dubxois", "dubois"), 1);
        assert_eq!(distance("dibous", "dubois"), 2);
        assert_eq!(distance("amélie", "amelie"), 1, "characters, not bytes");
        assert_eq!(distance("", "abc"), 3);
        assert_eq!((max_edits(3), max_edits(4), max_edits(7), max_edits(8)), (0, 1, 1, 2));
    }

    #[test]
    fn deletions_are_the_neighbourhood() {
        assert_eq!(deletions("abc", 1), ["abc", "bc", "ac", "ab"]);
        assert_eq!(deletions("aab", 1), ["aab", "ab", "aa"]);
        assert_eq!(deletions("abcd", 2).len(), 1 + 4 + 6);
    }
}
