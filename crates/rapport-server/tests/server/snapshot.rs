//! A new device bootstraps from a compacted snapshot up to `upto`, then pulls from `upto`:
//! that must give the same records, and the same conflicts, as every op, while other
//! devices keep pushing.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rapport_protocol::rules::{compact, conflicts, materialize};
use rapport_protocol::wire::{Envelope, Pulled, SnapshotResponse};
use rapport_protocol::{EntityKind, Hlc, Op, OpAction, OpId};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::both;
use crate::support::{Client, Db, Server, NOW_MS, PASSWORD};

/// Two registers that list conflicts and one that doesn't.
const FIELDS: [&str; 3] = ["display_name", "owner", "notes"];

/// Random ops for `devices`, `n` each: sets (naming some earlier sets of their register,
/// or, sometimes, nothing: a set from before `prev`), tag adds and removes, and creates
/// (some with tags, some with no field at all) on three records, clocks close enough to
/// tie across devices. Made in one interleaved sequence with causal clocks, as devices
/// make them: a device's clock runs forward, and a set is later than what it names.
fn random_ops(rng: &mut StdRng, devices: &[Uuid], n: &[u64]) -> Vec<Vec<Envelope>> {
    let mut ops: Vec<Vec<Envelope>> = vec![Vec::new(); devices.len()];
    let mut clock = vec![0u64; devices.len()];
    let mut sets: HashMap<(u128, usize), Vec<(OpId, u64)>> = HashMap::new();
    loop {
        let pending: Vec<usize> =
            (0..devices.len()).filter(|&d| (ops[d].len() as u64) < n[d]).collect();
        if pending.is_empty() {
            return ops;
        }
        let d = pending[rng.gen_range(0..pending.len())];
        let (device, seq) = (devices[d], ops[d].len() as u64 + 1);
        let record = 100 + rng.gen_range(0..3u128);
        let mut millis = (NOW_MS - 100_000 + rng.gen_range(0..40)).max(clock[d]);
        let tag = Value::from(["a", "b", "c"][rng.gen_range(0..3)]);
        let action = match rng.gen_range(0..6) {
            f @ 0..=2 => {
                let earlier = sets.entry((record, f)).or_default();
                let prev = (rng.gen_range(0..8) != 0).then(|| {
                    let picked: Vec<OpId> = earlier
                        .iter()
                        .filter(|_| rng.gen_bool(0.5))
                        .map(|(id, at)| {
                            millis = millis.max(at + 1);
                            *id
                        })
                        .collect();
                    picked
                });
                earlier.push((OpId { device, seq }, millis));
                OpAction::Set {
                    field: FIELDS[f].into(),
                    value: format!("v{seq}.{}", rng.gen_range(0..3)).into(),
                    prev,
                }
            }
            3 => OpAction::Add { field: "tags".into(), element: tag },
            // Through JSON: a remove written before sync (naming no observed adds),
            // whatever fields later protocol versions add.
            4 => {
                serde_json::from_value(json!({"action": "remove", "field": "tags", "element": tag}))
                    .unwrap()
            }
            _ => {
                let mask: u8 = rng.gen_range(0..16);
                let mut fields = serde_json::Map::new();
                for (i, f) in FIELDS.iter().enumerate() {
                    if mask & (1 << i) != 0 {
                        fields.insert((*f).into(), format!("c{seq}").into());
                    }
                }
                if mask & 8 != 0 {
                    fields.insert("tags".into(), json!([tag]));
                }
                OpAction::Create { fields }
            }
        };
        clock[d] = millis;
        ops[d].push(Envelope::seal(&Op {
            device,
            seq,
            // The counter is the seq, so no two ops of a device share a stamp.
            hlc: Hlc { millis, counter: seq as u32 },
            entity: EntityKind::Customer,
            entity_id: Uuid::from_u128(record),
            action,
        }));
    }
}

/// Devices with ops still to push, and how far each got.
struct Pushers {
    clients: Vec<Client>,
    ops: Vec<Vec<Envelope>>,
    next: Vec<usize>,
}

impl Pushers {
    fn left(&self) -> usize {
        self.ops.iter().zip(&self.next).map(|(ops, next)| ops.len() - next).sum()
    }

    /// One batch of 1 to 8 ops from a random device.
    async fn push_one(&mut self, rng: &mut StdRng) {
        let pending: Vec<usize> =
            (0..self.clients.len()).filter(|&i| self.next[i] < self.ops[i].len()).collect();
        if pending.is_empty() {
            return;
        }
        let i = pending[rng.gen_range(0..pending.len())];
        let end = (self.next[i] + rng.gen_range(1..=8)).min(self.ops[i].len());
        let r = self.clients[i].push(&self.ops[i][self.next[i]..end]).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["acked_seq"], end as u64);
        self.next[i] = end;
    }
}

async fn snapshot_page(c: &Client, after: u64, upto: Option<u64>, limit: u32) -> SnapshotResponse {
    let upto = upto.map_or(String::new(), |u| format!("&upto={u}"));
    let r = c.get(&format!("/v1/snapshot?after={after}{upto}&limit={limit}")).await;
    assert_eq!(r.status, 200, "{r:?}");
    serde_json::from_value(r.body).unwrap()
}

/// Every page of a snapshot; with `pushers`, a batch is pushed after each page (the team
/// goes on working while a new device bootstraps).
async fn snapshot_all(
    c: &Client,
    limit: u32,
    mut pushers: Option<(&mut Pushers, &mut StdRng)>,
) -> (Vec<Pulled>, u64) {
    let mut ops: Vec<Pulled> = Vec::new();
    let (mut after, mut upto) = (0, None);
    loop {
        let page = snapshot_page(c, after, upto, limit).await;
        assert!(page.ops.len() <= limit as usize);
        for op in &page.ops {
            assert!(op.server_seq > after && op.server_seq <= page.upto, "page out of range");
            after = op.server_seq;
        }
        assert_eq!(page.cursor, after);
        upto = Some(page.upto);
        ops.extend(page.ops);
        if !page.more {
            return (ops, page.upto);
        }
        if let Some((pushers, rng)) = pushers.as_mut() {
            pushers.push_one(rng).await;
        }
    }
}

fn id(e: &Envelope) -> (Uuid, u64) {
    (e.device, e.seq)
}

fn records(
    envelopes: &[&Envelope],
) -> HashMap<rapport_protocol::rules::Key, rapport_protocol::rules::Record> {
    let ops: Vec<Op> = envelopes.iter().map(|e| e.open().unwrap()).collect();
    materialize(ops.iter())
}

both!(snapshot_then_pull_rebuilds_every_record);
async fn snapshot_then_pull_rebuilds_every_record(db: Db) {
    let server = Server::start(db).await;
    let owner = server.owner("ada@x.org").await;
    let mut dropped_somewhere = false;
    let mut conflicts_somewhere = false;
    for seed in 0..4u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        // A team per seed, three devices pushing.
        let mut clients = vec![server.owner(&format!("seed{seed}@x.org")).await];
        for _ in 0..2 {
            let mut c = server.client();
            assert_eq!(c.sign_in(&format!("seed{seed}@x.org"), PASSWORD).await.status, 200);
            clients.push(c);
        }
        let devices: Vec<Uuid> = clients.iter().map(|c| c.device).collect();
        let n: Vec<u64> = devices.iter().map(|_| rng.gen_range(10..35)).collect();
        let ops = random_ops(&mut rng, &devices, &n);
        let total: usize = ops.iter().map(Vec::len).sum();
        let mut pushers = Pushers { clients, ops, next: vec![0; 3] };
        while pushers.left() > total / 2 {
            pushers.push_one(&mut rng).await;
        }
        // A new device: snapshot pages while the others keep pushing, then the rest.
        let mut fresh = server.client();
        assert_eq!(fresh.sign_in(&format!("seed{seed}@x.org"), PASSWORD).await.status, 200);
        let (snapshot, upto) = snapshot_all(&fresh, 4, Some((&mut pushers, &mut rng))).await;
        while pushers.left() > 0 {
            pushers.push_one(&mut rng).await;
        }
        let pulled = fresh.pull_all(upto, 9).await;
        assert!(pulled.iter().all(|p| p.server_seq > upto));

        let all: Vec<&Envelope> = pushers.ops.iter().flatten().collect();
        let bootstrapped: Vec<&Envelope> =
            snapshot.iter().chain(&pulled).map(|p| &p.envelope).collect();
        assert_eq!(records(&bootstrapped), records(&all), "seed {seed}");
        // And the same conflicts: every losing value a device may review is there.
        let expected = conflicts(&all);
        assert_eq!(conflicts(&bootstrapped), expected, "seed {seed}");
        conflicts_somewhere |= !expected.is_empty();

        // With no pushes in between, the snapshot keeps exactly what rules::compact keeps.
        let stored = fresh.pull_all(0, 500).await;
        assert_eq!(stored.len(), total);
        let envelopes: Vec<&Envelope> = stored.iter().map(|p| &p.envelope).collect();
        let mut expected: Vec<(Uuid, u64)> = compact(&envelopes).iter().map(|e| id(e)).collect();
        let position: HashMap<(Uuid, u64), u64> =
            stored.iter().map(|p| (id(&p.envelope), p.server_seq)).collect();
        expected.sort_by_key(|id| position[id]);
        let (full, _) = snapshot_all(&fresh, 7, None).await;
        let kept: Vec<(Uuid, u64)> = full.iter().map(|p| id(&p.envelope)).collect();
        assert_eq!(kept, expected, "seed {seed}");
        dropped_somewhere |= kept.len() < total;
    }
    assert!(dropped_somewhere, "compaction left nothing out: the test proves little");
    assert!(conflicts_somewhere, "no conflict in any seed: the test proves little");
    // Other teams' snapshots are their own.
    let (theirs, upto) = snapshot_all(&owner, 50, None).await;
    assert!(theirs.is_empty() && upto == 0);
}
