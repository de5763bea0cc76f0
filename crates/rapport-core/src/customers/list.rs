//! The customer list: filters, full-text search, name order, offset pages with a total.
//!
//! A page is found in two steps: the ids of the page through the `customers_list`
//! covering index (so skipping the rows before `offset` reads no table rows), then the
//! summaries of just those rows.

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Row};
use ts_rs::TS;

use super::read::{summary, SUMMARY_COLUMNS};
use super::{search, CustomerKind, CustomerSummary, LifecycleStage};
use crate::error::Result;
use crate::store::Store;
use crate::text::enum_str;

/// Which customers to list, and which page of them (in name order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct CustomerQuery {
    /// Words, each matching the start of a word in the name, company, emails, phones,
    /// notes, tags or a timeline entry; accents and case are ignored. Never a syntax.
    pub query: Option<String>,
    /// Carries this tag (case-insensitive).
    pub tag: Option<String>,
    pub stage: Option<LifecycleStage>,
    /// Owned by this user (case-insensitive).
    pub owner: Option<String>,
    pub kind: Option<CustomerKind>,
    pub offset: u32,
    /// 0 means the default (100); at most 10,000.
    pub limit: u32,
}

/// The name the CLI and older code use for the same thing.
pub type CustomerFilter = CustomerQuery;

/// One page of the customer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerPage {
    pub items: Vec<CustomerSummary>,
    /// How many customers match the filter (on every page, not just this one).
    #[ts(type = "number")]
    pub total: u64,
    pub offset: u32,
}

/// What the list's filters can choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CustomerFacets {
    /// Every tag in use, once regardless of case, sorted case-insensitively.
    pub tags: Vec<String>,
    /// Every owner, the same way.
    pub owners: Vec<String>,
}

fn bind<T>(args: &mut SqliteArguments<'static>, v: T) -> Result<()>
where
    T: 'static + Send + sqlx::Encode<'static, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    args.add(v).map_err(|e| crate::Error::Internal(format!("binding a filter: {e}")))
}

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 10_000;

/// The WHERE clause for a filter over `customers c`, with its arguments in order.
fn conditions(f: &CustomerQuery) -> Result<(String, SqliteArguments<'static>)> {
    let mut sql = String::from("c.deleted_at IS NULL");
    let mut args = SqliteArguments::default();
    if let Some(stage) = &f.stage {
        sql.push_str(" AND c.lifecycle_stage = ?");
        bind(&mut args, enum_str(stage))?;
    }
    if let Some(kind) = &f.kind {
        sql.push_str(" AND c.kind = ?");
        bind(&mut args, enum_str(kind))?;
    }
    if let Some(owner) = f.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        sql.push_str(" AND c.owner = ? COLLATE NOCASE");
        bind(&mut args, owner.to_string())?;
    }
    if let Some(tag) = f.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag = ? COLLATE NOCASE)",
        );
        bind(&mut args, tag.to_string())?;
    }
    // One set per word, so the words may match in different fields or entries.
    for term in search::terms(f.query.as_deref().unwrap_or("")) {
        sql.push_str(
            " AND c.rowid IN (SELECT rowid / 128 FROM customer_search WHERE customer_search MATCH ?)",
        );
        bind(&mut args, term)?;
    }
    Ok((sql, args))
}

impl Store {
    /// One page of customers matching `filter`, in name order.
    pub async fn list_customers(&self, filter: &CustomerFilter) -> Result<Vec<CustomerSummary>> {
        let limit = if filter.limit == 0 { DEFAULT_LIMIT } else { filter.limit.min(MAX_LIMIT) };
        let (cond, mut args) = conditions(filter)?;
        bind(&mut args, i64::from(limit))?;
        bind(&mut args, i64::from(filter.offset))?;
        let sql = format!(
            "WITH page AS (
                SELECT c.id FROM customers c WHERE {cond}
                ORDER BY c.display_name COLLATE NOCASE, c.id LIMIT ? OFFSET ?)
             SELECT {SUMMARY_COLUMNS}
             FROM page CROSS JOIN customers c ON c.id = page.id LEFT JOIN customers co ON co.id = c.company_id
             ORDER BY c.display_name COLLATE NOCASE, c.id"
        );
        let rows = sqlx::query_with(&sql, args).fetch_all(self.pool()).await?;
        rows.iter().map(summary).collect()
    }

    /// How many customers match `filter` (its offset and limit are ignored).
    pub async fn count_customers(&self, filter: &CustomerFilter) -> Result<u64> {
        let (cond, args) = conditions(filter)?;
        let sql = format!("SELECT count(*) FROM customers c WHERE {cond}");
        let n: i64 = sqlx::query_scalar_with(&sql, args).fetch_one(self.pool()).await?;
        Ok(n as u64)
    }

    /// A page of the list and the number of customers matching in all.
    pub async fn customer_page(&self, filter: &CustomerFilter) -> Result<CustomerPage> {
        let items = self.list_customers(filter).await?;
        let total = self.count_customers(filter).await?;
        Ok(CustomerPage { items, total, offset: filter.offset })
    }

    pub async fn customer_facets(&self) -> Result<CustomerFacets> {
        // Distinct tags first (few), then one live customer for each, rather than a
        // customer lookup for every tag row.
        let tags: Vec<String> = sqlx::query_scalar(
            "SELECT min(d.tag) FROM (SELECT DISTINCT tag FROM customer_tags) d
             WHERE EXISTS (SELECT 1 FROM customer_tags t JOIN customers c ON c.id = t.customer_id
                           WHERE t.tag = d.tag AND c.deleted_at IS NULL)
             GROUP BY d.tag COLLATE NOCASE ORDER BY 1 COLLATE NOCASE",
        )
        .fetch_all(self.pool())
        .await?;
        let owners = sqlx::query(
            "SELECT min(c.owner) AS owner FROM customers c
             WHERE c.deleted_at IS NULL AND c.owner IS NOT NULL
             GROUP BY c.owner COLLATE NOCASE ORDER BY 1 COLLATE NOCASE",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.get("owner"))
        .collect();
        Ok(CustomerFacets { tags, owners })
    }
}
