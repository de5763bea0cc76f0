//! Benchmark: importing a 100k-row Google Contacts CSV into a fresh encrypted store, against
//! the `sqlite3` command line as the reference (DESIGN §7): `.import` of the same file into a
//! plain table, then an FTS5 index built over the same columns (name, company, emails, phones,
//! notes, tags). Prints both times and the ratio (target ≤ 1.5×), where the import's time
//! went (parse, plan, create, fts, …), and what its op rows alone cost SQLite (copied in one
//! statement: the floor for writing them).
//!
//! Run: `cargo bench -p rapport-core --bench import` (needs `sqlite3` on PATH: apt `sqlite3`).
//!
//! Environment: `RAPPORT_BENCH_IMPORT_ROWS` (default 100000).

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rapport_core::import::ImportOptions;
use rapport_core::{FixedClock, Protection, Store};
use zeroize::Zeroizing;

const GIVEN: [&str; 16] = [
    "Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hugo", "Inès", "Jonas", "Katja",
    "Lukas", "Maya", "Noah", "Olga", "Zoë",
];
const FAMILY: [&str; 16] = [
    "Müller", "Schmidt", "Rossi", "García", "Dubois", "Novak", "Jansen", "Kowalski", "Silva",
    "Nielsen", "O'Brien", "Costa", "Weber", "Fischer", "Moreau", "Bianchi",
];

const HEADER: &str = "First Name,Middle Name,Last Name,Organization Name,Organization Title,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value";

fn csv(rows: usize) -> String {
    let mut out = String::with_capacity(rows * 160);
    out.push_str(HEADER);
    out.push_str("\r\n");
    for i in 0..rows {
        let (g, f) = (GIVEN[i % 16], FAMILY[(i / 16) % 16]);
        let company = if i % 3 == 0 { format!("Company {}", i % 5000) } else { String::new() };
        let birthday = match i % 4 {
            0 => format!("19{:02}-{:02}-{:02}", 50 + i % 50, 1 + i % 12, 1 + i % 28),
            1 => format!("--{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            _ => String::new(),
        };
        let labels = if i % 2 == 0 { "* myContacts ::: Customers" } else { "* myContacts" };
        out.push_str(&format!(
            "{g},,{f},{company},{},{birthday},\"Met at the fair, row {i}\",{labels},* Work,{}.{}{i}@example.com,Mobile,+44 20 {:04} {:04}\r\n",
            if company.is_empty() { "" } else { "Buyer" },
            g.to_lowercase(),
            f.to_lowercase().replace('\'', ""),
            i / 10_000,
            i % 10_000,
        ));
    }
    out
}

fn sqlite3_reference(dir: &std::path::Path, file: &std::path::Path) -> Duration {
    let db = dir.join("reference.db");
    let script = format!(
        ".mode csv\n.import '{}' contacts\n\
         CREATE VIRTUAL TABLE search USING fts5(name, company, emails, phones, notes, tags, tokenize = 'unicode61 remove_diacritics 2');\n\
         INSERT INTO search (rowid, name, company, emails, phones, notes, tags)\n\
           SELECT rowid, \"First Name\" || ' ' || \"Last Name\", \"Organization Name\", \"E-mail 1 - Value\", \"Phone 1 - Value\", \"Notes\", \"Labels\" FROM contacts;\n",
        file.display()
    );
    let start = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("sqlite3 on PATH (apt install sqlite3)");
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let status = child.wait().unwrap();
    let took = start.elapsed();
    assert!(status.success(), "sqlite3 failed");
    took
}

fn main() {
    let rows: usize = std::env::var("RAPPORT_BENCH_IMPORT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("google.csv");
    let text = csv(rows);
    std::fs::write(&file, &text).unwrap();
    println!(
        "import benchmark: {rows} rows, {} MiB Google Contacts CSV",
        text.len() / (1024 * 1024)
    );

    let reference = sqlite3_reference(dir.path(), &file);
    println!("sqlite3 .import + FTS5 index       {:>8.2} s", reference.as_secs_f64());

    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let clock = Arc::new(FixedClock("2026-11-22T10:00:00Z".parse().unwrap()));
        let store = Store::init(&dir.path().join("store"), Protection::Passphrase(Zeroizing::new("correct horse battery staple".into())), clock)
            .await
            .unwrap();
        let bytes = std::fs::read(&file).unwrap();
        // The dry run is the read + match + plan half of an import, without the writes.
        let start = Instant::now();
        let p = store.import_preview("google.csv", &bytes, &ImportOptions::default()).await.unwrap();
        assert_eq!(p.created as usize, rows);
        let plan = start.elapsed();
        let start = Instant::now();
        let (s, phases) = store
            .import_file_timed("google.csv", &bytes, &ImportOptions::default(), &|_, _| {}, &AtomicBool::new(false))
            .await
            .unwrap();
        let took = start.elapsed();
        assert_eq!(s.created as usize, rows);
        let ops: i64 = sqlx::query_scalar("SELECT count(*) FROM ops").fetch_one(store.pool()).await.unwrap();
        println!(
            "rapport import_file (encrypted)    {:>8.2} s   ({:.0} rows/s, {ops} ops)",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64()
        );
        println!("of which ~read + plan (dry run)     {:>8.2} s", plan.as_secs_f64());
        println!("ratio rapport / sqlite3            {:>8.2}×   (target ≤ 1.5×)", took.as_secs_f64() / reference.as_secs_f64());
        println!("phases of the import:");
        let pct = |d: Duration| 100.0 * d.as_secs_f64() / took.as_secs_f64();
        for (what, d) in [
            ("parse (decode, CSV, map)", phases.read),
            ("plan (validate, match, merge)", phases.plan),
            ("  of which loading match keys", phases.match_keys),
            ("create (rows + ops, no index)", phases.create),
            ("fts (indexes + typo words)", phases.index),
            ("update (existing customers)", phases.update),
            ("batch (undo record)", phases.batch),
            ("vocabulary (updates' words)", phases.vocabulary),
            ("commit (last pages, fsync)", phases.commit),
        ] {
            println!("  {what:<32} {:>8.2} s   ({:>4.1}%)", d.as_secs_f64(), pct(d));
        }

        // What the op rows alone cost SQLite (encrypted, same indexes), with no binding or
        // round trips at all: copied from `ops` in one statement. The floor for writing them.
        let mut tx = store.pool().begin().await.unwrap();
        for sql in [
            "CREATE TABLE ops_copy AS SELECT * FROM ops WHERE 0",
            "CREATE INDEX ops_copy_entity ON ops_copy (entity_id, field)",
            "CREATE INDEX ops_copy_unpushed ON ops_copy (seq) WHERE pushed = 0",
        ] {
            sqlx::query(sql).execute(&mut *tx).await.unwrap();
        }
        let start = Instant::now();
        sqlx::query("INSERT INTO ops_copy SELECT * FROM ops").execute(&mut *tx).await.unwrap();
        let op_time = start.elapsed();
        tx.rollback().await.unwrap();
        println!(
            "op rows alone (INSERT … SELECT)     {:>8.2} s   ({:.0}% of the import, {:.2}× the reference)",
            op_time.as_secs_f64(),
            100.0 * op_time.as_secs_f64() / took.as_secs_f64(),
            op_time.as_secs_f64() / reference.as_secs_f64()
        );
        store.close().await;
    });
}
