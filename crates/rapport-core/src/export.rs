//! Full JSON export (DESIGN §6): one object with an array per kind of record. With one
//! customer it is their privacy export: everything the store holds about them (record,
//! personal memory, timeline, follow-ups, deals with their stage history, score,
//! notifications shown, and the history of changes still in the outbox).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

use crate::customers::{Customer, CustomerFilter};
use crate::deals::{Deal, PipelineStage};
use crate::error::Result;
use crate::followups::{Followup, FollowupScope};
use crate::migrate::SCHEMA_VERSION;
use crate::scoring::LeadScore;
use crate::store::Store;
use crate::timeline::Interaction;

#[derive(Debug, Serialize)]
pub struct Export {
    pub format: &'static str,
    pub schema_version: i64,
    pub exported_at: DateTime<Utc>,
    pub customers: Vec<Customer>,
    pub interactions: Vec<Interaction>,
    pub followups: Vec<Followup>,
    pub deals: Vec<Deal>,
    /// Every stage a deal went through (stage names), oldest first.
    pub deal_stage_changes: Vec<StageChange>,
    pub pipeline_stages: Vec<PipelineStage>,
    /// Lead scores with their contributors (empty while there are no scoring rules).
    pub scores: Vec<LeadScore>,
    /// OS notifications this device showed (keys name the customer or follow-up).
    pub notifications_shown: Vec<NotificationShown>,
    /// One customer only: every change recorded about them and their records (the op
    /// outbox), oldest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageChange {
    pub deal_id: Uuid,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub changed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationShown {
    pub key: String,
    pub sent_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub entity: String,
    pub entity_id: Uuid,
    /// Hybrid logical clock: when, and in which order.
    pub hlc: String,
    pub action: String,
    pub field: String,
    pub value: serde_json::Value,
}

impl Store {
    /// Everything in the store, or everything about one customer.
    pub async fn export(&self, only: Option<Uuid>) -> Result<Export> {
        let ids: Vec<Uuid> = match only {
            Some(id) => vec![id],
            None => {
                let mut ids = Vec::new();
                let mut offset = 0;
                loop {
                    let page = self
                        .list_customers(&CustomerFilter {
                            limit: 10_000,
                            offset,
                            ..Default::default()
                        })
                        .await?;
                    if page.is_empty() {
                        break;
                    }
                    offset += page.len() as u32;
                    ids.extend(page.into_iter().map(|c| c.id));
                }
                ids
            }
        };
        let mut customers = Vec::with_capacity(ids.len());
        let mut interactions = Vec::new();
        for id in &ids {
            customers.push(self.get_customer(*id).await?);
            interactions.extend(self.timeline(*id, 10_000).await?);
        }
        let followups = self.list_followups(FollowupScope::All, only).await?;
        let deals = self
            .list_deals()
            .await?
            .into_iter()
            .filter(|d| only.is_none_or(|id| d.customer_id == id))
            .collect();
        let deals: Vec<Deal> = deals;
        let deal_ids: Vec<String> = deals.iter().map(|d| d.id.to_string()).collect();
        let scores = match (only, self.scoring_rules().await?.is_empty()) {
            (_, true) => Vec::new(),
            (Some(id), false) => vec![self.lead_score(id).await?],
            (None, false) => self.lead_scores().await?,
        };
        let history = match only {
            Some(_) => {
                let mut ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                ids.extend(interactions.iter().map(|i| i.id.to_string()));
                ids.extend(followups.iter().map(|f| f.id.to_string()));
                ids.extend(deal_ids.iter().cloned());
                Some(self.history(&ids).await?)
            }
            None => None,
        };
        Ok(Export {
            format: "rapport-export",
            schema_version: SCHEMA_VERSION,
            exported_at: self.now(),
            deal_stage_changes: self.stage_changes(only.map(|_| deal_ids.as_slice())).await?,
            notifications_shown: self.notifications_shown(only, &followups).await?,
            customers,
            interactions,
            followups,
            deals,
            pipeline_stages: self.pipeline_stages().await?,
            scores,
            history,
        })
    }

    /// Stage history of the given deals (all deals when `None`).
    async fn stage_changes(&self, deals: Option<&[String]>) -> Result<Vec<StageChange>> {
        let rows = sqlx::query(
            "SELECT h.deal_id, f.name AS from_stage, t.name AS to_stage, h.changed_at
             FROM deal_stage_changes h
             JOIN deals d ON d.id = h.deal_id AND d.deleted_at IS NULL
             LEFT JOIN pipeline_stages f ON f.id = h.from_stage
             LEFT JOIN pipeline_stages t ON t.id = h.to_stage
             ORDER BY h.changed_at, h.rowid",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let deal_id: String = r.get("deal_id");
            if deals.is_some_and(|ds| !ds.contains(&deal_id)) {
                continue;
            }
            out.push(StageChange {
                deal_id: crate::text::parse_id(&deal_id)?,
                from_stage: r.get("from_stage"),
                to_stage: r.get::<Option<String>, _>("to_stage").unwrap_or_default(),
                changed_at: r.get("changed_at"),
            });
        }
        Ok(out)
    }

    async fn notifications_shown(
        &self,
        only: Option<Uuid>,
        followups: &[Followup],
    ) -> Result<Vec<NotificationShown>> {
        let rows = sqlx::query("SELECT key, sent_at FROM notifications_sent ORDER BY sent_at, key")
            .fetch_all(self.pool())
            .await?;
        let about = |key: &str| match only {
            None => true,
            Some(id) => {
                let id = id.to_string();
                key.starts_with(&format!("nudge:{id}:"))
                    || key.starts_with(&format!("date:{id}:"))
                    || followups.iter().any(|f| key.starts_with(&format!("followup:{}:", f.id)))
            }
        };
        Ok(rows
            .iter()
            .map(|r| NotificationShown { key: r.get("key"), sent_at: r.get("sent_at") })
            .filter(|n| about(&n.key))
            .collect())
    }

    async fn history(&self, ids: &[String]) -> Result<Vec<HistoryEntry>> {
        let mut out = Vec::new();
        for id in ids {
            // This device's changes and those received from others, oldest first.
            let rows = sqlx::query(
                "SELECT entity, entity_id, hlc, action, field, value FROM ops WHERE entity_id = ?1
                 UNION ALL
                 SELECT entity, entity_id, hlc, action, field, value FROM remote_ops
                 WHERE entity_id = ?1 ORDER BY hlc",
            )
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            for r in rows {
                let value: serde_json::Value =
                    serde_json::from_str(r.get("value")).unwrap_or(serde_json::Value::Null);
                let entry = HistoryEntry {
                    entity: r.get("entity"),
                    entity_id: crate::text::parse_id(r.get("entity_id"))?,
                    hlc: r.get("hlc"),
                    action: r.get("action"),
                    field: r.get("field"),
                    value: serde_json::Value::Null,
                };
                match value {
                    // A create reads as the fields it set, one entry each, like later edits.
                    serde_json::Value::Object(fields) if entry.action == "create" => {
                        for (field, value) in fields {
                            out.push(HistoryEntry { field, value, ..entry.clone() });
                        }
                    }
                    value => out.push(HistoryEntry { value, ..entry }),
                }
            }
        }
        // HLC text sorts in time order.
        out.sort_by(|a, b| a.hlc.cmp(&b.hlc));
        Ok(out)
    }
}
