//! Categorical scores: class layers (geology units, alteration types) to favourability.
//!
//! A class layer stores integer codes and names them in its GDAL category names (code `k` is
//! named `names[k]`, as the vector ingest burns them). A score table
//! maps class names to a favourability in [0, 1] for one commodity, e.g.
//! `{ "granite" = 0.9, "limestone" = 0.6 }`, in the spirit of the expert-assigned class scores of
//! Bonham-Carter (1994, ch. 9, index overlay and fuzzy membership of categorical maps).
//!
//! Names match without regard to case or surrounding spaces; a key may also be a class code
//! written as a number (`"3" = 0.5`) for layers without names. **Classes the table does not
//! name get the table's default score, 0 unless set**: an unlisted unit is taken as not
//! favourable, so a model never rises on a unit nobody scored. Nodata cells stay NaN.
use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::grid::CLASS_NODATA;

/// Favourability of classes for one commodity.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoricalScores {
    /// Class name (or code) → score in [0, 1].
    pub scores: BTreeMap<String, f64>,
    /// Score of classes not in `scores` (default 0).
    #[serde(default)]
    pub default: f64,
}

impl CategoricalScores {
    /// A table with the default score 0; checks that every score is in [0, 1] and that no
    /// two keys name the same class.
    ///
    /// ```
    /// use geoprospect_core::evidence::categorical::CategoricalScores;
    /// let t = CategoricalScores::new([("granite", 0.9), ("Limestone", 0.6)], 0.0).unwrap();
    /// let names = ["".to_string(), "granite".into(), "limestone".into(), "shale".into()];
    /// let lookup = t.lookup(&names);
    /// let mut out = [0f32; 4];
    /// lookup.apply(&[1, 2, 3, i32::MIN], &mut out);
    /// assert_eq!(&out[..3], &[0.9, 0.6, 0.0]);
    /// assert!(out[3].is_nan());
    /// ```
    pub fn new<'a>(
        scores: impl IntoIterator<Item = (&'a str, f64)>,
        default: f64,
    ) -> Result<CategoricalScores> {
        let t = CategoricalScores {
            scores: scores
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            default,
        };
        t.check()?;
        Ok(t)
    }

    /// Reads a TOML inline table such as `{ "granite" = 0.9, "limestone" = 0.6 }`.
    pub fn parse(text: &str, default: f64) -> Result<CategoricalScores> {
        #[derive(Deserialize)]
        struct Wrapper {
            t: BTreeMap<String, f64>,
        }
        let w: Wrapper = toml::from_str(&format!("t = {text}")).map_err(|e| {
            Error::param(format!(
                "class scores {text:?}: expected a table such as {{ \"granite\" = 0.9 }}: {}",
                e.message()
            ))
        })?;
        let t = CategoricalScores {
            scores: w.t,
            default,
        };
        t.check()?;
        Ok(t)
    }

    /// Checks scores and keys.
    pub fn check(&self) -> Result<()> {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (k, &v) in self
            .scores
            .iter()
            .map(|(k, v)| (k.as_str(), v))
            .chain([("default", &self.default)])
        {
            if !(0.0..=1.0).contains(&v) {
                return Err(Error::param(format!(
                    "class score of {k:?} is {v}: scores must be in [0, 1]"
                )));
            }
        }
        for k in self.scores.keys() {
            if let Some(other) = seen.insert(normalise(k), k) {
                return Err(Error::param(format!(
                    "class scores {other:?} and {k:?} name the same class"
                )));
            }
        }
        Ok(())
    }

    /// The score of each class code of a layer whose category names are `names`
    /// (index = code). Codes beyond the names are looked up by their number.
    pub fn lookup(&self, names: &[String]) -> ScoreLookup {
        let by_key: BTreeMap<String, f64> = self
            .scores
            .iter()
            .map(|(k, &v)| (normalise(k), v))
            .collect();
        let mut table: Vec<f32> = names
            .iter()
            .enumerate()
            .map(|(code, name)| {
                by_key
                    .get(&normalise(name))
                    .or_else(|| by_key.get(&code.to_string()))
                    .copied()
                    .unwrap_or(self.default) as f32
            })
            .collect();
        // Codes named only by number, past the names.
        let mut extra = BTreeMap::new();
        for (k, &v) in &by_key {
            if let Ok(code) = k.parse::<i32>() {
                if code < 0 || code as usize >= table.len() {
                    extra.insert(code, v as f32);
                } else if names.get(code as usize).map_or(true, |n| n.is_empty()) {
                    table[code as usize] = v as f32;
                }
            }
        }
        ScoreLookup {
            table,
            extra,
            default: self.default as f32,
        }
    }

    /// Keys that match no class of a layer (to warn about typos).
    pub fn unmatched(&self, names: &[String]) -> Vec<String> {
        let have: Vec<String> = names.iter().map(|n| normalise(n)).collect();
        self.scores
            .keys()
            .filter(|k| {
                let n = normalise(k);
                !have.contains(&n)
                    && !n
                        .parse::<usize>()
                        .is_ok_and(|code| code < names.len().max(1) || names.is_empty())
            })
            .cloned()
            .collect()
    }
}

fn normalise(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Scores by class code, ready to apply to blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreLookup {
    table: Vec<f32>,
    extra: BTreeMap<i32, f32>,
    default: f32,
}

impl ScoreLookup {
    /// The score of one code (NaN for [`CLASS_NODATA`]).
    #[inline]
    pub fn score(&self, code: i32) -> f32 {
        if code == CLASS_NODATA {
            return f32::NAN;
        }
        match usize::try_from(code).ok().and_then(|c| self.table.get(c)) {
            Some(&s) => s,
            None => self.extra.get(&code).copied().unwrap_or(self.default),
        }
    }

    /// Scores of `codes` into `out` (same length).
    pub fn apply(&self, codes: &[i32], out: &mut [f32]) {
        for (o, &c) in out.iter_mut().zip(codes) {
            *o = self.score(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["", "Granite", "limestone", "shale"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn names_match_without_case_and_unlisted_get_the_default() {
        let t =
            CategoricalScores::parse(r#"{ "granite" = 0.9, " LIMESTONE " = 0.6 }"#, 0.1).unwrap();
        let l = t.lookup(&names());
        assert_eq!(l.score(1), 0.9);
        assert_eq!(l.score(2), 0.6);
        assert_eq!(l.score(3), 0.1);
        assert_eq!(l.score(42), 0.1);
        assert!(l.score(CLASS_NODATA).is_nan());
    }

    #[test]
    fn codes_work_without_names() {
        let t = CategoricalScores::parse(r#"{ "3" = 0.5, "7" = 1.0 }"#, 0.0).unwrap();
        let l = t.lookup(&[]);
        let mut out = [0f32; 3];
        l.apply(&[3, 7, 1], &mut out);
        assert_eq!(out, [0.5, 1.0, 0.0]);
        assert!(t.unmatched(&[]).is_empty());
    }

    #[test]
    fn bad_tables_are_refused() {
        let e = CategoricalScores::parse(r#"{ "granite" = 1.5 }"#, 0.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("granite") && e.contains("1.5"), "{e}");
        let e = CategoricalScores::parse(r#"{ "granite" = 0.5, "Granite" = 0.7 }"#, 0.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("same class"), "{e}");
        assert!(CategoricalScores::parse("granite = 0.5", 0.0).is_err());
        let t = CategoricalScores::parse(r#"{ "granit" = 0.5 }"#, 0.0).unwrap();
        assert_eq!(t.unmatched(&names()), vec!["granit".to_string()]);
    }
}
