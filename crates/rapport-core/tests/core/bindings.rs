//! The UI's TypeScript types are generated from the Rust types (ts-rs) and committed in
//! `ui/src/lib/bindings`. This test regenerates them and fails on any drift.
//! `RAPPORT_UPDATE_BINDINGS=1 cargo test -p rapport-core --test core bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_dir_ts(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "ts"))
                .map(|p| {
                    (
                        p.file_name().unwrap().to_string_lossy().to_string(),
                        std::fs::read_to_string(&p).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let committed_dir: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings");
    let fresh = tempfile::tempdir().unwrap();
    rapport_core::bindings::export_all(fresh.path()).unwrap();
    let generated = read_dir_ts(fresh.path());
    assert!(generated.contains_key("StoreStatus.ts") && generated.contains_key("ErrorCode.ts"));
    for (name, text) in &generated {
        assert!(
            !text.contains("bigint"),
            "{name} uses bigint; annotate the field with #[ts(type = \"number\")]"
        );
    }

    if std::env::var_os("RAPPORT_UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&committed_dir).unwrap();
        for name in read_dir_ts(&committed_dir).keys() {
            std::fs::remove_file(committed_dir.join(name)).unwrap();
        }
        for (name, text) in &generated {
            std::fs::write(committed_dir.join(name), text).unwrap();
        }
        return;
    }
    let committed = read_dir_ts(&committed_dir);
    let stale: Vec<_> = committed.keys().filter(|k| !generated.contains_key(*k)).collect();
    let differ: Vec<_> =
        generated.iter().filter(|(k, v)| committed.get(*k) != Some(v)).map(|(k, _)| k).collect();
    assert!(
        stale.is_empty() && differ.is_empty(),
        "ui/src/lib/bindings is out of date (changed or missing: {differ:?}; stale: {stale:?}).\n\
         Regenerate with: RAPPORT_UPDATE_BINDINGS=1 cargo test -p rapport-core --test core bindings"
    );
}
