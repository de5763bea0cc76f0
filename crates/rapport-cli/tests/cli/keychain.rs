//! The store key in the system keychain (Secret Service on Linux): it survives process
//! restarts, never touches the disk, and a wrong or missing entry is refused cleanly.

use rand::Rng;
use serde_json::Value;

use crate::support::{fingerprint, sha256_file, Rapport};

fn names(list: &Value) -> Vec<&str> {
    list.as_array().expect("a list").iter().filter_map(|c| c["display_name"].as_str()).collect()
}

#[test]
#[ignore = "needs a Secret Service session: run via make test"]
fn key_lives_in_the_keychain_and_a_wrong_or_missing_entry_is_refused() {
    let r = Rapport::new(); // no RAPPORT_PASSPHRASE: the keychain it is
    r.run(&["init"]).success();
    // Separate processes: the key came back from the keychain each time.
    r.run(&["customer", "add", "--name", "Keychain Kim"]).success();
    assert_eq!(names(&r.json(&["customer", "list"])), ["Keychain Kim"]);

    let raw = std::fs::read_to_string(r.data_dir().join("keyfile.json")).expect("keyfile.json");
    let keyfile: Value = serde_json::from_str(&raw).expect("keyfile.json is JSON");
    assert_eq!(keyfile["protection"]["kind"], "keychain", "{raw}");
    assert_eq!(keyfile["protection"]["service"], "rapport", "{raw}");
    let account = keyfile["protection"]["account"].as_str().expect("protection.account");

    let entry = keyring::Entry::new("rapport", account).expect("keychain entry");
    let key = entry.get_password().expect("the CLI stored the key in the keychain");
    assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()), "not a 64-hex key");
    assert!(!raw.to_ascii_lowercase().contains(&key.to_ascii_lowercase()), "key in keyfile.json");

    let db = r.data_dir().join(rapport_core::DB_FILE);
    let db_sha = sha256_file(&db);
    let files = fingerprint(r.data_dir());

    // Another valid key in the keychain entry: refused, and the database is untouched.
    let other = hex::encode(rand::thread_rng().gen::<[u8; 32]>());
    entry.set_password(&other).expect("overwriting the keychain entry");
    let out = r.run(&["customer", "list"]).fails_with(1);
    assert!(out.stderr.contains("does not match"), "stderr: {}", out.stderr);
    let out = r.run(&["--json", "customer", "list"]).fails_with(1);
    assert_eq!(out.error()["code"], "wrong_key", "stderr: {}", out.stderr);
    assert_eq!(sha256_file(&db), db_sha, "a refused open changed the database");
    assert_eq!(fingerprint(r.data_dir()), files, "a refused open changed the store's files");

    // No entry at all: the error says so.
    entry.delete_credential().expect("deleting the keychain entry");
    let out = r.run(&["--json", "customer", "list"]).fails_with(1);
    let err = out.error();
    assert_eq!(err["code"], "wrong_key", "stderr: {}", out.stderr);
    let message = err["message"].as_str().unwrap_or_default();
    assert!(message.contains("keychain has no entry"), "message: {message}");
    assert_eq!(sha256_file(&db), db_sha, "a refused open changed the database");

    // The real key back: the store opens as before.
    entry.set_password(&key).expect("restoring the keychain entry");
    assert_eq!(names(&r.json(&["customer", "list"])), ["Keychain Kim"]);
    let _ = entry.delete_credential();
}
