//! Randomized convergence: several devices edit the same customers offline and sync in
//! random orders; on top, pages are pulled and applied out of order, twice, or partly (as
//! a flaky network would deliver them). After everyone has synced, every device shows the
//! same customers, and the same conflicts.

use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rapport_core::customers::NewCustomer;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::Store;
use rapport_protocol::Op;
use rapport_sync::{sync, Client};
use uuid::Uuid;

use crate::conflicts::shown_conflicts;
use crate::support::*;

const TAGS: [&str; 4] = ["vip", "trade", "north", "lapsed"];

/// One random local change on `store`, to a customer it shows (or a new one).
/// What the devices made: every customer and timeline entry.
#[derive(Default)]
struct Made {
    customers: Vec<Uuid>,
    entries: Vec<Uuid>,
}

async fn random_edit(rng: &mut StdRng, store: &Store, step: usize, made: &mut Made) {
    let ids: Vec<Uuid> = store
        .list_customers(&Default::default())
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let Some(&id) = ids.choose(rng).filter(|_| rng.gen_bool(0.8)) else {
        let name = format!("Customer {step} {}", rng.gen_range(0..1000));
        let tags = vec![TAGS[rng.gen_range(0..4)].to_string()];
        let new = NewCustomer { name, tags, ..Default::default() };
        made.customers.push(store.add_customer(&new).await.unwrap().id);
        return;
    };
    let edit = match rng.gen_range(0..15) {
        0..=1 => ("title", format!("Title {step}")),
        2 => ("name", format!("Name {step}")),
        3..=4 => ("notes", format!("Note {step}")),
        5..=8 => {
            let tags: Vec<&str> = TAGS.iter().copied().filter(|_| rng.gen_bool(0.5)).collect();
            ("tags", tags.join(", "))
        }
        9 => {
            store.delete_customer(id).await.unwrap();
            return;
        }
        10..=11 => {
            // Most merges are between the two oldest customers shown, in either
            // direction: devices apart then merge A into B and B into A (a loop), or chain.
            let mut sorted = ids.clone();
            sorted.sort();
            let (dup, into) = if sorted.len() >= 2 && rng.gen_bool(0.7) {
                let pair = if rng.gen_bool(0.5) { (0, 1) } else { (1, 0) };
                (sorted[pair.0], sorted[pair.1])
            } else {
                let others: Vec<Uuid> = ids.iter().copied().filter(|o| *o != id).collect();
                let Some(&into) = others.choose(rng) else { return };
                (id, into)
            };
            store.merge_customers(dup, into, &Default::default()).await.unwrap();
            return;
        }
        12 => {
            // Undo refuses when the survivor changed since; that is fine here.
            if let Ok(merge) = store.latest_merge().await {
                let _ = store.undo_merge(merge).await;
            }
            return;
        }
        _ => {
            let entry = NewInteraction {
                customer_id: id,
                kind: InteractionKind::Call,
                summary: format!("Call {step}"),
                body: None,
                occurred_at: None,
                amount: None,
                score: None,
            };
            made.entries.push(store.log_interaction(&entry).await.unwrap().id);
            return;
        }
    };
    store.edit_customer(id, &[(edit.0.into(), edit.1)]).await.unwrap();
}

/// Pulls from the start and applies the pages shuffled, some twice and some not at all,
/// without moving the cursor: what a flaky network could deliver before a clean sync.
async fn chaotic_delivery(rng: &mut StdRng, server: &Server, store: &Store) {
    let token = store.sync_account().await.unwrap().unwrap().token;
    let client = Client::new(&server.url).unwrap().with_token(token);
    let mut pages: Vec<Vec<Op>> = Vec::new();
    let mut after = 0;
    loop {
        let page = client.pull(after, rng.gen_range(1..8)).await.unwrap();
        pages.push(page.ops.iter().map(|p| p.envelope.open().unwrap()).collect());
        if !page.more {
            break;
        }
        after = page.cursor;
    }
    let mut delivered: Vec<&Vec<Op>> = pages.iter().filter(|_| rng.gen_bool(0.7)).collect();
    delivered.extend(pages.iter().filter(|_| rng.gen_bool(0.3)));
    delivered.shuffle(rng);
    for page in delivered {
        // A page whose timeline entry's customer (or a merge's survivor) is in a page not
        // delivered is refused whole, like a page lost on the way: a real pull never
        // skips one. Anything else is a failure.
        if let Err(e) = store.apply_remote_ops(page, None).await {
            assert!(e.to_string().contains("FOREIGN KEY"), "a page failed to apply: {e}");
        }
    }
}

/// Each customer shown with the timeline entries it shows.
async fn timelines(store: &Store) -> Vec<(Uuid, Vec<String>)> {
    let mut out = Vec::new();
    for c in store.list_customers(&Default::default()).await.unwrap() {
        let mut entries: Vec<String> =
            store.timeline(c.id, 500).await.unwrap().into_iter().map(|i| i.summary).collect();
        entries.sort();
        out.push((c.id, entries));
    }
    out.sort();
    out
}

async fn converge(seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let server = Server::start().await;
    let replicas = rng.gen_range(3..=5);
    let dirs: Vec<_> = (0..replicas).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut stores = Vec::new();
    for dir in &dirs {
        stores.push(store(dir.path()).await);
    }
    owner(&server, &stores[0], "owner@example.com").await;
    for (i, s) in stores.iter().enumerate().skip(1) {
        member(&server, &stores[0], s, &format!("rep{i}@example.com")).await;
    }
    let mut made = Made::default();
    for step in 0..60 {
        let who = rng.gen_range(0..replicas);
        match rng.gen_range(0..10) {
            0..=5 => random_edit(&mut rng, &stores[who], step, &mut made).await,
            6..=8 => {
                sync(&stores[who]).await.unwrap();
            }
            _ => chaotic_delivery(&mut rng, &server, &stores[who]).await,
        }
    }
    // Everyone syncs until a whole round moves nothing (bounded).
    for round in 0.. {
        assert!(round < 10, "seed {seed}: still moving after 10 rounds");
        let mut moved = 0;
        for s in &stores {
            let r = sync(s).await.unwrap();
            moved += r.pushed + r.received;
        }
        if moved == 0 {
            break;
        }
    }
    // No entry is lost: each is on a live customer's timeline, or on a deleted customer
    // (where a restore brings it back), never left on a record merged away.
    for s in &stores {
        // Every customer leads somewhere: itself, its survivor, or nowhere if deleted
        // (a loop of merges would be an error here).
        for id in &made.customers {
            match s.live_customer_id(*id).await {
                Ok(_) | Err(rapport_core::Error::NotFound(_)) => {}
                Err(e) => panic!("seed {seed}: where customer {id} went: {e}"),
            }
        }
        for entry in &made.entries {
            let at = s.interaction(*entry).await.unwrap().customer_id;
            match s.live_customer_id(at).await {
                Ok(live) => {
                    assert_eq!(live, at, "seed {seed}: entry {entry} is on a merged record");
                    let shown = s.timeline(at, 500).await.unwrap();
                    assert!(shown.iter().any(|e| e.id == *entry), "seed {seed}: {entry} not shown");
                }
                Err(rapport_core::Error::NotFound(_)) => {}
                Err(e) => panic!("seed {seed}: where entry {entry} went: {e}"),
            }
        }
    }
    let expected = customers(&stores[0]).await;
    let expected_timelines = timelines(&stores[0]).await;
    assert!(!expected.is_empty(), "seed {seed}: nothing to compare");
    let conflicts = shown_conflicts(&stores[0]).await;
    for (i, s) in stores.iter().enumerate().skip(1) {
        assert_eq!(customers(s).await, expected, "seed {seed}: device {i} differs from device 0");
        assert_eq!(timelines(s).await, expected_timelines, "seed {seed}: device {i}'s timelines");
        let theirs = shown_conflicts(s).await;
        assert_eq!(theirs, conflicts, "seed {seed}: device {i} lists other conflicts");
        assert_eq!(s.sync_status().await.unwrap().outbox, 0);
    }
    // A device joining last starts from the compacted snapshot, and shows the same.
    let late = tempfile::tempdir().unwrap();
    let newcomer = store(late.path()).await;
    member(&server, &stores[0], &newcomer, "late@example.com").await;
    assert!(sync(&newcomer).await.unwrap().from_snapshot);
    assert_eq!(customers(&newcomer).await, expected, "seed {seed}: the newcomer differs");
    assert_eq!(timelines(&newcomer).await, expected_timelines, "seed {seed}: its timelines");
    assert_eq!(shown_conflicts(&newcomer).await, conflicts, "seed {seed}: its conflicts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_editing_offline_in_random_orders_converge() {
    // More seeds for a longer hunt: RAPPORT_CONVERGENCE_SEEDS=200.
    let seeds = std::env::var("RAPPORT_CONVERGENCE_SEEDS").ok().and_then(|n| n.parse().ok());
    for seed in 0..seeds.unwrap_or(8) {
        converge(seed).await;
    }
}
