//! `rapport duplicates`, `customer merge`, `merge undo|list`, `tags …`, `audit` through the
//! binary, with `--json`.

use serde_json::Value;

use crate::support::{Rapport, NOW, PASS};

fn store() -> (Rapport, impl Fn(&[&str]) -> Value) {
    let r = Rapport::new().passphrase(Some(PASS)).env("LANG", "en_GB.UTF-8");
    let at_now = r.clone();
    let json = move |args: &[&str]| at_now.json(&[&["--now", NOW], args].concat());
    json(&["init"]);
    (r, json)
}

#[test]
fn find_merge_undo_and_tidy_from_the_command_line() {
    let (r, json) = store();
    let ada = json(&[
        "customer",
        "add",
        "--name",
        "Ada Lovelace",
        "--email",
        "Ada.Lovelace+crm@gmail.com",
        "--tag",
        "VIP",
        "--title",
        "Analyst",
    ]);
    let king = json(&[
        "customer",
        "add",
        "--name",
        "Ada King",
        "--email",
        "adalovelace@gmail.com",
        "--phone",
        "020 7946 0958",
        "--tag",
        "vip",
        "--title",
        "Countess",
    ]);
    json(&["customer", "add", "--name", "Grace Hopper", "--phone", "+44 20 7946 0958"]);
    json(&["log", "Ada King", "--kind", "note", "--summary", "Bernoulli numbers"]);

    // The locale (en_GB) reads "020 …" as a London number: Ada King ~ Grace Hopper too.
    let pairs = json(&["duplicates"]);
    let pairs = pairs.as_array().unwrap();
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert_eq!(pairs[0]["a"]["display_name"], "Ada Lovelace");
    assert_eq!(pairs[0]["b"]["display_name"], "Ada King");
    assert_eq!(pairs[0]["reasons"][0], "same email adalovelace@gmail.com");
    assert_eq!(pairs[0]["score"], 60);
    assert_eq!(pairs[1]["reasons"][0], "same phone +442079460958");
    // --region overrides the locale; in the US "020 …" is not that number.
    assert_eq!(json(&["duplicates", "--region", "US"]).as_array().unwrap().len(), 1);
    json(&["duplicates", "dismiss", "Ada King", "Grace Hopper"]);
    assert_eq!(json(&["duplicates"]).as_array().unwrap().len(), 1);

    let merged = json(&[
        "customer",
        "merge",
        "Ada King",
        "--into",
        "Ada Lovelace",
        "--pick",
        "title=duplicate",
    ]);
    assert_eq!(merged["survivor"]["id"], ada["id"]);
    assert_eq!(merged["survivor"]["title"], "Countess");
    assert_eq!(merged["survivor"]["tags"], serde_json::json!(["VIP"]));
    // The duplicate's id now shows the survivor, with the moved timeline.
    let shown = json(&["customer", "show", king["id"].as_str().unwrap()]);
    assert_eq!(shown["customer"]["id"], ada["id"]);
    assert_eq!(shown["timeline"][0]["summary"], "Bernoulli numbers");
    let list = json(&["merge", "list"]);
    assert_eq!(list[0]["merged_name"], "Ada King");
    assert_eq!(list[0]["undone_at"], Value::Null);

    let undone = json(&["merge", "undo"]);
    assert_eq!(undone["id"], merged["merge_id"]);
    assert!(undone["undone_at"].is_string());
    let shown = json(&["customer", "show", king["id"].as_str().unwrap()]);
    assert_eq!(shown["customer"]["title"], "Countess");
    assert_eq!(shown["timeline"][0]["summary"], "Bernoulli numbers");
    let err = r.run(&["--json", "merge", "undo"]).fails_with(1).error();
    assert_eq!(err["code"], "not_found");

    // Tags: two spellings, renamed into one.
    let usage = json(&["tags", "list"]);
    assert_eq!(usage.as_array().unwrap().len(), 2);
    let text = r.run(&["tags", "list"]).success().stdout;
    assert!(text.contains("differ only in case"), "{text}");
    let change = json(&["tags", "rename", "vip", "VIP"]);
    assert_eq!(change["customers"], 1);
    assert_eq!(json(&["tags", "list"]), serde_json::json!([{ "tag": "VIP", "customers": 2 }]));
    json(&["cadence", "--tag", "VIP", "--every", "30"]);
    assert_eq!(json(&["tags", "delete", "vip"])["customers"], 2);
    let unused = json(&["tags", "unused"]);
    assert_eq!(unused[0]["tag"], "VIP");
    assert_eq!(unused[0]["used_by"][0], "keep-in-touch cadence");

    let audit = json(&["audit"]);
    assert_eq!(audit["counts"]["missing_contact"], 0);
    assert_eq!(audit["counts"]["invalid_phone"], 0);

    // Bad input names the argument and exits 2.
    let err = r
        .run(&[
            "--json",
            "customer",
            "merge",
            "Ada King",
            "--into",
            "Ada Lovelace",
            "--pick",
            "title=maybe",
        ])
        .fails_with(2)
        .error();
    assert!(err["message"].as_str().unwrap().starts_with("--pick:"), "{err}");
    let err = r.run(&["--json", "duplicates", "--region", "Narnia"]).fails_with(2).error();
    assert!(err["message"].as_str().unwrap().starts_with("region:"), "{err}");
}
