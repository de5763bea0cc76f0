//! Bytes → text. UTF-8 (with or without BOM) and UTF-16 (by BOM, or by its NUL bytes) are
//! recognised; anything else that is not valid UTF-8 is a legacy encoding, guessed with
//! `chardetng` (Windows-1252 for Outlook's "ANSI" export). Decoding never silently turns
//! bytes into U+FFFD: a byte sequence the encoding cannot read is an error that says where.

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::{Error, Result};

/// Text decoded from a file, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name: `UTF-8`, `UTF-16LE`, `windows-1252`…
    pub encoding: &'static str,
    pub detected: bool,
}

/// Where a decoding failed: the byte offset in the text decoded so far, for the caller
/// to turn into a row and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    pub encoding: &'static str,
    /// The text up to the bad bytes.
    pub prefix: String,
    /// The bad bytes (up to 4), for the message.
    pub bytes: Vec<u8>,
}

pub fn decode(
    bytes: &[u8],
    label: Option<&str>,
) -> Result<std::result::Result<Decoded, Undecodable>> {
    let (encoding, detected, body) = match label.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => {
            let enc = Encoding::for_label(l.as_bytes()).ok_or_else(|| {
                Error::invalid(
                    "encoding",
                    format!("`{l}` is not an encoding name (try utf-8, windows-1252, utf-16le, iso-8859-15, shift_jis)"),
                )
            })?;
            // A BOM that agrees with the chosen encoding is not part of the text.
            let body = match Encoding::for_bom(bytes) {
                Some((bom_enc, len)) if bom_enc == enc => &bytes[len..],
                _ => bytes,
            };
            (enc, false, body)
        }
        None => match Encoding::for_bom(bytes) {
            Some((enc, len)) => (enc, true, &bytes[len..]),
            None => (sniff(bytes), true, bytes),
        },
    };
    Ok(decode_strict(body, encoding).map(|text| Decoded {
        text,
        encoding: encoding.name(),
        detected,
    }))
}

/// The encoding of BOM-less bytes: UTF-16 if every other byte is mostly NUL (text in a
/// Latin script), UTF-8 if the bytes are valid UTF-8, else chardetng's guess.
fn sniff(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    if sample.len() >= 4 {
        let pairs = sample.len() / 2;
        let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_nul = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        if odd_nul * 10 >= pairs * 3 && even_nul * 10 < pairs {
            return UTF_16LE;
        }
        if even_nul * 10 >= pairs * 3 && odd_nul * 10 < pairs {
            return UTF_16BE;
        }
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // Valid UTF-8 was recognised above, so the guess is among legacy encodings.
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

fn decode_strict(
    bytes: &[u8],
    encoding: &'static Encoding,
) -> std::result::Result<String, Undecodable> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(bytes.len()),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        DecoderResult::InputEmpty => Ok(out),
        DecoderResult::Malformed(bad, _) => {
            let bad = usize::from(bad);
            let start = read.saturating_sub(bad).min(bytes.len());
            let end = (start + bad.clamp(1, 4)).min(bytes.len());
            Err(Undecodable {
                encoding: encoding.name(),
                prefix: out,
                bytes: bytes[start..end].to_vec(),
            })
        }
        // The buffer was sized for the whole input; treat a short buffer as a bug, not data.
        DecoderResult::OutputFull => {
            Err(Undecodable { encoding: encoding.name(), prefix: out, bytes: Vec::new() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_nul_patterns_pick_utf16() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,é".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let d = decode(&le, None).unwrap().unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("a,é", "UTF-16LE"));
        let be: Vec<u8> = "name,x\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode(&be, None).unwrap().unwrap();
        assert_eq!((d.text.as_str(), d.encoding), ("name,x\n", "UTF-16BE"));
    }

    #[test]
    fn windows_1252_is_detected_and_bad_utf8_says_where() {
        // "Zoë Müller,café" in Windows-1252.
        let bytes = b"name\nZo\xEB M\xFCller caf\xE9 cr\xE8me br\xFBl\xE9e\n";
        let d = decode(bytes, None).unwrap().unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains("Zoë Müller café crème brûlée"), "{}", d.text);
        let e = decode(bytes, Some("utf-8")).unwrap().unwrap_err();
        assert_eq!(e.prefix, "name\nZo");
        assert_eq!(e.bytes, vec![0xEB]);
    }
}
