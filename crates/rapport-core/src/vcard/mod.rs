//! vCard in and out. Reading takes 2.1 (versit), 3.0 (RFC 2426) and 4.0 (RFC 6350) as
//! Apple, Google, Outlook and phones write them; writing is 4.0 and carries every field
//! Rapport stores, so a round trip loses nothing.
//!
//! Our own small parser rather than a crate: the hard part of real files is vCard 2.1
//! (quoted-printable with soft breaks across folded lines, per-value CHARSET in legacy
//! encodings, raw 8-bit values, bare `;WORK;VOICE` parameters), and problems must be
//! reported per card and property. `vcard4` is 4.0-only and refuses any CHARSET but UTF-8;
//! `ical` and `calcard` take `&str` input (so raw Latin-1/windows-1252 bytes are lost before
//! parsing) and skip bad values silently. Legacy charsets come from `encoding_rs`.

pub(crate) mod content;
mod dates;
mod decode;
mod lines;
mod read;
mod write;

pub use read::read_vcards;
pub use write::write_vcards;

/// The import's default cap on one photo, decoded.
pub const MAX_PHOTO_BYTES: usize = 256 * 1024;

/// How to read a vCard file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcardOptions {
    /// The encoding (WHATWG label) of values that are not UTF-8 and name no CHARSET;
    /// `None` reads them as windows-1252 and says so in a warning.
    pub encoding: Option<String>,
    /// Photos larger than this (decoded) are skipped with a warning.
    pub max_photo_bytes: usize,
}

impl Default for VcardOptions {
    fn default() -> Self {
        VcardOptions { encoding: None, max_photo_bytes: MAX_PHOTO_BYTES }
    }
}
