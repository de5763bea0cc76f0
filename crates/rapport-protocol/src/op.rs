//! The op envelope: one field-level change to one record. The local store writes one op
//! per changed field into its outbox, in the same transaction as the change itself.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Hlc;

/// A device's identity (UUIDv7, made once per store).
pub type DeviceId = Uuid;

/// Which kind of record an op targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Customer,
    Interaction,
    Followup,
    Deal,
    PipelineStage,
    ScoringRule,
    FollowupRule,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Customer => "customer",
            EntityKind::Interaction => "interaction",
            EntityKind::Followup => "followup",
            EntityKind::Deal => "deal",
            EntityKind::PipelineStage => "pipeline_stage",
            EntityKind::ScoringRule => "scoring_rule",
            EntityKind::FollowupRule => "followup_rule",
        }
    }
}

/// What the op does to the field. Scalar fields are last-writer-wins registers (`Set`);
/// sets such as tags are add-wins (`Add`/`Remove` of one element).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum OpAction {
    Set { field: String, value: serde_json::Value },
    Add { field: String, element: serde_json::Value },
    Remove { field: String, element: serde_json::Value },
}

impl OpAction {
    pub fn field(&self) -> &str {
        match self {
            OpAction::Set { field, .. }
            | OpAction::Add { field, .. }
            | OpAction::Remove { field, .. } => field,
        }
    }
}

/// One change, identified by `(device, seq)`; ordered against concurrent changes of the
/// same field by `(hlc, device)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub device: DeviceId,
    pub seq: u64,
    pub hlc: Hlc,
    pub entity: EntityKind,
    pub entity_id: Uuid,
    #[serde(flatten)]
    pub action: OpAction,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_serialises_flat_and_round_trips() {
        let op = Op {
            device: Uuid::nil(),
            seq: 3,
            hlc: Hlc { millis: 5, counter: 1 },
            entity: EntityKind::Customer,
            entity_id: Uuid::nil(),
            action: OpAction::Add { field: "tags".into(), element: "vip".into() },
        };
        let json = serde_json::to_value(&op).unwrap();
        assert_eq!(json["action"], "add");
        assert_eq!(json["field"], "tags");
        assert_eq!(json["hlc"], "000000000005-00000001");
        let back: Op = serde_json::from_value(json).unwrap();
        assert_eq!(back, op);
    }
}
