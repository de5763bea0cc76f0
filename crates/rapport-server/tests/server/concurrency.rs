//! Two server instances on one database serve one team: everything pushed through either
//! is pulled by everyone, numbered without gaps.

use std::collections::HashMap;

use crate::both;
use crate::support::{names, test_config, Db, Server, PASSWORD};

both!(two_instances_on_one_database_serve_one_team);
async fn two_instances_on_one_database_serve_one_team(db: Db) {
    let first = Server::start(db).await;
    let second = Server::on(first.db.clone(), test_config(), first.clock.clone()).await;
    let owner = first.owner("ada@x.org").await;
    // Four devices, two signed in through each instance.
    let mut devices = vec![owner];
    for i in 1..4 {
        let server = if i % 2 == 0 { &first } else { &second };
        let mut c = server.client();
        assert_eq!(c.sign_in("ada@x.org", PASSWORD).await.status, 200);
        devices.push(c);
    }
    const BATCHES: u64 = 6;
    const PER_BATCH: u64 = 20;
    let mut tasks = tokio::task::JoinSet::new();
    for c in devices.iter().map(|c| c.via(if c.base == first.base { &first } else { &second })) {
        tasks.spawn(async move {
            for b in 0..BATCHES {
                let r = c.push(&names(c.device, 1 + b * PER_BATCH, PER_BATCH)).await;
                assert_eq!(r.status, 200, "{r:?}");
                assert_eq!(r.body["acked_seq"], (b + 1) * PER_BATCH);
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let total = devices.len() as u64 * BATCHES * PER_BATCH;
    for c in &devices {
        for server in [&first, &second] {
            let pulled = c.via(server).pull_all(0, 150).await;
            let seqs: Vec<u64> = pulled.iter().map(|p| p.server_seq).collect();
            assert_eq!(seqs, (1..=total).collect::<Vec<_>>(), "gap-free and ordered");
            let mut last: HashMap<uuid::Uuid, u64> = HashMap::new();
            for p in &pulled {
                let prev = last.insert(p.envelope.device, p.envelope.seq).unwrap_or(0);
                assert_eq!(p.envelope.seq, prev + 1, "each device's ops in its own order");
            }
            assert_eq!(last.len(), devices.len());
        }
    }
}
