//! Reading a CRM export: the bytes decoded (UTF-8 with or without a
//! byte-order mark, UTF-16 as Excel's "Unicode text" writes it, or a
//! legacy encoding such as GB18030 named in the rules), the separator
//! found from the header line, then the `csv` crate for quoting, quoted
//! line breaks and CRLF. Rows are numbered as a spreadsheet shows them
//! (the header is row 1, after any skipped lines).

use super::rules::CsvRules;
use std::path::Path;

/// A CSV file's header and rows.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file as named on the command line.
    pub name: String,
    /// Column names (trimmed).
    pub headers: Vec<String>,
    /// The rows with content.
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its number as a spreadsheet shows it.
    pub number: usize,
    /// The cells (trimmed), as many as the file has on that row.
    pub cells: Vec<String>,
}

impl Table {
    /// The position of a header (exact, then ignoring case and spaces).
    pub fn column(&self, header: &str) -> Option<usize> {
        let norm = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        self.headers.iter().position(|h| h == header).or_else(|| {
            let want = norm(header);
            self.headers.iter().position(|h| norm(h) == want)
        })
    }
}

/// Reads and parses a CSV file.
pub fn read(path: &Path, name: &str, rules: &CsvRules) -> Result<Table, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let text = decode(&bytes, rules.encoding.as_deref()).map_err(|e| format!("{name}: {e}"))?;
    parse(&text, name, rules)
}

/// Decodes a file's bytes: a byte-order mark decides (UTF-8, UTF-16LE,
/// UTF-16BE); without one, the encoding named (default UTF-8), or UTF-16LE
/// when every other byte of the start is zero.
pub fn decode(bytes: &[u8], encoding: Option<&str>) -> Result<String, String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(format!("not valid {} text", enc.name()));
        }
        return Ok(text.into_owned());
    }
    let label = encoding.unwrap_or("utf-8");
    // UTF-16LE without a mark: most high bytes of the start are zero.
    let odd: Vec<u8> = bytes.iter().take(64).skip(1).step_by(2).copied().collect();
    let utf16ish = odd.len() >= 2 && odd.iter().filter(|&&b| b == 0).count() * 2 >= odd.len();
    let enc = if label.eq_ignore_ascii_case("utf-16") || (encoding.is_none() && utf16ish) {
        encoding_rs::UTF_16LE
    } else {
        encoding_rs::Encoding::for_label(label.as_bytes())
            .ok_or_else(|| format!("unknown encoding \"{label}\" in [csv] encoding"))?
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let hint = if enc == encoding_rs::UTF_8 {
            "; if it was saved by Excel in China, set [csv] encoding = \"gb18030\" in the rules (\"windows-1252\" for Western Europe), or save it as \"CSV UTF-8\""
        } else {
            ""
        };
        return Err(format!("not valid {} text{hint}", enc.name()));
    }
    Ok(text.into_owned())
}

/// The separator: `,`, `;` or tab, whichever the header line has most of
/// outside quotes.
fn detect_delimiter(header: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map_or(b',', |c| c.0)
}

/// Parses decoded text.
pub fn parse(text: &str, name: &str, rules: &CsvRules) -> Result<Table, String> {
    let mut rest = text;
    for _ in 0..rules.skip {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
    }
    let header_line = rest.lines().next().unwrap_or("");
    let delimiter = match &rules.delimiter {
        Some(d) => d.bytes().next().unwrap_or(b','),
        None => detect_delimiter(header_line),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(rest.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{name}: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(format!("{name}: no header line"));
    }
    let first = rules.skip + 2;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut n = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format!("{name}:{}: {e}", first + n)),
        }
        let number = first + n;
        n += 1;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            number,
            cells: record
                .iter()
                .map(|c| {
                    let c = c.trim();
                    if c.contains('\r') {
                        c.replace("\r\n", "\n")
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        });
    }
    Ok(Table {
        name: name.to_string(),
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn encodings() {
        assert_eq!(decode(b"\xef\xbb\xbfa,b", None).unwrap(), "a,b");
        assert_eq!(decode(&utf16le("名,b", true), None).unwrap(), "名,b");
        assert_eq!(decode(&utf16le("Name,名", false), None).unwrap(), "Name,名");
        let (gbk, _, _) = encoding_rs::GB18030.encode("华星电力");
        assert_eq!(decode(&gbk, Some("gb18030")).unwrap(), "华星电力");
        let e = decode(&gbk, None).unwrap_err();
        assert!(e.contains("gb18030"), "{e}");
    }

    #[test]
    fn rows_quotes_and_separators() {
        let text = "Name\tAmount\t\r\n\"A\r\nB\"\t1\t\r\n\t\t\r\nC\t2\r\n";
        let t = parse(text, "x.csv", &CsvRules::default()).unwrap();
        assert_eq!(t.headers, ["Name", "Amount", ""]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells[0], "A\nB");
        assert_eq!(t.rows[0].number, 2);
        assert_eq!(t.rows[1].number, 4);
        let t = parse("a;b\n1;\"2;3\"\n", "x.csv", &CsvRules::default()).unwrap();
        assert_eq!(t.rows[0].cells, ["1", "2;3"]);
        assert_eq!(t.column("A"), Some(0));
    }
}
