//! Every command closes the store before the process exits: the WAL is checkpointed and
//! SQLite has let go of the files. (Exiting while sqlx's worker threads were still closing
//! connections crashed now and then in libcrypto's exit handlers, and left WAL frames behind.)

use crate::support::{Rapport, PASS};

#[test]
fn each_command_exits_cleanly_and_leaves_no_wal_behind() {
    let r = Rapport::new().passphrase(Some(PASS));
    r.run(&["init"]).success();
    let wal = r.data_dir().join(format!("{}-wal", rapport_core::DB_FILE));
    for i in 0..20 {
        let name = format!("Clean Exit {i}");
        r.run(&["customer", "add", "--name", &name, "--tag", "exit"]).success();
        let left = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(left, 0, "`customer add` #{i} exited with {left} bytes of WAL behind");
    }
    // A failing command closes the store too.
    r.run(&["customer", "show", "nobody@example.com"]).fails_with(1);
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0);
    let list = r.json(&["customer", "list", "--tag", "exit"]);
    assert_eq!(list.as_array().map(Vec::len), Some(20));
}
