//! Which table column holds which element, in which unit.
//!
//! # Header forms
//! [`parse_header`] splits a header at `_`, `-`, spaces, commas and brackets into a *species*
//! (first token), an optional *unit* and optional *method* tokens:
//!
//! | header                              | species  | unit | method    |
//! |-------------------------------------|----------|------|-----------|
//! | `La`, `B`, `Cl_IC`, `La_INAA`, `Ce_T` | La, B, Cl, La, Ce | - | -, -, IC, INAA, T |
//! | `La_ppm`, `Mo (ppm)`, `Mo[ppm]`, `Cu-ppm`, `Au_ppb` | La, Mo, Mo, Cu, Au | ppm/ppb | - |
//! | `Mo_ICP_ppm`, `Au_ppb_FA`, `Mo (ICP-MS, ppm)` | Mo, Au, Mo | ppm/ppb | ICP, FA, ICP_MS |
//! | `Fe2O3_pct`, `Fe2O3 (wt%)`, `Sn %`, `Sn_%`, `Sn%` | Fe2O3, Fe2O3, Sn, Sn, Sn | pct | - |
//! | `SiO2`, `Al2O3`                      | SiO2, Al2O3 | - (wt% by default) | - |
//! | `MO_PPM`, `LA_PPM`, `FE2O3_PCT`, `mo_ppm` | Mo, La, Fe2O3, Mo | ppm/pct | - |
//! | `Mo (ppm) 몰리브덴`, `Mo ppm молибден` | Mo | ppm | - |
//!
//! Rules, chosen to avoid false positives on the other columns of a sample table:
//! - The species comes first. It is the symbol of an element with a standard atomic weight in its
//!   exact case (`Mo`; synthetic elements are left out, so a `No` column is a number, not
//!   nobelium), or an oxide
//!   formula as accepted by [`parse_oxide`] (`Fe2O3`, `Pr6O11`; polyatomic anions such as `NO3`,
//!   `SO4`, `PO4` are not oxides, so `NO3_IC` is not an element column while `Cl_IC`, `Br_IC` and
//!   `F_IC` are).
//! - A species written in capitals (`MO`, `AS`, `FE2O3`) or in lower case (`mo`) is accepted only
//!   when the header also has a unit: `AS_PPM` is arsenic, `AS` or `ASP` is not. One capital
//!   letter is an exact symbol (`B`, `K`, `S`, `Y`).
//! - The unit is any spelling of [`Unit::parse`], as one token or two (`wt %`), anywhere after the
//!   species. Any other tokens are methods (`INAA`, `ICP`, `XRF`, `T` for total...). Without a unit,
//!   a method must be one of [`KNOWN_METHODS`]; this keeps `Y_UTM35N` (a coordinate) from being
//!   read as yttrium.
//! - Trailing native-language words (tokens without ASCII letters or digits, such as `몰리브덴`)
//!   are ignored when a unit comes just before them.
//! - Anything else is not an element column: `ID`, `Sample`, `시료번호`, `lon_wgs84`, `ELEV`,
//!   `LOI`, `pH`, `EC`, `COUN`.
//!
//! # Units
//! [`detect_columns`] gives each element column a [`ColumnSpec`]. Its unit is, in order: the
//! project's `column_units` entry for that column; the unit in the header; for oxide columns, wt%
//! (major oxides are reported in wt%); for element columns, the project's `default_unit`, else ppm.
//! `to_ppm` multiplies file values into element ppm, oxide factor included: `Al2O3` in wt% gives
//! `10 000 × 0.52926`.
//!
//! # Choosing columns
//! Every element column is kept, so an element may have several (`La` by aqua regia and `La_INAA`
//! by neutron activation); callers refer to columns by name. `explicit` maps an element to the one
//! column to use: other columns of that element are then dropped, and the chosen column is used
//! even when its header is not recognised (`Molybdenum`). Names in `exclude` are never element
//! columns. A bare `Y` is taken for a coordinate, not yttrium, when the table also has a column
//! named `X` (any case), and a bare `N` for a northing, not nitrogen, when there is an `E`; name the
//! element through `explicit` or with a unit (`Y_ppm`) in such tables.
use std::collections::BTreeMap;

use super::elements::{element, element_ignore_case, oxide_from_capitals, parse_oxide, Element};
use super::units::Unit;

/// Analytical method codes accepted after an element symbol in headers without a unit (compared
/// ignoring case).
pub const KNOWN_METHODS: &[&str] = &[
    "INAA", "NAA", "ICP", "ICPMS", "ICPAES", "ICPOES", "MS", "AES", "OES", "AAS", "AA", "FAAS",
    "GFAAS", "CVAAS", "HGAAS", "XRF", "PXRF", "EDXRF", "WDXRF", "FA", "AR", "TD", "T", "TOT",
    "TOTAL", "IC", "ISE", "LECO", "FUS", "MMI", "4A",
];

/// Where a column's unit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitSource {
    /// Written in the header.
    Header,
    /// The convention: ppm for elements, wt% for oxides.
    Default,
    /// The project's `default_unit` or `column_units`.
    Project,
}

/// One element column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    /// The header as in the file.
    pub column: String,
    /// Canonical element symbol: `Fe`.
    pub element: String,
    /// The oxide the values are expressed as: `Some("Fe2O3")`.
    pub oxide: Option<String>,
    /// Unit of the values in the file.
    pub unit: Unit,
    /// Multiply file values by this to get element ppm (unit and oxide factor).
    pub to_ppm: f64,
    /// Where `unit` came from.
    pub unit_source: UnitSource,
}

/// Project settings for [`detect_columns`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnOptions {
    /// Element symbol → the one column to use for it.
    pub explicit: BTreeMap<String, String>,
    /// Unit of element columns whose header has none (default ppm).
    pub default_unit: Option<Unit>,
    /// Column → unit, overriding everything.
    pub column_units: BTreeMap<String, Unit>,
    /// Columns that are never element columns.
    pub exclude: Vec<String>,
}

/// Project settings that do not fit the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnError {
    /// A setting names a column that the table does not have.
    #[error("{setting} names column \"{column}\", which is not in the table")]
    UnknownColumn {
        setting: &'static str,
        column: String,
    },
    /// `explicit` has a key that is not an element symbol.
    #[error("explicit column given for \"{element}\", which is not an element symbol")]
    UnknownElement { element: String },
    /// `explicit` maps an element to a column of another element.
    #[error("column \"{column}\" holds {found}, not {element}")]
    WrongElement {
        element: String,
        column: String,
        found: String,
    },
    /// A column is both chosen and excluded.
    #[error("column \"{column}\" is chosen for {element} but also excluded")]
    Excluded { element: String, column: String },
    /// One column chosen for two elements.
    #[error("column \"{column}\" is chosen for both {first} and {second}")]
    SharedColumn {
        column: String,
        first: String,
        second: String,
    },
}

/// Reads a header into (element symbol or oxide formula, unit, method suffix); `None` when it is
/// not an element column (rules in the module docs).
///
/// ```
/// use geoprospect_core::geochem::{columns::parse_header, units::Unit};
/// assert_eq!(parse_header("Mo_ICP_ppm"), Some(("Mo".into(), Some(Unit::Ppm), Some("ICP".into()))));
/// assert_eq!(parse_header("Fe2O3 (wt%)"), Some(("Fe2O3".into(), Some(Unit::Pct), None)));
/// assert_eq!(parse_header("AS"), None);
/// ```
pub fn parse_header(header: &str) -> Option<(String, Option<Unit>, Option<String>)> {
    let is_sep =
        |c: char| c.is_whitespace() || matches!(c, '_' | '-' | '(' | ')' | '[' | ']' | ',');
    let mut tokens: Vec<&str> = header.split(is_sep).filter(|t| !t.is_empty()).collect();
    // `Sn%`: a percent sign glued to the species.
    if let Some(species) = tokens.first().and_then(|t| t.strip_suffix('%')) {
        if !species.is_empty() {
            tokens.splice(0..1, [species, "%"]);
        }
    }
    let (&species, rest) = tokens.split_first()?;
    let native = |t: &str| {
        !t.chars().any(|c| c.is_ascii_alphanumeric())
            && t.chars().any(char::is_alphabetic)
            && Unit::parse(t).is_none()
    };
    let mut rest = rest;
    let mut stripped = false;
    while let Some((last, init)) = rest.split_last() {
        if !native(last) {
            break;
        }
        rest = init;
        stripped = true;
    }
    // Find the unit: one token, or two tokens written together (`wt %`).
    let mut unit = None;
    let mut methods: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let pair = rest
            .get(i + 1)
            .and_then(|next| Unit::parse(&format!("{}{next}", rest[i])));
        let (found, width) = match (Unit::parse(rest[i]), pair) {
            (Some(u), _) => (Some(u), 1),
            (None, Some(u)) => (Some(u), 2),
            (None, None) => (None, 1),
        };
        match found {
            Some(_) if unit.is_some() => return None,
            Some(u) => unit = Some(u),
            None => methods.push(rest[i]),
        }
        i += width;
    }
    if stripped && !ends_with_unit(rest) {
        return None;
    }
    if methods
        .iter()
        .any(|m| !m.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return None;
    }
    if unit.is_none()
        && !methods
            .iter()
            .all(|m| KNOWN_METHODS.iter().any(|k| k.eq_ignore_ascii_case(m)))
    {
        return None;
    }
    let species = species_name(species, unit.is_some())?;
    let suffix = (!methods.is_empty()).then(|| methods.join("_"));
    Some((species, unit, suffix))
}

/// Whether the last token, or the last two written together (`wt %`), spell a unit.
fn ends_with_unit(tokens: &[&str]) -> bool {
    match tokens {
        [.., a, b] => Unit::parse(b).is_some() || Unit::parse(&format!("{a}{b}")).is_some(),
        [.., b] => Unit::parse(b).is_some(),
        [] => false,
    }
}

/// The canonical symbol or formula of a species token (rules in the module docs).
fn species_name(token: &str, has_unit: bool) -> Option<String> {
    let natural = |e: &&Element| e.atomic_weight.is_some();
    if let Some(e) = element(token).filter(natural) {
        return Some(e.symbol.to_string());
    }
    let letters = || token.chars().filter(char::is_ascii_alphabetic);
    let upper = letters().all(|c| c.is_ascii_uppercase());
    let lower = letters().all(|c| c.is_ascii_lowercase());
    let all_caps_word = token.len() > 1 && token.chars().all(|c| c.is_ascii_uppercase());
    if !all_caps_word {
        if let Ok(oxide) = parse_oxide(token) {
            return Some(oxide.formula);
        }
    }
    if has_unit && (upper || lower) {
        if let Some(e) = element_ignore_case(token).filter(natural) {
            return Some(e.symbol.to_string());
        }
        return oxide_from_capitals(token).map(|o| o.formula);
    }
    None
}

/// Finds the element columns of a header row (rules in the module docs).
pub fn detect_columns(
    headers: &[String],
    opts: &ColumnOptions,
) -> Result<Vec<ColumnSpec>, ColumnError> {
    let has = |c: &String| headers.contains(c);
    if let Some(c) = opts.column_units.keys().find(|c| !has(c)) {
        return Err(ColumnError::UnknownColumn {
            setting: "column_units",
            column: c.clone(),
        });
    }
    let mut chosen: BTreeMap<&str, &str> = BTreeMap::new(); // column -> element
    for (el, col) in &opts.explicit {
        if element(el).is_none() {
            return Err(ColumnError::UnknownElement {
                element: el.clone(),
            });
        }
        if !has(col) {
            return Err(ColumnError::UnknownColumn {
                setting: "explicit",
                column: col.clone(),
            });
        }
        if opts.exclude.contains(col) {
            return Err(ColumnError::Excluded {
                element: el.clone(),
                column: col.clone(),
            });
        }
        if let Some(first) = chosen.insert(col, el) {
            let (column, first, second) = (col.clone(), first.to_string(), el.clone());
            return Err(ColumnError::SharedColumn {
                column,
                first,
                second,
            });
        }
    }
    let has_named = |name: &str| headers.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
    // A bare `Y` next to `X`, or `N` next to `E`, is a coordinate (module docs).
    let coordinate = |h: &str| (h == "Y" && has_named("x")) || (h == "N" && has_named("e"));
    let mut specs = Vec::new();
    for h in headers {
        if opts.exclude.contains(h) {
            continue;
        }
        let explicit_for = chosen.get(h.as_str()).copied();
        let parsed = parse_header(h);
        let spec = match (parsed, explicit_for) {
            (Some((species, unit, _)), _) => column_spec(h, &species, unit, opts),
            (None, Some(el)) => column_spec(h, el, None, opts),
            (None, None) => continue,
        };
        let Some(spec) = spec else { continue };
        match explicit_for {
            Some(el) if spec.element != el => {
                let (element, column, found) = (el.to_string(), h.clone(), spec.element);
                return Err(ColumnError::WrongElement {
                    element,
                    column,
                    found,
                });
            }
            Some(_) => {}
            None if opts.explicit.contains_key(&spec.element) => continue,
            None if coordinate(h.trim()) => continue,
            None => {}
        }
        specs.push(spec);
    }
    Ok(specs)
}

/// The spec of column `column` whose species is `species` and header unit `header_unit`.
fn column_spec(
    column: &str,
    species: &str,
    header_unit: Option<Unit>,
    opts: &ColumnOptions,
) -> Option<ColumnSpec> {
    let (element, oxide, factor) = match element(species) {
        Some(e) => (e.symbol.to_string(), None, 1.0),
        None => {
            let o = parse_oxide(species).ok()?;
            (o.element.to_string(), Some(o.formula), o.factor)
        }
    };
    let convention = if oxide.is_some() {
        Unit::Pct
    } else {
        Unit::Ppm
    };
    let (unit, unit_source) = match (opts.column_units.get(column), header_unit) {
        (Some(&u), _) => (u, UnitSource::Project),
        (None, Some(u)) => (u, UnitSource::Header),
        (None, None) => match opts.default_unit {
            Some(u) if oxide.is_none() => (u, UnitSource::Project),
            _ => (convention, UnitSource::Default),
        },
    };
    let to_ppm = unit.to_ppm_factor() * factor;
    Some(ColumnSpec {
        column: column.to_string(),
        element,
        oxide,
        unit,
        to_ppm,
        unit_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(h: &str) -> Option<(String, Option<Unit>, Option<String>)> {
        parse_header(h)
    }

    fn hit(
        species: &str,
        unit: Option<Unit>,
        method: Option<&str>,
    ) -> Option<(String, Option<Unit>, Option<String>)> {
        Some((species.to_string(), unit, method.map(str::to_string)))
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn header_forms() {
        use Unit::*;
        let cases = [
            ("La_ppm", hit("La", Some(Ppm), None)),
            ("Mo (ppm)", hit("Mo", Some(Ppm), None)),
            ("Mo[ppm]", hit("Mo", Some(Ppm), None)),
            ("Au_ppb", hit("Au", Some(Ppb), None)),
            ("Fe2O3_pct", hit("Fe2O3", Some(Pct), None)),
            ("Fe2O3 (wt%)", hit("Fe2O3", Some(Pct), None)),
            ("Fe2O3 wt %", hit("Fe2O3", Some(Pct), None)),
            ("Sn %", hit("Sn", Some(Pct), None)),
            ("Sn_%", hit("Sn", Some(Pct), None)),
            ("Sn%", hit("Sn", Some(Pct), None)),
            ("La", hit("La", None, None)),
            ("La_INAA", hit("La", None, Some("INAA"))),
            ("Ce_T", hit("Ce", None, Some("T"))),
            ("Mo_ICP_ppm", hit("Mo", Some(Ppm), Some("ICP"))),
            ("Au_ppb_FA", hit("Au", Some(Ppb), Some("FA"))),
            ("Mo (ICP-MS, ppm)", hit("Mo", Some(Ppm), Some("ICP_MS"))),
            ("Cu-ppm", hit("Cu", Some(Ppm), None)),
            ("Cu_PPM", hit("Cu", Some(Ppm), None)),
            ("Au (µg/kg)", hit("Au", Some(Ppb), None)),
            ("MO_PPM", hit("Mo", Some(Ppm), None)),
            ("LA_PPM", hit("La", Some(Ppm), None)),
            ("AS_PPM", hit("As", Some(Ppm), None)),
            ("CO_PCT", hit("Co", Some(Pct), None)),
            ("mo_ppm", hit("Mo", Some(Ppm), None)),
            ("FE2O3_PCT", hit("Fe2O3", Some(Pct), None)),
            ("SiO2", hit("SiO2", None, None)),
            ("Pr6O11", hit("Pr6O11", None, None)),
            ("Cl_IC", hit("Cl", None, Some("IC"))),
            ("B", hit("B", None, None)),
            (" Mo (ppm) 몰리브덴 ", hit("Mo", Some(Ppm), None)),
            ("Mo ppm молибден", hit("Mo", Some(Ppm), None)),
            ("Mo (г/т)", hit("Mo", Some(Ppm), None)),
            ("Fe2O3 wt % 산화철", hit("Fe2O3", Some(Pct), None)),
        ];
        for (h, expected) in cases {
            assert_eq!(ph(h), expected, "{h}");
        }
    }

    #[test]
    fn non_element_headers() {
        for h in [
            "ID",
            "Sample",
            "Name",
            "lon",
            "lat",
            "lon_wgs84",
            "X_UTM35N",
            "Y_UTM35N",
            "ELEV",
            "COUN",
            "LITO",
            "LOI",
            "pH",
            "EC",
            "ASP",
            "TOPC",
            "XCOO",
            "coord_source",
            "NO3_IC",
            "SO4_IC",
            "PO4_IC",
            "AS",
            "MO",
            "CO",
            "H2O",
            "시료번호",
            "Mo 몰리브덴",
            "Mo (ppm) 몰리브덴 2",
            "Mo_ppm_ppb",
            "Mo_rpt",
            "Au-AA23",
            "Depth_m",
            "",
        ] {
            assert_eq!(ph(h), None, "{h}");
        }
        // With a unit, unknown method codes are fine.
        assert_eq!(ph("Au-AA23_ppb"), hit("Au", Some(Unit::Ppb), Some("AA23")));
    }

    #[test]
    fn units_and_factors() {
        let headers = strings(&["ID", "Mo", "Au_ppb", "Al2O3", "Fe2O3_ppm", "Sn_pct"]);
        let specs = detect_columns(&headers, &ColumnOptions::default()).unwrap();
        let got: Vec<_> = specs
            .iter()
            .map(|s| (s.column.as_str(), s.element.as_str(), s.unit, s.unit_source))
            .collect();
        assert_eq!(
            got,
            [
                ("Mo", "Mo", Unit::Ppm, UnitSource::Default),
                ("Au_ppb", "Au", Unit::Ppb, UnitSource::Header),
                ("Al2O3", "Al", Unit::Pct, UnitSource::Default),
                ("Fe2O3_ppm", "Fe", Unit::Ppm, UnitSource::Header),
                ("Sn_pct", "Sn", Unit::Pct, UnitSource::Header),
            ]
        );
        assert_eq!(specs[1].to_ppm, 0.001);
        // 1 wt% Al2O3 = 10 000 ppm × 2·26.982/101.961 = 5292.61 ppm Al.
        assert!(
            (specs[2].to_ppm - 5292.61).abs() < 0.01,
            "{}",
            specs[2].to_ppm
        );
        assert_eq!(specs[2].oxide.as_deref(), Some("Al2O3"));
        assert!((specs[3].to_ppm - 0.699431).abs() < 1e-6);
        assert_eq!(specs[4].to_ppm, 10_000.0);
    }

    #[test]
    fn project_units() {
        let headers = strings(&["Mo", "SiO2", "Cu_ppm"]);
        let mut opts = ColumnOptions {
            default_unit: Some(Unit::Ppb),
            ..Default::default()
        };
        let specs = detect_columns(&headers, &opts).unwrap();
        assert_eq!(
            (specs[0].unit, specs[0].unit_source),
            (Unit::Ppb, UnitSource::Project)
        );
        // default_unit is for element columns; a bare oxide stays wt%.
        assert_eq!(
            (specs[1].unit, specs[1].unit_source),
            (Unit::Pct, UnitSource::Default)
        );
        opts.column_units.insert("SiO2".into(), Unit::Ppm);
        opts.column_units.insert("Cu_ppm".into(), Unit::Pct);
        let specs = detect_columns(&headers, &opts).unwrap();
        assert_eq!(
            (specs[1].unit, specs[1].unit_source),
            (Unit::Ppm, UnitSource::Project)
        );
        assert_eq!((specs[2].unit, specs[2].to_ppm), (Unit::Pct, 10_000.0));
        opts.column_units.insert("Zn".into(), Unit::Ppm);
        let e = detect_columns(&headers, &opts).unwrap_err();
        assert_eq!(
            e.to_string(),
            "column_units names column \"Zn\", which is not in the table"
        );
    }

    #[test]
    fn explicit_exclude_and_duplicates() {
        let headers = strings(&["X", "Y", "E", "N", "La", "La_INAA", "Molybdenum", "Cu"]);
        let specs = detect_columns(&headers, &ColumnOptions::default()).unwrap();
        let cols: Vec<_> = specs.iter().map(|s| s.column.as_str()).collect();
        // Both La columns are kept; Y next to X and N next to E are coordinates.
        assert_eq!(cols, ["La", "La_INAA", "Cu"]);

        let mut opts = ColumnOptions::default();
        opts.explicit.insert("La".into(), "La_INAA".into());
        opts.explicit.insert("Mo".into(), "Molybdenum".into());
        opts.explicit.insert("Y".into(), "Y".into());
        opts.exclude.push("Cu".into());
        let specs = detect_columns(&headers, &opts).unwrap();
        let got: Vec<_> = specs
            .iter()
            .map(|s| (s.column.as_str(), s.element.as_str()))
            .collect();
        assert_eq!(got, [("Y", "Y"), ("La_INAA", "La"), ("Molybdenum", "Mo")]);

        let err = |el: &str, col: &str| {
            let mut o = ColumnOptions::default();
            o.explicit.insert(el.into(), col.into());
            o.exclude.push("X".into());
            detect_columns(&headers, &o).unwrap_err().to_string()
        };
        assert_eq!(
            err("Mo", "Mo_ppm"),
            "explicit names column \"Mo_ppm\", which is not in the table"
        );
        assert_eq!(err("La", "Cu"), "column \"Cu\" holds Cu, not La");
        assert_eq!(
            err("Moly", "Cu"),
            "explicit column given for \"Moly\", which is not an element symbol"
        );
        assert_eq!(
            err("Mo", "X"),
            "column \"X\" is chosen for Mo but also excluded"
        );
        let mut o = ColumnOptions::default();
        o.explicit.insert("Mo".into(), "Molybdenum".into());
        o.explicit.insert("W".into(), "Molybdenum".into());
        assert!(matches!(
            detect_columns(&headers, &o),
            Err(ColumnError::SharedColumn { .. })
        ));
    }

    #[test]
    fn korean_headers() {
        let headers = strings(&[
            "시료번호",
            "위도",
            "경도",
            "Mo (ppm) 몰리브덴",
            "W_ppm",
            "비고",
        ]);
        let specs = detect_columns(&headers, &ColumnOptions::default()).unwrap();
        let got: Vec<_> = specs
            .iter()
            .map(|s| (s.column.as_str(), s.element.as_str()))
            .collect();
        assert_eq!(got, [("Mo (ppm) 몰리브덴", "Mo"), ("W_ppm", "W")]);
    }

    #[test]
    fn kola_headers() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/kola_chorizon.csv"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipping: {path} not found");
            return;
        };
        let headers: Vec<String> = text
            .lines()
            .next()
            .unwrap_or("")
            .split(',')
            .map(str::to_string)
            .collect();
        let specs = detect_columns(&headers, &ColumnOptions::default()).unwrap();
        let find = |c: &str| specs.iter().find(|s| s.column == c);
        for c in [
            "La", "La_INAA", "SiO2", "Fe2O3", "Cl_IC", "Br_IC", "F_IC", "Ce_INAA", "Y", "S",
        ] {
            assert!(find(c).is_some(), "{c} not found");
        }
        let al2o3 = find("Al2O3").unwrap();
        assert_eq!((al2o3.element.as_str(), al2o3.unit), ("Al", Unit::Pct));
        // Published factor 0.52925 (O = 15.9994); 0.529261 with the IUPAC 2021 abridged weights.
        assert!((al2o3.to_ppm / 10_000.0 - 0.52925).abs() < 2e-5);
        assert_eq!(
            find("La").map(|s| (s.unit, s.to_ppm)),
            Some((Unit::Ppm, 1.0))
        );
        for c in [
            "ID",
            "ELEV",
            "COUN",
            "LITO",
            "LOI",
            "pH",
            "EC",
            "X_UTM35N",
            "Y_UTM35N",
            "lon_wgs84",
            "lat_wgs84",
            "XCOO",
            "YCOO",
            "ASP",
            "TOPC",
            "coord_source",
            "NO3_IC",
            "SO4_IC",
            "PO4_IC",
        ] {
            assert!(find(c).is_none(), "{c} taken for an element");
        }
        // 116 columns: 13 site columns, 4 ion species / properties (EC, LOI, pH, NO3/SO4/PO4).
        assert_eq!(specs.len(), 116 - 13 - 6);
    }
}
