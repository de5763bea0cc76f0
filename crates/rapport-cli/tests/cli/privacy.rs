//! `rapport erase`, `rapport restore` and the per-customer JSON export, through the binary.

use serde_json::Value;

use crate::support::{fingerprint, Rapport, NOW, PASS};

fn store() -> (Rapport, impl Fn(&[&str]) -> Value) {
    let r = Rapport::new().passphrase(Some(PASS));
    let at_now = r.clone();
    let json = move |args: &[&str]| at_now.json(&[&["--now", NOW], args].concat());
    json(&["init"]);
    (r, json)
}

fn add(json: &impl Fn(&[&str]) -> Value, name: &str, email: &str) -> String {
    json(&["customer", "add", "--name", name, "--email", email])["id"].as_str().unwrap().to_string()
}

#[test]
fn erase_needs_the_name_typed_or_yes_and_refuses_ambiguous_matches() {
    let (r, json) = store();
    let ada = add(&json, "Ada Lovelace", "ada@example.com");
    add(&json, "Sam Twin", "sam1@example.com");
    add(&json, "Sam Twin", "sam2@example.com");
    json(&["log", "ada@example.com", "--kind", "call", "--summary", "Talked about engines"]);

    // No terminal, no --yes: nothing is erased (CI has no stdin).
    let out = r.run(&["erase", "Ada Lovelace"]).fails_with(2);
    assert!(out.stderr.contains("nothing was erased"), "{}", out.stderr);
    assert_eq!(json(&["customer", "show", &ada])["customer"]["display_name"], "Ada Lovelace");

    // Typing another name does not erase either.
    let mut child = r
        .command(&["erase", "Ada Lovelace"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"Ada\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not the customer's name"));

    // Two customers of that name: refused, listing both.
    let out = r.run(&["--json", "erase", "Sam Twin", "--yes"]).fails_with(2);
    let err = out.error();
    assert_eq!(err["code"], "ambiguous");
    assert!(err["message"].as_str().unwrap().contains("sam1@example.com"));
    assert!(err["message"].as_str().unwrap().contains("sam2@example.com"));

    // The right name typed: erased.
    let mut child = r
        .command(&["--json", "erase", "ada@example.com"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"Ada Lovelace\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["customer_id"], ada.as_str());
    assert_eq!(report["wal_truncated"], true);
    let out = r.run(&["--json", "customer", "show", &ada]).fails_with(1);
    assert_eq!(out.error()["code"], "not_found");

    // With --yes, by id.
    let sam =
        json(&["customer", "list"]).as_array().unwrap()[0]["id"].as_str().unwrap().to_string();
    json(&["erase", &sam, "--yes"]);
    assert_eq!(json(&["customer", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn backup_then_restore_through_the_binary() {
    let (r, json) = store();
    add(&json, "Ada Lovelace", "ada@example.com");
    let backup = r.path("backup.db");
    json(&["backup", backup.to_str().unwrap()]);
    add(&json, "Bob After", "bob@example.com");

    // A plain file is refused and the store is left as it was.
    let plain = r.path("notes.db");
    std::fs::write(&plain, b"SQLite format 3\0and then some more bytes").unwrap();
    let before = fingerprint(r.data_dir());
    let out = r.run(&["--json", "restore", plain.to_str().unwrap()]).fails_with(1);
    assert_eq!(out.error()["code"], "not_encrypted");
    assert_eq!(fingerprint(r.data_dir()), before);

    let done = json(&["restore", backup.to_str().unwrap()]);
    assert_eq!(done["customers"], 1);
    let kept = done["previous_store"].as_str().unwrap();
    assert!(kept.contains("/backups/pre-restore-"), "{kept}");
    let list = json(&["customer", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["display_name"], "Ada Lovelace");

    // Restoring what was replaced brings Bob back.
    json(&["restore", kept]);
    assert_eq!(json(&["customer", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn restore_repairs_a_store_that_no_longer_opens() {
    let (r, json) = store();
    add(&json, "Ada Lovelace", "ada@example.com");
    let backup = r.path("backup.db");
    json(&["backup", backup.to_str().unwrap()]);
    let db = r.data_dir().join("rapport.db");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[100..300].fill(0);
    std::fs::write(&db, &bytes).unwrap();
    let out = r.run(&["--json", "customer", "list"]).fails_with(1);
    assert_eq!(out.error()["code"], "corrupt");
    assert!(out.error()["message"].as_str().unwrap().contains("rapport restore"));

    let done = json(&["restore", backup.to_str().unwrap()]);
    assert_eq!(done["customers"], 1);
    assert_eq!(std::fs::read(done["previous_store"].as_str().unwrap()).unwrap(), bytes);
    assert_eq!(json(&["customer", "list"])[0]["display_name"], "Ada Lovelace");
}

/// Everything about one person, and nothing about anyone else.
#[test]
fn the_per_customer_json_export_holds_everything_about_them() {
    let (_r, json) = store();
    add(&json, "Ada Lovelace", "ada@example.com");
    add(&json, "Other Person", "other@example.com");
    json(&[
        "customer",
        "edit",
        "ada@example.com",
        "--set",
        r#"key_facts=[{"kind":"pet","label":"cat","value":"Tabby"}]"#,
        "--set",
        r#"important_dates=[{"label":"Anniversary","date":"--06-01"}]"#,
        "--set",
        "custom.Shoe size=38",
    ]);
    json(&[
        "log",
        "ada@example.com",
        "--kind",
        "purchase",
        "--summary",
        "Beans",
        "--amount",
        "12.50 EUR",
    ]);
    json(&["log", "other@example.com", "--kind", "call", "--summary", "Not Ada's"]);
    json(&[
        "followup",
        "add",
        "ada@example.com",
        "--due",
        "2026-11-25T09:00:00Z",
        "--title",
        "Send a card",
    ]);
    let deal = json(&[
        "deal",
        "add",
        "--customer",
        "ada@example.com",
        "--title",
        "Big order",
        "--value",
        "1000 EUR",
    ]);
    let stages = json(&["stage", "list"]);
    let second = stages[1]["name"].as_str().unwrap();
    json(&["deal", "move", deal["id"].as_str().unwrap(), "--stage", second]);
    json(&[
        "score",
        "add-rule",
        "--name",
        "Buyers",
        "--points",
        "10",
        "--when",
        r#"{"if":"tag","tag":"none"}"#,
    ]);

    let x = json(&["export", "--format", "json", "--customer", "ada@example.com"]);
    let ada = &x["customers"][0];
    assert_eq!(x["customers"].as_array().unwrap().len(), 1);
    assert_eq!(ada["key_facts"][0]["value"], "Tabby");
    assert_eq!(ada["important_dates"][0]["label"], "Anniversary");
    assert_eq!(ada["custom_fields"]["Shoe size"], "38");
    assert_eq!(x["interactions"].as_array().unwrap().len(), 1);
    assert_eq!(x["interactions"][0]["summary"], "Beans");
    assert_eq!(x["followups"][0]["title"], "Send a card");
    assert_eq!(x["deals"][0]["title"], "Big order");
    // Created in the first stage, then moved: two stage changes, by stage name.
    let changes = x["deal_stage_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[1]["to_stage"], second);
    assert_eq!(x["scores"].as_array().unwrap().len(), 1);
    assert_eq!(x["scores"][0]["customer_id"], ada["id"]);
    // Their history: every change recorded about them, none about anyone else.
    let history = x["history"].as_array().unwrap();
    assert!(history.iter().any(|h| h["field"] == "display_name" && h["value"] == "Ada Lovelace"));
    assert!(history.iter().any(|h| h["field"] == "summary" && h["value"] == "Beans"));
    let text = x.to_string();
    assert!(!text.contains("Other Person") && !text.contains("Not Ada's"), "another person leaked");
    // The full export has no history section (that is the outbox, not a record).
    assert!(json(&["export", "--format", "json"]).get("history").is_none());
}
