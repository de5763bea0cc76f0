//! Getting customers in from other tools' files: readers turn a file into
//! [`ImportRecord`]s; the engine matches, reports (dry run) and writes them, undoably.

mod record;

pub use record::{ImportRecord, Photo, RowIssue, Severity};
