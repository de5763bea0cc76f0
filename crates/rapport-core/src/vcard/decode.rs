//! Property values from raw bytes to text: quoted-printable (vCard 2.1), the CHARSET
//! parameter, TEXT unescaping, and splitting structured values.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Decodes quoted-printable (RFC 2045 §6.7) leniently: `=XX` is a byte, a stray `=` that
/// is not followed by two hex digits stays as it is. Soft line breaks were already removed
/// while unfolding.
pub(crate) fn quoted_printable(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            if let (Some(h), Some(l)) =
                (raw.get(i + 1).and_then(|&b| hex(b)), raw.get(i + 2).and_then(|&b| hex(b)))
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// Text from a value's bytes, and what the user should know about how it was read.
pub(crate) struct Decoded {
    pub text: String,
    pub warning: Option<String>,
}

/// Decodes bytes in the declared CHARSET; without one, as UTF-8, or — when they are not
/// UTF-8 — in `fallback` (the user's choice), else windows-1252 with a warning, since
/// vCard 2.1 files from Windows tools are written in the system's "ANSI" code page.
pub(crate) fn charset(
    bytes: &[u8],
    declared: Option<&str>,
    fallback: Option<&'static Encoding>,
) -> Decoded {
    let mut warning = None;
    if let Some(label) = declared {
        match Encoding::for_label(label.trim().as_bytes()) {
            Some(enc) => {
                return match enc.decode_without_bom_handling_and_without_replacement(bytes) {
                    Some(text) => Decoded { text: text.into_owned(), warning: None },
                    None => Decoded {
                        text: enc.decode_without_bom_handling(bytes).0.into_owned(),
                        warning: Some(format!(
                            "has bytes that are not valid {}; they were replaced with �",
                            enc.name()
                        )),
                    },
                };
            }
            None => warning = Some(format!("CHARSET={label} is not a known character set")),
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded { text: text.to_string(), warning };
    }
    let (enc, said) = match fallback {
        Some(enc) => (enc, false),
        None => (WINDOWS_1252, true),
    };
    let enc = if enc == UTF_8 { WINDOWS_1252 } else { enc };
    let text = enc.decode_without_bom_handling(bytes).0.into_owned();
    let note = format!("is not UTF-8 and names no CHARSET; read as {}", enc.name());
    let warning = match (warning, said) {
        (Some(w), _) => Some(format!("{w}; the value {note}")),
        (None, true) => Some(note),
        (None, false) => None,
    };
    Decoded { text, warning }
}

/// Undoes TEXT escapes: `\n` `\N` (line break), `\,` `\;` `\:` `\\`. A backslash before
/// anything else is kept, as vCard 2.1 values use it literally.
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('n' | 'N') => {
                out.push('\n');
                chars.next();
            }
            Some(&e @ (',' | ';' | ':' | '\\')) => {
                out.push(e);
                chars.next();
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// Splits on `sep` where it is not escaped by a backslash; the parts stay escaped.
pub(crate) fn split_unescaped(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            out.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&s[start..]);
    out
}

/// A trimmed, unescaped text with line breaks as `\n` (quoted-printable values carry
/// `=0D=0A`); `None` when empty.
pub(crate) fn text(s: &str) -> Option<String> {
    let t = unescape(s).replace("\r\n", "\n").replace('\r', "\n");
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_bytes() {
        assert_eq!(quoted_printable(b"M=C3=BCller=0D=0A=3D =ZZ="), "Müller\r\n= =ZZ=".as_bytes());
    }

    #[test]
    fn charsets_declared_and_not() {
        assert_eq!(charset(&[0x4D, 0xFC], Some("ISO-8859-1"), None).text, "Mü");
        assert_eq!(charset(&[0x80], Some("windows-1252"), None).text, "€");
        let d = charset(&[0x4D, 0xFC], None, None);
        assert_eq!(d.text, "Mü");
        assert!(d.warning.unwrap().contains("windows-1252"));
        let d = charset("Mü".as_bytes(), Some("x-unknown"), None);
        assert_eq!(d.text, "Mü");
        assert!(d.warning.unwrap().contains("x-unknown"));
        assert!(charset(&[0xFF], Some("UTF-8"), None).warning.is_some());
    }

    #[test]
    fn escapes_and_splits() {
        assert_eq!(unescape(r"a\,b\;c\nd\Ne\\f\x"), "a,b;c\nd\ne\\f\\x");
        assert_eq!(split_unescaped(r"a\;b;c\\;d", ';'), [r"a\;b", r"c\\", "d"]);
    }
}
