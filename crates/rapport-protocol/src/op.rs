//! The op envelope: one change to one record. The local store writes an op for each
//! changed field into its outbox, in the same transaction as the change itself; a new
//! record is one `create` op carrying all its first values.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Hlc;

/// A device's identity (UUIDv7, made once per store).
pub type DeviceId = Uuid;

/// Which kind of record an op targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// A register's new value. `prev` names the writes of it by other devices that the
    /// writer had seen and knowingly overwrites (its own earlier writes always are), so a
    /// write it had not seen, and that loses, is a conflict kept for review
    /// ([`crate::rules::conflicts`]). Without `prev` (written before this was recorded)
    /// it is an ordinary last-writer-wins write that takes part in no conflict.
    Set {
        field: String,
        value: serde_json::Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prev: Option<Vec<OpId>>,
    },
    Add {
        field: String,
        element: serde_json::Value,
    },
    /// Takes an element out of a set: exactly the adds of it the writer had seen
    /// (`observed`), so an add made concurrently elsewhere survives (add-wins). Without
    /// `observed` — ops written before sync existed, when every add was local and seen — it
    /// removes every add of the element with an earlier stamp.
    Remove {
        field: String,
        element: serde_json::Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        observed: Option<Vec<OpId>>,
    },
    /// A new record's first values, all at this op's clock: each scalar field as if `Set`,
    /// each set-valued field (an array of elements, such as `tags`) as if each element were
    /// `Add`ed. One op per new record rather than one per field: importing 100k customers
    /// writes (and later pushes) 100k ops, not a million. Later changes are per field, and
    /// win over the create's value of that field by the usual (clock, device) order.
    Create {
        fields: serde_json::Map<String, serde_json::Value>,
    },
}

/// The `field` a [`OpAction::Create`] is stored and shipped under: it names every field.
pub const ALL_FIELDS: &str = "*";

/// The register an erasure writes (`set erased = true`) on the person and on each of their
/// records: a tombstone with no personal data. The server forgets a record's other ops when
/// one of its ops writes this key, so the key stays readable in the envelope (it is not
/// blinded with end-to-end encryption).
pub const ERASED_FIELD: &str = "erased";

impl OpAction {
    /// The field key of the envelope ([`ALL_FIELDS`] for a create).
    pub fn field(&self) -> &str {
        match self {
            OpAction::Set { field, .. }
            | OpAction::Add { field, .. }
            | OpAction::Remove { field, .. } => field,
            OpAction::Create { .. } => ALL_FIELDS,
        }
    }

    /// The writes a `set` knowingly overwrites (`None` for other actions, and for a set
    /// written before they were recorded).
    pub fn prev(&self) -> Option<&[OpId]> {
        match self {
            OpAction::Set { prev, .. } => prev.as_deref(),
            _ => None,
        }
    }

    /// Every field this op writes. Compaction weighs only registers against later ops (see
    /// [`crate::rules::compact`]): a create's tags are set elements, which only an op naming
    /// the same element can change.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            OpAction::Create { fields } => fields.keys().map(String::as_str).collect(),
            other => vec![other.field()],
        }
    }
}

/// An op's identity: which device wrote it, and its number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OpId {
    pub device: DeviceId,
    pub seq: u64,
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

impl Op {
    pub fn id(&self) -> OpId {
        OpId { device: self.device, seq: self.seq }
    }
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

    #[test]
    fn a_create_carries_its_fields_and_names_them_all() {
        let mut fields = serde_json::Map::new();
        fields.insert("display_name".into(), "Ada".into());
        fields.insert("tags".into(), serde_json::json!(["vip"]));
        let op = Op {
            device: Uuid::nil(),
            seq: 1,
            hlc: Hlc { millis: 5, counter: 0 },
            entity: EntityKind::Customer,
            entity_id: Uuid::nil(),
            action: OpAction::Create { fields },
        };
        let json = serde_json::to_value(&op).unwrap();
        assert_eq!(json["action"], "create");
        assert_eq!(json["fields"]["tags"][0], "vip");
        assert_eq!(op.action.field(), ALL_FIELDS);
        assert_eq!(op.action.fields(), vec!["display_name", "tags"]);
        assert_eq!(serde_json::from_value::<Op>(json).unwrap(), op);
    }
}
