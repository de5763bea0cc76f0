//! Search as the customer list uses it: which customers match what was typed, and which
//! come first.
//!
//! A customer matches when every word matches somewhere in their own fields or timeline:
//! as a word prefix, or — for a word no indexed word starts with — as a real word within
//! one or two typos (`crate::search::typo`). Best first, on a bounded candidate set
//! (ranking every match costs ~1 s at 1M rows, DESIGN §9): at most [`CANDIDATES`]
//! customers, gathered in tiers — all words in the name, then all in the customer's own
//! fields, then anywhere — and ordered by
//! 1. where: name (an exact word, then a word prefix, then a typo-corrected word), then the
//!    other own fields (company, emails, phones, tags, notes), then the timeline;
//! 2. recency (last contact, newest first), then name.
//!
//! When more customers match than the bound, the ranked ones come first and the rest follow
//! in name order.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteArguments;
use sqlx::Row;

use super::list::{conditions, push_arg};
use super::CustomerQuery;
use crate::error::Result;
use crate::search::query::{self, Word};
use crate::search::{fold, typo};
use crate::store::Store;

/// How many matching customers are ranked at most.
pub const CANDIDATES: usize = 500;

/// A prepared search: the words, and each word's FTS5 expression (corrections included).
#[derive(Debug, Clone)]
pub(crate) struct Search {
    pub words: Vec<Word>,
    pub exprs: Vec<String>,
}

/// Where a search hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    Name,
    Company,
    Email,
    Phone,
    Tags,
    Notes,
    Timeline,
}

impl MatchField {
    const ALL: [(MatchField, &'static str); 7] = [
        (MatchField::Name, "name"),
        (MatchField::Company, "company"),
        (MatchField::Email, "emails"),
        (MatchField::Phone, "phones"),
        (MatchField::Tags, "tags"),
        (MatchField::Notes, "notes"),
        (MatchField::Timeline, "{summary body}"),
    ];
}

/// One customer found by [`Store::search`], best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub customer: super::CustomerSummary,
    /// Where the words matched (any word), in the order of [`MatchField`].
    pub matched_in: Vec<MatchField>,
}

/// The candidates, best first; `complete` when they are every match.
pub(crate) struct Ranked {
    pub rowids: Vec<i64>,
    pub complete: bool,
}

/// How well a name matches one word (0 exact word, 1 word prefix, 2 neither: a typo).
fn word_quality(name: &[String], word: &[String]) -> u8 {
    let n = word.len();
    let mut best = 2;
    for start in 0..(name.len() + 1).saturating_sub(n) {
        if (0..n - 1).any(|k| name[start + k] != word[k]) {
            continue;
        }
        let last = &name[start + n - 1];
        if *last == word[n - 1] {
            return 0;
        }
        if last.starts_with(&word[n - 1]) {
            best = 1;
        }
    }
    best
}

/// The name tier of a customer whose name matched every word: its worst word decides.
pub(crate) fn name_tier(name: &str, words: &[Word]) -> u8 {
    let tokens = fold::words(name);
    words.iter().map(|w| word_quality(&tokens, &w.tokens)).max().unwrap_or(0)
}

struct Candidate {
    rowid: i64,
    tier: u8,
    last: Option<String>,
    name: String,
}

impl Store {
    /// The words of `q` and their expressions; `None` when nothing in it is searchable.
    pub(crate) async fn prepare_search(&self, q: Option<&str>) -> Result<Option<Search>> {
        let words = query::parse(q.unwrap_or(""));
        if words.is_empty() {
            return Ok(None);
        }
        let mut exprs = Vec::with_capacity(words.len());
        for w in &words {
            let fixes = match w.typo_form() {
                Some(form) => typo::corrections(self.pool(), form).await?,
                None => Vec::new(),
            };
            exprs.push(w.expr(&fixes));
        }
        Ok(Some(Search { words, exprs }))
    }

    /// The best matching customers under `filter`'s other filters (see the module doc).
    pub(crate) async fn rank(&self, filter: &CustomerQuery, search: &Search) -> Result<Ranked> {
        let mut found: Vec<Candidate> = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        let bound = CANDIDATES + 1;
        // Name, then own fields: one FTS query each over the customers' own documents.
        for (stage, columns) in [(0u8, "name"), (3, query::OWN_COLUMNS)] {
            let mut args = SqliteArguments::default();
            push_arg(&mut args, query::all_of(&search.exprs, Some(columns)))?;
            let cond = conditions(filter, None, &mut args)?;
            push_arg(&mut args, bound as i64)?;
            let sql = format!(
                "SELECT c.rowid AS rid, c.display_name, c.last_contacted_at
                 FROM (SELECT rowid / 128 AS r FROM customer_search WHERE customer_search MATCH ?) m
                 CROSS JOIN customers c ON c.rowid = m.r WHERE {cond} LIMIT ?"
            );
            let rows = sqlx::query_with(&sql, args).fetch_all(self.pool()).await?;
            self.collect(rows, stage, search, &mut found, &mut seen)?;
            if found.len() > CANDIDATES {
                return Ok(finish(found, false));
            }
        }
        // Anywhere, the timeline included (each word may match in a different document).
        let mut args = SqliteArguments::default();
        let cond = conditions(filter, Some(&search.exprs), &mut args)?;
        push_arg(&mut args, bound as i64)?;
        let sql = format!(
            "SELECT c.rowid AS rid, c.display_name, c.last_contacted_at FROM customers c
             WHERE {cond} LIMIT ?"
        );
        let rows = sqlx::query_with(&sql, args).fetch_all(self.pool()).await?;
        // Every earlier candidate is among these, so fewer than the bound here is all of them.
        let complete = rows.len() <= CANDIDATES;
        self.collect(rows, 4, search, &mut found, &mut seen)?;
        Ok(finish(found, complete))
    }

    fn collect(
        &self,
        rows: Vec<sqlx::sqlite::SqliteRow>,
        stage: u8,
        search: &Search,
        found: &mut Vec<Candidate>,
        seen: &mut HashSet<i64>,
    ) -> Result<()> {
        for r in rows {
            let rowid: i64 = r.get("rid");
            if !seen.insert(rowid) {
                continue;
            }
            let name: String = r.get("display_name");
            let tier = if stage == 0 { name_tier(&name, &search.words) } else { stage };
            found.push(Candidate { rowid, tier, last: r.get("last_contacted_at"), name });
        }
        Ok(())
    }

    /// Up to `limit` customers matching `q`, best first, with where each matched (the
    /// CLI's `search`). An empty or unsearchable `q` finds nothing.
    pub async fn search(&self, q: &str, limit: u32) -> Result<(Vec<SearchHit>, u64)> {
        let filter = CustomerQuery { query: Some(q.into()), limit, ..Default::default() };
        let Some(search) = self.prepare_search(Some(q)).await? else {
            return Ok((Vec::new(), 0));
        };
        let (rowids, items, total) = self.search_page(&filter, &search).await?;
        let mut hits = Vec::with_capacity(items.len());
        for (rowid, customer) in rowids.into_iter().zip(items) {
            let mut matched_in = Vec::new();
            for (field, columns) in MatchField::ALL {
                let (lo, hi) = if field == MatchField::Timeline {
                    (rowid * 128 + 1, rowid * 128 + 127)
                } else {
                    (rowid * 128, rowid * 128)
                };
                let hit: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM customer_search
                     WHERE customer_search MATCH ? AND rowid BETWEEN ? AND ?)",
                )
                .bind(query::any_of_in(&search.exprs, columns))
                .bind(lo)
                .bind(hi)
                .fetch_one(self.pool())
                .await?;
                if hit {
                    matched_in.push(field);
                }
            }
            hits.push(SearchHit { customer, matched_in });
        }
        Ok((hits, total))
    }
}

fn finish(mut found: Vec<Candidate>, complete: bool) -> Ranked {
    found.sort_by(|a, b| {
        a.tier
            .cmp(&b.tier)
            // Newest contact first; never contacted last.
            .then_with(|| b.last.cmp(&a.last))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.rowid.cmp(&b.rowid))
    });
    found.truncate(CANDIDATES);
    Ranked { rowids: found.into_iter().map(|c| c.rowid).collect(), complete }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tier(name: &str, q: &str) -> u8 {
        name_tier(name, &query::parse(q))
    }

    #[test]
    fn exact_words_before_prefixes_before_typos() {
        assert_eq!(tier("Anna Müller", "anna"), 0);
        assert_eq!(tier("Anna Müller", "MULLER anna"), 0);
        assert_eq!(tier("Annabelle Roth", "anna"), 1);
        assert_eq!(tier("Anna Müller", "anna mü"), 1, "the worst word decides");
        assert_eq!(tier("Amélie Dubois", "dubios"), 2);
        assert_eq!(tier("Sean O'Brien", "o'bri"), 1);
        assert_eq!(tier("Sean O'Brien", "o'brien"), 0);
    }
}
