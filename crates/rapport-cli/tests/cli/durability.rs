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

/// Runs `read` on the store opened in this process (as a restarted app would open it).
fn with_store<T>(r: &Rapport, read: impl AsyncFnOnce(&Store) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let unlock = Unlock { passphrase: Some(Zeroizing::new(PASS.to_string())) };
        let store = Store::open(r.data_dir(), &unlock, rapport_core::system_clock_shared())
            .await
            .expect("opening the store after kill -9");
        let out = read(&store).await;
        store.close().await;
        out
    })
}

/// `PRAGMA integrity_check` and the interaction ids.
fn inspect(r: &Rapport) -> (String, BTreeSet<String>) {
    with_store(r, async |store| {
        let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(store.pool())
            .await
            .expect("integrity_check");
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM interactions")
            .fetch_all(store.pool())
            .await
            .expect("reading interaction ids");
        (integrity.join("; "), ids.into_iter().collect())
    })
}

/// `rapport import` killed at random moments (reading, planning, writing, committing): the
/// store opens intact with all of the file or none of it, never part, and the import then
/// runs to the end once, and again changes nothing.
#[test]
fn kill_9_during_an_import_leaves_all_of_it_or_none() {
    const ROWS: usize = 8_000;
    let r = Rapport::new().passphrase(Some(PASS));
    r.run(&["init"]).success();
    r.run(&["customer", "add", "--name", "Dora Durable", "--email", "dora@example.com"]).success();
    let mut csv = String::from("Name,Email,Phone,Labels\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "Person {i:05},p{i}@example.com,+44 20 7946 {:04},Fair\n",
            i % 10_000
        ));
    }
    let file = r.path("people.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.to_str().unwrap();

    // How long a whole import takes here, in a store of its own: the kills are spread over it.
    let scratch = Rapport::new().passphrase(Some(PASS));
    scratch.run(&["init"]).success();
    let started = Instant::now();
    scratch.run(&["import", file]).success();
    let whole = started.elapsed();

    let mut rng = rand::thread_rng();
    let (mut cut, mut imported, mut rounds, mut batches_before) = (0, false, 0, 0);
    // Until three imports were cut (at most 8 tries: one that finishes makes the next a
    // quicker re-import, which a late kill can miss).
    for round in 1..=8 {
        if cut == 3 {
            break;
        }
        rounds = round;
        let mut child = r.command(&["import", file]).stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(whole.mul_f64(rng.gen_range(0.05..1.0)));
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().expect("kill -9"); // SIGKILL on Unix
            cut += 1;
        }
        child.wait().unwrap();
        let (integrity, customers, batches) = import_state(&r);
        assert_eq!(integrity, "ok", "round {round}: integrity check after kill -9");
        // One customer before; a re-run after a complete import matches every row.
        assert!(
            customers == 1 || customers == 1 + ROWS as i64,
            "round {round}: {customers} customers after kill -9: part of the import was kept"
        );
        // An undo record exactly when the rows are there, and at most one per import (a
        // finished re-import changes nothing but is recorded too).
        assert_eq!(batches > 0, customers > 1, "round {round}: {batches} undo records");
        assert!(batches <= batches_before + 1, "round {round}: {batches} undo records");
        batches_before = batches;
        imported |= customers > 1;
    }
    assert!(cut > 0, "no import was ever cut: the test proves nothing");
    eprintln!(
        "{cut} of {rounds} imports killed (a whole one takes {whole:?}); imported: {imported}"
    );

    // Run to the end: every row once; once more changes nothing.
    r.run(&["import", file]).success();
    let again = r.json(&["import", file]);
    assert_eq!((again["created"].as_u64(), again["updated"].as_u64()), (Some(0), Some(0)));
    let (integrity, customers, _) = import_state(&r);
    assert_eq!((integrity.as_str(), customers), ("ok", 1 + ROWS as i64));
    assert_eq!(r.json(&["doctor"])["integrity"], "ok");
}

/// `PRAGMA integrity_check`, customers, import batches.
fn import_state(r: &Rapport) -> (String, i64, i64) {
    with_store(r, async |store| {
        let integrity: Vec<String> =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_all(store.pool()).await.unwrap();
        let customers: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let batches: i64 = sqlx::query_scalar("SELECT count(*) FROM import_batches")
            .fetch_one(store.pool())
            .await
            .unwrap();
        (integrity.join("; "), customers, batches)
    })
}
