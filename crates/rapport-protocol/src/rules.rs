//! The sync rules as pure functions (DESIGN §5): the one order every replica puts ops in,
//! what a record is after any set of ops ([`materialize`], the reference the store's own
//! apply is checked against), and which ops a snapshot may leave out ([`compact`]), decided
//! from the envelope alone, as the server must.
//!
//! Two kinds of field:
//! - a **register** (name, stage, `deleted_at`, `merged_into`, the whole list of emails…): a
//!   `set`, or a `create`'s first value, and the latest by [`stamp`] wins;
//! - a **set** ([`SET_FIELDS`]: tags): elements come and go one at a time with `add` and
//!   `remove`, and a `create` adds its first elements.
//!
//! Which element an `add`/`remove` names is in the payload, which the server never reads
//! (with end-to-end encryption it can't), so compaction keeps every op that touches a set,
//! and only drops an op whose every register was written again later. In particular a later
//! `add` of another tag never makes a `create` with tags redundant.
//!
//! Sets are add-wins (an observed-remove set): each add (or create) of an element is known
//! by its op's id, and a remove takes out exactly the adds its writer had seen
//! (`observed`). An add made concurrently elsewhere was not seen, so it survives. A remove
//! without `observed` (written before sync existed) takes out every earlier add.
//!
//! Registers keep their losers when they matter (issue 6): a `set` names the writes of its
//! register by other devices it had seen (`prev`), and its device's own earlier writes are
//! always seen. A write no known op supersedes is a **head**; a head of an
//! [`IMPORTANT_FIELDS`] register that is not the winner lost to an edit its writer never
//! saw, and is a [`Conflict`] kept for review. Compaction keeps every head, so a device
//! started from a snapshot lists the same conflicts.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;
use uuid::Uuid;

use crate::wire::writes;
use crate::{DeviceId, EntityKind, Hlc, Op, OpAction, OpId};

/// A customer's set of the customers it was said not to be the same person as (ids as
/// text; kept on the pair's lower id). Add-only: a decision is never taken back.
pub const NOT_DUPLICATES: &str = "not_duplicates";

/// Fields that are sets of elements rather than registers.
pub const SET_FIELDS: &[&str] = &["tags", NOT_DUPLICATES];

/// Registers whose concurrent losing values are kept for review (conflicts): a customer's
/// name and owner, a deal's value and stage, an entry's summary and note text. The one
/// list: the device's conflict list and labels follow it.
pub const IMPORTANT_FIELDS: &[(EntityKind, &str)] = &[
    (EntityKind::Customer, "display_name"),
    (EntityKind::Customer, "owner"),
    (EntityKind::Deal, "value"),
    (EntityKind::Deal, "stage_id"),
    (EntityKind::Interaction, "summary"),
    (EntityKind::Interaction, "body"),
];

/// Whether a register is in [`IMPORTANT_FIELDS`].
pub fn is_important(entity: EntityKind, field: &str) -> bool {
    IMPORTANT_FIELDS.iter().any(|(e, f)| *e == entity && *f == field)
}

/// Whether `field` is a set ([`SET_FIELDS`]).
pub fn is_set_field(field: &str) -> bool {
    SET_FIELDS.contains(&field)
}

/// An op's place in the order every replica agrees on: its clock, then its device.
pub fn stamp(op: &Op) -> (Hlc, DeviceId) {
    (op.hlc, op.device)
}

/// One record as the ops left it: each register's value, and for each set its present
/// elements (as JSON text) with the ids of the adds that keep each one there.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub registers: BTreeMap<String, Value>,
    pub sets: BTreeMap<String, BTreeMap<String, Vec<OpId>>>,
}

impl Record {
    /// A set's present elements, as JSON text, sorted.
    pub fn elements(&self, field: &str) -> Vec<&str> {
        self.sets.get(field).map(|e| e.keys().map(String::as_str).collect()).unwrap_or_default()
    }
}

/// A record: its kind and id.
pub type Key = (EntityKind, Uuid);

type Stamp = (Hlc, DeviceId);

/// What is known of one element of one set.
#[derive(Default)]
struct Element {
    adds: BTreeMap<OpId, Stamp>,
    removed: HashSet<OpId>,
    /// The latest remove without `observed`: it took out every add stamped before it.
    removed_before: Option<Stamp>,
}

impl Element {
    fn live(&self) -> Vec<OpId> {
        self.adds
            .iter()
            .filter(|(id, at)| {
                !self.removed.contains(id) && self.removed_before.is_none_or(|r| **at >= r)
            })
            .map(|(id, _)| *id)
            .collect()
    }
}

/// Every record the ops describe, whatever their order and however often each arrives.
pub fn materialize<'a>(ops: impl IntoIterator<Item = &'a Op>) -> HashMap<Key, Record> {
    type Registers = BTreeMap<String, (Stamp, Value)>;
    type Sets = BTreeMap<String, BTreeMap<String, Element>>;
    let mut state: HashMap<Key, (Registers, Sets)> = HashMap::new();
    for op in ops {
        let s = stamp(op);
        let (registers, sets) = state.entry((op.entity, op.entity_id)).or_default();
        let mut register = |field: &str, value: &Value| match registers.get(field) {
            Some((at, _)) if *at >= s => {}
            _ => {
                registers.insert(field.to_string(), (s, value.clone()));
            }
        };
        fn element<'s>(sets: &'s mut Sets, field: &str, element: &Value) -> &'s mut Element {
            sets.entry(field.to_string()).or_default().entry(element.to_string()).or_default()
        }
        match &op.action {
            OpAction::Set { field, value, .. } => register(field, value),
            OpAction::Add { field, element: e } => {
                element(sets, field, e).adds.insert(op.id(), s);
            }
            OpAction::Remove { field, element: e, observed } => {
                let slot = element(sets, field, e);
                match observed {
                    Some(ids) => slot.removed.extend(ids.iter().copied()),
                    None => slot.removed_before = slot.removed_before.max(Some(s)),
                }
            }
            OpAction::Create { fields } => {
                for (field, value) in fields {
                    match value {
                        Value::Array(items) if is_set_field(field) => {
                            for e in items {
                                element(sets, field, e).adds.insert(op.id(), s);
                            }
                        }
                        _ => register(field, value),
                    }
                }
            }
        }
    }
    state
        .into_iter()
        .map(|(key, (registers, sets))| {
            let registers = registers.into_iter().map(|(f, (_, v))| (f, v)).collect();
            let sets = sets
                .into_iter()
                .map(|(f, elements)| {
                    let present = elements
                        .into_iter()
                        .map(|(e, state)| (e, state.live()))
                        .filter(|(_, live)| !live.is_empty())
                        .collect();
                    (f, present)
                })
                .collect();
            (key, Record { registers, sets })
        })
        .collect()
}

/// What compaction reads of an op: the envelope's fields, never the payload. Implemented
/// by [`Op`] and by the wire's [`crate::wire::Envelope`], so the device's checks and the
/// server's snapshots run the same code.
pub trait Stamped {
    fn record(&self) -> Key;
    fn stamp(&self) -> (Hlc, DeviceId);
    /// The op's identity, `(device, seq)`.
    fn id(&self) -> OpId;
    /// The register field keys it writes.
    fn registers(&self) -> Vec<&str>;
    /// Whether it adds or removes set elements.
    fn touches_set(&self) -> bool;
    /// The writes a `set` knowingly overwrites; `None` for any other op, and for a set
    /// written before this was recorded (it can't be a head: see [`heads`]).
    fn prev(&self) -> Option<&[OpId]>;
}

impl Stamped for Op {
    fn record(&self) -> Key {
        (self.entity, self.entity_id)
    }
    fn stamp(&self) -> (Hlc, DeviceId) {
        stamp(self)
    }
    fn id(&self) -> OpId {
        Op::id(self)
    }
    fn registers(&self) -> Vec<&str> {
        writes(&self.action).0
    }
    fn touches_set(&self) -> bool {
        writes(&self.action).1
    }
    fn prev(&self) -> Option<&[OpId]> {
        self.action.prev()
    }
}

/// What the known ops say was overwritten knowingly: the ops named in a `prev`, and per
/// device and register its latest write (a device always knew its own earlier ones).
struct Supersession<'a> {
    named: HashSet<OpId>,
    latest_own: HashMap<(Key, &'a str, DeviceId), u64>,
}

impl<'a> Supersession<'a> {
    fn of<T: Stamped>(ops: &[&'a T]) -> Self {
        let mut named = HashSet::new();
        let mut latest_own = HashMap::new();
        for op in ops {
            named.extend(op.prev().unwrap_or_default().iter().copied());
            let id = op.id();
            for field in op.registers() {
                let seq = latest_own.entry((op.record(), field, id.device)).or_insert(id.seq);
                *seq = (*seq).max(id.seq);
            }
        }
        Supersession { named, latest_own }
    }

    /// Whether the op is a head: a `set` recording what it overwrote (one with `prev`),
    /// that no known op supersedes.
    fn is_head<T: Stamped>(&self, op: &T) -> bool {
        let id = op.id();
        op.prev().is_some()
            && !self.named.contains(&id)
            && op.registers().iter().all(|f| {
                self.latest_own.get(&(op.record(), *f, id.device)).is_none_or(|s| *s <= id.seq)
            })
    }
}

/// The heads among the ops (each once): the writes of registers no known op supersedes.
/// A new `set` names the heads by other devices of its register as its `prev`.
pub fn heads<'a, T: Stamped>(ops: &[&'a T]) -> Vec<&'a T> {
    let known = Supersession::of(ops);
    let mut seen = HashSet::new();
    ops.iter().copied().filter(|op| seen.insert(op.id()) && known.is_head(*op)).collect()
}

/// A write of an important register that lost to one its writer had not seen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Conflict {
    pub record: Key,
    pub field: String,
    /// The losing write (a `set`): its value is the one kept for review.
    pub losing: OpId,
    /// The write in effect (the register's latest by [`stamp`]).
    pub winning: OpId,
}

/// Every conflict the ops hold, sorted: each head of an [`IMPORTANT_FIELDS`] register that
/// is not its winner. A pure function of the set of ops (order and duplicates don't
/// matter); a value some op knowingly overwrote is never one.
pub fn conflicts<T: Stamped>(ops: &[&T]) -> Vec<Conflict> {
    let mut winners: HashMap<(Key, &str), (Stamp, OpId)> = HashMap::new();
    for op in ops {
        for field in op.registers() {
            let at = winners.entry((op.record(), field)).or_insert((op.stamp(), op.id()));
            *at = (*at).max((op.stamp(), op.id()));
        }
    }
    let mut found: Vec<Conflict> = heads(ops)
        .into_iter()
        .flat_map(|op| {
            let winners = &winners;
            op.registers().into_iter().filter_map(move |field| {
                let (record, losing) = (op.record(), op.id());
                let (_, winning) = winners[&(record, field)];
                (is_important(record.0, field) && winning != losing).then(|| Conflict {
                    record,
                    field: field.to_string(),
                    losing,
                    winning,
                })
            })
        })
        .collect();
    found.sort();
    found
}

/// The ops a snapshot must keep so that [`materialize`] gives the same records, and
/// [`conflicts`] the same conflicts: every op touching a set, every op that is the latest
/// writer of at least one of its registers, every head (of any register: which ones matter
/// is the devices' business), and every op that writes nothing at all (it still makes its
/// record). Decided from each op's record, field keys, stamp and `prev` alone. Keeps the
/// given order.
pub fn compact<'a, T: Stamped>(ops: &[&'a T]) -> Vec<&'a T> {
    let mut latest: HashMap<(Key, &str), (Hlc, DeviceId)> = HashMap::new();
    for op in ops {
        for field in op.registers() {
            let at = latest.entry((op.record(), field)).or_insert(op.stamp());
            *at = (*at).max(op.stamp());
        }
    }
    let known = Supersession::of(ops);
    let mut kept: Vec<&T> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for op in ops {
        // The same op arriving twice is kept once.
        if !seen.insert(op.id()) {
            continue;
        }
        let key = op.record();
        let registers = op.registers();
        // An op that writes nothing (a create with no fields) still makes its record.
        let writes_nothing = registers.is_empty() && !op.touches_set();
        if writes_nothing
            || op.touches_set()
            || registers.iter().any(|f| latest[&(key, *f)] == op.stamp())
            || known.is_head(*op)
        {
            kept.push(*op);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::wire::Envelope;

    fn op(device: u128, seq: u64, millis: u64, action: OpAction) -> Op {
        Op {
            device: Uuid::from_u128(device),
            seq,
            // The counter is the sequence number, so no two ops share a stamp.
            hlc: Hlc { millis, counter: seq as u32 },
            entity: EntityKind::Customer,
            entity_id: Uuid::from_u128(7),
            action,
        }
    }

    fn create(fields: Value) -> OpAction {
        let Value::Object(fields) = fields else { unreachable!() };
        OpAction::Create { fields }
    }

    fn set(field: &str, value: &str) -> OpAction {
        OpAction::Set { field: field.into(), value: value.into(), prev: None }
    }

    /// A set that names what it overwrote.
    fn set_over(field: &str, value: &str, prev: &[&Op]) -> OpAction {
        let prev = Some(prev.iter().map(|o| o.id()).collect());
        OpAction::Set { field: field.into(), value: value.into(), prev }
    }

    fn record(ops: &[&Op]) -> Record {
        materialize(ops.iter().copied())
            .remove(&(EntityKind::Customer, Uuid::from_u128(7)))
            .unwrap()
    }

    #[test]
    fn a_later_add_of_another_tag_keeps_the_create_that_brought_the_first() {
        let ops = [
            op(1, 1, 10, create(json!({"name": "Ada", "tags": ["vip"]}))),
            op(2, 1, 20, OpAction::Add { field: "tags".into(), element: "poet".into() }),
            op(2, 2, 30, set("name", "Ada L.")),
        ];
        let all: Vec<&Op> = ops.iter().collect();
        let kept = compact(&all);
        assert_eq!(kept.len(), 3, "the create still holds the first tag");
        let r = record(&kept);
        assert_eq!(r, record(&all));
        assert_eq!(r.registers["name"], "Ada L.");
        assert_eq!(r.elements("tags"), ["\"poet\"", "\"vip\""]);
    }

    #[test]
    fn a_create_whose_every_register_was_written_again_is_left_out() {
        let ops = [
            op(1, 1, 10, create(json!({"name": "Ada", "stage": "lead"}))),
            op(1, 2, 20, set("name", "Ada L.")),
            op(2, 1, 15, set("stage", "customer")),
            op(2, 2, 16, set("stage", "former")),
        ];
        let all: Vec<&Op> = ops.iter().collect();
        let kept: Vec<(u64, u64)> =
            compact(&all).iter().map(|o| (o.device.as_u128() as u64, o.seq)).collect();
        assert_eq!(kept, [(1, 2), (2, 2)]);
        assert_eq!(record(&compact(&all)), record(&all));
        // The later clock wins whatever the order ops arrive in; on equal clocks, the device.
        let mut reversed = all.clone();
        reversed.reverse();
        assert_eq!(record(&reversed).registers["stage"], "former");
        // A create with no fields writes nothing, yet it makes its record: it stays.
        let empty = op(3, 1, 5, create(json!({})));
        assert_eq!(compact(&[&empty]).len(), 1);
        let tie = [op(1, 5, 50, set("notes", "one")), op(2, 5, 50, set("notes", "two"))];
        assert_eq!(record(&[&tie[1], &tie[0]]).registers["notes"], "two");
    }

    /// Two important registers (conflicts are listed for them) and one that is not.
    const FIELDS: [&str; 3] = ["display_name", "owner", "notes"];

    /// (device, entity, millis, what): what is 0-2 a set of FIELDS[n] (naming the earlier
    /// sets of its register that the mask picks, or with mask 15 nothing: a set from before
    /// `prev`), 3 an add, 4 a remove (of the adds of its element generated before it that
    /// the mask picks, or with mask 15 a remove without `observed`), 5 a create (fields
    /// chosen by a mask, tags too when the mask's bit 3 is set).
    /// Clocks are causal, as hybrid logical clocks make them: a device's ops run forward,
    /// and a set is later than every op it names.
    fn arb_ops() -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec((1u128..4, 0u128..2, 0u64..12, 0u8..6, 0u8..16, 0u8..3), 1..40)
            .prop_map(|raw| {
                let mut next = HashMap::new();
                let mut adds: HashMap<(u128, u8), Vec<OpId>> = HashMap::new();
                let mut sets: HashMap<(u128, u8), Vec<(OpId, u64)>> = HashMap::new();
                let mut clock: HashMap<u128, u64> = HashMap::new();
                raw.into_iter()
                    .map(|(device, entity, millis, what, mask, v)| {
                        let seq = next.entry(device).or_insert(0);
                        *seq += 1;
                        let id = OpId { device: Uuid::from_u128(device), seq: *seq };
                        let last = clock.entry(device).or_insert(0);
                        let mut millis = millis.max(*last);
                        let element = Value::from(["a", "b", "c"][v as usize]);
                        let seen = adds.entry((entity, v)).or_default();
                        let action = match what {
                            0..=2 => {
                                let earlier = sets.entry((entity, what)).or_default();
                                let prev = (mask != 15).then(|| {
                                    let picked = earlier.iter().enumerate();
                                    picked
                                        .filter(|(i, _)| mask & (1 << (i % 4)) != 0)
                                        .map(|(_, (id, at))| {
                                            millis = millis.max(at + 1);
                                            *id
                                        })
                                        .collect()
                                });
                                earlier.push((id, millis));
                                let field = FIELDS[what as usize].into();
                                let value = format!("v{millis}.{v}").into();
                                OpAction::Set { field, value, prev }
                            }
                            3 => {
                                seen.push(id);
                                OpAction::Add { field: "tags".into(), element }
                            }
                            4 => {
                                let observed = (mask != 15).then(|| {
                                    let picked = seen.iter().enumerate();
                                    picked
                                        .filter(|(i, _)| mask & (1 << (i % 4)) != 0)
                                        .map(|(_, id)| *id)
                                        .collect()
                                });
                                OpAction::Remove { field: "tags".into(), element, observed }
                            }
                            _ => {
                                let mut fields = serde_json::Map::new();
                                for (i, f) in FIELDS.iter().enumerate() {
                                    if mask & (1 << i) != 0 {
                                        fields.insert((*f).into(), format!("c{millis}").into());
                                    }
                                }
                                if mask & 8 != 0 {
                                    seen.push(id);
                                    fields.insert("tags".into(), json!([element]));
                                }
                                OpAction::Create { fields }
                            }
                        };
                        *last = millis;
                        let mut o = op(device, *seq, millis, action);
                        o.entity_id = Uuid::from_u128(7 + entity);
                        o
                    })
                    .collect()
            })
    }

    #[test]
    fn an_add_the_remover_had_not_seen_survives_the_remove() {
        let tag = |action: fn(String, Value) -> OpAction| action("tags".into(), "vip".into());
        let add = |field, element| OpAction::Add { field, element };
        let first = op(1, 1, 10, tag(add));
        // Device 2 adds "vip" again while device 1, having seen only its own add, removes it.
        let concurrent = op(2, 1, 20, tag(add));
        let remove = op(
            1,
            2,
            30,
            OpAction::Remove {
                field: "tags".into(),
                element: "vip".into(),
                observed: Some(vec![first.id()]),
            },
        );
        let r = record(&[&first, &concurrent, &remove]);
        assert_eq!(r.elements("tags"), ["\"vip\""], "add-wins");
        assert_eq!(r.sets["tags"]["\"vip\""], [concurrent.id()]);
        // A remove that saw both adds takes the tag out, in any order.
        let both = op(
            2,
            2,
            40,
            OpAction::Remove {
                field: "tags".into(),
                element: "vip".into(),
                observed: Some(vec![first.id(), concurrent.id()]),
            },
        );
        assert!(record(&[&both, &remove, &concurrent, &first]).elements("tags").is_empty());
        // A remove from before sync (no `observed`) takes out every earlier add, and only those.
        let legacy = op(
            1,
            3,
            25,
            OpAction::Remove { field: "tags".into(), element: "vip".into(), observed: None },
        );
        assert!(record(&[&first, &concurrent, &legacy]).elements("tags").is_empty());
        let later = op(2, 3, 50, tag(add));
        assert_eq!(record(&[&later, &legacy, &first]).elements("tags"), ["\"vip\""]);
    }

    #[test]
    fn a_concurrent_loser_is_a_conflict_and_a_value_seen_and_overwritten_is_not() {
        let created = op(1, 1, 10, create(json!({"display_name": "Ada", "notes": "n"})));
        // Both devices rename, neither having seen the other's rename.
        let mine = op(1, 2, 20, set_over("display_name", "Ada A.", &[]));
        let theirs = op(2, 1, 25, set_over("display_name", "Ada B.", &[]));
        let lost = Conflict {
            record: (EntityKind::Customer, Uuid::from_u128(7)),
            field: "display_name".into(),
            losing: mine.id(),
            winning: theirs.id(),
        };
        assert_eq!(conflicts(&[&theirs, &created, &mine, &theirs]), std::slice::from_ref(&lost));
        // The snapshot keeps the loser, which no longer writes the record.
        let all = [&created, &mine, &theirs];
        assert_eq!(compact(&all).len(), 3);
        assert_eq!(conflicts(&compact(&all)), [lost]);
        // A rename by device 2 that had seen device 1's: nothing to review.
        let seen = op(2, 1, 25, set_over("display_name", "Ada B.", &[&mine]));
        assert!(conflicts(&[&created, &mine, &seen]).is_empty());
        assert_eq!(compact(&[&created, &mine, &seen]).len(), 2, "the overwritten set goes");
        // A later edit naming the loser settles it; device 2's own earlier one is its own.
        let settled = op(2, 2, 30, set_over("display_name", "Ada", &[&mine]));
        assert!(conflicts(&[&created, &mine, &theirs, &settled]).is_empty());
        assert_eq!(heads(&[&created, &mine, &theirs, &settled]), [&settled]);
        // A device's own later write supersedes its earlier one, whatever the clocks say.
        let again = op(1, 3, 22, set_over("display_name", "Ada AA.", &[]));
        let found = conflicts(&[&mine, &theirs, &again]);
        assert_eq!(found.iter().map(|c| c.losing).collect::<Vec<_>>(), [again.id()]);
        // Not listed: a register that isn't important, and a set from before `prev`.
        let notes =
            [op(1, 2, 20, set_over("notes", "a", &[])), op(2, 1, 25, set_over("notes", "b", &[]))];
        assert!(conflicts(&[&notes[0], &notes[1]]).is_empty());
        assert_eq!(compact(&[&notes[0], &notes[1]]).len(), 2, "heads are kept all the same");
        let old = op(1, 2, 20, set("display_name", "Ada A."));
        assert!(conflicts(&[&created, &old, &theirs]).is_empty());
        // A create is never a loser: nobody edits a record before seeing it made.
        assert!(conflicts(&[&created, &op(2, 1, 5, set_over("display_name", "X", &[]))])
            .iter()
            .all(|c| c.losing != created.id()));
    }

    proptest! {
        /// Any order, any duplicates: the same records; and a snapshot of the compacted ops
        /// gives them too.
        #[test]
        fn order_duplicates_and_compaction_change_nothing(
            ops in arb_ops(),
            order in prop::collection::vec(any::<prop::sample::Index>(), 1..80),
        ) {
            let all: Vec<&Op> = ops.iter().collect();
            let expected = materialize(all.iter().copied());
            // A delivery: ops picked in a random order, some twice, then every op once more
            // (so none is missing).
            let mut delivered: Vec<&Op> = order.iter().map(|i| *i.get(&all)).collect();
            delivered.extend(all.iter().rev());
            prop_assert_eq!(&materialize(delivered.iter().copied()), &expected);
            let kept = compact(&delivered);
            prop_assert!(kept.len() <= ops.len());
            prop_assert_eq!(&materialize(kept.iter().copied()), &expected);
            // The server, compacting sealed envelopes, keeps exactly the same ops.
            let sealed: Vec<Envelope> = delivered.iter().map(|o| Envelope::seal(o)).collect();
            let sealed: Vec<&Envelope> = sealed.iter().collect();
            let on_server: Vec<_> = compact(&sealed).iter().map(|e| e.id()).collect();
            let on_device: Vec<_> = kept.iter().map(|o| o.id()).collect();
            prop_assert_eq!(on_server, on_device);
            // The same conflicts, from any delivery, after compaction, and on the server.
            let expected = conflicts(&all);
            prop_assert_eq!(&conflicts(&delivered), &expected);
            prop_assert_eq!(&conflicts(&kept), &expected);
            prop_assert_eq!(&conflicts(&compact(&sealed)), &expected);
        }

        /// A new device's start as the server gives it: the snapshot of what was pushed up
        /// to some point (compacted against everything pushed by the time it asks, which
        /// may be more), then every later op pulled. The same records and the same
        /// conflicts as every op.
        #[test]
        fn a_snapshot_then_the_later_ops_give_the_same_records_and_conflicts(
            ops in arb_ops(),
            upto in any::<prop::sample::Index>(),
            pushed in any::<prop::sample::Index>(),
        ) {
            let all: Vec<&Op> = ops.iter().collect();
            let upto = upto.index(all.len() + 1);
            let pushed = upto + pushed.index(all.len() - upto + 1);
            let known = compact(&all[..pushed]);
            let mut started: Vec<&Op> =
                known.into_iter().filter(|o| all[..upto].iter().any(|a| a.id() == o.id())).collect();
            started.extend(&all[upto..]);
            prop_assert_eq!(materialize(started.iter().copied()), materialize(all.iter().copied()));
            prop_assert_eq!(conflicts(&started), conflicts(&all));
        }
    }
}
