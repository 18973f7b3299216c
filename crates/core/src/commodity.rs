//! The commodities geoprospect scores, and how occurrence databases name them.
use std::fmt;

/// A commodity with a prospectivity model.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Commodity {
    /// Rare earth elements (lanthanides plus Y).
    Ree,
    /// Tin.
    Sn,
    /// Molybdenum.
    Mo,
}

impl Commodity {
    /// All commodities, in report order.
    pub const ALL: [Commodity; 3] = [Commodity::Ree, Commodity::Sn, Commodity::Mo];

    /// Lower-case id used in file names (`ree`, `sn`, `mo`).
    pub fn id(self) -> &'static str {
        match self {
            Commodity::Ree => "ree",
            Commodity::Sn => "sn",
            Commodity::Mo => "mo",
        }
    }

    /// Parses a commodity id as typed on the command line (`ree`, `REE`, `Sn`, `mo`).
    pub fn parse(text: &str) -> Option<Commodity> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ree" => Some(Commodity::Ree),
            "sn" => Some(Commodity::Sn),
            "mo" => Some(Commodity::Mo),
            _ => None,
        }
    }

    /// The commodities named in an occurrence record's commodity text, e.g. `"Cu-Mo"` (Mo),
    /// `"Sn, W"` (Sn), `"REE-Nb-Zr"` (REE), `"rare earths"` (REE), `"La, Ce"` (REE).
    /// Tokens are split on anything but letters and digits and compared without case; the
    /// lanthanide symbols and Y count as REE.
    pub fn mentioned_in(text: &str) -> Vec<Commodity> {
        let lower = text.to_lowercase();
        let mut found = Vec::new();
        if lower.contains("rare earth") || lower.contains("rare-earth") {
            found.push(Commodity::Ree);
        }
        for token in lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
        {
            let c = match token {
                "ree" | "ree2o3" | "treo" | "tree" | "hree" | "lree" | "la" | "ce" | "pr"
                | "nd" | "sm" | "eu" | "gd" | "tb" | "dy" | "ho" | "er" | "tm" | "yb" | "lu"
                | "y" | "bastnaesite" | "bastnasite" | "monazite" | "xenotime" => Commodity::Ree,
                "sn" | "tin" | "cassiterite" => Commodity::Sn,
                "mo" | "molybdenum" | "molybdenite" => Commodity::Mo,
                _ => continue,
            };
            found.push(c);
        }
        found.sort();
        found.dedup();
        found
    }
}

impl fmt::Display for Commodity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Commodity::Ree => "REE",
            Commodity::Sn => "Sn",
            Commodity::Mo => "Mo",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Commodity::*;

    #[test]
    fn compound_and_database_names() {
        assert_eq!(Commodity::mentioned_in("Cu-Mo"), vec![Mo]);
        assert_eq!(Commodity::mentioned_in("Sn-W"), vec![Sn]);
        assert_eq!(Commodity::mentioned_in("REE-Nb-Zr"), vec![Ree]);
        assert_eq!(Commodity::mentioned_in("Rare earths, Sn"), vec![Ree, Sn]);
        assert_eq!(Commodity::mentioned_in("W, Mo, Bi"), vec![Mo]);
        assert_eq!(Commodity::mentioned_in("Au"), Vec::<Commodity>::new());
        assert_eq!(Commodity::mentioned_in("Most"), Vec::<Commodity>::new());
    }
}
