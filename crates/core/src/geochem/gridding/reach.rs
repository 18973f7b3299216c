//! How far from the samples a grid gets values: cells farther than the maximum distance from
//! every sample are nodata, so that no value is invented far from the data (the sea beyond a
//! coastal survey, the land past its boundary).
//!
//! The default is derived from the samples: [`SPACINGS`] times the median nearest-neighbour
//! distance between sample locations (samples at the same coordinates count as one location),
//! the usual measure of a survey's sampling density (Clark & Evans 1954, *Ecology* 35:445),
//! and at least one cell, so that a cell holding a sample always gets a value (its centre is
//! at most half a diagonal, 0.71 cell, from any point of it) however dense the samples.
use std::fmt;

use rstar::RTree;

/// Median nearest-neighbour spacings in the default maximum distance.
pub const SPACINGS: f64 = 3.0;

/// The maximum distance asked for.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum MaxDistance {
    /// [`SPACINGS`] times the samples' median nearest-neighbour distance, at least one cell.
    #[default]
    Auto,
    /// No limit: every cell gets a value (within the method's radius).
    Unlimited,
    /// This distance, in grid CRS units.
    Given(f64),
}

impl MaxDistance {
    /// Parses `auto`, `none` or a positive number.
    pub fn parse(text: &str) -> Result<MaxDistance, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(MaxDistance::Auto),
            "none" => Ok(MaxDistance::Unlimited),
            t => match t.parse::<f64>() {
                Ok(d) if d.is_finite() && d > 0.0 => Ok(MaxDistance::Given(d)),
                _ => Err(format!(
                    "max distance must be a positive number, \"auto\" or \"none\", got {text:?}"
                )),
            },
        }
    }
}

/// `"auto"`, `"none"` or a number, as in a project file.
impl serde::Serialize for MaxDistance {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MaxDistance::Auto => s.serialize_str("auto"),
            MaxDistance::Unlimited => s.serialize_str("none"),
            MaxDistance::Given(d) => s.serialize_f64(*d),
        }
    }
}

impl<'de> serde::Deserialize<'de> for MaxDistance {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(v) => MaxDistance::parse(&v.to_string()),
            Raw::Text(t) => MaxDistance::parse(&t),
        }
        .map_err(serde::de::Error::custom)
    }
}

/// The maximum distance a gridder applies, and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reach {
    /// Cells farther than this from every sample are nodata (`None`: no limit).
    pub max_distance: Option<f64>,
    /// The samples' median nearest-neighbour distance (`None` with fewer than two locations).
    pub spacing: Option<f64>,
    /// Whether the distance was derived from the spacing.
    pub derived: bool,
}

impl Reach {
    /// The reach of `asked` over samples at `x`, `y` on cells of size `cell`. `Auto` with
    /// fewer than two distinct locations has no spacing to derive from: no limit.
    pub fn of(asked: MaxDistance, x: &[f64], y: &[f64], cell: f64) -> Reach {
        let spacing = median_spacing(x, y);
        match asked {
            MaxDistance::Auto => Reach {
                max_distance: spacing.map(|s| (SPACINGS * s).max(cell)),
                spacing,
                derived: true,
            },
            MaxDistance::Unlimited => Reach {
                max_distance: None,
                spacing,
                derived: false,
            },
            MaxDistance::Given(d) => Reach {
                max_distance: Some(d),
                spacing,
                derived: false,
            },
        }
    }
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spacing = |s: Option<f64>| match s {
            Some(s) => format!("median sample spacing {}", round(s)),
            None => "fewer than two sample locations".to_string(),
        };
        match (self.max_distance, self.derived) {
            (None, _) => write!(f, "no maximum distance ({})", spacing(self.spacing)),
            (Some(d), true) => write!(
                f,
                "max distance {} ({SPACINGS} x the {})",
                round(d),
                spacing(self.spacing)
            ),
            (Some(d), false) => write!(f, "max distance {} ({})", round(d), spacing(self.spacing)),
        }
    }
}

/// Four significant digits: a distance for people.
fn round(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

/// The median distance from each sample location to the nearest other location; `None`
/// with fewer than two distinct locations.
pub fn median_spacing(x: &[f64], y: &[f64]) -> Option<f64> {
    let mut points: Vec<[f64; 2]> = x.iter().zip(y).map(|(&x, &y)| [x, y]).collect();
    points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    points.dedup();
    if points.len() < 2 {
        return None;
    }
    let tree = RTree::bulk_load(points.clone());
    let mut d: Vec<f64> = points
        .iter()
        .filter_map(|p| {
            tree.nearest_neighbor_iter(p)
                .find(|q| *q != p)
                .map(|q| ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt())
        })
        .collect();
    d.sort_by(f64::total_cmp);
    let n = d.len();
    Some(if n % 2 == 1 {
        d[n / 2]
    } else {
        0.5 * (d[n / 2 - 1] + d[n / 2])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_of_a_regular_lattice_is_its_step() {
        // 10 x 10 points 250 m apart: every nearest neighbour is 250 m away.
        let (x, y): (Vec<f64>, Vec<f64>) = (0..100)
            .map(|i| ((i % 10) as f64 * 250.0, (i / 10) as f64 * 250.0))
            .unzip();
        assert_eq!(median_spacing(&x, &y), Some(250.0));
        let r = Reach::of(MaxDistance::Auto, &x, &y, 100.0);
        assert_eq!(r.max_distance, Some(750.0));
        // Cells larger than three spacings: one cell.
        assert_eq!(
            Reach::of(MaxDistance::Auto, &x, &y, 1000.0).max_distance,
            Some(1000.0)
        );
        assert_eq!(
            r.to_string(),
            "max distance 750.0 (3 x the median sample spacing 250.0)"
        );
    }

    #[test]
    fn duplicates_count_once_and_one_location_has_no_spacing() {
        // Three points: (0,0) twice, (3,4): one pair 5 apart for both locations.
        assert_eq!(
            median_spacing(&[0.0, 0.0, 3.0], &[0.0, 0.0, 4.0]),
            Some(5.0)
        );
        assert_eq!(median_spacing(&[1.0, 1.0], &[2.0, 2.0]), None);
        assert_eq!(
            Reach::of(MaxDistance::Auto, &[1.0], &[2.0], 1.0).max_distance,
            None
        );
    }

    #[test]
    fn parse_accepts_numbers_auto_and_none() {
        assert_eq!(MaxDistance::parse("5000"), Ok(MaxDistance::Given(5000.0)));
        assert_eq!(MaxDistance::parse("None"), Ok(MaxDistance::Unlimited));
        assert_eq!(MaxDistance::parse("auto"), Ok(MaxDistance::Auto));
        for bad in ["0", "-3", "nan", "inf", "far"] {
            assert!(MaxDistance::parse(bad).is_err(), "{bad}");
        }
    }
}
