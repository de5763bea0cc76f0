//! Insights: the numbers that show relationship health, computed locally over a period.
//!
//! Definitions (each metric's doc says exactly what it counts), so fixtures can be written
//! from the definition rather than from the code:
//! - amounts are never added across currencies: totals are per currency;
//! - "in the period" means `from <= t < to`.

mod charts;
mod forecast;
mod health;

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::error::Result;
use crate::money::Money;
use crate::store::Store;
use crate::text::parse_time;

pub use crate::pipeline::StageTotal;
pub use charts::{Cohort, InsightCharts, NpsMonth, CHART_MONTHS, COHORT_MONTHS};
pub use forecast::{ForecastMonth, ProbabilitySource, StageProbability};
pub use health::Slipping;

/// Deals that moved through a stage needed before its own win rate replaces the default.
pub const MIN_STAGE_HISTORY: u32 = 10;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Insights {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Open deals' value, per currency.
    pub pipeline: Vec<Money>,
    /// Open deals' value × win probability (see `stage_probabilities`), per currency.
    pub weighted_pipeline: Vec<Money>,
    /// The weighted pipeline by expected-close month ("2026-12"; "unscheduled" without a date).
    pub forecast: Vec<ForecastMonth>,
    pub stage_probabilities: Vec<StageProbability>,
    /// Won / (won + lost), for deals closed in the period.
    pub win_rate: Option<f64>,
    pub deals_won: u32,
    pub deals_lost: u32,
    /// Mean days from creation to close, for deals won in the period.
    pub average_sales_cycle_days: Option<f64>,
    /// Customer lifetime value: all-time purchase total ÷ customers with a purchase, per currency.
    pub customer_lifetime_value: Vec<Money>,
    /// Of the customers who bought in the previous period of the same length, the share who
    /// bought again in this one.
    pub retention_rate: Option<f64>,
    /// Of the customers who bought in the period, the share who bought at least twice.
    pub repeat_purchase_rate: Option<f64>,
    /// Net Promoter Score of feedback in the period: % scoring 9–10 minus % scoring 0–6,
    /// rounded to the nearest whole number (halves away from zero).
    pub nps: Option<i32>,
    pub nps_responses: u32,
    /// Mean hours from a complaint to its resolution, for complaints resolved in the period.
    pub complaint_resolution_hours: Option<f64>,
    pub open_complaints: u32,
    /// Who is slipping away, and why.
    pub slipping: Vec<Slipping>,
}

fn ratio(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// Net Promoter Score: round((promoters − detractors) ÷ responses × 100), half away from
/// zero; `None` without responses. (Exact: a half is representable, so the float
/// division lands on it.)
pub(crate) fn nps(promoters: u32, detractors: u32, responses: u32) -> Option<i32> {
    (responses > 0).then(|| {
        let diff = f64::from(promoters) - f64::from(detractors);
        (diff * 100.0 / f64::from(responses)).round() as i32
    })
}

/// Ids of deleted customers: their history doesn't count. There are few, so callers filter
/// in memory rather than joining a million rows.
async fn deleted_customers(store: &Store) -> Result<HashSet<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM customers WHERE deleted_at IS NOT NULL")
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .collect())
}

fn in_period(t: Option<DateTime<Utc>>, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    t.is_some_and(|t| from <= t && t < to)
}

pub(crate) fn per_currency(totals: BTreeMap<String, i64>) -> Vec<Money> {
    totals.into_iter().map(|(currency, minor)| Money { minor, currency }).collect()
}

struct Entry {
    customer: Uuid,
    kind: String,
    at: DateTime<Utc>,
    amount: Option<Money>,
    score: Option<i64>,
    resolved: Option<DateTime<Utc>>,
}

impl Store {
    /// Insights over `[from, to)`.
    pub async fn insights(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Insights> {
        if to <= from {
            return Err(crate::Error::invalid("period", "must end after it starts"));
        }
        let rows = sqlx::query(
            "SELECT i.customer_id, i.kind, i.occurred_at, i.amount_minor, i.currency, i.score, i.resolved_at
             FROM interactions i INDEXED BY interactions_kind_cover
             WHERE i.kind IN ('purchase', 'feedback', 'complaint') AND i.deleted_at IS NULL",
        )
        .fetch_all(self.pool())
        .await?;
        let deleted = deleted_customers(self).await?;
        let mut entries = Vec::with_capacity(rows.len());
        for r in rows {
            if deleted.contains(r.get::<&str, _>("customer_id")) {
                continue;
            }
            let amount = match (
                r.get::<Option<i64>, _>("amount_minor"),
                r.get::<Option<String>, _>("currency"),
            ) {
                (Some(minor), Some(currency)) => Some(Money { minor, currency }),
                _ => None,
            };
            entries.push(Entry {
                customer: crate::text::parse_id(r.get("customer_id"))?,
                kind: r.get("kind"),
                at: parse_time(r.get("occurred_at"))?.unwrap_or_default(),
                amount,
                score: r.get("score"),
                resolved: parse_time(r.get("resolved_at"))?,
            });
        }
        let prev_from = from - (to - from);

        // Purchases: lifetime value, retention, repeat rate.
        let purchases: Vec<&Entry> = entries.iter().filter(|e| e.kind == "purchase").collect();
        let mut lifetime: BTreeMap<String, (i64, std::collections::BTreeSet<Uuid>)> =
            BTreeMap::new();
        let mut in_now: BTreeMap<Uuid, u32> = BTreeMap::new();
        let mut in_prev = std::collections::BTreeSet::new();
        for p in &purchases {
            if let Some(m) = &p.amount {
                let e = lifetime.entry(m.currency.clone()).or_default();
                e.0 += m.minor;
                e.1.insert(p.customer);
            }
            if in_period(Some(p.at), from, to) {
                *in_now.entry(p.customer).or_default() += 1;
            }
            if in_period(Some(p.at), prev_from, from) {
                in_prev.insert(p.customer);
            }
        }
        let customer_lifetime_value = lifetime
            .into_iter()
            .map(|(currency, (total, buyers))| Money {
                minor: total / buyers.len().max(1) as i64,
                currency,
            })
            .collect();
        let retained = in_prev.iter().filter(|c| in_now.contains_key(c)).count() as u32;
        let repeaters = in_now.values().filter(|n| **n >= 2).count() as u32;

        // Feedback: NPS.
        let scores: Vec<i64> = entries
            .iter()
            .filter(|e| e.kind == "feedback" && in_period(Some(e.at), from, to))
            .filter_map(|e| e.score)
            .collect();
        let n = scores.len() as u32;
        let promoters = scores.iter().filter(|s| **s >= 9).count() as u32;
        let detractors = scores.iter().filter(|s| **s <= 6).count() as u32;

        // Complaints: resolution time.
        let complaints: Vec<&Entry> = entries.iter().filter(|e| e.kind == "complaint").collect();
        let resolved: Vec<f64> = complaints
            .iter()
            .filter(|c| in_period(c.resolved, from, to))
            .filter_map(|c| c.resolved.map(|r| (r - c.at).num_minutes() as f64 / 60.0))
            .collect();
        let open_complaints = complaints.iter().filter(|c| c.resolved.is_none()).count() as u32;

        let deals = forecast::deal_figures(self, from, to).await?;
        Ok(Insights {
            from,
            to,
            pipeline: deals.pipeline,
            weighted_pipeline: deals.weighted,
            forecast: deals.forecast,
            stage_probabilities: deals.stages,
            win_rate: ratio(deals.won, deals.won + deals.lost),
            deals_won: deals.won,
            deals_lost: deals.lost,
            average_sales_cycle_days: deals.cycle_days,
            customer_lifetime_value,
            retention_rate: ratio(retained, in_prev.len() as u32),
            repeat_purchase_rate: ratio(repeaters, in_now.len() as u32),
            nps: nps(promoters, detractors, n),
            nps_responses: n,
            complaint_resolution_hours: (!resolved.is_empty())
                .then(|| resolved.iter().sum::<f64>() / resolved.len() as f64),
            open_complaints,
            slipping: health::slipping(self, &purchases_by_customer(&purchases), to).await?,
        })
    }

    /// Insights over the `days` days up to now.
    pub async fn insights_last(&self, days: u32) -> Result<Insights> {
        let to = self.now();
        self.insights(to - Duration::days(i64::from(days)), to).await
    }
}

fn purchases_by_customer(purchases: &[&Entry]) -> BTreeMap<Uuid, Vec<DateTime<Utc>>> {
    let mut by: BTreeMap<Uuid, Vec<DateTime<Utc>>> = BTreeMap::new();
    for p in purchases {
        by.entry(p.customer).or_default().push(p.at);
    }
    for v in by.values_mut() {
        v.sort();
    }
    by
}
