//! Versions, caps, rate limits and the clock-skew guard.

use std::io::Write as _;

use rapport_protocol::wire::VERSION_HEADER;
use rapport_protocol::{OpAction, MAX_DRIFT_MS};
use rapport_server::limits::{LoginLimits, Quota, MAX_BATCH_OPS, MAX_PAYLOAD_BYTES};
use serde_json::json;

use crate::both;
use crate::support::{envelope, names, test_config, Db, Server, NOW_MS, PASSWORD};

both!(an_old_or_missing_version_is_told_to_update);
async fn an_old_or_missing_version_is_told_to_update(db: Db) {
    let server = Server::start(db).await;
    let c = server.owner("ada@x.org").await;
    let url = format!("{}/v1/pull", server.base);
    let token = c.token.clone().unwrap();
    for version in [None, Some("0"), Some("banana")] {
        let mut req = c.http.get(&url).bearer_auth(&token);
        if let Some(v) = version {
            req = req.header(VERSION_HEADER, v);
        }
        let r = c.send(req).await;
        assert_eq!((r.status, r.code()), (426, "client_outdated"), "{version:?}: {r:?}");
        assert!(r.message().contains("update Rapport"), "{r:?}");
    }
    let newer = c.send(c.http.get(&url).bearer_auth(&token).header(VERSION_HEADER, "999")).await;
    assert_eq!(newer.status, 400, "{newer:?}");
    // Health needs neither a token nor the header.
    let health = c.send(c.http.get(format!("{}/v1/health", server.base))).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "ok");
    assert_eq!(health.body["protocol"], 1);
    let kind = match db {
        Db::Sqlite => "sqlite",
        Db::Postgres => "postgres",
    };
    assert_eq!(health.body["database"], kind);
}

both!(guessing_passwords_is_rate_limited_per_account_and_per_address);
async fn guessing_passwords_is_rate_limited_per_account_and_per_address(db: Db) {
    let mut config = test_config();
    let loose = Quota { burst: 10_000, refill_ms: 1 };
    config.login_limits =
        LoginLimits { per_ip: loose, per_account: Quota { burst: 3, refill_ms: 60_000 } };
    let server = Server::start_with(db, config).await;
    server.owner("ada@x.org").await; // one attempt used
    let mut c = server.client();
    for _ in 0..2 {
        assert_eq!(c.sign_in("ada@x.org", "wrong password").await.status, 401);
    }
    let limited = c.sign_in("ada@x.org", PASSWORD).await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"), "{limited:?}");
    assert_eq!(limited.headers["retry-after"], "60");
    assert_eq!(c.sign_in("other@x.org", PASSWORD).await.status, 401, "other accounts go on");
    server.clock.advance(60_000);
    assert_eq!(c.sign_in("ada@x.org", PASSWORD).await.status, 200);

    let mut config = test_config();
    config.login_limits =
        LoginLimits { per_ip: Quota { burst: 4, refill_ms: 10_000 }, per_account: loose };
    let server = Server::start_with(db, config).await;
    let mut c = server.client();
    for i in 0..4 {
        assert_eq!(c.sign_in(&format!("u{i}@x.org"), PASSWORD).await.status, 401);
    }
    let limited = c.sign_in("u9@x.org", PASSWORD).await;
    assert_eq!(limited.status, 429, "{limited:?}");
    assert_eq!(limited.headers["retry-after"], "10");
    let signup = c.post("/v1/accounts", &json!({"email": "n@x.org", "password": PASSWORD})).await;
    assert_eq!(signup.status, 429, "sign-ups share the address's budget");
}

both!(oversized_bodies_batches_and_payloads_are_refused);
async fn oversized_bodies_batches_and_payloads_are_refused(db: Db) {
    let server = Server::start(db).await;
    let c = server.owner("ada@x.org").await;

    let batch = names(c.device, 1, MAX_BATCH_OPS as u64 + 1);
    let r = c.push(&batch).await;
    assert_eq!((r.status, r.code()), (413, "too_large"), "{r:?}");
    assert!(r.message().contains("1000"), "{r:?}");

    let mut big = names(c.device, 1, 1);
    big[0].payload = vec![b'x'; MAX_PAYLOAD_BYTES + 1];
    let r = c.push(&big).await;
    assert_eq!((r.status, r.code()), (413, "too_large"), "{r:?}");
    assert!(r.message().contains("/1:"), "names the op: {r:?}");

    // 17 MiB of JSON, plain and as a small gzip body: the cap is on the decompressed bytes.
    let huge = format!("{{\"ops\": [], \"pad\": \"{}\"}}", "a".repeat(17 << 20));
    // The server answers 413 before reading the whole body and then closes the connection,
    // so an HTTP client still sending may see the close before the answer (a race, not a
    // wrong answer): a few tries, and one of them must read the 413.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let res = c.request(reqwest::Method::POST, "/v1/push").body(huge.clone()).send().await;
        match res {
            Ok(res) => {
                statuses.push(res.status().as_u16());
                if let Ok(body) = res.json::<serde_json::Value>().await {
                    assert_eq!(body["code"], "too_large", "{body}");
                }
                break;
            }
            Err(e) => assert!(e.is_request() || e.is_body(), "not a send race: {e}"),
        }
    }
    assert_eq!(statuses, [413], "an oversized body is answered 413 (tries: {statuses:?})");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(huge.as_bytes()).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let req = c
        .request(reqwest::Method::POST, "/v1/push")
        .header("content-encoding", "gzip")
        .header("content-type", "application/json")
        .body(bomb);
    let r = c.send(req).await;
    assert_eq!((r.status, r.code()), (413, "too_large"), "{r:?}");

    let long = "p".repeat(100 << 10);
    let r = c.post("/v1/accounts", &json!({"email": "b@x.org", "password": long})).await;
    assert_eq!((r.status, r.code()), (413, "too_large"), "{r:?}");
    assert!(c.pull_all(0, 100).await.is_empty(), "nothing was stored");
}

both!(an_op_too_far_ahead_of_the_server_clock_is_refused);
async fn an_op_too_far_ahead_of_the_server_clock_is_refused(db: Db) {
    let server = Server::start(db).await;
    let c = server.owner("ada@x.org").await;
    let set = || OpAction::Set { field: "name".into(), value: "Ada".into(), prev: None };
    let ahead = envelope(c.device, 1, NOW_MS + MAX_DRIFT_MS + 90_000, 1, set());
    let r = c.push(&[ahead]).await;
    assert_eq!((r.status, r.code()), (422, "clock_ahead"), "{r:?}");
    assert!(r.message().contains(&format!("{}/1", c.device)), "{r:?}");
    assert!(r.message().contains("390 s ahead") && r.message().contains("date and time"), "{r:?}");
    let near = envelope(c.device, 1, NOW_MS + MAX_DRIFT_MS, 1, set());
    let r = c.push(&[near]).await;
    assert_eq!(r.status, 200, "{r:?}");
}
