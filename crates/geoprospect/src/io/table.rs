//! Delimited text tables read from files: the bytes come through GDAL's virtual file system
//! (so `/vsizip/`, `/vsis3/` and `/vsicurl/` paths work), the parsing is [`crate::table`]'s.
use std::path::Path;

use crate::error::{Error, Result};
use crate::table::{parse_table, TableOptions, TextTable};

/// Reads a delimited text file (rules in [`crate::table`]); errors name the path.
pub fn read_table(path: &Path, opts: &TableOptions) -> Result<TextTable> {
    let bytes = crate::io::vsi::read_bytes(path)?;
    let table = parse_table(&bytes, opts).map_err(|e| Error::input(path, e.to_string()))?;
    tracing::debug!(
        path = %path.display(),
        encoding = table.encoding,
        delimiter = %char::from(table.delimiter).escape_default(),
        decimal_comma = table.decimal_comma,
        rows = table.rows.len(),
        "read table"
    );
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_table_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let read = |p: &Path| {
            read_table(p, &TableOptions::default())
                .unwrap_err()
                .to_string()
        };
        let e = read(&dir.path().join("nope.csv"));
        assert!(e.contains("nope.csv: cannot read file: "), "{e}");
        let header_only = dir.path().join("h.csv");
        std::fs::write(&header_only, "a,b\n").unwrap();
        let e = read(&header_only);
        assert!(
            e.ends_with("h.csv: no data rows: the file holds only a header"),
            "{e}"
        );
    }
}
