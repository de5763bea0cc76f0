//! The CSV layer: decoded text → a header and rows of cells, with each row's line number.
//! Delimiters `, ; \t |` are sniffed (or given by an Excel `sep=X` first line); quoted
//! fields may hold newlines; rows with the wrong number of cells and oversized cells are
//! row errors that say where, never a panic or a silently shifted column.

use super::encoding::{self, Undecodable};
use super::record::{RowIssue, Severity};
use crate::error::{Error, Result};

/// Longest cell read (a long note is fine; a runaway quote swallowing the file is not).
pub const MAX_FIELD_BYTES: usize = 100 * 1024;
/// Most columns a header may have.
pub const MAX_COLUMNS: usize = 1000;
const DELIMITERS: [char; 4] = [',', ';', '\t', '|'];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// 1-based line of the file where the row starts (the header is line 1, or 2 after `sep=`).
    pub line: u64,
    pub cells: Vec<String>,
    /// Why the row can't be used as it is (ragged, oversized cell).
    pub issue: Option<RowIssue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    pub encoding: &'static str,
    pub encoding_detected: bool,
    pub delimiter: char,
    pub header: Vec<String>,
    pub rows: Vec<CsvRow>,
}

/// Reads CSV bytes. `encoding`: a WHATWG label, or `None` to detect. Errors are about the
/// whole file (undecodable bytes, no header); row problems are in [`CsvRow::issue`].
pub fn read_csv(bytes: &[u8], encoding: Option<&str>) -> Result<CsvFile> {
    let decoded = match encoding::decode(bytes, encoding)? {
        Ok(d) => d,
        Err(bad) => return Err(undecodable(bad, encoding.is_some())),
    };
    let mut text = decoded.text.as_str();
    // A BOM decoded as text (e.g. a UTF-8 BOM inside a file read as UTF-16) is not data.
    text = text.trim_start_matches('\u{feff}');
    let (delimiter, skipped_lines, body) = match sep_line(text) {
        Some((d, rest)) => (d, 1, rest),
        None => (sniff_delimiter(text), 0, text),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter as u8)
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            None => return Err(Error::invalid("file", "is empty: no header row")),
            Some(Err(e)) => {
                return Err(Error::invalid("file", format!("the header row cannot be read: {e}")))
            }
            Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
            Some(Ok(r)) => break r,
        }
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    if header.len() > MAX_COLUMNS {
        return Err(Error::invalid(
            "file",
            format!("the header has {} columns; at most {MAX_COLUMNS} are read", header.len()),
        ));
    }
    if let Some(h) = header.iter().find(|h| h.len() > 200) {
        return Err(Error::invalid(
            "file",
            format!(
                "the header cell `{}…` is over 200 characters: is this a CSV file?",
                h.chars().take(40).collect::<String>()
            ),
        ));
    }
    let mut rows = Vec::new();
    let bytes_len = body.len();
    let (mut counted_to, mut counted_line) = (0usize, 1u64);
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            // The csv crate only fails on I/O (none here) or invalid UTF-8 (impossible on &str).
            Err(e) => return Err(Error::invalid("file", format!("cannot be read as CSV: {e}"))),
        };
        // The csv crate's line number lags by one after a CRLF (it records the position
        // before the `\n`), so count newlines up to the record's first byte ourselves.
        let mut start = rec.position().map_or(0, |p| p.byte() as usize).min(bytes_len);
        while start < bytes_len && matches!(body.as_bytes()[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= counted_to {
            counted_line += line_breaks(&body.as_bytes()[counted_to..start]);
            counted_to = start;
        }
        let line = counted_line + skipped_lines;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut cells: Vec<String> = rec.iter().map(str::to_string).collect();
        let mut issue = None;
        // Trailing empty cells (a trailing delimiter) are harmless; anything else is not.
        while cells.len() > header.len() && cells.last().is_some_and(|c| c.trim().is_empty()) {
            cells.pop();
        }
        if cells.len() != header.len() {
            issue = Some(RowIssue {
                row: line,
                column: None,
                field: None,
                severity: Severity::Error,
                message: format!(
                    "has {} cells but the header has {} columns (a missing or extra delimiter, or an unclosed quote)",
                    cells.len(),
                    header.len()
                ),
            });
        } else if let Some(i) = cells.iter().position(|c| c.len() > MAX_FIELD_BYTES) {
            issue = Some(RowIssue {
                row: line,
                column: Some(header[i].clone()),
                field: None,
                severity: Severity::Error,
                message: format!(
                    "the cell is {} KiB; cells are capped at {} KiB (an unclosed quote can swallow the rest of the file)",
                    cells[i].len() / 1024,
                    MAX_FIELD_BYTES / 1024
                ),
            });
            cells[i].clear();
        }
        rows.push(CsvRow { line, cells, issue });
    }
    Ok(CsvFile {
        encoding: decoded.encoding,
        encoding_detected: decoded.detected,
        delimiter,
        header,
        rows,
    })
}

/// Line breaks in `bytes`: `\n`, `\r\n`, and a lone `\r` (old Mac files; the csv crate
/// ends records there too).
fn line_breaks(bytes: &[u8]) -> u64 {
    let lone_cr = bytes.windows(2).filter(|w| w[0] == b'\r' && w[1] != b'\n').count()
        + usize::from(bytes.last() == Some(&b'\r'));
    (bytes.iter().filter(|b| **b == b'\n').count() + lone_cr) as u64
}

/// Excel's `sep=;` first line (optionally quoted): the delimiter, and the text after it.
fn sep_line(text: &str) -> Option<(char, &str)> {
    let (first, rest) = match text.find('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    let first = first.trim_end_matches('\r').trim().trim_matches('"');
    let sep = first.get(..4).filter(|p| p.eq_ignore_ascii_case("sep="))?;
    let _ = sep;
    let mut chars = first[4..].chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if DELIMITERS.contains(&c) => Some((c, rest)),
        _ => None,
    }
}

/// The delimiter that splits the first lines most consistently (outside quotes), preferring
/// the one that splits the header into the most columns; `,` when nothing splits.
fn sniff_delimiter(text: &str) -> char {
    let lines = logical_lines(text, 20);
    let mut best = (',', 0usize, 0usize);
    for d in DELIMITERS {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let Some(&head) = counts.first() else { continue };
        if head == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|c| **c == head).count();
        if (consistent, head) > (best.1, best.2) {
            best = (d, consistent, head);
        }
    }
    best.0
}

/// Up to `n` lines, where a newline inside quotes does not end a line.
fn logical_lines(text: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => {
                let line = text[start..i].trim_end_matches('\r');
                if !line.trim().is_empty() {
                    out.push(line);
                }
                start = i + 1;
                if out.len() == n {
                    return out;
                }
            }
            _ => {}
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(&text[start..]);
    }
    out
}

fn count_outside_quotes(line: &str, d: char) -> usize {
    let mut quoted = false;
    line.chars()
        .filter(|c| {
            if *c == '"' {
                quoted = !quoted;
            }
            !quoted && *c == d
        })
        .count()
}

/// "Not valid UTF-8 at row 3, column "Last Name"": locates the bad bytes in the text read
/// so far (rows start at unquoted newlines; columns at unquoted delimiters).
fn undecodable(bad: Undecodable, chosen: bool) -> Error {
    let prefix = bad.prefix.trim_start_matches('\u{feff}');
    let delimiter = sniff_delimiter(prefix);
    let (mut line, mut col, mut quoted, mut header, mut cell) =
        (1u64, 0usize, false, Vec::new(), String::new());
    let mut in_header = true;
    let mut row_start_line = 1u64;
    for c in prefix.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' => {
                line += 1;
                if !quoted {
                    if in_header {
                        header.push(std::mem::take(&mut cell));
                        in_header = false;
                    }
                    col = 0;
                    row_start_line = line;
                    continue;
                }
            }
            c if c == delimiter && !quoted => {
                if in_header {
                    header.push(std::mem::take(&mut cell).trim().trim_matches('"').to_string());
                }
                col += 1;
                continue;
            }
            _ => {}
        }
        if in_header {
            cell.push(c);
        }
    }
    let column = if in_header {
        "in the header".to_string()
    } else {
        match header.get(col) {
            Some(h) => format!("column \"{}\"", h.trim().trim_matches('"')),
            None => format!("column {}", col + 1),
        }
    };
    let bytes: Vec<String> = bad.bytes.iter().map(|b| format!("0x{b:02X}")).collect();
    let what = if chosen { "as you chose it" } else { "as detected" };
    Error::invalid(
        "encoding",
        format!(
            "the file cannot be read as {} ({what}): bytes {} at row {row_start_line}, {column} are not {}. Choose the file's encoding (e.g. windows-1252, iso-8859-2, shift_jis, utf-16le)",
            bad.encoding,
            bytes.join(" "),
            bad.encoding
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_delimiter_and_honours_sep_lines() {
        for d in DELIMITERS {
            let text = format!("a{d}b{d}c\n1{d}\"x{d}y\"{d}3\n");
            let f = read_csv(text.as_bytes(), None).unwrap();
            assert_eq!(f.delimiter, d);
            assert_eq!(f.rows[0].cells, vec!["1", &format!("x{d}y"), "3"]);
        }
        let f = read_csv(b"sep=;\na;b,c\n1;2,5\n", None).unwrap();
        assert_eq!((f.delimiter, f.header.clone()), (';', vec!["a".to_string(), "b,c".into()]));
        assert_eq!(f.rows[0].line, 3);
    }

    #[test]
    fn quoted_newlines_keep_line_numbers_and_ragged_rows_are_errors() {
        let f = read_csv(b"a,b\n\"multi\nline\",2\n3\n4,5\n", None).unwrap();
        assert_eq!(f.rows[0].cells[0], "multi\nline");
        assert_eq!(f.rows[0].line, 2);
        let ragged = &f.rows[1];
        assert_eq!(ragged.line, 4);
        assert!(ragged
            .issue
            .as_ref()
            .unwrap()
            .message
            .contains("has 1 cells but the header has 2"));
        assert_eq!(f.rows[2].line, 5);
        assert!(f.rows[2].issue.is_none());
    }

    #[test]
    fn crlf_files_number_rows_by_their_line() {
        let f = read_csv(b"a,b\r\n\"x\r\ny\",1\r\n\r\n2,3\r\n", None).unwrap();
        assert_eq!(f.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 5]);
        assert_eq!(f.rows[0].cells[0], "x\r\ny");
        let f = read_csv(b"a,b\r1,2\r3,4\r", None).unwrap();
        assert_eq!(f.rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn undecodable_bytes_are_located() {
        let e = read_csv(b"First Name,Last Name\nAda,Lovelace\nZo\xEB,M\xFCller\n", Some("utf-8"))
            .unwrap_err();
        let m = e.to_string();
        assert!(m.contains("row 3, column \"First Name\""), "{m}");
        assert!(m.contains("0xEB"), "{m}");
    }
}
