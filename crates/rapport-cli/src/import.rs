//! `rapport import FILE`, `import undo [BATCH]`, `import list`.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use anyhow::{bail, Context as _};
use rapport_core::import::{
    ColumnMapping, DateOrder, ImportFormat, ImportOptions, ImportPreview, ImportRowAction,
    Severity, MAX_FILE_BYTES,
};
use rapport_core::Store;

use crate::args::{DateOrderArg, ImportArgs, ImportCmd, ImportFormatArg};
use crate::context::Context;
use crate::output;

pub async fn run(ctx: &Context, store: &Store, args: ImportArgs) -> anyhow::Result<()> {
    match args.cmd {
        Some(ImportCmd::List) => list(ctx, store).await,
        Some(ImportCmd::Undo { batch }) => undo(ctx, store, batch.as_deref()).await,
        None => {
            let Some(file) = args.file.clone() else { bail!("FILE: give the file to import") };
            import(ctx, store, &file, &args).await
        }
    }
}

/// Reads a file the import may take (at most 200 MiB), naming it in errors.
fn read_capped(path: &Path, what: &str) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("{what}: cannot read {}", path.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        bail!(
            "{what}: {} is {} MiB; files over {} MiB are not imported",
            path.display(),
            meta.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        );
    }
    std::fs::read(path).with_context(|| format!("{what}: cannot read {}", path.display()))
}

fn options(args: &ImportArgs) -> anyhow::Result<ImportOptions> {
    let mapping = match &args.mapping {
        Some(p) => {
            let bytes = read_capped(p, "--mapping")?;
            Some(serde_json::from_slice::<ColumnMapping>(&bytes).with_context(|| {
                format!("--mapping: {} is not a mapping like {{\"columns\":[{{\"column\":\"Kunde\",\"field\":\"name\"}}]}}", p.display())
            })?)
        }
        None => None,
    };
    Ok(ImportOptions {
        format: match args.format {
            ImportFormatArg::Auto => None,
            ImportFormatArg::Csv => Some(ImportFormat::Csv),
            ImportFormatArg::Vcard => Some(ImportFormat::Vcard),
        },
        encoding: args.encoding.clone(),
        mapping,
        date_order: args.date_order.map(|d| match d {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
        }),
        skip_bad_rows: args.skip_bad_rows,
    })
}

async fn import(
    ctx: &Context,
    store: &Store,
    file: &Path,
    args: &ImportArgs,
) -> anyhow::Result<()> {
    let bytes = read_capped(file, "FILE")?;
    let opts = options(args)?;
    let name = file
        .file_name()
        .map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    if args.dry_run {
        let p = store.import_preview(&name, &bytes, &opts).await?;
        print_preview(ctx, &p)?;
        if p.needs_date_order {
            bail!("--date-order: dates such as 03/04/1990 could be day/month or month/day; choose dmy or mdy");
        }
        return Ok(());
    }
    let progress = Progress::new(&name, !ctx.json && std::io::stderr().is_terminal());
    let result = store
        .import_file(&name, &bytes, &opts, &|d, t| progress.show(d, t), &AtomicBool::new(false))
        .await;
    progress.clear();
    match result {
        Ok(s) => {
            if ctx.json {
                output::json(&s)?;
            } else {
                println!(
                    "Imported {name}: {} created, {} updated, {} unchanged, {} skipped. Undo with `rapport import undo {}`.",
                    s.created, s.updated, s.unchanged, s.skipped, s.batch_id
                );
            }
            Ok(())
        }
        // Bad rows or undecided dates: show the per-row report, then fail (exit 2).
        Err(e @ rapport_core::Error::InvalidInput { .. }) if matches!(&e, rapport_core::Error::InvalidInput { field, .. } if field == "rows" || field == "date_order") =>
        {
            let p = store.import_preview(&name, &bytes, &opts).await?;
            print_preview(ctx, &p)?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

fn print_preview(ctx: &Context, p: &ImportPreview) -> anyhow::Result<()> {
    if ctx.json {
        return output::json(p);
    }
    let source = p
        .source
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(|s| format!(", {s} columns")))
        .unwrap_or_default();
    let delimiter = match p.delimiter.as_deref() {
        Some("\t") => ", tab-separated".to_string(),
        Some(d) => format!(", separated by `{d}`"),
        None => String::new(),
    };
    println!(
        "{}: {} rows ({}{}{source}{delimiter})",
        p.file_name,
        p.rows,
        p.encoding,
        if p.encoding_detected { ", detected" } else { "" }
    );
    for c in &p.columns {
        println!("  {:<28} → {}", c.column, c.field.as_deref().unwrap_or("(ignored)"));
    }
    println!(
        "Would create {}, update {}, leave {} unchanged, skip {}; {} rows with errors.",
        p.created, p.updated, p.unchanged, p.skipped, p.errors
    );
    if p.needs_date_order {
        println!("Dates such as 03/04/1990 could be day/month or month/day: pass --date-order dmy or mdy.");
    }
    for r in &p.report {
        let action = match r.action {
            ImportRowAction::Create => "create",
            ImportRowAction::Update => "update",
            ImportRowAction::Unchanged => "unchanged",
            ImportRowAction::Skip => "skip",
            ImportRowAction::Error => "ERROR",
        };
        let changes = if r.changes.is_empty() || r.action == ImportRowAction::Create {
            String::new()
        } else {
            format!(" ({})", r.changes.join(", "))
        };
        println!("  row {:>5}  {action:<9} {}{changes}", r.row, r.name);
        for i in &r.issues {
            let sev = if i.severity == Severity::Error { "error" } else { "warning" };
            let col = i.column.as_deref().map_or(String::new(), |c| format!("column \"{c}\": "));
            println!("             {sev}: {col}{}", i.message);
        }
    }
    Ok(())
}

async fn list(ctx: &Context, store: &Store) -> anyhow::Result<()> {
    let batches = store.import_batches().await?;
    if ctx.json {
        return output::json(&batches);
    }
    if batches.is_empty() {
        println!("No imports yet.");
    }
    for b in batches {
        let undone = b
            .undone_at
            .map_or(String::new(), |t| format!("  (undone {})", t.format("%Y-%m-%d %H:%M")));
        println!(
            "{}  {}  {}: {} created, {} updated{undone}",
            b.id,
            b.at.format("%Y-%m-%d %H:%M"),
            b.file_name,
            b.created,
            b.updated
        );
    }
    Ok(())
}

async fn undo(ctx: &Context, store: &Store, batch: Option<&str>) -> anyhow::Result<()> {
    let id = match batch {
        Some(b) => Some(uuid::Uuid::parse_str(b.trim()).map_err(|_| {
            rapport_core::Error::invalid(
                "BATCH",
                format!("`{b}` is not an import id (see `rapport import list`)"),
            )
        })?),
        None => None,
    };
    let b = store.undo_import(id).await?;
    if ctx.json {
        output::json(&b)?;
    } else {
        println!(
            "Undid the import of {}: the {} customers it created are deleted, the {} it updated restored.",
            b.file_name, b.created, b.updated
        );
    }
    Ok(())
}

/// How far a long import has come, on one line of a terminal's stderr (rewritten at most
/// once per percent), so a big file never looks stuck. Ctrl-C ends the process, and the
/// import's single transaction keeps none of it.
struct Progress {
    name: String,
    on: bool,
    /// The percentage last shown, plus one (0: nothing shown yet).
    shown: AtomicU64,
}

impl Progress {
    fn new(name: &str, on: bool) -> Progress {
        if on {
            eprint!("Reading {name}…");
        }
        Progress { name: name.to_string(), on, shown: AtomicU64::new(0) }
    }

    fn show(&self, done: u64, total: u64) {
        if !self.on || total == 0 {
            return;
        }
        let pct = done * 100 / total;
        if self.shown.swap(pct + 1, Ordering::Relaxed) == pct + 1 {
            return;
        }
        // The rows are written by 100 %; the search index and the commit come after.
        let what = if done >= total {
            "making them searchable and saving".to_string()
        } else {
            format!("{done} of {total} rows ({pct} %), Ctrl-C cancels and keeps nothing")
        };
        eprint!("\r\x1b[2KImporting {}: {what}", self.name);
        let _ = std::io::stderr().flush();
    }

    fn clear(&self) {
        if self.on {
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
        }
    }
}
