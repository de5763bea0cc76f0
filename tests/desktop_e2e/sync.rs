//! Sync in the real window: a team created in Settings → Sync on a real `rapport server`,
//! customers going both ways with a colleague's device (the CLI on a second data dir), a
//! device revoked from the list, and the sidebar's indicator, online and offline. No
//! Sync now is needed for either direction: a local change is pushed at once, and a long
//! poll brings the colleague's.

use std::io::Write as _;

use super::*;

const PASSWORD: &str = "a long enough password";

/// `rapport server` on a free port (SQLite in a temp dir), killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let db = format!("sqlite://{}", dir.path().join("team.sqlite3").display());
        let child = std::process::Command::new(env_path("RAPPORT_E2E_CLI"))
            .args(["server", "--database", &db, "--listen", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start rapport server");
        // Dropped (killed and waited for) however the test ends.
        let server = ServerProcess { child, url: format!("http://127.0.0.1:{port}"), _dir: dir };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("rapport server did not listen on 127.0.0.1:{port} within 20 s");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The CLI with the password on standard input (it never takes one as an argument).
fn cli_with_password(data: &Path, args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env_path("RAPPORT_E2E_CLI"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RAPPORT_PASSPHRASE", PASS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn customer_names(data: &Path) -> Vec<String> {
    let list: serde_json::Value =
        serde_json::from_str(&cli(data, &["--json", "customer", "list"])).unwrap();
    let items = list.as_array().cloned().unwrap_or_default();
    items.iter().filter_map(|c| c["display_name"].as_str().map(str::to_string)).collect()
}

impl App {
    /// Adds a customer through the list's dialog.
    async fn add_customer(&self, name: &str) {
        self.click("[data-testid=nav-customers]").await;
        self.click("[data-testid=add-customer]").await;
        self.type_into("[data-testid=new-customer-name]", name).await;
        self.click("[data-testid=new-customer-submit]").await;
        self.wait_texts("[data-testid=customer-name]", "the added customer", |t| {
            t.iter().any(|n| n == name)
        })
        .await;
    }

    async fn indicator(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let texts = self
            .wait_texts("[data-testid=sync-indicator]", what, |t| t.len() == 1 && check(&t[0]))
            .await;
        texts[0].clone()
    }

    /// Presses Sync now in Settings and waits for it to finish.
    async fn sync_now(&self) {
        self.click("[data-testid=nav-settings]").await;
        self.click("[data-testid=sync-now]").await;
        let script = "const b = document.querySelector('[data-testid=sync-now]');
            return b !== null && b.getAttribute('aria-busy') !== 'true';";
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            tokio::time::sleep(Duration::from_millis(150)).await;
            if self.client.execute(script, vec![]).await.unwrap() == json!(true) {
                return;
            }
            assert!(tokio::time::Instant::now() < deadline, "Sync now never finished");
        }
    }
}

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn a_team_made_in_the_sync_settings_syncs_both_ways_with_a_colleague() {
    let server = ServerProcess::start();
    let data = tempfile::tempdir().unwrap();
    cli(data.path(), &["init"]);
    let app = open_passphrase_store(data.path()).await;

    // Never signed in: a quiet link to the settings.
    app.indicator("sync off", |t| t == "Sync: off").await;
    app.click("[data-testid=sync-indicator]").await;
    app.wait_css("[data-testid=sync-sign-in]").await;

    // A wrong address is caught before anything is sent.
    app.type_into("[data-testid=sync-server]", "sync.example.com").await;
    app.click("[data-testid=sync-sign-in-submit]").await;
    app.wait_texts(".field .error", "the address error", |t| {
        t.iter().any(|e| e.contains("https://"))
    })
    .await;

    // Create the team; this device signs in as "This computer".
    app.wait_css("[data-testid=sync-server]").await.clear().await.unwrap();
    app.type_into("[data-testid=sync-server]", &server.url).await;
    app.type_into("[data-testid=sync-email]", "owner@example.com").await;
    app.type_into("[data-testid=sync-password]", PASSWORD).await;
    app.type_into("[data-testid=sync-team-name]", "Acme").await;
    app.screenshots_both_themes("sync-sign-in").await;
    app.click("[data-testid=sync-sign-in-submit]").await;
    app.wait_css("[data-testid=sync-section][data-signed-in=true]").await;
    let devices = app
        .wait_texts("[data-testid=sync-device]", "this device in the list", |t| t.len() == 1)
        .await;
    assert!(devices[0].contains("This computer") && devices[0].contains("This device"));
    app.indicator("the first sync", |t| t.starts_with("Synced")).await;

    // A customer made in the app reaches the server by itself, right after the change
    // (the colleague below gets it without anyone pressing Sync now).
    app.add_customer("Sune Synced").await;
    app.click("[data-testid=nav-settings]").await;
    let status = app
        .wait_texts("[data-testid=sync-status-line]", "the status after Sync now", |t| {
            t.len() == 1 && t[0].starts_with("Synced") && !t[0].contains("waiting")
        })
        .await;
    assert!(status[0].contains("just now"), "{status:?}");

    // A colleague joins with an invite code made in the app, on their own device.
    app.click("[data-testid=sync-invite-create]").await;
    app.wait_css("[data-testid=sync-invite-code]").await;
    let code = app
        .client
        .execute("return document.querySelector('[data-testid=sync-invite-code]').value;", vec![])
        .await
        .unwrap();
    let code = code.as_str().unwrap().to_string();
    assert!(code.len() >= 16, "{code}");
    let validity = app.wait_css("[data-testid=sync-invite-validity]").await.text().await.unwrap();
    assert!(validity.contains("valid 7 days"), "{validity}");
    let colleague = join_as_colleague(&server.url, &code);
    assert_eq!(customer_names(colleague.path()), ["Sune Synced"]);

    // The colleague's customer shows in the open list by itself: the app's long poll
    // hears of the push and syncs.
    app.click("[data-testid=nav-customers]").await;
    cli(colleague.path(), &["customer", "add", "--name", "Cleo Colleague"]);
    cli(colleague.path(), &["sync"]);
    let pushed = std::time::Instant::now();
    app.wait_texts("[data-testid=customer-name]", "the colleague's customer", |t| {
        t.iter().any(|n| n == "Cleo Colleague") && t.iter().any(|n| n == "Sune Synced")
    })
    .await;
    eprintln!("the colleague's customer showed {:?} after their sync", pushed.elapsed());
    app.indicator("synced just now", |t| t == "Synced just now").await;
    app.screenshot("sync-indicator").await;

    // Settings → Sync, signed in, with both devices.
    app.click("[data-testid=sync-indicator]").await;
    app.wait_texts("[data-testid=sync-device]", "both devices", |t| t.len() == 2).await;
    app.screenshots_both_themes("sync-settings").await;

    // Revoking the colleague's laptop signs it out; its next sync says so.
    app.click("[data-testid=sync-device-revoke]").await;
    app.click("[data-testid=sync-revoke-confirm]").await;
    app.wait_texts("[data-testid=sync-device]", "the revoked device", |t| {
        t.iter().any(|d| d.contains("Rep's laptop") && d.contains("Revoked"))
    })
    .await;
    let out = std::process::Command::new(env_path("RAPPORT_E2E_CLI"))
        .arg("--data-dir")
        .arg(colleague.path())
        .args(["--json", "sync"])
        .env("RAPPORT_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unauthorized"));

    // Offline is a status, not an alarm: the change waits.
    drop(server);
    app.add_customer("Otto Offline").await;
    app.sync_now().await;
    app.indicator("offline with a change waiting", |t| {
        t.contains("Offline") && t.contains("1 change waiting")
    })
    .await;
    let error = app.wait_css("[data-testid=sync-error]").await.text().await.unwrap();
    assert!(error.contains("Could not reach the sync server"), "{error}");
    app.click("[data-testid=nav-customers]").await;
    app.screenshot("sync-indicator-offline").await;
    app.quit().await;
}

/// The JSON a CLI command prints.
fn cli_json(data: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&cli(data, &all)).unwrap()
}

/// Syncs the device at `data` until its conflict list passes `check` (bounded); the list.
fn until_cli(
    data: &Path,
    what: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        cli(data, &["sync"]);
        let conflicts = cli_json(data, &["conflicts"]);
        if check(&conflicts) {
            return conflicts;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}: {conflicts}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn a_name_changed_on_two_devices_at_once_is_settled_from_the_conflict_list() {
    let server = ServerProcess::start();
    // Two devices of one team, signed in with the CLI (the sign-in form has its own test):
    // this one, which the app opens, and a colleague's.
    let data = tempfile::tempdir().unwrap();
    cli(data.path(), &["init"]);
    let team = [
        "account",
        "register",
        "--server",
        &server.url,
        "--email",
        "owner@example.com",
        "--team",
        "Acme",
        "--device-name",
        "This computer",
        "--password-stdin",
    ];
    let out = cli_with_password(data.path(), &team);
    assert!(out.status.success(), "register: {}", String::from_utf8_lossy(&out.stderr));
    cli(data.path(), &["customer", "add", "--name", "Ada Lovelace"]);
    cli(data.path(), &["sync"]);
    let invite = cli_json(data.path(), &["account", "invite"]);
    let code = invite["code"].as_str().expect("an invite code").to_string();
    let colleague = join_as_colleague(&server.url, &code);
    assert_eq!(customer_names(colleague.path()), ["Ada Lovelace"]);

    let app = open_passphrase_store(data.path()).await;
    app.indicator("the first sync", |t| t.starts_with("Synced") && !t.contains("conflict")).await;

    // Each device renames Ada without having seen the other's edit: the colleague first
    // (not synced yet), then this one in the window (pushed at once), so this one's is
    // the later edit and wins.
    cli(colleague.path(), &["customer", "edit", "Ada Lovelace", "--set", "name=Ada Byron"]);
    app.click("[data-testid=nav-customers]").await;
    app.click("[data-testid=customer-row]").await;
    app.click("[data-testid=customer-edit]").await;
    let name = app.wait_css("[data-testid=edit-name]").await;
    name.clear().await.unwrap();
    name.send_keys("Ada King").await.unwrap();
    app.click("[data-testid=edit-save]").await;
    app.wait_texts("[data-testid=customer-page-name]", "the renamed customer", |t| {
        t == ["Ada King"]
    })
    .await;

    // The colleague syncs: the edits meet. The app hears of the push (long poll), takes
    // the colleague's edit in, and keeps it for review.
    cli(colleague.path(), &["sync"]);
    app.indicator("a conflict to review", |t| t.contains("1 conflict to review")).await;
    // The colleague lists the same one once it has the app's edit (its sync above may
    // have come before the app pushed).
    let on_colleague = until_cli(colleague.path(), "the colleague's conflict", |c| {
        c.as_array().is_some_and(|l| l.len() == 1)
    });
    assert_eq!(on_colleague[0]["losing"], "Ada Byron", "{on_colleague}");

    // The indicator leads to the list: both values, and who lost when.
    app.click("[data-testid=sync-indicator]").await;
    let shown = app
        .wait_texts("[data-testid=sync-conflict]", "the conflict in the list", |t| t.len() == 1)
        .await;
    assert!(shown[0].contains("Ada King") && shown[0].contains("name"), "{shown:?}");
    let losing = app.wait_css("[data-testid=sync-conflict-losing]").await.text().await.unwrap();
    assert_eq!(losing, "Ada Byron");
    let source = app.wait_css("[data-testid=sync-conflict-source]").await.text().await.unwrap();
    assert!(source.starts_with("Another device, "), "{source}");
    let focused = app
        .client
        .execute("return document.activeElement && document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("sync-conflicts"), "the list's heading has the keyboard");
    app.screenshots_both_themes("sync-conflicts").await;

    // Use the value that lost: it is Ada's name now, here and on the colleague's device.
    app.click("[data-testid=sync-conflict-use]").await;
    let settled = app
        .wait_texts("[data-testid=sync-conflict-settled]", "the settled conflict", |t| t.len() == 1)
        .await;
    assert!(settled[0].contains("is now “Ada Byron”"), "{settled:?}");
    app.wait_css("[data-testid=sync-conflicts-empty]").await;
    app.indicator("no conflict left", |t| t.starts_with("Synced") && !t.contains("conflict")).await;
    app.click("[data-testid=nav-customers]").await;
    app.wait_texts("[data-testid=customer-name]", "the used value in the list", |t| {
        t == ["Ada Byron"]
    })
    .await;
    app.click("[data-testid=customer-row]").await;
    app.wait_texts("[data-testid=customer-page-name]", "the used value on her page", |t| {
        t == ["Ada Byron"]
    })
    .await;

    // The settling edit is pushed at once; the colleague's next sync takes it in.
    until_cli(colleague.path(), "the conflict settled on the colleague's device", |c| {
        c == &json!([])
    });
    assert_eq!(customer_names(colleague.path()), ["Ada Byron"]);
    app.quit().await;
}

/// A colleague's data dir, joined to the team with the invite `code` ("Rep's laptop") and
/// synced once, through the CLI.
fn join_as_colleague(server_url: &str, code: &str) -> tempfile::TempDir {
    let colleague = tempfile::tempdir().unwrap();
    cli(colleague.path(), &["init"]);
    let join = [
        "account",
        "register",
        "--server",
        server_url,
        "--email",
        "rep@example.com",
        "--invite",
        code,
        "--device-name",
        "Rep's laptop",
        "--password-stdin",
    ];
    let out = cli_with_password(colleague.path(), &join);
    assert!(out.status.success(), "join: {}", String::from_utf8_lossy(&out.stderr));
    cli(colleague.path(), &["sync"]);
    colleague
}
