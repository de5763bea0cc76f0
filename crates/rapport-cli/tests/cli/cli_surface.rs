//! The stable CLI surface (DESIGN §6), end to end through the binary.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::support::{Rapport, NOW, PASS};

/// A store with a fixed "now".
fn store() -> (Rapport, impl Fn(&[&str]) -> Value) {
    let r = Rapport::new().passphrase(Some(PASS));
    let at_now = r.clone();
    let json = move |args: &[&str]| at_now.json(&[&["--now", NOW], args].concat());
    assert_eq!(json(&["init"])["schema_version"], rapport_core::SCHEMA_VERSION);
    (r, json)
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")))
        .expect("RFC 3339")
        .to_utc()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().filter_map(|v| v["id"].as_str()).collect()
}

#[test]
fn a_scripted_session_through_the_binary() {
    let (r, json) = store();
    assert_eq!(json(&["demo", "--customers", "20"])["customers"], 20);

    let ada = json(&[
        "customer",
        "add",
        "--name",
        "Ada Lovelace",
        "--email",
        "ada@example.com",
        "--birthday=--12-10",
        "--tag",
        "vip",
    ]);
    let ada_id = ada["id"].as_str().expect("id").to_string();
    let entry = json(&[
        "log",
        "ada@example.com",
        "--kind",
        "purchase",
        "--summary",
        "Beans",
        "--amount",
        "12.50 EUR",
    ]);
    assert_eq!(entry["customer_id"], ada_id.as_str());

    let f =
        json(&["followup", "add", "Ada Lovelace", "--due", "2026-11-25", "--title", "Send card"]);
    let f_id = f["id"].as_str().expect("followup id").to_string();
    assert_eq!(time(&f["due_at"]), time(&"2026-11-25T09:00:00Z".into()));
    assert!(ids(&json(&["followup", "list"])).contains(&f_id.as_str()));
    assert!(!json(&["followup", "done", &f_id])["done_at"].is_null());
    assert!(!ids(&json(&["followup", "list"])).contains(&f_id.as_str()), "done but still open");

    let edited = json(&["customer", "edit", "ada@example.com", "--set", "stage=customer"]);
    assert_eq!(edited["lifecycle_stage"], "customer");

    let shown = json(&["customer", "show", "ada@example.com"]);
    let c = &shown["customer"];
    assert_eq!(c["id"], ada_id.as_str());
    assert_eq!(c["birthday"], "--12-10");
    assert_eq!(c["tags"], serde_json::json!(["vip"]));
    assert_eq!(c["lifecycle_stage"], "customer");
    assert_eq!(time(&c["last_contacted_at"]), time(&NOW.into()));
    let purchase = shown["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|i| i["kind"] == "purchase")
        .unwrap_or_else(|| panic!("no purchase in the timeline: {shown}"));
    assert_eq!(purchase["summary"], "Beans");
    assert_eq!(purchase["amount"], serde_json::json!({ "minor": 1250, "currency": "EUR" }));

    let export = json(&["export", "--format", "json"]);
    for kind in ["customers", "interactions", "followups", "deals"] {
        assert!(export[kind].is_array(), "export has no `{kind}` array");
    }
    let exported = export["customers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == ada_id.as_str()))
        .expect("Ada in the export");
    assert!(exported.get("company_name").is_some(), "no company_name key: {exported}");
    assert_eq!(exported["display_name"], "Ada Lovelace");
    assert!(ids(&export["interactions"]).contains(&entry["id"].as_str().expect("id")));

    assert_eq!(json(&["customer", "delete", "ada@example.com"])["deleted"], ada_id.as_str());
    let out = r.run(&["--json", "customer", "show", &ada_id]).fails_with(1);
    assert_eq!(out.error()["code"], "not_found", "stderr: {}", out.stderr);

    let doctor = json(&["doctor"]);
    assert_eq!(doctor["integrity"], "ok");
    assert!(!doctor["cipher_version"].as_str().unwrap_or_default().is_empty());
    assert!(doctor["customers"].as_i64().expect("customers") >= 20);
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let (r, json) = store();

    let a = json(&["customer", "add", "--name", "Sam Lee"])["id"].as_str().map(str::to_owned);
    let b = json(&["customer", "add", "--name", "Sam Lee"])["id"].as_str().map(str::to_owned);
    let out = r.run(&["customer", "show", "Sam Lee"]).fails_with(2);
    for id in [a.expect("id"), b.expect("id")] {
        assert!(out.stderr.contains(&id), "candidate {id} not listed: {}", out.stderr);
    }
    let out = r.run(&["--json", "customer", "show", "Sam Lee"]).fails_with(2);
    assert_eq!(out.error()["code"], "ambiguous");

    let out = r.run(&["customer", "add", "--name", "Leap Day", "--birthday=1985-02-29"]);
    let out = out.fails_with(2);
    assert!(out.stderr.contains("birthday"), "stderr: {}", out.stderr);
    let found = json(&["customer", "list", "--query", "Leap Day"]);
    assert_eq!(found, serde_json::json!([]), "a refused add left a customer behind");

    let out = r.run(&["--now", "garbage", "doctor"]);
    assert_ne!(out.code, Some(0), "--now garbage was accepted");
    assert!(out.stderr.contains("--now") && out.stderr.contains("RFC 3339"), "{}", out.stderr);

    let existing = r.path("existing.json");
    std::fs::write(&existing, "keep me").expect("writing a file");
    let out = r.run(&["export", "--format", "json", "--out", existing.to_str().expect("utf-8")]);
    assert_ne!(out.code, Some(0), "export overwrote an existing file");
    assert!(out.stderr.contains("must not exist"), "stderr: {}", out.stderr);
    assert_eq!(std::fs::read_to_string(&existing).expect("reading"), "keep me");
}
