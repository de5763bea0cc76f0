//! `rapport server`, `rapport account …` and `rapport sync`, all through the real binary:
//! a server process on 127.0.0.1 and two data dirs, as two people of one team would run it.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::support::{Out, Rapport, NOW, PASS};

const PASSWORD: &str = "a long enough password";

/// `rapport server` on a free port, stopped (killed) when dropped.
struct ServerProcess {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    /// The server picks a free port itself (`--listen 127.0.0.1:0`) and logs it: asking the
    /// OS for one first and passing it on races other tests doing the same.
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("team.sqlite3").display());
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["server", "--database", &db, "--listen", "127.0.0.1:0"])
            .env("NO_COLOR", "1")
            .env("RAPPORT_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        // Reads the log until the server says where it listens, then drains it (a full
        // pipe would stall the server).
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = plain(&line).split("addr=").nth(1) {
                    let _ = tx.send(at.split_whitespace().next().unwrap_or_default().to_string());
                }
            }
        });
        // Dropped (killed and waited for) however this ends.
        let mut server = ServerProcess { child, url: String::new(), _dir: dir };
        // Bounded wait for the listener: at most 20 s.
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("rapport server did not say where it listens within 20 s");
        server.url = format!("http://{addr}");
        assert!(TcpStream::connect(&addr).is_ok(), "nothing listens on {addr}");
        server
    }
}

/// A log line without its terminal colours (in case the logger adds them anyway).
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // An escape sequence runs to its final letter.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn device() -> (Rapport, impl Fn(&[&str]) -> Value) {
    let r = Rapport::new().passphrase(Some(PASS));
    let at_now = r.clone();
    let json = move |args: &[&str]| at_now.json(&[&["--now", NOW], args].concat());
    json(&["init"]);
    (r, json)
}

/// Runs `args` with `password` on standard input.
fn with_password(r: &Rapport, args: &[&str], password: &str) -> Out {
    let mut child = r
        .command(&[&["--json"], args].concat())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
    Out::new(args, child.wait_with_output().unwrap())
}

fn names(json: &impl Fn(&[&str]) -> Value) -> Vec<String> {
    let list = json(&["customer", "list"]);
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["display_name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn two_people_of_a_team_sync_through_rapport_server() {
    let server = ServerProcess::start();
    let (owner, owner_json) = device();
    let (rep, rep_json) = device();
    let url = server.url.as_str();

    let register = ["account", "register", "--server", url, "--email", "owner@example.com"];
    let args = [&register[..], &["--password-stdin", "--team", "Acme", "--device-name", "desk"]];
    let out = with_password(&owner, &args.concat(), PASSWORD).success();
    assert_eq!(out.json()["role"], "owner");
    let code = owner_json(&["account", "invite"])["code"].as_str().unwrap().to_string();
    let join = ["account", "register", "--server", url, "--email", "rep@example.com"];
    let args = [&join[..], &["--password-stdin", "--invite", &code, "--device-name", "van"]];
    assert_eq!(with_password(&rep, &args.concat(), PASSWORD).success().json()["role"], "member");

    owner_json(&["customer", "add", "--name", "Ada Lovelace", "--email", "ada@example.com"]);
    owner_json(&["customer", "add", "--name", "Bob Byte", "--tag", "vip"]);
    let synced = owner_json(&["sync"]);
    assert_eq!(synced["report"]["pushed"], 2);
    assert_eq!(synced["status"]["outbox"], 0);
    let synced = rep_json(&["sync"]);
    assert_eq!(synced["report"]["received"], 2);
    assert_eq!(names(&rep_json), ["Ada Lovelace", "Bob Byte"]);

    // The rep edits on the road; the owner sees it after both sync.
    rep_json(&["customer", "edit", "ada@example.com", "--set", "title=Countess"]);
    rep_json(&["sync"]);
    owner_json(&["sync"]);
    assert_eq!(
        owner_json(&["customer", "show", "ada@example.com"])["customer"]["title"],
        "Countess"
    );

    // The owner sees both devices and revokes the van; its next sync says so, and its
    // unsynced change stays.
    let devices = owner_json(&["account", "devices"]);
    let van = devices.as_array().unwrap().iter().find(|d| d["name"] == "van").unwrap();
    owner_json(&["account", "revoke", van["id"].as_str().unwrap()]);
    rep_json(&["customer", "add", "--name", "Cy Offline"]);
    let out = rep.run(&["--json", "sync"]).fails_with(1);
    assert_eq!(out.error()["code"], "unauthorized", "{}", out.stderr);
    assert_eq!(names(&rep_json), ["Ada Lovelace", "Bob Byte", "Cy Offline"]);
    let out = rep.run(&["sync"]).fails_with(1);
    assert!(out.stderr.contains("account login"), "{}", out.stderr);

    // A wrong password is refused in words; no password argument exists at all.
    let login = ["account", "login", "--server", url, "--email", "owner@example.com"];
    let out = with_password(&owner, &[&login[..], &["--password-stdin"]].concat(), "wrong one");
    let out = out.fails_with(1);
    assert!(out.error()["message"].as_str().unwrap().contains("not right"), "{}", out.stderr);
    let out = owner.run(&login).fails_with(2);
    assert!(out.stderr.contains("--password-stdin"), "{}", out.stderr);
}

/// Every customer's name on a device, sorted (up to 10,000).
fn all_names(json: &impl Fn(&[&str]) -> Value) -> Vec<String> {
    let list = json(&["customer", "list", "--limit", "10000"]);
    let mut out: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["display_name"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn a_sync_killed_at_any_moment_resumes_without_loss_or_duplicates() {
    use rand::{Rng as _, SeedableRng as _};
    let server = ServerProcess::start();
    let (a, a_json) = device();
    let (b, b_json) = device();
    let url = server.url.as_str();
    let register = ["account", "register", "--server", url, "--email", "owner@example.com"];
    with_password(&a, &[&register[..], &["--password-stdin", "--team", "Acme"]].concat(), PASSWORD)
        .success();
    let code = a_json(&["account", "invite"])["code"].as_str().unwrap().to_string();
    let join = ["account", "register", "--server", url, "--email", "rep@example.com"];
    with_password(&b, &[&join[..], &["--password-stdin", "--invite", &code]].concat(), PASSWORD)
        .success();

    // Big outboxes on both sides, so a sync takes long enough to be cut anywhere: in a
    // push, between the server's answer and the local record of it, in a pulled page.
    for (r, json, who, rows) in [(&a, &a_json, "a", 3000), (&b, &b_json, "b", 1500)] {
        let mut csv = String::from("Name,Email\n");
        for i in 0..rows {
            csv.push_str(&format!("Person {who}{i:05},{who}{i}@example.com\n"));
        }
        let file = r.path(&format!("{who}.csv"));
        std::fs::write(&file, csv).unwrap();
        json(&["import", file.to_str().unwrap()]);
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut cut = 0;
    for round in 0..8 {
        for r in [&a, &b] {
            let mut child =
                r.command(&["sync"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
            std::thread::sleep(Duration::from_millis(rng.gen_range(20..600)));
            // SIGKILL: no chance to clean up (Child::kill sends SIGKILL on Unix).
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                cut += 1;
            }
            child.wait().unwrap();
        }
        if round == 3 {
            assert!(cut > 0, "no sync was ever cut: the test proves nothing");
        }
    }
    // Then clean syncs: every customer once, on both devices.
    for json in [&a_json, &b_json, &a_json] {
        json(&["sync"]);
    }
    let (on_a, on_b) = (all_names(&a_json), all_names(&b_json));
    // Counts first: a failure names sizes, not 4,500 names.
    assert_eq!((on_a.len(), on_b.len()), (4500, 4500), "no loss and no duplicate ({cut} cut)");
    assert!(on_a == on_b, "both devices show the same customers");
    for json in [&a_json, &b_json] {
        assert_eq!(json(&["doctor"])["outbox_ops"], 0);
    }
}

#[test]
fn a_rename_that_lost_is_listed_on_both_devices_and_resolved_once_for_both() {
    let server = ServerProcess::start();
    let (owner, owner_json) = device();
    let (rep, rep_json) = device();
    let url = server.url.as_str();
    let register = ["account", "register", "--server", url, "--email", "owner@example.com"];
    let args = [&register[..], &["--password-stdin", "--team", "Acme"]];
    with_password(&owner, &args.concat(), PASSWORD).success();
    let code = owner_json(&["account", "invite"])["code"].as_str().unwrap().to_string();
    let join = ["account", "register", "--server", url, "--email", "rep@example.com"];
    with_password(&rep, &[&join[..], &["--password-stdin", "--invite", &code]].concat(), PASSWORD)
        .success();
    owner_json(&["customer", "add", "--name", "Ada Lovelace", "--email", "ada@example.com"]);
    owner_json(&["sync"]);
    rep_json(&["sync"]);

    // Both rename Ada before either syncs.
    owner_json(&["customer", "edit", "ada@example.com", "--set", "name=Ada King"]);
    rep_json(&["customer", "edit", "ada@example.com", "--set", "name=Countess of Lovelace"]);
    owner_json(&["sync"]);
    assert_eq!(rep_json(&["sync"])["status"]["conflicts"], 1);
    let out = owner.run(&["--now", NOW, "sync"]).success();
    assert!(out.stdout.contains("rapport conflicts"), "{}", out.stdout);

    let (on_owner, on_rep) = (owner_json(&["conflicts"]), rep_json(&["conflicts"]));
    let [c] = on_owner.as_array().unwrap().as_slice() else { panic!("{on_owner}") };
    assert_eq!(on_rep.as_array().unwrap().len(), 1, "{on_rep}");
    assert_eq!((&on_rep[0]["id"], &on_rep[0]["losing"]), (&c["id"], &c["losing"]));
    assert_eq!(c["field_label"], "name");
    let names = [c["current"].as_str().unwrap(), c["losing"].as_str().unwrap()];
    assert!(names.contains(&"Ada King") && names.contains(&"Countess of Lovelace"), "{c}");
    let table = owner.run(&["conflicts"]).success().stdout;
    assert!(table.contains(c["id"].as_str().unwrap()) && table.contains(names[1]), "{table}");

    // Resolving needs a choice; an unknown id is not found, by name.
    let id = c["id"].as_str().unwrap();
    owner.run(&["conflicts", "resolve", id]).fails_with(2);
    let out = owner.run(&["--json", "conflicts", "resolve", "nobody:1", "--use-losing"]);
    let out = out.fails_with(1);
    assert_eq!(out.error()["code"], "not_found", "{}", out.stderr);
    assert!(out.error()["message"].as_str().unwrap().contains("nobody:1"), "{}", out.stderr);
    owner_json(&["conflicts", "resolve", id, "--use-losing"]);
    owner_json(&["sync"]);
    rep_json(&["sync"]);
    for json in [&owner_json, &rep_json] {
        assert_eq!(json(&["conflicts"]), serde_json::json!([]));
        let ada = json(&["customer", "show", "ada@example.com"]);
        assert_eq!(ada["customer"]["display_name"], names[1]);
    }
}
