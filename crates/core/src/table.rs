//! Delimited text tables (CSV) as labs deliver them.
//!
//! [`parse_table`] reads the bytes of a whole file into a [`TextTable`] of trimmed text cells
//! (`geoprospect::io::table::read_table` reads them from a path first). Nothing is interpreted
//! beyond what is needed to split the table: cells stay text, and callers read numbers with
//! [`TextTable::number`] or [`parse_number`], which honour the table's decimal separator.
//!
//! # Encoding
//! 1. An explicit [`TableOptions::encoding`] wins. It is a WHATWG label (`utf-8`, `euc-kr`,
//!    `windows-1251`, `koi8-r`, `cp1251`, `utf-16le`...), plus the Microsoft names `cp949`,
//!    `ms949` and `uhc` for Korean (decoded as EUC-KR, which in the WHATWG standard *is* code page
//!    949). A byte-order mark of that encoding is removed. An unknown label is an error.
//! 2. Otherwise a byte-order mark decides (UTF-8, UTF-16LE, UTF-16BE) and is removed.
//! 3. Otherwise text that is valid UTF-8 is UTF-8 (plain ASCII included).
//! 4. Otherwise the encoding is guessed by `chardetng` (the detector of Firefox). It recognises
//!    Korean lab exports (CP949/EUC-KR) and Cyrillic Windows-1251 from a few lines of text, but a
//!    guess is a guess: pass the encoding explicitly when the file has only a handful of non-ASCII
//!    words. Mongolian Cyrillic letters Ө and Ү do not exist in Windows-1251; exports that need
//!    them are UTF-8 or use look-alike letters.
//!
//! Bytes that are not valid in the chosen encoding are an error naming the encoding and the line:
//! nothing is silently replaced. UTF-16 without a byte-order mark is not detected.
//!
//! # Delimiter
//! Unless [`TableOptions::delimiter`] is given, the delimiter is sniffed among `,` `;` tab and `|`
//! on the first 50 records, honouring double quotes: the candidate that splits the header into two
//! or more columns and gives the most records with as many fields as the header wins (then: more
//! columns, then the order above). A table whose header cannot be split is read as one column.
//!
//! # Decimal comma
//! Unless [`TableOptions::decimal_comma`] is given, a table delimited by `;`, tab or `|` uses the
//! decimal comma when, among the first 200 data rows, more numeric-looking cells are written like
//! `12,5` than like `12.5`. A comma-delimited table never does. With the decimal comma, `1,234`
//! is 1.234 and a `.` is not accepted in numbers (it could be a thousands separator); without it,
//! `1,234` is not a number. Thousands separators are never read.
//!
//! # Shape
//! The first non-blank record is the header; names are trimmed, and duplicated names are an error.
//! Blank records (empty, whitespace or only delimiters) are skipped anywhere. Empty header names at
//! the end of the header (a trailing delimiter, as some spreadsheet exports write) are dropped
//! together with the empty cells below them. Every other record must have exactly as many fields as
//! the header. Cells are trimmed of surrounding whitespace.
//!
//! # Memory
//! A table is held in memory, compactly: each row is one string of its cells plus their end
//! offsets ([`Row`]), two allocations per row rather than one per cell, and UTF-8 text is split
//! where it lies without a decoded copy. `geoprospect info` on a 1,000,000-row, 10-column file of
//! 63 MB peaks at 357 MB resident (`/usr/bin/time -v`), the file's bytes and element columns
//! included; with a `String` per cell it took 775 MB.
//!
//! ```
//! use geoprospect_core::table::{parse_table, TableOptions};
//! let t = parse_table(b"\xEF\xBB\xBFID;Mo_ppm\nA1;12,5\nA2;<0,5\n", &TableOptions::default())
//!     .unwrap();
//! assert_eq!((t.delimiter, t.decimal_comma, t.encoding), (b';', true, "UTF-8"));
//! assert_eq!(t.headers, ["ID", "Mo_ppm"]);
//! assert_eq!(t.number(&t.rows[0][1]), Some(12.5));
//! ```
use std::borrow::Cow;

use encoding_rs::{DecoderResult, Encoding};

/// How to read a table; `None` fields are detected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// A WHATWG encoding label such as `utf-8`, `euc-kr`, `cp949` or `windows-1251`.
    pub encoding: Option<String>,
    /// The field delimiter byte.
    pub delimiter: Option<u8>,
    /// Whether numbers use a decimal comma.
    pub decimal_comma: Option<bool>,
}

/// One row of trimmed text cells, stored as one string and the end offset of each cell.
///
/// ```
/// use geoprospect_core::table::Row;
/// let row = Row::new(["A1", "", "12.5"]).unwrap();
/// assert_eq!((row.len(), &row[2], row.get(1), row.get(3)), (3, "12.5", Some(""), None));
/// assert_eq!(row, ["A1", "", "12.5"]);
/// assert_eq!(row.iter().collect::<Vec<_>>(), ["A1", "", "12.5"]);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Row {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Row {
    /// A row of these cells; `None` when they hold more than 4 GiB of text together.
    pub fn new<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Option<Row> {
        let mut text = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            text.push_str(cell.as_ref());
            ends.push(u32::try_from(text.len()).ok()?);
        }
        Some(Row {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        })
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cell at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            i => self.ends[i - 1] as usize,
        };
        self.text.get(start..end)
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }
}

impl std::ops::Index<usize> for Row {
    type Output = str;
    /// The cell at `index`; an index past the end is a bug of the caller and panics, as for a
    /// `Vec`.
    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(cell) => cell,
            None => panic!("cell {index} of a row of {} cells", self.len()),
        }
    }
}

impl<'a> IntoIterator for &'a Row {
    type Item = &'a str;
    type IntoIter = Box<dyn Iterator<Item = &'a str> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Row {
    fn eq(&self, other: &[S; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

/// A table of trimmed text cells, every row as long as the header.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTable {
    /// Column names, trimmed, unique.
    pub headers: Vec<String>,
    /// Data rows in file order.
    pub rows: Vec<Row>,
    /// The 1-based line in the file where each row starts (for error messages).
    pub lines: Vec<u64>,
    /// The encoding used, as named by `encoding_rs` (`UTF-8`, `EUC-KR`, `windows-1251`).
    pub encoding: &'static str,
    /// The field delimiter.
    pub delimiter: u8,
    /// Whether numbers use a decimal comma.
    pub decimal_comma: bool,
}

impl TextTable {
    /// Reads a cell as a number with this table's decimal separator (see [`parse_number`]).
    pub fn number(&self, cell: &str) -> Option<f64> {
        parse_number(cell, self.decimal_comma)
    }

    /// The index of the column with this exact name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The 1-based file line of the 0-based data row `row`.
    pub fn line_of_row(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied()
    }
}

/// Reads a finite number written with digits, an optional sign, decimal separator and exponent.
///
/// With `decimal_comma` the separator is `,` and a `.` makes the text not a number; without it the
/// separator is `.` and a `,` makes the text not a number. `NaN`, `inf` and thousands separators are
/// never numbers.
///
/// ```
/// use geoprospect_core::table::parse_number;
/// assert_eq!(parse_number(" 12.5 ", false), Some(12.5));
/// assert_eq!(parse_number("1,234", true), Some(1.234));
/// assert_eq!(parse_number("1,234", false), None);
/// assert_eq!(parse_number("1.5e-3", false), Some(0.0015));
/// ```
pub fn parse_number(text: &str, decimal_comma: bool) -> Option<f64> {
    let t = text.trim();
    let allowed =
        |b: u8| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b',' | b'e' | b'E');
    if t.is_empty() || !t.bytes().all(allowed) {
        return None;
    }
    let (sep, other) = if decimal_comma {
        (',', '.')
    } else {
        ('.', ',')
    };
    if t.contains(other) || t.matches(sep).count() > 1 {
        return None;
    }
    let v: f64 = t.replace(sep, ".").parse().ok()?;
    v.is_finite().then_some(v)
}

/// Why bytes could not be read as a table (the file reader adds the path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// No bytes, or only blank lines.
    #[error("file is empty")]
    Empty,
    /// A header and nothing else.
    #[error("no data rows: the file holds only a header")]
    NoDataRows,
    /// An encoding label that is not known.
    #[error("unknown encoding \"{label}\" (expected a label such as utf-8, euc-kr, cp949 or windows-1251)")]
    UnknownEncoding { label: String },
    /// Bytes that are not valid in the chosen encoding.
    #[error(
        "text is not valid {encoding} (first bad bytes on line {line}); give the file's encoding"
    )]
    Malformed { encoding: &'static str, line: usize },
    /// A delimiter that cannot separate fields.
    #[error("invalid delimiter {delimiter:?}")]
    InvalidDelimiter { delimiter: char },
    /// Two columns with the same name (1-based positions).
    #[error("duplicated column name \"{name}\" at columns {first} and {second}")]
    DuplicateColumn {
        name: String,
        first: usize,
        second: usize,
    },
    /// A record shorter than the header.
    #[error("line {line} has {found} fields, expected {expected} as in the header")]
    TooFewFields {
        line: u64,
        found: usize,
        expected: usize,
    },
    /// A record longer than the header.
    #[error("line {line} has {found} fields, more than the {expected} columns of the header")]
    TooManyFields {
        line: u64,
        found: usize,
        expected: usize,
    },
    /// A record of more than 4 GiB.
    #[error("line {line} holds more than 4 GiB of text")]
    HugeRecord { line: u64 },
    /// Any other CSV-level failure.
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
}

/// Reads a delimited table from bytes (rules in the module docs).
pub fn parse_table(bytes: &[u8], opts: &TableOptions) -> Result<TextTable, TableError> {
    let (text, encoding) = decode(bytes, opts.encoding.as_deref())?;
    let delimiter = match opts.delimiter {
        Some(d) if matches!(d, b'"' | b'\n' | b'\r') || !d.is_ascii() => {
            return Err(TableError::InvalidDelimiter {
                delimiter: char::from(d),
            })
        }
        Some(d) => d,
        None => sniff_delimiter(&text),
    };
    let mut records = Records::new(&text, delimiter);
    let Some((_, raw_header)) = records.next_record().transpose()? else {
        return Err(TableError::Empty);
    };
    let mut headers: Vec<String> = raw_header
        .iter()
        .map(|h| {
            h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                .to_string()
        })
        .collect();
    while headers.len() > 1 && headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    for (i, name) in headers.iter().enumerate() {
        if let Some(j) = headers[i + 1..].iter().position(|h| h == name) {
            let (first, second) = (i + 1, i + j + 2);
            return Err(TableError::DuplicateColumn {
                name: name.clone(),
                first,
                second,
            });
        }
    }
    let expected = headers.len();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    while let Some(record) = records.next_record() {
        let (line, fields) = record?;
        if fields.len() < expected {
            return Err(TableError::TooFewFields {
                line,
                found: fields.len(),
                expected,
            });
        }
        if fields.iter().skip(expected).any(|f| !f.trim().is_empty()) {
            return Err(TableError::TooManyFields {
                line,
                found: fields.len(),
                expected,
            });
        }
        let row = Row::new(fields.iter().take(expected).map(str::trim))
            .ok_or(TableError::HugeRecord { line })?;
        rows.push(row);
        lines.push(line);
    }
    if rows.is_empty() {
        return Err(TableError::NoDataRows);
    }
    let decimal_comma = match opts.decimal_comma {
        Some(d) => d,
        None => delimiter != b',' && detect_decimal_comma(&rows),
    };
    Ok(TextTable {
        headers,
        rows,
        lines,
        encoding: encoding.name(),
        delimiter,
        decimal_comma,
    })
}

/// Decodes `bytes` following the encoding rules of the module docs; UTF-8 is borrowed, not
/// copied.
fn decode<'a>(
    bytes: &'a [u8],
    label: Option<&str>,
) -> Result<(Cow<'a, str>, &'static Encoding), TableError> {
    let bom = Encoding::for_bom(bytes);
    let (encoding, body) = match label {
        Some(label) => {
            let encoding = encoding_for_label(label)?;
            match bom {
                Some((e, n)) if e == encoding => (encoding, &bytes[n..]),
                _ => (encoding, bytes),
            }
        }
        None => match bom {
            Some((e, n)) => (e, &bytes[n..]),
            None if std::str::from_utf8(bytes).is_ok() => (encoding_rs::UTF_8, bytes),
            None => {
                let mut detector = chardetng::EncodingDetector::new();
                detector.feed(bytes, true);
                (detector.guess(None, false), bytes)
            }
        },
    };
    if encoding == encoding_rs::UTF_8 {
        if let Ok(text) = std::str::from_utf8(body) {
            return Ok((Cow::Borrowed(text), encoding));
        }
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, _) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok((Cow::Owned(text), encoding)),
        _ => Err(TableError::Malformed {
            encoding: encoding.name(),
            line: text.matches('\n').count() + 1,
        }),
    }
}

/// The encoding for a WHATWG label or one of the Microsoft names for Korean.
fn encoding_for_label(label: &str) -> Result<&'static Encoding, TableError> {
    let key = label.trim().to_ascii_lowercase();
    let found = match key.as_str() {
        "cp949" | "ms949" | "uhc" | "x-windows-949" => Some(encoding_rs::EUC_KR),
        _ => Encoding::for_label(key.as_bytes()),
    };
    match found {
        // The WHATWG "replacement" encoding turns every byte into U+FFFD: never what a user wants.
        Some(e) if e != encoding_rs::REPLACEMENT => Ok(e),
        _ => Err(TableError::UnknownEncoding {
            label: label.to_string(),
        }),
    }
}

/// Non-blank CSV records of `text` with the 1-based line where each starts.
///
/// Line numbers are counted here from byte offsets, as records are read: the `csv` crate's own
/// line counter does not count `\r\n` or skipped blank lines the way an editor does.
struct Records<'a> {
    text: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    /// A byte offset and the line it is on, moved forward as records are read.
    counted: (usize, u64),
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delimiter: u8) -> Self {
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        Records {
            text: text.as_bytes(),
            reader,
            record: csv::StringRecord::new(),
            counted: (0, 1),
        }
    }

    /// The line of the first character at or after `byte` that is not a line break.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut pos = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while self
            .text
            .get(pos)
            .is_some_and(|b| matches!(b, b'\r' | b'\n'))
        {
            pos += 1;
        }
        let (mut from, mut line) = self.counted;
        if pos < from {
            (from, line) = (0, 1);
        }
        for (i, &b) in self.text[from..pos].iter().enumerate() {
            let next = self.text.get(from + i + 1);
            if b == b'\n' || (b == b'\r' && next != Some(&b'\n')) {
                line += 1;
            }
        }
        self.counted = (pos, line);
        line
    }

    /// The next non-blank record (fields untrimmed) and the line where it starts.
    fn next_record(&mut self) -> Option<Result<(u64, &csv::StringRecord), TableError>> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| self.line_at(p.byte()));
                    return Some(Err(TableError::Csv {
                        line,
                        message: e.to_string(),
                    }));
                }
            }
            if self.record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let byte = self.record.position().map_or(0, |p| p.byte());
            let line = self.line_at(byte);
            return Some(Ok((line, &self.record)));
        }
    }
}

/// Picks the delimiter among `,` `;` tab `|` (rule in the module docs).
fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut best: Option<(usize, usize, u8)> = None; // (records that fit, header width, delimiter)
    for &d in &CANDIDATES {
        let mut records = Records::new(text, d);
        let mut counts = Vec::with_capacity(50);
        while let Some(Ok((_, fields))) = records.next_record() {
            counts.push(fields.len());
            if counts.len() == 50 {
                break;
            }
        }
        let Some((&header, data)) = counts.split_first() else {
            continue;
        };
        if header < 2 {
            continue;
        }
        let fits = data.iter().filter(|&&n| n == header).count();
        if best.map_or(true, |(bf, bh, _)| (fits, header) > (bf, bh)) {
            best = Some((fits, header, d));
        }
    }
    best.map_or(b',', |(_, _, d)| d)
}

/// Whether numeric-looking cells of the first rows use a decimal comma (rule in the module docs).
fn detect_decimal_comma(rows: &[Row]) -> bool {
    let (mut comma, mut dot) = (0usize, 0usize);
    for cell in rows.iter().take(200).flatten() {
        let t = cell.trim_start_matches(['<', '>']).trim();
        if t.contains(',') && parse_number(t, true).is_some() {
            comma += 1;
        } else if t.contains('.') && parse_number(t, false).is_some() {
            dot += 1;
        }
    }
    comma > dot
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Result<TextTable, TableError> {
        parse_table(bytes, &TableOptions::default())
    }

    fn error(bytes: &[u8]) -> String {
        parse(bytes).map_or_else(|e| e.to_string(), |t| format!("read {t:?}"))
    }

    fn encoding(label: &str) -> TableOptions {
        TableOptions {
            encoding: Some(label.into()),
            ..Default::default()
        }
    }

    #[test]
    fn comma_file_with_quotes_and_line_numbers() {
        let t = parse(b"ID,Name,Mo\r\n1,\"Erdenet, Orkhon\",12.5\r\n2,\"say \"\"hi\"\"\",3\r\n");
        let t = t.unwrap();
        assert_eq!(
            (t.delimiter, t.decimal_comma, t.encoding),
            (b',', false, "UTF-8")
        );
        assert_eq!(t.rows[0], ["1", "Erdenet, Orkhon", "12.5"]);
        assert_eq!(&t.rows[1][1], "say \"hi\"");
        assert_eq!(t.lines, [2, 3]);
        // A quoted line break, blank lines and old Mac line ends keep line numbers right.
        assert_eq!(parse(b"a,b\n\"x\ny\",2\n\n\n3,4\n").unwrap().lines, [2, 6]);
        assert_eq!(
            error(b"a,b\r1,2\r\r3\r"),
            "line 4 has 1 fields, expected 2 as in the header"
        );
    }

    #[test]
    fn semicolon_decimal_comma_with_bom() {
        let text = "\u{feff}Probe;Ort;Mo (ppm);Cu\nP1;\"Nord; Hang\";12,5;1,234\nP2;Süd;<0,5;7\n";
        let t = parse(text.as_bytes()).unwrap();
        assert_eq!((t.delimiter, t.decimal_comma), (b';', true));
        assert_eq!(t.headers, ["Probe", "Ort", "Mo (ppm)", "Cu"]);
        assert_eq!(&t.rows[0][1], "Nord; Hang");
        assert_eq!(t.number(&t.rows[0][2]), Some(12.5));
        // 1,234 in a decimal-comma file is one and a bit, not a thousand.
        assert_eq!(t.number(&t.rows[0][3]), Some(1.234));
        assert_eq!(t.number(&t.rows[1][1]), None);
    }

    #[test]
    fn other_delimiters_and_explicit_options() {
        let t = parse(b"a\tb\tc\n1.5\t2\tx,y\n").unwrap();
        assert_eq!((t.delimiter, t.decimal_comma), (b'\t', false));
        assert_eq!(parse(b"a|b\n1|2\n").unwrap().delimiter, b'|');
        let t = parse(b"only\n1\n2\n").unwrap();
        assert_eq!((t.delimiter, t.headers.len()), (b',', 1));
        let opts = TableOptions {
            delimiter: Some(b';'),
            decimal_comma: Some(false),
            ..encoding("utf8")
        };
        let t = parse_table(b"a,b;c\n1,5;2\n", &opts).unwrap();
        assert_eq!(t.headers, ["a,b", "c"]);
        assert!(!t.decimal_comma);
        let opts = TableOptions {
            delimiter: Some(b'"'),
            ..Default::default()
        };
        assert_eq!(
            parse_table(b"a\n1\n", &opts).unwrap_err().to_string(),
            "invalid delimiter '\"'"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("12,5", true), Some(12.5));
        assert_eq!(parse_number("12.5", true), None);
        assert_eq!(parse_number("1.234,5", true), None);
        assert_eq!(parse_number("-0.5", false), Some(-0.5));
        assert_eq!(parse_number("1E3", false), Some(1000.0));
        for bad in [
            "", "NaN", "inf", "1e999", "1 234", "12a", "1,2,3", ".", "--1",
        ] {
            assert_eq!(parse_number(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn shape_errors() {
        assert_eq!(error(b""), "file is empty");
        assert_eq!(error(b"\n \n"), "file is empty");
        assert_eq!(
            error(b"a,b\n\n"),
            "no data rows: the file holds only a header"
        );
        let e = error(b"La,Ce,La\n1,2,3\n");
        assert_eq!(e, "duplicated column name \"La\" at columns 1 and 3");
        let e = error(b"a,b,c\n1,2,3\n4,5\n");
        assert_eq!(e, "line 3 has 2 fields, expected 3 as in the header");
        let e = error(b"a,b\n1,2\n1,2,3\n");
        assert_eq!(
            e,
            "line 3 has 3 fields, more than the 2 columns of the header"
        );
    }

    #[test]
    fn blank_lines_trailing_delimiters_and_trimming() {
        let t = parse(b" a ; b ;\n1;2;\n\n3;4\n;;\n\n\n").unwrap();
        assert_eq!(t.headers, ["a", "b"]);
        assert_eq!(t.rows, [["1", "2"], ["3", "4"]]);
        assert_eq!(t.lines, [2, 4]);
    }

    #[test]
    fn korean_cp949_is_detected_and_explicit_label_works() {
        let text = "시료번호,지역,Mo (ppm) 몰리브덴,Cu_ppm\n\
                    KR-001,강원도 홍천군 두촌면,1.5,12\n\
                    KR-002,경상북도 봉화군 소천면,<0.5,8\n\
                    KR-003,강원도 영월군 상동읍,250,31\n";
        let (bytes, _, had_errors) = encoding_rs::EUC_KR.encode(text);
        assert!(!had_errors && std::str::from_utf8(&bytes).is_err());
        let t = parse(&bytes).unwrap();
        assert_eq!(t.encoding, "EUC-KR");
        assert_eq!(t.headers[..3], ["시료번호", "지역", "Mo (ppm) 몰리브덴"]);
        assert_eq!(&t.rows[2][1], "강원도 영월군 상동읍");
        // Two syllables are too little for the detector; the label is the documented way out.
        let (short, _, _) = encoding_rs::EUC_KR.encode("시료,Mo\nA,1\n");
        for label in ["cp949", "CP949", "euc-kr", "windows-949"] {
            let t = parse_table(&short, &encoding(label)).unwrap();
            assert_eq!(
                (t.headers[0].as_str(), t.encoding),
                ("시료", "EUC-KR"),
                "{label}"
            );
        }
    }

    #[test]
    fn cyrillic_windows_1251() {
        let text = "Номер пробы;Район;Местность;Mo_ppm;Cu_ppm\n\
                    MN-01;Булган;Эрдэнэт, карьер;12,5;3400\n\
                    MN-02;Дорноговь;Цагаан Суварга;8,1;2100\n\
                    MN-03;Ховд;Халзан Бурэгтэй;<0,5;15\n";
        let (bytes, _, had_errors) = encoding_rs::WINDOWS_1251.encode(text);
        assert!(!had_errors);
        let t = parse(&bytes).unwrap();
        assert_eq!(
            (t.encoding, t.headers[0].as_str()),
            ("windows-1251", "Номер пробы")
        );
        assert_eq!((t.delimiter, t.decimal_comma), (b';', true));
        let t = parse_table(&bytes, &encoding("cp1251")).unwrap();
        assert_eq!(&t.rows[1][2], "Цагаан Суварга");
    }

    #[test]
    fn encoding_errors() {
        let e = parse_table(b"a\n1\n", &encoding("klingon"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("unknown encoding \"klingon\" ("), "{e}");
        let e = parse_table(b"a,b\n1,2\n\xB0C,3\n", &encoding("utf-8")).unwrap_err();
        assert_eq!(
            e,
            TableError::Malformed {
                encoding: "UTF-8",
                line: 3
            }
        );
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Sample\tLa\n1\t2,5\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let t = parse(&bytes).unwrap();
        assert_eq!(
            (t.encoding, t.delimiter, t.decimal_comma),
            ("UTF-16LE", b'\t', true)
        );
        assert_eq!(t.headers, ["Sample", "La"]);
    }

    proptest::proptest! {
        /// Whatever the cells hold (delimiters, quotes, line breaks, non-ASCII), a table written
        /// by a CSV writer reads back cell for cell (trimmed), with one line number per row.
        #[test]
        fn written_tables_read_back(
            rows in proptest::collection::vec(
                proptest::collection::vec("[a-z0-9 ,;\"\n\t|.<>é-]{0,8}", 3),
                1..20,
            ),
            d in proptest::sample::select(vec![b',', b';', b'\t', b'|']),
        ) {
            let mut w = csv::WriterBuilder::new().delimiter(d).from_writer(Vec::new());
            w.write_record(["id", "La_ppm", "note"]).unwrap();
            for r in &rows {
                // A leading row id keeps every record non-blank.
                let id = format!("r{}", r[0].len());
                w.write_record([id.as_str(), &r[1], &r[2]]).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let opts = TableOptions { delimiter: Some(d), ..Default::default() };
            let t = parse_table(&bytes, &opts).unwrap();
            proptest::prop_assert_eq!(t.rows.len(), rows.len());
            proptest::prop_assert_eq!(t.lines.len(), rows.len());
            proptest::prop_assert!(t.lines.windows(2).all(|w| w[0] < w[1]));
            for (got, want) in t.rows.iter().zip(&rows) {
                proptest::prop_assert_eq!(got.len(), 3);
                proptest::prop_assert_eq!(&got[1], want[1].trim());
                proptest::prop_assert_eq!(&got[2], want[2].trim());
            }
        }
    }

    #[test]
    fn kola_file_reads() {
        let path = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/kola_chorizon.csv"
        ));
        if !path.exists() {
            eprintln!("skipping: {} not found", path.display());
            return;
        }
        let t = parse_table(&std::fs::read(path).unwrap(), &TableOptions::default()).unwrap();
        assert_eq!((t.headers.len(), t.rows.len()), (116, 605));
        assert_eq!(
            (t.delimiter, t.decimal_comma, t.encoding),
            (b',', false, "UTF-8")
        );
    }
}
