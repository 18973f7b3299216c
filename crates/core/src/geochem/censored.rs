//! Assay values: numbers, values below detection (censored), over-range values and missing cells.
//!
//! [`parse_assay`] reads one cell of an element column:
//!
//! | cell text                                   | [`Assay`]                                   |
//! |---------------------------------------------|---------------------------------------------|
//! | `12.5`, `0`, `1.5e-3` (`12,5` with decimal comma) | `Value(12.5)`, `Value(0.0)`, ...      |
//! | `<0.5`, `< 0.5`, `<0,5`                     | `Censored { limit: 0.5 }`                   |
//! | `-0.5` (legacy below-detection code)        | `Censored { limit: 0.5 }`                   |
//! | `>10000`, `> 10000`                         | `Above { limit: 10000.0 }`                  |
//! | empty, `-`, `--`, `---`, `NA`, `N/A`, `n.a.`, `nd`, `n.d.`, `NaN`, `inf`, `-inf`, `Infinity`, `null`, `none` | `Missing` |
//! | `bdl`, `b.d.l.`, `bd`, `b.d.`, `<dl`, `<d.l.`, `<lod`, `<loq`, `tr`, `trace` | `Missing` (see below) |
//! | `is`, `i.s.`, `ns`, `n.s.`, `nss`, `lnr`, `nr` (lab codes: insufficient sample, not sampled, listed not received) | `Missing` |
//! | anything else (`abc`, `12 ppm`, `1.2.3`)    | [`AssayError::NotANumber`]                   |
//!
//! Words are matched ignoring case. Choices worth knowing:
//! - A negative number is the legacy code for "below the detection limit |x|". Element
//!   concentrations cannot be negative, so this is safe for element columns; do not parse other
//!   columns (coordinates, pH) with this function.
//! - `bdl` and similar flags say "below detection" without saying which limit. Without a limit the
//!   value cannot be substituted, so it is `Missing`; give the column a detection limit and code
//!   such cells as `0` or `<limit>` to keep them.
//! - `n.d.` means "not determined" in some labs and "not detected" in others; it is read as
//!   `Missing` because a limit is unknown either way.
//! - A real `0` stays `Value(0.0)`. Tables that code values below detection as zero (the Kola
//!   `dl_zeros` convention) are handled in [`super::assays`] when the column's limit is known.
//!
//! [`Substitution`] turns censored values into numbers for statistics: by default half the
//! detection limit. Over-range values (`>10000`) are replaced by their limit whatever the rule.
//!
//! ```
//! use geoprospect_core::geochem::censored::{parse_assay, Assay, Substitution};
//! assert_eq!(parse_assay("<0,5", true), Ok(Assay::Censored { limit: 0.5 }));
//! assert_eq!(parse_assay("-2", false), Ok(Assay::Censored { limit: 2.0 }));
//! assert_eq!(parse_assay("n.d.", false), Ok(Assay::Missing));
//! let half = Substitution::default();
//! assert_eq!(half.substitute(Assay::Censored { limit: 0.5 }), Some(0.25));
//! assert_eq!(half.substitute(Assay::Above { limit: 1e4 }), Some(1e4));
//! ```
use std::fmt;

use crate::table::parse_number;

/// One assay value as written in the table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Assay {
    /// A measured value.
    Value(f64),
    /// Below the detection limit `limit` (> 0).
    Censored { limit: f64 },
    /// Above the upper limit of the method (`>10000`).
    Above { limit: f64 },
    /// No value.
    Missing,
}

impl Assay {
    /// The same assay with its value or limit multiplied by `factor` (a unit conversion).
    pub fn scaled(self, factor: f64) -> Assay {
        match self {
            Assay::Value(v) => Assay::Value(v * factor),
            Assay::Censored { limit } => Assay::Censored {
                limit: limit * factor,
            },
            Assay::Above { limit } => Assay::Above {
                limit: limit * factor,
            },
            Assay::Missing => Assay::Missing,
        }
    }
}

/// A cell of an element column that cannot be read. Callers add the row and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssayError {
    /// Text that is neither a number nor a known code.
    #[error("\"{text}\" is not a number")]
    NotANumber { text: String },
    /// A `<` or `>` limit that is not a positive number (`<0`, `<abc`).
    #[error("\"{text}\" does not give a positive detection limit")]
    BadLimit { text: String },
}

/// Codes read as missing (compared in lower case).
const MISSING: &[&str] = &[
    "-",
    "--",
    "---",
    "na",
    "n/a",
    "n.a.",
    "nd",
    "n.d.",
    "nan",
    "inf",
    "+inf",
    "-inf",
    "infinity",
    "+infinity",
    "-infinity",
    "null",
    "none", // no value
    "bdl",
    "b.d.l.",
    "bd",
    "b.d.",
    "<dl",
    "<d.l.",
    "<lod",
    "<loq",
    "tr",
    "trace", // limit unknown
    "is",
    "i.s.",
    "ns",
    "n.s.",
    "nss",
    "lnr",
    "nr", // lab sample-status codes
];

/// Reads one cell of an element column (rules in the module docs).
pub fn parse_assay(text: &str, decimal_comma: bool) -> Result<Assay, AssayError> {
    let t = text.trim();
    if t.is_empty() || MISSING.iter().any(|m| t.eq_ignore_ascii_case(m)) {
        return Ok(Assay::Missing);
    }
    if let Some(rest) = t.strip_prefix('<').or_else(|| t.strip_prefix('>')) {
        let limit = parse_number(rest, decimal_comma)
            .filter(|v| *v > 0.0)
            .ok_or_else(|| AssayError::BadLimit {
                text: t.to_string(),
            })?;
        return Ok(if t.starts_with('<') {
            Assay::Censored { limit }
        } else {
            Assay::Above { limit }
        });
    }
    match parse_number(t, decimal_comma) {
        Some(v) if v < 0.0 => Ok(Assay::Censored { limit: -v }),
        // `+ 0.0` turns a written "-0" into 0.
        Some(v) => Ok(Assay::Value(v + 0.0)),
        None => Err(AssayError::NotANumber {
            text: t.to_string(),
        }),
    }
}

/// How a censored value becomes a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Substitution {
    /// `fraction × limit`, with `fraction` in (0, 1]; the default is 0.5 (half the limit).
    Fraction(f64),
    /// The limit itself.
    Limit,
    /// `limit / √2` (Hornung & Reed 1990, Appl. Occup. Environ. Hyg. 5, 46-51).
    Sqrt2,
    /// Censored values are treated as missing (NaN).
    Missing,
}

impl Default for Substitution {
    fn default() -> Self {
        Substitution::Fraction(0.5)
    }
}

/// A substitution rule that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid substitution \"{text}\": expected half, limit, sqrt2, missing or a fraction in (0, 1]"
)]
pub struct SubstitutionError {
    /// The text as given.
    pub text: String,
}

impl Substitution {
    /// Reads `half`, `limit`, `sqrt2`, `missing` or a fraction in (0, 1] such as `0.3`.
    pub fn parse(text: &str) -> Result<Substitution, SubstitutionError> {
        let t = text.trim();
        let err = || SubstitutionError {
            text: text.to_string(),
        };
        match t.to_ascii_lowercase().as_str() {
            "half" => Ok(Substitution::Fraction(0.5)),
            "limit" => Ok(Substitution::Limit),
            "sqrt2" => Ok(Substitution::Sqrt2),
            "missing" => Ok(Substitution::Missing),
            _ => Substitution::fraction(parse_number(t, false).ok_or_else(err)?).ok_or_else(err),
        }
    }

    /// `Fraction(f)` when `f` is in (0, 1].
    pub fn fraction(f: f64) -> Option<Substitution> {
        (f > 0.0 && f <= 1.0).then_some(Substitution::Fraction(f))
    }

    /// The number that stands for `assay`; `None` for missing values.
    pub fn substitute(&self, assay: Assay) -> Option<f64> {
        match assay {
            Assay::Value(v) => Some(v),
            Assay::Above { limit } => Some(limit),
            Assay::Missing => None,
            Assay::Censored { limit } => match *self {
                Substitution::Fraction(f) => Some(f * limit),
                Substitution::Limit => Some(limit),
                Substitution::Sqrt2 => Some(limit / std::f64::consts::SQRT_2),
                Substitution::Missing => None,
            },
        }
    }
}

impl fmt::Display for Substitution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Substitution::Fraction(x) if *x == 0.5 => f.write_str("half"),
            Substitution::Fraction(x) => write!(f, "{x}"),
            Substitution::Limit => f.write_str("limit"),
            Substitution::Sqrt2 => f.write_str("sqrt2"),
            Substitution::Missing => f.write_str("missing"),
        }
    }
}

impl std::str::FromStr for Substitution {
    type Err = SubstitutionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Substitution::parse(s)
    }
}

impl serde::Serialize for Substitution {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Substitution::Fraction(x) if *x != 0.5 => serializer.serialize_f64(*x),
            other => serializer.serialize_str(&other.to_string()),
        }
    }
}

/// Accepts a string (`"half"`, `"sqrt2"`, `"0.3"`) or a number (`0.3`).
impl<'de> serde::Deserialize<'de> for Substitution {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Substitution;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("half, limit, sqrt2, missing or a fraction in (0, 1]")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Substitution, E> {
                Substitution::parse(v).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Substitution, E> {
                Substitution::fraction(v).ok_or_else(|| {
                    E::custom(SubstitutionError {
                        text: v.to_string(),
                    })
                })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Substitution, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Substitution, E> {
                self.visit_f64(v as f64)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Assay, AssayError> {
        parse_assay(text, false)
    }

    #[test]
    fn values() {
        assert_eq!(p("12.5"), Ok(Assay::Value(12.5)));
        assert_eq!(p(" 0 "), Ok(Assay::Value(0.0)));
        assert_eq!(p("1.5e-3"), Ok(Assay::Value(0.0015)));
        assert_eq!(parse_assay("12,5", true), Ok(Assay::Value(12.5)));
        let zero = p("-0").unwrap();
        assert!(matches!(zero, Assay::Value(v) if v == 0.0 && v.is_sign_positive()));
    }

    #[test]
    fn censored_and_above() {
        for t in ["<0.5", "< 0.5", "-0.5", " <0.5 "] {
            assert_eq!(p(t), Ok(Assay::Censored { limit: 0.5 }), "{t}");
        }
        assert_eq!(
            parse_assay("<0,5", true),
            Ok(Assay::Censored { limit: 0.5 })
        );
        assert_eq!(p(">10000"), Ok(Assay::Above { limit: 10000.0 }));
        assert_eq!(p("> 1e4"), Ok(Assay::Above { limit: 10000.0 }));
        for t in ["<0", "<-1", "<abc", "<", ">"] {
            assert_eq!(
                p(t),
                Err(AssayError::BadLimit {
                    text: t.to_string()
                }),
                "{t}"
            );
        }
        // In a dot-decimal file "<0,5" is not a limit: a loud error, not 5.
        assert!(matches!(p("<0,5"), Err(AssayError::BadLimit { .. })));
    }

    #[test]
    fn missing_codes() {
        for t in [
            "", " ", "n.d.", "nd", "ND", "NA", "N/A", "n/a", "-", "--", "NaN", "nan", "inf",
            "-inf", "Infinity", "null", "NULL", "bdl", "B.D.L.", "<DL", "<d.l.", "IS", "LNR",
        ] {
            assert_eq!(p(t), Ok(Assay::Missing), "{t:?}");
        }
    }

    #[test]
    fn not_numbers() {
        for t in ["abc", "12 ppm", "1.2.3", "12a", "~5"] {
            assert_eq!(
                p(t),
                Err(AssayError::NotANumber {
                    text: t.to_string()
                }),
                "{t}"
            );
        }
        assert_eq!(p("abc").unwrap_err().to_string(), "\"abc\" is not a number");
        // A dot in a decimal-comma file is refused rather than guessed.
        assert!(parse_assay("1.234", true).is_err());
    }

    #[test]
    fn substitution_rules() {
        let c = Assay::Censored { limit: 2.0 };
        assert_eq!(Substitution::default().substitute(c), Some(1.0));
        assert_eq!(Substitution::Limit.substitute(c), Some(2.0));
        // 3 / √2 = 2.1213203...
        let s = Substitution::Sqrt2
            .substitute(Assay::Censored { limit: 3.0 })
            .unwrap();
        assert!((s - 2.121_320_344).abs() < 1e-9, "{s}");
        assert_eq!(Substitution::Fraction(0.25).substitute(c), Some(0.5));
        assert_eq!(Substitution::Missing.substitute(c), None);
        for s in [Substitution::Limit, Substitution::Missing] {
            assert_eq!(s.substitute(Assay::Above { limit: 50.0 }), Some(50.0));
            assert_eq!(s.substitute(Assay::Value(3.0)), Some(3.0));
            assert_eq!(s.substitute(Assay::Missing), None);
        }
        assert_eq!(
            Assay::Censored { limit: 0.5 }.scaled(1e4),
            Assay::Censored { limit: 5000.0 }
        );
    }

    #[test]
    fn substitution_parse_and_serde() {
        assert_eq!(Substitution::parse("half"), Ok(Substitution::Fraction(0.5)));
        assert_eq!(Substitution::parse("LIMIT"), Ok(Substitution::Limit));
        assert_eq!(Substitution::parse("sqrt2"), Ok(Substitution::Sqrt2));
        assert_eq!(Substitution::parse("0.3"), Ok(Substitution::Fraction(0.3)));
        assert_eq!(Substitution::parse("1"), Ok(Substitution::Fraction(1.0)));
        for bad in ["0", "1.5", "-0.5", "quarter", ""] {
            let e = Substitution::parse(bad).unwrap_err();
            assert!(e
                .to_string()
                .starts_with(&format!("invalid substitution \"{bad}\"")));
        }
        for s in ["half", "limit", "sqrt2", "missing", "0.3"] {
            assert_eq!(Substitution::parse(s).unwrap().to_string(), s);
        }
        let s: Substitution = serde_json::from_str("0.25").unwrap();
        assert_eq!(s, Substitution::Fraction(0.25));
        let s: Substitution = serde_json::from_str("\"sqrt2\"").unwrap();
        assert_eq!(s, Substitution::Sqrt2);
        assert!(serde_json::from_str::<Substitution>("2").is_err());
        assert_eq!(
            serde_json::to_string(&Substitution::default()).unwrap(),
            "\"half\""
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_or_errors_without_panic(text in "\\PC{0,12}") {
            let _ = parse_assay(&text, false);
            let _ = parse_assay(&text, true);
        }

        #[test]
        fn written_numbers_read_back(v in 1e-9f64..1e9) {
            let dot = v.to_string();
            let comma = dot.replace('.', ",");
            proptest::prop_assert_eq!(parse_assay(&dot, false), Ok(Assay::Value(v)));
            proptest::prop_assert_eq!(parse_assay(&comma, true), Ok(Assay::Value(v)));
            proptest::prop_assert_eq!(parse_assay(&format!("<{dot}"), false), Ok(Assay::Censored { limit: v }));
            proptest::prop_assert_eq!(parse_assay(&format!("-{comma}"), true), Ok(Assay::Censored { limit: v }));
        }
    }
}
