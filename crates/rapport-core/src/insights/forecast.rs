//! Pipeline, weighted forecast by expected-close month, win rate and sales cycle.
//!
//! A stage's win probability is the team's own history once at least
//! `MIN_STAGE_HISTORY` closed deals passed through it (won ÷ closed), else the stage's
//! default; each stage says which was used.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use super::{in_period, per_currency, MIN_STAGE_HISTORY};
use crate::error::Result;
use crate::money::Money;
use crate::store::Store;
use crate::text::parse_time;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProbabilitySource {
    History,
    Default,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageProbability {
    pub stage: String,
    /// The probability used, 0–1.
    pub probability: f64,
    pub source: ProbabilitySource,
    pub default_probability: f64,
    /// Closed deals that passed through this stage, and how many of them were won.
    pub closed_deals: u32,
    pub won_deals: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ForecastMonth {
    /// "2026-12", or "unscheduled" for deals without an expected close date.
    pub month: String,
    pub weighted: Money,
    pub deals: u32,
}

pub(super) struct DealFigures {
    pub pipeline: Vec<Money>,
    pub weighted: Vec<Money>,
    pub forecast: Vec<ForecastMonth>,
    pub stages: Vec<StageProbability>,
    pub won: u32,
    pub lost: u32,
    pub cycle_days: Option<f64>,
}

pub(super) async fn deal_figures(
    store: &Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<DealFigures> {
    let history = sqlx::query(
        "SELECT s.id, s.name, s.probability,
                count(DISTINCT d.id) AS closed,
                count(DISTINCT CASE WHEN d.status = 'won' THEN d.id END) AS won
         FROM pipeline_stages s
         LEFT JOIN deal_stage_changes h ON h.to_stage = s.id
         LEFT JOIN deals d ON d.id = h.deal_id AND d.status IN ('won', 'lost') AND d.deleted_at IS NULL
         GROUP BY s.id ORDER BY s.position, s.id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut stages = Vec::new();
    let mut prob_by_stage = BTreeMap::new();
    for r in history {
        let closed = r.get::<i64, _>("closed") as u32;
        let won = r.get::<i64, _>("won") as u32;
        let default_probability = r.get::<i64, _>("probability") as f64 / 100.0;
        let (probability, source) = if closed >= MIN_STAGE_HISTORY {
            (f64::from(won) / f64::from(closed), ProbabilitySource::History)
        } else {
            (default_probability, ProbabilitySource::Default)
        };
        prob_by_stage.insert(r.get::<String, _>("id"), probability);
        stages.push(StageProbability {
            stage: r.get("name"),
            probability,
            source,
            default_probability,
            closed_deals: closed,
            won_deals: won,
        });
    }

    let deals = sqlx::query(
        "SELECT d.stage_id, d.status, d.value_minor, d.currency, d.expected_close, d.created_at, d.closed_at
         FROM deals d JOIN customers c ON c.id = d.customer_id
         WHERE d.deleted_at IS NULL AND c.deleted_at IS NULL",
    )
    .fetch_all(store.pool())
    .await?;
    let mut pipeline: BTreeMap<String, i64> = BTreeMap::new();
    let mut weighted: BTreeMap<String, i64> = BTreeMap::new();
    let mut months: BTreeMap<(String, String), (i64, u32)> = BTreeMap::new();
    let (mut won, mut lost, mut cycles) = (0, 0, Vec::new());
    for d in deals {
        let currency: String = d.get("currency");
        let value: i64 = d.get("value_minor");
        let status: String = d.get("status");
        let closed_at = parse_time(d.get("closed_at"))?;
        match status.as_str() {
            "open" => {
                let p = prob_by_stage.get(&d.get::<String, _>("stage_id")).copied().unwrap_or(0.0);
                let w = (value as f64 * p).round() as i64;
                *pipeline.entry(currency.clone()).or_default() += value;
                *weighted.entry(currency.clone()).or_default() += w;
                let month = d
                    .get::<Option<String>, _>("expected_close")
                    .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
                    .map_or_else(|| "unscheduled".to_string(), |m| m.format("%Y-%m").to_string());
                let slot = months.entry((month, currency)).or_default();
                slot.0 += w;
                slot.1 += 1;
            }
            "won" if in_period(closed_at, from, to) => {
                won += 1;
                if let (Some(c), Some(created)) = (closed_at, parse_time(d.get("created_at"))?) {
                    cycles.push((c - created).num_minutes() as f64 / (60.0 * 24.0));
                }
            }
            "lost" if in_period(closed_at, from, to) => lost += 1,
            _ => {}
        }
    }
    // Dated months in order, "unscheduled" last.
    let mut forecast: Vec<ForecastMonth> = months
        .into_iter()
        .map(|((month, currency), (minor, deals))| ForecastMonth {
            month,
            weighted: Money { minor, currency },
            deals,
        })
        .collect();
    forecast
        .sort_by_key(|f| (f.month == "unscheduled", f.month.clone(), f.weighted.currency.clone()));
    Ok(DealFigures {
        pipeline: per_currency(pipeline),
        weighted: per_currency(weighted),
        forecast,
        stages,
        won,
        lost,
        cycle_days: (!cycles.is_empty()).then(|| cycles.iter().sum::<f64>() / cycles.len() as f64),
    })
}
