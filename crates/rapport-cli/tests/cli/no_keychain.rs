//! A machine with no keychain (no session bus): `init` says to use RAPPORT_PASSPHRASE and
//! leaves nothing behind; a passphrase store works across processes; a wrong passphrase is
//! refused without touching a byte.

use crate::support::{fingerprint, Rapport, NO_BUS, PASS};

#[test]
fn without_a_keychain_the_passphrase_protects_the_store() {
    let r = Rapport::new().env("DBUS_SESSION_BUS_ADDRESS", NO_BUS);

    let out = r.run(&["init"]).fails_with(1);
    assert!(out.stderr.contains("RAPPORT_PASSPHRASE"), "stderr: {}", out.stderr);
    let out = r.run(&["--json", "init"]).fails_with(1);
    assert_eq!(out.error()["code"], "keychain_unavailable", "stderr: {}", out.stderr);
    assert!(fingerprint(r.data_dir()).is_empty(), "a failed init left files behind");

    // Retried with a passphrase, init works; another process reads the data back.
    let p = r.passphrase(Some(PASS));
    p.run(&["init"]).success();
    p.run(&["customer", "add", "--name", "Pat Passphrase", "--email", "pat@example.com"]).success();
    let shown = p.json(&["customer", "show", "pat@example.com"]);
    assert_eq!(shown["customer"]["display_name"], "Pat Passphrase");
    let keyfile = std::fs::read_to_string(p.data_dir().join("keyfile.json")).expect("keyfile");
    assert!(keyfile.contains("\"kind\": \"passphrase\""), "{keyfile}");

    let files = fingerprint(p.data_dir());
    let wrong = r.passphrase(Some("not the passphrase at all"));
    let out = wrong.run(&["--json", "customer", "list"]).fails_with(1);
    assert_eq!(out.error()["code"], "wrong_passphrase", "stderr: {}", out.stderr);
    let out = wrong.run(&["customer", "list"]).fails_with(1);
    assert!(out.stderr.contains("passphrase"), "stderr: {}", out.stderr);
    let out = r.run(&["--json", "customer", "list"]).fails_with(1);
    assert_eq!(out.error()["code"], "passphrase_required", "stderr: {}", out.stderr);
    assert_eq!(fingerprint(p.data_dir()), files, "a refused open changed the store's files");

    assert_eq!(
        p.json(&["customer", "show", "Pat Passphrase"])["customer"]["emails"][0]["value"],
        "pat@example.com"
    );
}
