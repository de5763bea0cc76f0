//! End-to-end tests of the real desktop window: the built app, driven through
//! tauri-driver + WebKitWebDriver under Xvfb, on real encrypted stores.
//!
//! Run by `scripts/e2e.sh` (part of `make test`): it builds the UI, runs these tests under
//! Xvfb inside a private keyring session, and sets RAPPORT_E2E_DRIVER (tauri-driver) and
//! RAPPORT_E2E_CLI (the `rapport` binary). Ignored in plain `cargo test`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use tokio::process::{Child, Command};

const WAIT: Duration = Duration::from_secs(30);

fn env_path(name: &str) -> PathBuf {
    let p = std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: run the desktop E2E tests via scripts/e2e.sh")
    });
    let p = PathBuf::from(p);
    assert!(p.exists(), "{name}={} does not exist", p.display());
    p
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One app session: tauri-driver (which starts WebKitWebDriver, which starts the app).
struct App {
    client: Client,
    driver: Child,
}

impl App {
    async fn launch(data_dir: &Path, extra_env: &[(&str, &str)]) -> App {
        let (port, native) = (free_port(), free_port());
        let mut cmd = Command::new(env_path("RAPPORT_E2E_DRIVER"));
        cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("RAPPORT_DATA_DIR", data_dir)
            .env_remove("RAPPORT_PASSPHRASE")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let driver = cmd.spawn().expect("start tauri-driver");
        // Cargo builds the app binary for this test (with the UI embedded, see e2e.sh).
        let app = env!("CARGO_BIN_EXE_rapport-desktop");
        let caps = json!({ "tauri:options": { "application": app } });
        let caps = caps.as_object().unwrap().clone();
        // tauri-driver forwards to WebKitWebDriver on the native port: a session request
        // sent before both listen can hang, so wait (bounded) for both first.
        for p in [port, native] {
            let mut up = false;
            for _ in 0..150 {
                if tokio::net::TcpStream::connect(("127.0.0.1", p)).await.is_ok() {
                    up = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(up, "WebDriver port {p} never opened");
        }
        let url = format!("http://127.0.0.1:{port}");
        let mut builder = ClientBuilder::rustls().unwrap();
        let connect = builder.capabilities(caps).connect(&url);
        let client = tokio::time::timeout(Duration::from_secs(60), connect)
            .await
            .expect("starting a WebDriver session timed out")
            .expect("could not start a WebDriver session");
        App { client, driver }
    }

    async fn wait_css(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("`{css}` never appeared: {e}"))
    }

    /// The texts of the elements matching `css`, or `None` if the page re-rendered while
    /// they were read (a stale element); callers poll again.
    async fn texts(&self, css: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for e in self.client.find_all(Locator::Css(css)).await.ok()? {
            out.push(e.text().await.ok()?);
        }
        Some(out)
    }

    /// Waits (bounded) until `check` holds for the texts matched by `css`.
    async fn wait_texts(
        &self,
        css: &str,
        what: &str,
        check: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let t = self.texts(css).await.unwrap_or_default();
            if check(&t) {
                return t;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}; `{css}` shows {t:?}"
            );
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("RAPPORT_SCREENSHOTS_DIR") {
            // Let fonts and transitions settle before the picture.
            tokio::time::sleep(Duration::from_millis(600)).await;
            let png = self.client.screenshot().await.unwrap();
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
            if name == "customers" {
                // The whole X screen too: proof the native window itself rendered.
                let out = Path::new(&dir).join("window.png");
                let ok = std::process::Command::new("/usr/bin/import")
                    .args(["-window", "root"])
                    .arg(&out)
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(ok, "ImageMagick `import` failed to capture the screen");
            }
        }
    }

    async fn quit(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
        let _ = self.driver.wait().await;
    }
}

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn first_run_lists_demo_customers_and_adds_one_that_survives_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path(), &[]).await;

    // First run: the setup screen creates the encrypted store (key in the keychain).
    app.wait_css("[data-testid=create-store]").await.click().await.unwrap();
    let rows =
        app.wait_texts("[data-testid=customer-name]", "demo customers", |t| t.len() >= 20).await;
    assert!(rows.iter().all(|n| !n.trim().is_empty()));
    let count = app.wait_css("[data-testid=customer-count]").await.text().await.unwrap();
    assert!(count.contains("customers"), "{count}");
    app.screenshot("customers").await;

    // Add a customer through the dialog.
    app.wait_css("[data-testid=add-customer]").await.click().await.unwrap();
    app.wait_css("[data-testid=new-customer-name]")
        .await
        .send_keys("Ellis Eriksson")
        .await
        .unwrap();
    app.wait_css("[data-testid=new-customer-email]")
        .await
        .send_keys("ellis@example.com")
        .await
        .unwrap();
    app.screenshot("add-customer").await;
    app.wait_css("[data-testid=new-customer-submit]").await.click().await.unwrap();
    app.wait_texts("[data-testid=customer-name]", "the new customer", |t| {
        t.iter().any(|n| n == "Ellis Eriksson")
    })
    .await;

    // Search narrows the list as you type.
    app.wait_css("[data-testid=customer-search]").await.send_keys("Eriks").await.unwrap();
    app.wait_texts("[data-testid=customer-name]", "search results", |t| t == ["Ellis Eriksson"])
        .await;
    app.quit().await;

    // The store is encrypted on disk: the new name is nowhere in plaintext.
    for f in std::fs::read_dir(data.path()).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"Eriksso"), "plaintext in the store files");
    }

    // Restart: the key comes back from the keychain and the customer is still there.
    let app = App::launch(data.path(), &[]).await;
    app.wait_css("[data-testid=customer-search]").await.send_keys("Ellis").await.unwrap();
    app.wait_texts("[data-testid=customer-name]", "the customer after restart", |t| {
        t == ["Ellis Eriksson"]
    })
    .await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn passphrase_store_shows_unlock_and_refuses_a_wrong_passphrase() {
    let data = tempfile::tempdir().unwrap();
    let cli = env_path("RAPPORT_E2E_CLI");
    let ok = std::process::Command::new(&cli)
        .args(["--data-dir", data.path().to_str().unwrap(), "init"])
        .env("RAPPORT_PASSPHRASE", "orchard lantern 42")
        .status()
        .unwrap();
    assert!(ok.success());
    let ok = std::process::Command::new(&cli)
        .args([
            "--data-dir",
            data.path().to_str().unwrap(),
            "customer",
            "add",
            "--name",
            "Paula Passphrase",
        ])
        .env("RAPPORT_PASSPHRASE", "orchard lantern 42")
        .status()
        .unwrap();
    assert!(ok.success());

    let app = App::launch(data.path(), &[]).await;
    let field = app.wait_css("[data-testid=unlock-passphrase]").await;
    field.send_keys("not it at all").await.unwrap();
    app.wait_css("[data-testid=unlock-submit]").await.click().await.unwrap();
    app.wait_texts("body", "the wrong-passphrase message", |t| {
        t.iter().any(|b| b.contains("doesn't unlock"))
    })
    .await;
    app.screenshot("unlock-wrong-passphrase").await;

    let field = app.wait_css("[data-testid=unlock-passphrase]").await;
    field.clear().await.unwrap();
    field.send_keys("orchard lantern 42").await.unwrap();
    app.wait_css("[data-testid=unlock-submit]").await.click().await.unwrap();
    app.wait_texts("[data-testid=customer-name]", "the unlocked list", |t| {
        t == ["Paula Passphrase"]
    })
    .await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn a_plaintext_file_is_refused_with_a_clear_page_and_left_alone() {
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join("rapport.db");
    // A plain SQLite file where the store should be.
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.resize(4096, 0);
    std::fs::write(&db, &bytes).unwrap();

    let app = App::launch(data.path(), &[]).await;
    let page = app.wait_css("[data-testid=cannot-open]").await.text().await.unwrap();
    assert!(page.contains("not an encrypted Rapport store"), "{page}");
    assert!(page.contains("has not been changed"), "{page}");
    app.screenshot("cannot-open").await;
    app.quit().await;
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the refused file was modified");
}
