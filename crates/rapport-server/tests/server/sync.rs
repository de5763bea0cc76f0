//! Push, pull and compression.

use std::io::{Read as _, Write as _};

use rapport_protocol::wire::{PullResponse, PushResponse};
use serde_json::json;

use crate::both;
use crate::support::{names, Db, Server};

both!(push_is_idempotent_and_refuses_gaps);
async fn push_is_idempotent_and_refuses_gaps(db: Db) {
    let server = Server::start(db).await;
    let c = server.owner("ada@x.org").await;
    let first = names(c.device, 1, 3);
    let r = c.push(&first).await;
    assert_eq!(r.status, 200, "{r:?}");
    let ack: PushResponse = serde_json::from_value(r.body).unwrap();
    assert_eq!((ack.acked_seq, ack.stored), (3, 3));
    let again: PushResponse = serde_json::from_value(c.push(&first).await.body).unwrap();
    assert_eq!((again.acked_seq, again.stored), (3, 0), "a retried push stores nothing");

    let gap = c.push(&names(c.device, 5, 1)).await;
    assert_eq!((gap.status, gap.code()), (409, "seq_gap"), "{gap:?}");
    assert!(gap.message().contains("seq 4"), "{gap:?}");
    // An overlapping batch stores only what is new.
    let r: PushResponse =
        serde_json::from_value(c.push(&names(c.device, 2, 4)).await.body).unwrap();
    assert_eq!((r.acked_seq, r.stored), (5, 2));
    let empty: PushResponse = serde_json::from_value(c.push(&[]).await.body).unwrap();
    assert_eq!((empty.acked_seq, empty.stored), (5, 0));

    let pulled = c.pull_all(0, 500).await;
    let seqs: Vec<(u64, u64)> = pulled.iter().map(|p| (p.server_seq, p.envelope.seq)).collect();
    assert_eq!(seqs, [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]);
    assert_eq!(pulled[4].envelope, names(c.device, 5, 1)[0], "stored as pushed");

    let mut foreign = names(c.device, 6, 1);
    foreign[0].device = uuid::Uuid::now_v7();
    let r = c.push(&foreign).await;
    assert_eq!((r.status, r.code()), (400, "invalid"), "{r:?}");
    let mut zero = names(c.device, 6, 1);
    zero[0].seq = 0;
    assert_eq!(c.push(&zero).await.status, 400);
}

both!(pull_pages_by_server_seq_within_the_team);
async fn pull_pages_by_server_seq_within_the_team(db: Db) {
    let server = Server::start(db).await;
    let a = server.owner("ada@x.org").await;
    let b = server.member(&a, "bob@x.org").await;
    let other = server.owner("eve@y.org").await;
    assert_eq!(a.push(&names(a.device, 1, 12)).await.status, 200);
    assert_eq!(b.push(&names(b.device, 1, 8)).await.status, 200);
    assert_eq!(other.push(&names(other.device, 1, 5)).await.status, 200);

    let mut cursor = 0;
    let mut pages = Vec::new();
    loop {
        let r = b.get(&format!("/v1/pull?after={cursor}&limit=7")).await;
        let page: PullResponse = serde_json::from_value(r.body).unwrap();
        pages.push((page.ops.len(), page.more));
        let seqs: Vec<u64> = page.ops.iter().map(|p| p.server_seq).collect();
        let expected: Vec<u64> = (cursor + 1..=cursor + seqs.len() as u64).collect();
        assert_eq!(seqs, expected, "gap-free, in order");
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, [(7, true), (7, true), (6, false)]);
    assert_eq!(cursor, 20);
    let end: PullResponse = serde_json::from_value(b.get("/v1/pull?after=20").await.body).unwrap();
    assert_eq!((end.ops.len(), end.cursor, end.more), (0, 20, false));

    // Another team sees only its own ops, numbered from 1.
    let theirs = other.pull_all(0, 500).await;
    assert_eq!(theirs.len(), 5);
    assert!(theirs.iter().all(|p| p.envelope.device == other.device));
    assert_eq!(theirs[0].server_seq, 1);

    for bad in ["after=-1", "limit=99999999999", "after=x", "after=18446744073709551616"] {
        let r = b.get(&format!("/v1/pull?{bad}")).await;
        assert_eq!((r.status, r.code()), (400, "invalid"), "{bad}: {r:?}");
    }
    let one: PullResponse = serde_json::from_value(b.get("/v1/pull?limit=0").await.body).unwrap();
    assert_eq!(one.ops.len(), 1, "a page has at least one op");
}

both!(bodies_travel_gzip_compressed_both_ways);
async fn bodies_travel_gzip_compressed_both_ways(db: Db) {
    let server = Server::start(db).await;
    let c = server.owner("ada@x.org").await;
    let body = serde_json::to_vec(&json!({ "ops": names(c.device, 1, 200) })).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&body).unwrap();
    let compressed = gz.finish().unwrap();
    assert!(compressed.len() * 3 < body.len());
    let req = c
        .request(reqwest::Method::POST, "/v1/push")
        .header("content-encoding", "gzip")
        .header("content-type", "application/json")
        .body(compressed);
    let r = c.send(req).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["stored"], 200);

    let bad = c
        .request(reqwest::Method::POST, "/v1/push")
        .header("content-encoding", "gzip")
        .body(b"not gzip at all".to_vec());
    assert_eq!(c.send(bad).await.status, 400);

    // A client that accepts gzip gets the pull compressed.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let res = raw
        .get(format!("{}/v1/pull", server.base))
        .header(rapport_protocol::wire::VERSION_HEADER, "1")
        .header("accept-encoding", "gzip")
        .bearer_auth(c.token.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let bytes = res.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
    let page: PullResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(page.ops.len(), 200);
}

both!(a_waiting_pull_returns_when_a_teammate_pushes_and_not_for_another_team);
async fn a_waiting_pull_returns_when_a_teammate_pushes_and_not_for_another_team(db: Db) {
    let server = Server::start(db).await;
    let a = server.owner("ada@x.org").await;
    let b = server.member(&a, "bob@x.org").await;
    let other = server.owner("eve@y.org").await;

    // Nothing to pull: b's pull waits; a push to another team doesn't end it, a's does.
    let started = std::time::Instant::now();
    let (waited, ()) = tokio::join!(b.get("/v1/pull?after=0&wait=20"), async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(other.push(&names(other.device, 1, 1)).await.status, 200);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(a.push(&names(a.device, 1, 2)).await.status, 200);
    });
    let elapsed = started.elapsed();
    assert_eq!(waited.status, 200, "{waited:?}");
    let page: PullResponse = serde_json::from_value(waited.body).unwrap();
    let devices: Vec<_> = page.ops.iter().map(|p| p.envelope.device).collect();
    assert_eq!(devices, [a.device, a.device], "only the teammate's ops");
    assert!(elapsed >= std::time::Duration::from_millis(600), "it waited: {elapsed:?}");
    // Generous: the point is that it did not wait out the 20 s.
    assert!(elapsed < std::time::Duration::from_secs(10), "woken by the push: {elapsed:?}");

    // With something to pull, no waiting; with nothing, an empty page when the wait ends.
    let started = std::time::Instant::now();
    let r: PullResponse =
        serde_json::from_value(b.get("/v1/pull?after=0&wait=20").await.body).unwrap();
    assert_eq!(r.ops.len(), 2);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let started = std::time::Instant::now();
    let r: PullResponse =
        serde_json::from_value(b.get("/v1/pull?after=2&wait=1").await.body).unwrap();
    assert_eq!((r.ops.len(), r.cursor, r.more), (0, 2, false));
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "it waited the second");
}
