//! What travels between a device and the sync server (DESIGN §5).
//!
//! The server stores and ships [`Envelope`]s: an op's identity, clock, record and the field
//! keys it writes, around an opaque payload (the op's action). It never needs the payload:
//! ordering, idempotent push, paging and compaction ([`crate::rules::compact`]) all work on
//! the envelope, so sealing the payload with a team key (end-to-end encryption) changes what
//! the payload bytes are, not what the server does.
//!
//! What an envelope shows the server: the device, its per-device sequence number, the clock
//! (wall time to the millisecond, so *when* someone worked), the record's kind and id (random
//! UUIDs, but they link edits of one record), and the register field keys an op writes
//! (`display_name`, `stage`, …) — those are to be blinded (a keyed hash per team) with
//! end-to-end encryption.

pub mod accounts;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::rules::{is_set_field, Stamped};
use crate::{DeviceId, EntityKind, Hlc, Op, OpAction, OpId};

/// The wire format's version. Sent by clients in the [`VERSION_HEADER`]; a server that no
/// longer speaks a client's version answers 426 with the code [`codes::CLIENT_OUTDATED`].
pub const PROTOCOL_VERSION: u32 = 1;

/// The request header carrying the client's [`PROTOCOL_VERSION`].
pub const VERSION_HEADER: &str = "rapport-protocol";

/// One op as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    pub device: DeviceId,
    /// The device's own numbering of its ops, from 1, without gaps.
    pub seq: u64,
    pub hlc: Hlc,
    pub entity: EntityKind,
    pub entity_id: Uuid,
    /// The register fields the op writes (a `set`: its field; a `create`: every field that
    /// is not a set). Compaction weighs an op against later writers of these.
    pub registers: Vec<String>,
    /// Whether the op adds or removes set elements (tags); compaction keeps such ops, as it
    /// can't see which element they name.
    pub touches_set: bool,
    /// A `set`'s `prev` ([`OpAction::Set`]): the ops it knowingly overwrites. Op ids only (no
    /// values), so the server can keep every write nothing supersedes in a snapshot: those
    /// are the values a conflict may need ([`crate::rules::conflicts`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Vec<OpId>>,
    /// The op's [`OpAction`] as JSON bytes; base64 on the wire. Opaque to the server.
    #[serde(with = "base64_bytes")]
    pub payload: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("op {device}/{seq}: its payload is not an op action ({source})")]
    Payload { device: DeviceId, seq: u64, source: serde_json::Error },
}

impl Envelope {
    /// Wraps an op for the server.
    pub fn seal(op: &Op) -> Self {
        let (registers, touches_set) = writes(&op.action);
        Envelope {
            device: op.device,
            seq: op.seq,
            hlc: op.hlc,
            entity: op.entity,
            entity_id: op.entity_id,
            registers: registers.into_iter().map(str::to_string).collect(),
            touches_set,
            prev: op.action.prev().map(<[OpId]>::to_vec),
            // An OpAction always serializes (string keys, JSON values).
            payload: serde_json::to_vec(&op.action).unwrap_or_default(),
        }
    }

    /// The op inside, as the device that wrote it sent it.
    pub fn open(&self) -> Result<Op, EnvelopeError> {
        let action = serde_json::from_slice(&self.payload).map_err(|source| {
            EnvelopeError::Payload { device: self.device, seq: self.seq, source }
        })?;
        Ok(Op {
            device: self.device,
            seq: self.seq,
            hlc: self.hlc,
            entity: self.entity,
            entity_id: self.entity_id,
            action,
        })
    }
}

/// The registers an op writes (field keys only: what the envelope shows), and whether it
/// touches a set.
pub(crate) fn writes(action: &OpAction) -> (Vec<&str>, bool) {
    match action {
        OpAction::Set { field, .. } => (vec![field.as_str()], false),
        OpAction::Add { .. } | OpAction::Remove { .. } => (Vec::new(), true),
        OpAction::Create { fields } => {
            let registers: Vec<&str> =
                fields.keys().map(String::as_str).filter(|f| !is_set_field(f)).collect();
            let touches_set = registers.len() < fields.len();
            (registers, touches_set)
        }
    }
}

impl Stamped for Envelope {
    fn record(&self) -> (EntityKind, Uuid) {
        (self.entity, self.entity_id)
    }
    fn stamp(&self) -> (Hlc, DeviceId) {
        (self.hlc, self.device)
    }
    fn id(&self) -> OpId {
        OpId { device: self.device, seq: self.seq }
    }
    fn registers(&self) -> Vec<&str> {
        self.registers.iter().map(String::as_str).collect()
    }
    fn touches_set(&self) -> bool {
        self.touches_set
    }
    fn prev(&self) -> Option<&[OpId]> {
        self.prev.as_deref()
    }
}

/// `POST /v1/push`: a device's ops, in its own sequence order. Every envelope's `device`
/// must be the device the token belongs to. Idempotent: ops the server already holds (by
/// device and seq) are acknowledged again, not stored twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    pub ops: Vec<Envelope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// The highest seq of this device the server now holds, without gaps: the device may
    /// drop its outbox up to here.
    pub acked_seq: u64,
    /// How many of the pushed ops were new.
    pub stored: u64,
}

/// An envelope with the server's per-team sequence number, the pull cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pulled {
    pub server_seq: u64,
    #[serde(flatten)]
    pub envelope: Envelope,
}

/// `GET /v1/pull?after=N&limit=M`: the team's ops with `server_seq > after`, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub ops: Vec<Pulled>,
    /// The cursor to ask from next (the last op's `server_seq`, or `after` when empty).
    pub cursor: u64,
    /// Whether more ops follow the cursor now.
    pub more: bool,
}

/// `GET /v1/snapshot`: a compacted page of the team's ops up to `upto` for a new device,
/// which then pulls from `upto`. Paged by `after` like a pull; `upto` is fixed by the first
/// page and passed back (`?after=N&upto=U`) so pages agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotResponse {
    pub ops: Vec<Pulled>,
    pub cursor: u64,
    pub upto: u64,
    pub more: bool,
}

/// An error body, for every 4xx and 5xx: a stable code and words for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// The error codes clients act on.
pub mod codes {
    /// The client speaks an older wire format (426): it keeps working offline.
    pub const CLIENT_OUTDATED: &str = "client_outdated";
    /// An op's clock is too far ahead of the server's (see [`crate::MAX_DRIFT_MS`]).
    pub const CLOCK_AHEAD: &str = "clock_ahead";
    /// The token is unknown, or its device was revoked (401).
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const TOO_LARGE: &str = "too_large";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const NOT_FOUND: &str = "not_found";
    pub const INVALID: &str = "invalid";
    /// The thing already exists (an account's email; a device id of another account) (409).
    pub const CONFLICT: &str = "conflict";
    /// A push skips seqs the server doesn't hold; the message names the one expected (409).
    pub const SEQ_GAP: &str = "seq_gap";
    /// Signed in, but the role (or a revoked device) doesn't allow it (403).
    pub const FORBIDDEN: &str = "forbidden";
    pub const INTERNAL: &str = "internal";
}

/// Bytes as standard base64 text.
mod base64_bytes {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        STANDARD.decode(text.as_bytes()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_envelope_shows_keys_not_values_and_opens_to_the_same_op() {
        let Some(fields) = json!({"display_name": "Ada", "tags": ["vip"]}).as_object().cloned()
        else {
            unreachable!()
        };
        let op = Op {
            device: Uuid::from_u128(1),
            seq: 4,
            hlc: Hlc { millis: 9, counter: 0 },
            entity: EntityKind::Customer,
            entity_id: Uuid::from_u128(2),
            action: OpAction::Create { fields },
        };
        let envelope = Envelope::seal(&op);
        assert_eq!(envelope.registers, ["display_name"]);
        assert!(envelope.touches_set);
        let wire = serde_json::to_string(&envelope).unwrap();
        assert!(!wire.contains("Ada") && !wire.contains("vip"), "{wire}");
        let back: Envelope = serde_json::from_str(&wire).unwrap();
        assert_eq!(back.open().unwrap(), op);
    }

    #[test]
    fn an_envelope_shows_what_a_set_overwrote_and_an_old_set_shows_nothing() {
        let seen = OpId { device: Uuid::from_u128(3), seq: 8 };
        let mut op = Op {
            device: Uuid::from_u128(1),
            seq: 5,
            hlc: Hlc { millis: 9, counter: 0 },
            entity: EntityKind::Customer,
            entity_id: Uuid::from_u128(2),
            action: OpAction::Set {
                field: "display_name".into(),
                value: "Ada".into(),
                prev: Some(vec![seen]),
            },
        };
        let envelope = Envelope::seal(&op);
        assert_eq!(envelope.prev, Some(vec![seen]));
        let wire = serde_json::to_value(&envelope).unwrap();
        assert_eq!(wire["prev"][0]["seq"], 8);
        assert_eq!(serde_json::from_value::<Envelope>(wire).unwrap().open().unwrap(), op);
        op.action = OpAction::Set { field: "display_name".into(), value: "Ada".into(), prev: None };
        let wire = serde_json::to_value(Envelope::seal(&op)).unwrap();
        assert!(wire.get("prev").is_none(), "{wire}");
        assert!(!String::from_utf8(Envelope::seal(&op).payload).unwrap().contains("prev"));
    }

    #[test]
    fn a_payload_that_is_not_an_action_names_the_op() {
        let mut envelope = Envelope::seal(&Op {
            device: Uuid::nil(),
            seq: 7,
            hlc: Hlc::default(),
            entity: EntityKind::Deal,
            entity_id: Uuid::nil(),
            action: OpAction::Set { field: "stage".into(), value: "won".into(), prev: None },
        });
        envelope.payload = b"{\"action\":\"explode\"}".to_vec();
        let err = envelope.open().unwrap_err().to_string();
        assert!(err.contains("/7") && err.contains("explode"), "{err}");
        let bad: Result<Envelope, _> = serde_json::from_value(json!({
            "device": Uuid::nil(), "seq": 1, "hlc": "000000000001-00000000",
            "entity": "deal", "entity_id": Uuid::nil(), "registers": [],
            "touches_set": false, "payload": "not base64!"
        }));
        assert!(bad.is_err());
    }
}
