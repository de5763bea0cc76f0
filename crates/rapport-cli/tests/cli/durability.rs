//! kill -9 in the middle of writing: every write the CLI acknowledged is still there, and
//! the store is intact.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rand::Rng;
use rapport_core::{Store, Unlock};
use zeroize::Zeroizing;

use crate::support::{Rapport, PASS};

const ROUNDS: usize = 5;

#[test]
fn kill_9_during_writes_loses_no_acknowledged_write() {
    let r = Rapport::new().passphrase(Some(PASS));
    r.run(&["init"]).success();
    r.run(&["customer", "add", "--name", "Dora Durable"]).success();
    let before = r.json(&["doctor"])["interactions"].as_u64().expect("interactions count");

    let mut rng = rand::thread_rng();
    let mut acked = BTreeSet::new();
    for round in 1..=ROUNDS {
        let run_for = Duration::from_millis(rng.gen_range(100..=600));
        let ids = write_then_kill(&r, run_for);
        assert!(!ids.is_empty(), "round {round}: no write was acknowledged before the kill");
        eprintln!("round {round}: {} writes acknowledged, killed after {run_for:?}", ids.len());
        acked.extend(ids);

        let (integrity, stored) = inspect(&r);
        assert_eq!(integrity, "ok", "round {round}: integrity check after kill -9");
        let missing: Vec<_> = acked.difference(&stored).collect();
        assert!(
            missing.is_empty(),
            "round {round}: {} of {} acknowledged writes are missing after kill -9, e.g. {:?}",
            missing.len(),
            acked.len(),
            &missing[..missing.len().min(5)]
        );
    }

    // The CLI's own health check agrees, and nothing was written that wasn't asked for: at
    // most one committed-but-unacknowledged note per kill.
    let doctor = r.json(&["doctor"]);
    assert_eq!(doctor["integrity"], "ok");
    let written =
        doctor["interactions"].as_u64().expect("interactions count").saturating_sub(before);
    let acked_n = acked.len() as u64;
    assert!(
        (acked_n..=acked_n + ROUNDS as u64).contains(&written),
        "{written} notes stored for {acked_n} acknowledged writes"
    );
}

/// Starts `rapport debug write-loop`, lets it write for `run_for` after its first
/// acknowledgement, SIGKILLs it and returns every id it acknowledged (complete lines only:
/// a line cut short by the kill is not an acknowledgement).
fn write_then_kill(r: &Rapport, run_for: Duration) -> Vec<String> {
    let mut child: Child = r
        .command(&["debug", "write-loop", "Dora Durable", "--count", "100000"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawning the write loop");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout);
        loop {
            let mut line = Vec::new();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) if line.ends_with(b"\n") => {
                    let id = String::from_utf8_lossy(&line).trim().to_string();
                    if tx.send(id).is_err() {
                        break;
                    }
                }
                Ok(_) => break, // partial last line
            }
        }
    });

    let mut ids = Vec::new();
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(first) => {
            ids.push(first);
            let deadline = Instant::now() + run_for;
            while let Some(left) = deadline.checked_duration_since(Instant::now()) {
                match rx.recv_timeout(left) {
                    Ok(id) => ids.push(id),
                    Err(_) => break,
                }
            }
        }
        Err(_) => {
            let _ = child.kill();
            panic!("the write loop acknowledged nothing within 60 s");
        }
    }
    child.kill().expect("kill -9"); // SIGKILL on Unix
    let status = child.wait().expect("reaping the write loop");
    assert!(!status.success(), "the write loop finished before it was killed");
    reader.join().expect("reader thread");
    ids.extend(rx.try_iter()); // printed (so committed) before the kill landed
    ids
}

/// Opens the store in this process: `PRAGMA integrity_check` and the interaction ids.
fn inspect(r: &Rapport) -> (String, BTreeSet<String>) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let unlock = Unlock { passphrase: Some(Zeroizing::new(PASS.to_string())) };
        let store = Store::open(r.data_dir(), &unlock, rapport_core::system_clock_shared())
            .await
            .expect("opening the store after kill -9");
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(store.pool())
            .await
            .expect("integrity_check");
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM interactions")
            .fetch_all(store.pool())
            .await
            .expect("reading interaction ids");
        store.close().await;
        (integrity.join("; "), ids.into_iter().collect())
    })
}
