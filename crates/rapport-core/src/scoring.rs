//! Lead scoring: explainable rules as data. Each rule is a condition and the points a
//! customer gets when it holds; a score is the sum, shown with its top contributors.
//! Scores are computed on demand, so changing a rule rescores everyone at once.

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;
use uuid::Uuid;

use crate::customers::LifecycleStage;
use crate::error::{Error, Result};
use crate::money::Money;
use crate::store::{Deletable, Store};
use crate::text::{self, enum_str, json, parse_id, parse_time, to_json};
use crate::timeline::InteractionKind;

const E: EntityKind = EntityKind::ScoringRule;
/// How many contributors a score shows.
pub const TOP_CONTRIBUTORS: usize = 3;

/// When a rule applies. Written as JSON, e.g. `{"if": "tag", "tag": "vip"}` or
/// `{"if": "interactions", "kind": "visit", "at_least": 2, "within_days": 90}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "if", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Carries this tag (case-insensitive).
    Tag {
        tag: String,
    },
    Stage {
        stage: LifecycleStage,
    },
    LeadSource {
        source: String,
    },
    HasEmail,
    HasPhone,
    /// At least this many timeline entries (of a kind, if given), in the last N days if given.
    Interactions {
        kind: Option<InteractionKind>,
        at_least: u32,
        within_days: Option<u32>,
    },
    /// Purchases adding up to at least this amount, in its currency.
    Spent {
        at_least: Money,
    },
    ContactedWithinDays {
        days: u32,
    },
    NotContactedForDays {
        days: u32,
    },
    OpenDeal,
}

impl Condition {
    /// In words, for explanations ("tagged vip", "2+ visits in 90 days").
    pub fn describe(&self) -> String {
        match self {
            Condition::Tag { tag } => format!("tagged {tag}"),
            Condition::Stage { stage } => format!("stage is {}", enum_str(stage)),
            Condition::LeadSource { source } => format!("came from {source}"),
            Condition::HasEmail => "has an email address".into(),
            Condition::HasPhone => "has a phone number".into(),
            Condition::Interactions { kind, at_least, within_days } => {
                let what = kind.map_or("interactions".into(), |k| format!("{}s", enum_str(&k)));
                let when = within_days.map(|d| format!(" in {d} days")).unwrap_or_default();
                format!("{at_least}+ {what}{when}")
            }
            Condition::Spent { at_least } => format!("spent {at_least} or more"),
            Condition::ContactedWithinDays { days } => format!("contacted in the last {days} days"),
            Condition::NotContactedForDays { days } => format!("no contact for {days}+ days"),
            Condition::OpenDeal => "has an open deal".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ScoringRule {
    pub id: Uuid,
    pub name: String,
    pub condition: Condition,
    pub points: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Contribution {
    pub rule: String,
    pub points: i32,
    pub because: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LeadScore {
    pub customer_id: Uuid,
    pub customer_name: String,
    pub score: i32,
    /// The rules that count most (by absolute points), at most `TOP_CONTRIBUTORS`.
    pub top_contributors: Vec<Contribution>,
}

impl Store {
    pub async fn add_scoring_rule(
        &self,
        name: &str,
        condition: Condition,
        points: i32,
    ) -> Result<ScoringRule> {
        let name = text::required("name", name, 200)?;
        if !(-1000..=1000).contains(&points) {
            return Err(Error::invalid("points", "must be from -1000 to 1000"));
        }
        validate(&condition)?;
        let mut ch = self.change().await?;
        let id = Uuid::now_v7();
        sqlx::query("INSERT INTO scoring_rules (id, name, condition, points, created_at) VALUES (?, ?, ?, ?, ?)")
            .bind(id.to_string())
            .bind(&name)
            .bind(to_json(&condition))
            .bind(points)
            .bind(ch.now().to_rfc3339())
            .execute(ch.conn())
            .await?;
        ch.set(E, id, "name", &name).await?;
        ch.set(E, id, "condition", &condition).await?;
        ch.set(E, id, "points", points).await?;
        ch.commit().await?;
        Ok(ScoringRule { id, name, condition, points })
    }

    pub async fn scoring_rules(&self) -> Result<Vec<ScoringRule>> {
        let rows = sqlx::query("SELECT id, name, condition, points FROM scoring_rules WHERE deleted_at IS NULL ORDER BY created_at, id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(ScoringRule {
                    id: parse_id(r.get("id"))?,
                    name: r.get("name"),
                    condition: json("condition", r.get("condition"))?,
                    points: r.get::<i64, _>("points") as i32,
                })
            })
            .collect()
    }

    pub async fn delete_scoring_rule(&self, id: Uuid) -> Result<()> {
        self.soft_delete(Deletable::ScoringRule, id).await
    }

    /// Every customer's score, highest first (ties by name).
    pub async fn lead_scores(&self) -> Result<Vec<LeadScore>> {
        self.scores_for(None).await
    }

    /// One customer's score, with its top contributors.
    pub async fn lead_score(&self, customer: Uuid) -> Result<LeadScore> {
        self.scores_for(Some(customer))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound(format!("customer {customer}")))
    }

    async fn scores_for(&self, only: Option<Uuid>) -> Result<Vec<LeadScore>> {
        let rules = self.scoring_rules().await?;
        let facts = Facts::load(self, &rules, only).await?;
        let mut scores: Vec<LeadScore> = facts
            .customers
            .iter()
            .map(|c| {
                let mut hits: Vec<Contribution> = rules
                    .iter()
                    .enumerate()
                    .filter(|(n, r)| facts.holds(c, *n, &r.condition))
                    .map(|(_, r)| Contribution {
                        rule: r.name.clone(),
                        points: r.points,
                        because: r.condition.describe(),
                    })
                    .collect();
                let score = hits.iter().map(|h| h.points).sum();
                hits.sort_by_key(|h| std::cmp::Reverse(h.points.abs()));
                hits.truncate(TOP_CONTRIBUTORS);
                LeadScore {
                    customer_id: c.id,
                    customer_name: c.name.clone(),
                    score,
                    top_contributors: hits,
                }
            })
            .collect();
        scores.sort_by(|a, b| {
            b.score.cmp(&a.score).then_with(|| a.customer_name.cmp(&b.customer_name))
        });
        Ok(scores)
    }
}

fn validate(c: &Condition) -> Result<()> {
    match c {
        Condition::Tag { tag } if tag.trim().is_empty() => {
            Err(Error::invalid("condition", "tag is empty"))
        }
        Condition::Spent { at_least } => Money::new(at_least.minor, &at_least.currency).map(|_| ()),
        Condition::Interactions { at_least: 0, .. } => {
            Err(Error::invalid("condition", "at_least must be 1 or more"))
        }
        _ => Ok(()),
    }
}

struct CustomerFacts {
    id: Uuid,
    name: String,
    stage: String,
    lead_source: Option<String>,
    has_email: bool,
    has_phone: bool,
    open_deal: bool,
    days_since_contact: Option<i64>,
}

/// What the rules look at, loaded in a few set-based queries (not one query per customer).
struct Facts {
    customers: Vec<CustomerFacts>,
    tags: HashSet<(Uuid, String)>,
    /// Per rule index (aggregate rules only): the customers for whom it holds.
    aggregate: HashMap<usize, HashSet<Uuid>>,
}

impl Facts {
    /// Facts for every customer, or only for `only`.
    async fn load(store: &Store, rules: &[ScoringRule], only: Option<Uuid>) -> Result<Facts> {
        let only = only.map(|id| id.to_string());
        let now = store.now();
        let rows = sqlx::query(
            "SELECT c.id, c.display_name, c.lifecycle_stage, c.lead_source, c.last_contacted_at,
                    EXISTS (SELECT 1 FROM contact_points p WHERE p.customer_id = c.id AND p.kind = 'email') AS has_email,
                    EXISTS (SELECT 1 FROM contact_points p WHERE p.customer_id = c.id AND p.kind = 'phone') AS has_phone,
                    EXISTS (SELECT 1 FROM deals d WHERE d.customer_id = c.id AND d.status = 'open' AND d.deleted_at IS NULL) AS open_deal
             FROM customers c WHERE c.deleted_at IS NULL AND (?1 IS NULL OR c.id = ?1)",
        )
        .bind(&only)
        .fetch_all(store.pool())
        .await?;
        let mut customers = Vec::with_capacity(rows.len());
        for r in rows {
            let last = parse_time(r.get("last_contacted_at"))?;
            customers.push(CustomerFacts {
                id: parse_id(r.get("id"))?,
                name: r.get("display_name"),
                stage: r.get("lifecycle_stage"),
                lead_source: r.get("lead_source"),
                has_email: r.get("has_email"),
                has_phone: r.get("has_phone"),
                open_deal: r.get("open_deal"),
                days_since_contact: last.map(|t| (now - t).num_days()),
            });
        }
        // Two statements: `?1 IS NULL OR customer_id = ?1` would scan every tag.
        let tags = match &only {
            Some(id) => sqlx::query_as::<_, (String, String)>(
                "SELECT customer_id, lower(tag) FROM customer_tags WHERE customer_id = ?",
            )
            .bind(id),
            None => sqlx::query_as("SELECT customer_id, lower(tag) FROM customer_tags"),
        }
        .fetch_all(store.pool())
        .await?
        .into_iter()
        .filter_map(|(id, t)| Uuid::parse_str(&id).ok().map(|id| (id, t)))
        .collect();
        let mut aggregate = HashMap::new();
        for (n, rule) in rules.iter().enumerate() {
            let ids: Vec<String> = match &rule.condition {
                Condition::Interactions { kind, at_least, within_days } => {
                    let since =
                        within_days.map(|d| (now - Duration::days(i64::from(d))).to_rfc3339());
                    sqlx::query_scalar(
                        "SELECT customer_id FROM interactions
                         WHERE deleted_at IS NULL AND (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR occurred_at >= ?2)
                           AND (?4 IS NULL OR customer_id = ?4)
                         GROUP BY customer_id HAVING count(*) >= ?3",
                    )
                    .bind(kind.map(|k| enum_str(&k)))
                    .bind(since)
                    .bind(at_least)
                    .bind(&only)
                    .fetch_all(store.pool())
                    .await?
                }
                Condition::Spent { at_least } => {
                    sqlx::query_scalar(
                        "SELECT customer_id FROM interactions
                         WHERE deleted_at IS NULL AND kind = 'purchase' AND currency = ?1
                           AND (?3 IS NULL OR customer_id = ?3)
                         GROUP BY customer_id HAVING sum(amount_minor) >= ?2",
                    )
                    .bind(&at_least.currency)
                    .bind(at_least.minor)
                    .bind(&only)
                    .fetch_all(store.pool())
                    .await?
                }
                _ => continue,
            };
            aggregate.insert(n, ids.iter().filter_map(|i| Uuid::parse_str(i).ok()).collect());
        }
        Ok(Facts { customers, tags, aggregate })
    }

    fn holds(&self, c: &CustomerFacts, rule: usize, cond: &Condition) -> bool {
        match cond {
            Condition::Tag { tag } => self.tags.contains(&(c.id, tag.to_lowercase())),
            Condition::Stage { stage } => c.stage == enum_str(stage),
            Condition::LeadSource { source } => {
                c.lead_source.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(source))
            }
            Condition::HasEmail => c.has_email,
            Condition::HasPhone => c.has_phone,
            Condition::ContactedWithinDays { days } => {
                c.days_since_contact.is_some_and(|d| d <= i64::from(*days))
            }
            Condition::NotContactedForDays { days } => {
                c.days_since_contact.is_none_or(|d| d >= i64::from(*days))
            }
            Condition::OpenDeal => c.open_deal,
            Condition::Interactions { .. } | Condition::Spent { .. } => {
                self.aggregate.get(&rule).is_some_and(|ids| ids.contains(&c.id))
            }
        }
    }
}
