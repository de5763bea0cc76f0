//! Privacy requests: erasing a person everywhere, and exporting everything about them.

mod erase;

pub use erase::{ErasureReport, ERASED_FIELD, REDACTED_FIELD};
