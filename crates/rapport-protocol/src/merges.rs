//! Merge redirects across devices, as pure rules every replica applies alike.
//!
//! A merge of customer D into S sets D's `merged_into` register to S (last writer wins,
//! like any register) and D's `merge_seen` to the ops of D the merging device had: what the
//! merge copied into S. From the op set alone every device then derives the same things:
//!
//! - **Who survives.** Redirects form a graph with at most one edge out of each record.
//!   Concurrent merges can close a loop (A→B on one device, B→A on another); in every loop
//!   the latest merge (by clock, then device) is the one that gives way, so all devices keep
//!   the same survivor, and the earlier merge (made without knowing of the other) stands.
//! - **Late edits.** An op on D the merge had not seen (made offline meanwhile) is *late*:
//!   it counts towards D's survivor instead of vanishing with D. The survivor is rebuilt
//!   from its own ops plus its merged records' late ops.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{DeviceId, Hlc, Op, OpAction, OpId, ERASED_FIELD};

/// The register a merge sets on the merged record: the survivor's id (null: not merged).
pub const MERGED_INTO: &str = "merged_into";
/// The register that says what a merge had seen of the merged record ([`MergeSeen`]).
pub const MERGE_SEEN: &str = "merge_seen";
/// A merged record's registers that stay its own: a late op on them is about the record
/// itself (its redirect, its deletion, its erasure), not an edit for the survivor.
pub const OWN_FIELDS: &[&str] = &[MERGED_INTO, MERGE_SEEN, "kind", "deleted", ERASED_FIELD];

/// An op's place in the order every replica agrees on.
pub type Stamp = (Hlc, DeviceId);

/// What a merge had of the merged record: the survivor it merged into and the ids of the
/// record's ops it had (and so copied into the survivor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeSeen {
    pub into: Uuid,
    pub ops: BTreeSet<OpId>,
}

/// The redirects of a team's records, with loops broken.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redirects {
    /// Each merged record's survivor, as its `merged_into` says.
    edges: BTreeMap<Uuid, Uuid>,
    /// Records whose redirect gives way to break a loop: they stay live.
    dropped: BTreeSet<Uuid>,
    /// The records that lead to each survivor, in id order.
    sources: BTreeMap<Uuid, Vec<Uuid>>,
}

/// Longer chains than this cannot come from merges (each needs a live record to start).
const MAX_HOPS: usize = 64;

impl Redirects {
    /// The redirects `edges` (record → survivor) make, with `stamp` giving each edge's
    /// merge (its winning `merged_into` op): asked only of the edges on a loop.
    pub fn new(edges: BTreeMap<Uuid, Uuid>, mut stamp: impl FnMut(Uuid) -> Stamp) -> Self {
        let mut dropped = BTreeSet::new();
        for cycle in cycles(&edges) {
            // The latest merge gives way; stamps are unique (one device, one clock tick).
            if let Some(latest) = cycle.iter().copied().max_by_key(|id| (stamp(*id), *id)) {
                dropped.insert(latest);
            }
        }
        let mut r = Redirects { edges, dropped, sources: BTreeMap::new() };
        let ids: Vec<Uuid> = r.edges.keys().copied().collect();
        for id in ids {
            if let Some(survivor) = r.target(id) {
                r.sources.entry(survivor).or_default().push(id);
            }
        }
        r
    }

    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// Every record that has a `merged_into`, given way or not.
    pub fn merged(&self) -> impl Iterator<Item = Uuid> + '_ {
        self.edges.keys().copied()
    }

    /// Whether `id`'s redirect gives way to break a loop (so `id` stays live).
    pub fn is_dropped(&self, id: Uuid) -> bool {
        self.dropped.contains(&id)
    }

    /// The live record `id` leads to, if it is a redirect (None: it is not one).
    pub fn target(&self, id: Uuid) -> Option<Uuid> {
        let mut current = id;
        for _ in 0..MAX_HOPS {
            match self.edges.get(&current) {
                Some(next) if !self.dropped.contains(&current) => current = *next,
                _ => return (current != id).then_some(current),
            }
        }
        None
    }

    /// The records that lead to `survivor`, in id order.
    pub fn sources(&self, survivor: Uuid) -> &[Uuid] {
        self.sources.get(&survivor).map_or(&[], Vec::as_slice)
    }
}

/// The records on a loop among `edges`: the only ones [`Redirects::new`] asks a stamp of.
pub fn on_loops(edges: &BTreeMap<Uuid, Uuid>) -> Vec<Uuid> {
    cycles(edges).into_iter().flatten().collect()
}

/// The loops among `edges` (each at most once, its members in id order).
fn cycles(edges: &BTreeMap<Uuid, Uuid>) -> Vec<Vec<Uuid>> {
    let mut done: BTreeSet<Uuid> = BTreeSet::new();
    let mut out = Vec::new();
    for &start in edges.keys() {
        let mut path: Vec<Uuid> = Vec::new();
        let mut current = start;
        loop {
            if done.contains(&current) {
                break;
            }
            if let Some(at) = path.iter().position(|p| *p == current) {
                let mut cycle = path[at..].to_vec();
                cycle.sort();
                out.push(cycle);
                break;
            }
            path.push(current);
            match edges.get(&current) {
                Some(next) => current = *next,
                None => break,
            }
        }
        done.extend(path);
    }
    out
}

/// Whether `op`, on a merged record, is a late edit for its survivor: an edit (not of the
/// record's own registers, not its creation) that the merge had not seen. `seen` is the
/// record's `merge_seen` (if its survivor is the `merged_into` that won); without it (an
/// older merge, or two merges of one record racing) ops after the merge's own are late.
pub fn is_late(op: &Op, seen: Option<&MergeSeen>, merge: Stamp) -> bool {
    let edit = match &op.action {
        OpAction::Create { .. } => false,
        action => !OWN_FIELDS.contains(&action.field()),
    };
    edit && match seen {
        Some(seen) => !seen.ops.contains(&op.id()),
        None => crate::rules::stamp(op) > merge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn stamp_of(order: &[u128]) -> impl FnMut(Uuid) -> Stamp + '_ {
        move |u| {
            let n = u.as_u128();
            let at = order.iter().position(|o| *o == n).unwrap_or(0) as u64;
            (Hlc { millis: 1_000 + at, counter: 0 }, Uuid::from_u128(7))
        }
    }

    #[test]
    fn crossed_merges_keep_the_earlier_one() {
        // 1 → 2 merged first, 2 → 1 later: 2 survives, everywhere.
        let edges = BTreeMap::from([(id(1), id(2)), (id(2), id(1))]);
        let r = Redirects::new(edges, stamp_of(&[1, 2]));
        assert_eq!(r.target(id(1)), Some(id(2)));
        assert_eq!(r.target(id(2)), None);
        assert!(r.is_dropped(id(2)));
        assert_eq!(r.sources(id(2)), [id(1)]);
    }

    #[test]
    fn chains_lead_to_the_last_live_record() {
        let edges = BTreeMap::from([(id(1), id(2)), (id(2), id(3)), (id(4), id(3))]);
        let r = Redirects::new(edges, stamp_of(&[]));
        assert_eq!(r.target(id(1)), Some(id(3)));
        assert_eq!(r.sources(id(3)), [id(1), id(2), id(4)]);
        assert_eq!(r.target(id(3)), None);
    }

    /// Random redirect graphs: every record leads to a live one (no loop survives), at most
    /// one edge per loop gives way, and the result does not depend on the order edges are
    /// given in.
    fn graph() -> impl Strategy<Value = (Vec<(u8, u8)>, Vec<u128>)> {
        (prop::collection::vec((0u8..8, 0u8..8), 0..12), Just((0..8).collect::<Vec<u128>>()))
            .prop_flat_map(|(edges, order)| (Just(edges), Just(order).prop_shuffle()))
    }

    proptest! {
        #[test]
        fn every_redirect_ends_at_a_live_record((pairs, order) in graph()) {
            let edges: BTreeMap<Uuid, Uuid> = pairs
                .iter()
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (id(u128::from(*a)), id(u128::from(*b))))
                .collect();
            let r = Redirects::new(edges.clone(), stamp_of(&order));
            for from in edges.keys() {
                let live = r.target(*from).unwrap_or(*from);
                // The end of a chain has no kept edge.
                prop_assert!(r.target(live).is_none());
                prop_assert!(!edges.contains_key(&live) || r.is_dropped(live));
            }
            // Only loop members give way, one per loop, and it is the latest merge of it.
            for cycle in cycles(&edges) {
                let given: Vec<_> = cycle.iter().filter(|c| r.is_dropped(**c)).collect();
                prop_assert_eq!(given.len(), 1);
                let latest = cycle.iter().max_by_key(|c| stamp_of(&order)(**c)).unwrap();
                prop_assert_eq!(*given[0], *latest);
            }
            prop_assert_eq!(r.dropped.len(), cycles(&edges).len());
        }
    }
}
