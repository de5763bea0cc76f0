//! `serve` over HTTPS with the certificate it is given.

use std::time::{Duration, Instant};

use rapport_server::{serve, ServeConfig};

use crate::support::test_config;

const CERT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/server/fixtures/tls-cert.pem");
const KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/server/fixtures/tls-key.pem");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_the_given_certificate() {
    let dir = tempfile::tempdir().unwrap();
    // A free port (released just before serve binds it).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = ServeConfig {
        database: format!("sqlite://{}", dir.path().join("server.sqlite3").display()),
        listen: format!("127.0.0.1:{port}").parse().unwrap(),
        tls: Some((CERT.into(), KEY.into())),
        allow_plain_http: false,
        app: test_config(),
    };
    let server = tokio::spawn(serve(config));
    let cert = reqwest::Certificate::from_pem(&std::fs::read(CERT).unwrap()).unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([cert])
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let url = format!("https://127.0.0.1:{port}/v1/health");
    let started = Instant::now();
    let health = loop {
        match client.get(&url).send().await {
            Ok(res) => break res,
            // Not listening yet.
            Err(_) if started.elapsed() < Duration::from_secs(30) && !server.is_finished() => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no HTTPS answer in 30 s: {e:?} (server: {:?})", server.is_finished()),
        }
    };
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = health.json().await.unwrap();
    assert_eq!(body["database"], "sqlite");
    // The TLS port speaks no plain HTTP.
    let plain = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let res = plain.get(format!("http://127.0.0.1:{port}/v1/health")).send().await;
    assert!(res.map_or(true, |r| !r.status().is_success()), "plain HTTP got an answer");
    server.abort();
}
