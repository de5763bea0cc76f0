//! Randomized convergence: several devices edit the same customers offline and sync in
//! random orders; on top, pages are pulled and applied out of order, twice, or partly (as
//! a flaky network would deliver them). After everyone has synced, every device shows the
//! same customers, and the same conflicts.

use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rapport_core::customers::NewCustomer;
use rapport_core::Store;
use rapport_protocol::Op;
use rapport_sync::{sync, Client};
use uuid::Uuid;

use crate::conflicts::shown_conflicts;
use crate::support::*;

const TAGS: [&str; 4] = ["vip", "trade", "north", "lapsed"];

/// One random local change on `store`, to a customer it shows (or a new one).
async fn random_edit(rng: &mut StdRng, store: &Store, step: usize) {
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
        store.add_customer(&NewCustomer { name, tags, ..Default::default() }).await.unwrap();
        return;
    };
    let edit = match rng.gen_range(0..10) {
        0..=1 => ("title", format!("Title {step}")),
        2 => ("name", format!("Name {step}")),
        3..=4 => ("notes", format!("Note {step}")),
        5..=8 => {
            let tags: Vec<&str> = TAGS.iter().copied().filter(|_| rng.gen_bool(0.5)).collect();
            ("tags", tags.join(", "))
        }
        _ => {
            store.delete_customer(id).await.unwrap();
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
        store.apply_remote_ops(page, None).await.unwrap();
    }
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
    for step in 0..60 {
        let who = rng.gen_range(0..replicas);
        match rng.gen_range(0..10) {
            0..=5 => random_edit(&mut rng, &stores[who], step).await,
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
    let expected = customers(&stores[0]).await;
    assert!(!expected.is_empty(), "seed {seed}: nothing to compare");
    let conflicts = shown_conflicts(&stores[0]).await;
    for (i, s) in stores.iter().enumerate().skip(1) {
        assert_eq!(customers(s).await, expected, "seed {seed}: device {i} differs from device 0");
        let theirs = shown_conflicts(s).await;
        assert_eq!(theirs, conflicts, "seed {seed}: device {i} lists other conflicts");
        assert_eq!(s.sync_status().await.unwrap().outbox, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_editing_offline_in_random_orders_converge() {
    for seed in 0..6 {
        converge(seed).await;
    }
}
