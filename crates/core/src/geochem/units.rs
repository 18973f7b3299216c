//! Concentration units of assay columns.
//!
//! Geochemical tables report trace elements in mass fractions under many spellings. Three units
//! cover what labs deliver for rock, soil and stream-sediment samples:
//!
//! | [`Unit`]      | means                         | accepted spellings (case-insensitive)                  |
//! |---------------|-------------------------------|--------------------------------------------------------|
//! | [`Unit::Ppb`] | 10⁻⁹ (µg/kg = ng/g = mg/t)    | `ppb`, `ug/kg`, `µg/kg`, `ng/g`, `mg/t`, `мкг/кг`, `мг/т` |
//! | [`Unit::Ppm`] | 10⁻⁶ (mg/kg = g/t = µg/g)     | `ppm`, `mg/kg`, `g/t`, `gpt`, `ug/g`, `µg/g`, `мг/кг`, `г/т` |
//! | [`Unit::Pct`] | 10⁻² (wt% = mass %)           | `%`, `pct`, `wt%`, `wt.%`, `wt pct`, `wtpct`, `percent`, `mass%` |
//!
//! Spaces are ignored, and both the micro sign `µ` (U+00B5) and the Greek letter `μ` (U+03BC) are
//! read as `u`. Parts per trillion is deliberately absent: "ppt" also means parts per *thousand*
//! in older literature, and no lab in scope reports it.
//!
//! ```
//! use geoprospect_core::geochem::units::Unit;
//! assert_eq!(Unit::parse("mg/kg"), Some(Unit::Ppm));
//! assert_eq!(Unit::parse("µg/kg"), Some(Unit::Ppb));
//! assert_eq!(Unit::parse("wt.%"), Some(Unit::Pct));
//! assert_eq!(Unit::Pct.to_ppm_factor(), 10_000.0);
//! assert_eq!(Unit::Ppb.to_string(), "ppb");
//! ```
use std::fmt;
use std::str::FromStr;

/// A mass-fraction unit of assay values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// Parts per billion: µg/kg, ng/g.
    Ppb,
    /// Parts per million: mg/kg, g/t, µg/g.
    Ppm,
    /// Weight percent: wt%.
    Pct,
}

/// A unit text that is not one of the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown unit \"{text}\" (expected ppb, ppm or pct, or a spelling such as mg/kg or wt%)")]
pub struct UnitError {
    /// The text as given.
    pub text: String,
}

impl Unit {
    /// Every unit, smallest first.
    pub const ALL: [Unit; 3] = [Unit::Ppb, Unit::Ppm, Unit::Pct];

    /// Reads a unit from one of the spellings in the module table, ignoring case and spaces.
    pub fn parse(text: &str) -> Option<Unit> {
        let key: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                'µ' | 'μ' => 'u',
                c => c,
            })
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "ppb" | "ug/kg" | "ng/g" | "mg/t" | "мкг/кг" | "мг/т" => Some(Unit::Ppb),
            "ppm" | "mg/kg" | "g/t" | "gpt" | "g/tonne" | "ug/g" | "мг/кг" | "г/т" => {
                Some(Unit::Ppm)
            }
            "%" | "pct" | "wt%" | "wt.%" | "wtpct" | "wt.pct" | "percent" | "mass%" | "weight%" => {
                Some(Unit::Pct)
            }
            _ => None,
        }
    }

    /// The factor that turns a value in this unit into ppm (ppb 0.001, ppm 1, pct 10 000).
    pub fn to_ppm_factor(self) -> f64 {
        match self {
            Unit::Ppb => 0.001,
            Unit::Ppm => 1.0,
            Unit::Pct => 10_000.0,
        }
    }

    /// The canonical short name: `ppb`, `ppm` or `pct`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Ppb => "ppb",
            Unit::Ppm => "ppm",
            Unit::Pct => "pct",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Unit::parse(s).ok_or_else(|| UnitError {
            text: s.to_string(),
        })
    }
}

impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_spelling() {
        for s in [
            "ppm",
            "PPM",
            "mg/kg",
            "MG/KG",
            "g/t",
            "gpt",
            "ug/g",
            "µg/g",
            "μg/g",
            "мг/кг",
            "г/т",
        ] {
            assert_eq!(Unit::parse(s), Some(Unit::Ppm), "{s}");
        }
        for s in ["ppb", "Ppb", "ug/kg", "µg/kg", "ng/g", "mg/t", "мкг/кг"] {
            assert_eq!(Unit::parse(s), Some(Unit::Ppb), "{s}");
        }
        for s in [
            "%", "pct", "PCT", "wt%", "wt.%", "WT%", "wt %", "wt pct", "percent", "Percent",
        ] {
            assert_eq!(Unit::parse(s), Some(Unit::Pct), "{s}");
        }
    }

    #[test]
    fn rejects_other_text() {
        for s in ["", "ppt", "m", "INAA", "mg/l", "ppmv", "wt"] {
            assert_eq!(Unit::parse(s), None, "{s}");
        }
        let err = "mg/l".parse::<Unit>().unwrap_err();
        assert!(err.to_string().contains("\"mg/l\""), "{err}");
    }

    #[test]
    fn factors_and_names() {
        assert_eq!(Unit::Ppb.to_ppm_factor(), 0.001);
        assert_eq!(Unit::Ppm.to_ppm_factor(), 1.0);
        assert_eq!(Unit::Pct.to_ppm_factor(), 10_000.0);
        for u in Unit::ALL {
            assert_eq!(Unit::parse(&u.to_string()), Some(u));
        }
    }

    #[test]
    fn serde_round_trip_through_strings() {
        let u: Unit = serde_json::from_str("\"wt%\"").unwrap();
        assert_eq!(u, Unit::Pct);
        assert_eq!(serde_json::to_string(&Unit::Ppb).unwrap(), "\"ppb\"");
        assert!(serde_json::from_str::<Unit>("\"furlongs\"").is_err());
    }
}
