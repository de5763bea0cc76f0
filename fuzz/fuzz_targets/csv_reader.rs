//! The CSV import reader on arbitrary bytes: decoding (BOMs, UTF-16, legacy encodings),
//! delimiter sniffing, `sep=` lines, the column mapping and date parsing must never panic.
//! The first byte picks the options, the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_core::import::{read_records, DateOrder, ImportFormat, ImportOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, file)) = data.split_first() else { return };
    let encoding = match knobs & 0b11 {
        0 => None,
        1 => Some("utf-8".to_string()),
        2 => Some("windows-1252".to_string()),
        _ => Some("utf-16le".to_string()),
    };
    let date_order = match (knobs >> 2) & 0b11 {
        0 => None,
        1 => Some(DateOrder::Dmy),
        _ => Some(DateOrder::Mdy),
    };
    let opts = ImportOptions {
        format: Some(ImportFormat::Csv),
        encoding,
        mapping: None,
        date_order,
        skip_bad_rows: knobs & 0x10 != 0,
    };
    if let Ok(file) = read_records(file, &opts, &[], 2026) {
        // Every record names a row that exists in the file's numbering.
        for r in &file.records {
            assert!(r.row >= 2, "row {} is not after the header", r.row);
        }
    }
});
