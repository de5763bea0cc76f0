//! `rapport stage …`: a configurable pipeline.

use crate::support::{Rapport, PASS};

#[test]
fn stages_can_be_added_renamed_reweighted_and_moved() {
    let r = Rapport::new().passphrase(Some(PASS));
    r.json(&["init"]);
    r.json(&["stage", "add", "Demo booked", "--probability", "35", "--position", "2"]);
    let stages = r.json(&[
        "stage",
        "edit",
        "Proposal",
        "--rename",
        "Quote sent",
        "--probability",
        "60",
        "--position",
        "1",
    ]);
    let got: Vec<(String, u64)> = stages
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_string(), s["probability"].as_u64().unwrap()))
        .collect();
    let want = [
        ("Quote sent", 60),
        ("Lead", 10),
        ("Demo booked", 35),
        ("Qualified", 25),
        ("Negotiation", 75),
    ];
    assert_eq!(got, want.map(|(n, p)| (n.to_string(), p)));
    r.run(&["stage", "add", "LEAD", "--probability", "5"]).fails_with(1);
    r.run(&["stage", "edit", "Lead"]).fails_with(2);
    // Deals use the renamed stage.
    r.json(&["customer", "add", "--name", "Dee Deal"]);
    let deal = r.json(&[
        "deal",
        "add",
        "--customer",
        "Dee Deal",
        "--title",
        "T",
        "--value",
        "10 EUR",
        "--stage",
        "quote sent",
    ]);
    assert_eq!(deal["stage"], "Quote sent");
}
