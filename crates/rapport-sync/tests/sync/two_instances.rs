//! Two server instances on one PostgreSQL database, the team's devices split between them:
//! everyone converges, and a long poll on one instance hears of a push through the other.

use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rapport_core::customers::NewCustomer;
use rapport_core::Store;
use rapport_sync::sync;
use sqlx::Connection as _;

use crate::support::*;

/// A new database in the cluster `make test` starts (scripts/with-postgres.sh).
async fn fresh_postgres() -> String {
    let base = std::env::var("RAPPORT_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "RAPPORT_TEST_POSTGRES_URL is not set: run PostgreSQL tests via `make test` or \
             scripts/with-postgres.sh"
        )
    });
    let name = format!("s_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// A few random changes: new customers, titles, tags.
async fn edits(rng: &mut StdRng, store: &Store, device: usize, round: usize) -> usize {
    let mut created = 0;
    for step in 0..3 {
        let ids: Vec<_> = store
            .list_customers(&Default::default())
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        match ids.choose(rng).filter(|_| rng.gen_bool(0.6)) {
            Some(&id) => {
                let edit = if rng.gen_bool(0.5) {
                    ("title", format!("Title {device}.{round}.{step}"))
                } else {
                    ("tags", ["vip", "north", "trade"][rng.gen_range(0..3)].to_string())
                };
                store.edit_customer(id, &[(edit.0.into(), edit.1)]).await.unwrap();
            }
            None => {
                let name = format!("Customer {device}.{round}.{step}");
                store.add_customer(&NewCustomer { name, ..Default::default() }).await.unwrap();
                created += 1;
            }
        }
    }
    created
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: run via make test"]
async fn devices_split_between_two_instances_on_one_postgresql_converge() {
    let url = fresh_postgres().await;
    let first = Server::on_database(&url, tempfile::tempdir().unwrap()).await;
    let second = Server::on_database(&url, tempfile::tempdir().unwrap()).await;
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut stores = Vec::new();
    for d in &dirs {
        stores.push(store(d.path()).await);
    }
    owner(&first, &stores[0], "owner@example.com").await;
    for (i, s) in stores.iter().enumerate().skip(1) {
        let via = if i % 2 == 0 { &first } else { &second };
        member(via, &stores[0], s, &format!("rep{i}@example.com")).await;
    }

    // A long poll through the second instance hears of a push through the first (it looks
    // at the database again every second; the push can't wake it directly).
    sync(&stores[1]).await.unwrap();
    let account = stores[1].sync_account().await.unwrap().unwrap();
    assert!(account.server_url == second.url);
    let wait = std::time::Duration::from_secs(20);
    let started = std::time::Instant::now();
    let (woken, ()) = tokio::join!(rapport_sync::wait_for_changes(&account, wait), async {
        let first_one = NewCustomer { name: "First one".into(), ..Default::default() };
        stores[0].add_customer(&first_one).await.unwrap();
        sync(&stores[0]).await.unwrap();
    });
    assert!(woken.unwrap());
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());

    // Rounds of edits, then everyone syncing at once through its own instance.
    let mut rng = StdRng::seed_from_u64(7);
    let mut created = 1;
    for round in 0..6 {
        for (d, s) in stores.iter().enumerate() {
            created += edits(&mut rng, s, d, round).await;
        }
        let results = futures_join_all(&stores).await;
        for r in results {
            r.unwrap();
        }
    }
    for _ in 0..2 {
        for s in &stores {
            sync(s).await.unwrap();
        }
    }
    let expected = customers(&stores[0]).await;
    assert_eq!(expected.len(), created, "every device's new customers, once each");
    for s in &stores[1..] {
        assert_eq!(customers(s).await, expected);
    }
}

/// Every store syncing at the same time.
async fn futures_join_all(stores: &[Store]) -> Vec<rapport_sync::Result<rapport_sync::SyncReport>> {
    let (a, b, c, d) =
        tokio::join!(sync(&stores[0]), sync(&stores[1]), sync(&stores[2]), sync(&stores[3]));
    vec![a, b, c, d]
}
