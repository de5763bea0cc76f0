//! Privacy requests: erasing a person everywhere, and exporting everything about them.

mod erase;

pub(crate) use erase::{erase_person, erase_record, settle};
pub use erase::{ErasureReport, ERASED_FIELD, REDACTED_FIELD};
