//! Malformed and hostile input: always a 4xx with an error body, never a 5xx or a panic.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::both;
use crate::support::{names, Client, Db, Server, PASSWORD};

async fn expect_4xx(c: &Client, path: &str, body: Vec<u8>, what: &str) {
    let req = c
        .request(reqwest::Method::POST, path)
        .header("content-type", "application/json")
        .body(body);
    let r = c.send(req).await;
    assert!((400..500).contains(&r.status), "{path} with {what}: {r:?}");
    assert!(!r.code().is_empty() && !r.message().is_empty(), "{path} with {what}: {r:?}");
}

both!(malformed_and_random_bodies_get_a_4xx);
async fn malformed_and_random_bodies_get_a_4xx(db: Db) {
    let server = Server::start(db).await;
    let c = server.owner("ada@x.org").await;
    let op = serde_json::to_value(&names(c.device, 1, 1)[0]).unwrap();
    let with = |key: &str, value: Value| {
        let mut op = op.clone();
        op[key] = value;
        json!({ "ops": [op] })
    };
    let cases: Vec<(&str, Value)> = vec![
        ("/v1/push", json!({})),
        ("/v1/push", json!({"ops": {}})),
        ("/v1/push", json!({"ops": [1, 2]})),
        ("/v1/push", with("payload", json!("not base64!"))),
        ("/v1/push", with("payload", json!(12))),
        ("/v1/push", with("seq", json!(-1))),
        ("/v1/push", with("seq", json!(1e300))),
        ("/v1/push", with("seq", json!(u64::MAX))),
        ("/v1/push", with("hlc", json!("ffffffffffff-ffffffff"))),
        ("/v1/push", with("hlc", json!("12"))),
        ("/v1/push", with("entity", json!("spaceship"))),
        ("/v1/push", with("entity_id", json!("not a uuid"))),
        ("/v1/push", with("registers", json!([""]))),
        ("/v1/push", with("registers", json!(["x".repeat(500)]))),
        ("/v1/push", with("registers", json!(vec!["f"; 300]))),
        ("/v1/accounts", json!({"email": 5, "password": PASSWORD})),
        ("/v1/accounts", json!({"email": "b@x.org", "password": PASSWORD, "team_name": ""})),
        ("/v1/accounts", json!({"email": "b@x.org", "password": PASSWORD, "team_name": "a\u{7}b"})),
        ("/v1/sessions", json!({"email": "ada@x.org", "password": PASSWORD})),
        (
            "/v1/sessions",
            json!({"email": "ada@x.org", "password": PASSWORD, "device_id": "x", "device_name": "d"}),
        ),
        (
            "/v1/sessions",
            json!({"email": "ada@x.org", "password": PASSWORD, "device_id": c.device, "device_name": ""}),
        ),
        ("/v1/devices/00000000-0000-0000-0000-000000000000/revoke", json!({})),
    ];
    for (path, body) in cases {
        expect_4xx(&c, path, serde_json::to_vec(&body).unwrap(), &body.to_string()).await;
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    expect_4xx(&c, "/v1/push", deep.into_bytes(), "deep nesting").await;
    let mut rng = StdRng::seed_from_u64(7);
    for round in 0..60 {
        let len = rng.gen_range(0..300);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        if round % 3 == 0 {
            // Mostly JSON, one byte broken: deeper into the parser.
            bytes = serde_json::to_vec(&json!({ "ops": [op] })).unwrap();
            let at = rng.gen_range(0..bytes.len());
            bytes[at] = rng.gen();
        }
        for path in ["/v1/push", "/v1/accounts", "/v1/sessions", "/v1/invites"] {
            let r = c.send(c.request(reqwest::Method::POST, path).body(bytes.clone())).await;
            assert!(r.status < 500, "{path} round {round}: {r:?}");
        }
    }
    let wrong_method = c.get("/v1/push").await;
    assert_eq!((wrong_method.status, wrong_method.code()), (405, "invalid"), "{wrong_method:?}");
    let nowhere = c.get("/v2/anything").await;
    assert_eq!((nowhere.status, nowhere.code()), (404, "not_found"), "{nowhere:?}");
    // Still serving, nothing stored by the noise except what was valid.
    assert_eq!(c.get("/v1/health").await.status, 200);
    assert!(c.pull_all(0, 500).await.len() <= 1);
    let bad_token = Client { token: Some("x".repeat(5000)), ..c.via(&server) };
    assert_eq!(bad_token.get("/v1/pull").await.status, 401);
}

#[tokio::test]
async fn plain_http_off_loopback_needs_the_explicit_flag() {
    let config = rapport_server::ServeConfig {
        database: "sqlite://unused-never-opened.sqlite3".into(),
        listen: "0.0.0.0:0".parse().unwrap(),
        tls: None,
        allow_plain_http: false,
        app: crate::support::test_config(),
    };
    let err = rapport_server::serve(config).await.unwrap_err();
    assert!(matches!(err, rapport_server::ServeError::PlainHttp(_)), "{err}");
    assert!(err.to_string().contains("--allow-plain-http"), "{err}");
    assert!(!std::path::Path::new("unused-never-opened.sqlite3").exists());
}
