//! Commodities, and how occurrence databases name them.
//!
//! A [`Commodity`] is any label a geologist scores: an element (`Au`, `Cu`, `W`), a group
//! (`REE`, `PGE`) or a deposit class (`IOCG`). Labels are compared without case and kept in one
//! canonical spelling: one or two letters as an element symbol (`cu` → `Cu`), longer labels in
//! capitals (`ree` → `REE`, `iocg` → `IOCG`). REE, Sn and Mo have model presets; any other
//! commodity needs its own evidence in the project.
//!
//! An occurrence's commodity text (`"Cu-Au"`, `"Sn, W"`, `"W|Mo"`,
//! `"Iron-Oxide Cu-Au (-U-REE)"`) is read by [`Labels::parse`]: its parts are split on anything
//! but letters and digits, and each counts for its commodity; parts in parentheses are minor
//! associations (by-products), which count only when asked for.
use std::cmp::Ordering;
use std::fmt;

/// Longest commodity label, in bytes.
pub const MAX_LABEL: usize = 15;

/// A commodity label in its canonical spelling (module docs). Small and `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Commodity {
    len: u8,
    label: [u8; MAX_LABEL],
    id: [u8; MAX_LABEL],
}

impl Commodity {
    /// Rare earth elements (lanthanides plus Y).
    pub const REE: Commodity = Commodity::known("REE");
    /// Tin.
    pub const SN: Commodity = Commodity::known("Sn");
    /// Molybdenum.
    pub const MO: Commodity = Commodity::known("Mo");

    /// The commodities with a model preset, in report order.
    pub const PRESETS: [Commodity; 3] = [Commodity::REE, Commodity::SN, Commodity::MO];

    /// A canonical label known at compile time (ASCII, at most [`MAX_LABEL`] bytes).
    const fn known(label: &str) -> Commodity {
        let bytes = label.as_bytes();
        let mut c = Commodity {
            len: bytes.len() as u8,
            label: [0; MAX_LABEL],
            id: [0; MAX_LABEL],
        };
        let mut i = 0;
        while i < bytes.len() {
            c.label[i] = bytes[i];
            c.id[i] = bytes[i].to_ascii_lowercase();
            i += 1;
        }
        c
    }

    /// Parses a commodity label as typed on the command line or in a project (`REE`, `sn`,
    /// `Au`, `iocg`, `Nb_Ta`): letters, digits and `_`, at most [`MAX_LABEL`] bytes, starting
    /// with a letter.
    pub fn parse(text: &str) -> Result<Commodity, String> {
        let t = text.trim();
        let ok = !t.is_empty()
            && t.len() <= MAX_LABEL
            && t.starts_with(|c: char| c.is_ascii_alphabetic())
            && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(format!(
                "commodity {text:?}: a label is a letter then letters, digits or '_', at most \
                 {MAX_LABEL} characters (REE, Sn, Mo, Au, Cu, W, IOCG ...)"
            ));
        }
        let canonical: String = if t.len() <= 2 {
            let mut cs = t.chars();
            cs.next()
                .map(|f| f.to_ascii_uppercase())
                .into_iter()
                .chain(cs.map(|c| c.to_ascii_lowercase()))
                .collect()
        } else {
            t.to_ascii_uppercase()
        };
        let mut c = Commodity::known("");
        c.len = canonical.len() as u8;
        for (i, b) in canonical.bytes().enumerate() {
            c.label[i] = b;
            c.id[i] = b.to_ascii_lowercase();
        }
        Ok(c)
    }

    /// Lower-case id used in file names and project keys (`ree`, `sn`, `w`, `iocg`).
    pub fn id(&self) -> &str {
        std::str::from_utf8(&self.id[..self.len as usize]).unwrap_or_default()
    }

    /// The canonical label (`REE`, `Sn`, `W`, `IOCG`).
    pub fn label(&self) -> &str {
        std::str::from_utf8(&self.label[..self.len as usize]).unwrap_or_default()
    }

    /// Whether the commodity has a model preset.
    pub fn has_preset(&self) -> bool {
        Commodity::PRESETS.contains(self)
    }

    /// The commodity a part of an occurrence's commodity text names: a mineral or an English
    /// name (`gold`, `cassiterite`, `rare earths` is handled by [`Labels::parse`]) or a label.
    fn of_part(part: &str) -> Option<Commodity> {
        let lower = part.to_ascii_lowercase();
        let named = NAMES
            .iter()
            .find(|(names, _)| names.contains(&lower.as_str()))
            .map(|&(_, label)| label);
        Commodity::parse(named.unwrap_or(part)).ok()
    }
}

/// English and mineral names occurrence databases use, by the label they stand for. The REE
/// group's own symbols are in [`REE_PARTS`].
const NAMES: &[(&[&str], &str)] = &[
    (
        &[
            "ree",
            "ree2o3",
            "treo",
            "tree",
            "hree",
            "lree",
            "bastnaesite",
            "bastnasite",
            "monazite",
            "xenotime",
        ],
        "REE",
    ),
    (&["tin", "cassiterite", "stannite"], "Sn"),
    (&["molybdenum", "molybdenite"], "Mo"),
    (&["tungsten", "wolfram", "wolframite", "scheelite"], "W"),
    (&["gold"], "Au"),
    (&["silver"], "Ag"),
    (&["copper", "chalcopyrite"], "Cu"),
    (&["lead", "galena"], "Pb"),
    (&["zinc", "sphalerite"], "Zn"),
    (&["nickel"], "Ni"),
    (&["cobalt"], "Co"),
    (&["iron", "magnetite", "hematite"], "Fe"),
    (&["uranium", "uraninite"], "U"),
    (&["thorium"], "Th"),
    (&["lithium", "spodumene", "lepidolite"], "Li"),
    (&["niobium", "pyrochlore", "columbite"], "Nb"),
    (&["tantalum", "tantalite"], "Ta"),
    (&["beryllium", "beryl"], "Be"),
    (&["fluorite", "fluorspar"], "F"),
    (&["bismuth"], "Bi"),
    (&["antimony", "stibnite"], "Sb"),
    (&["manganese"], "Mn"),
    (&["chromium", "chromite"], "Cr"),
    (&["platinum"], "Pt"),
    (&["palladium"], "Pd"),
    (&["graphite"], "C"),
];

/// The lanthanides and Y: a part naming one counts for REE as well as for itself.
const REE_PARTS: [&str; 16] = [
    "la", "ce", "pr", "nd", "sm", "eu", "gd", "tb", "dy", "ho", "er", "tm", "yb", "lu", "y", "pm",
];

/// Report order: the presets first (REE, Sn, Mo), then the other labels alphabetically.
impl Ord for Commodity {
    fn cmp(&self, other: &Self) -> Ordering {
        let rank = |c: &Commodity| {
            Commodity::PRESETS
                .iter()
                .position(|p| p == c)
                .unwrap_or(Commodity::PRESETS.len())
        };
        rank(self)
            .cmp(&rank(other))
            .then_with(|| self.label().cmp(other.label()))
    }
}

impl PartialOrd for Commodity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Commodity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Debug for Commodity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Commodity({})", self.label())
    }
}

impl serde::Serialize for Commodity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for Commodity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Commodity::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The commodities an occurrence's commodity text names: its main parts and its minor
/// associations (parts in parentheses).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Labels {
    /// Commodities of the main parts, in text order, without repeats.
    pub major: Vec<Commodity>,
    /// Commodities named only in parentheses.
    pub minor: Vec<Commodity>,
}

impl Labels {
    /// Reads a commodity text (module docs). A lanthanide or Y also counts for REE, and
    /// "rare earth(s)" names REE.
    pub fn parse(text: &str) -> Labels {
        let lower = text
            .to_lowercase()
            .replace("rare earths", "ree")
            .replace("rare earth", "ree")
            .replace("rare-earths", "ree")
            .replace("rare-earth", "ree");
        let mut labels = Labels::default();
        let mut depth = 0usize;
        let mut part = String::new();
        let flush = |part: &mut String, minor: bool, labels: &mut Labels| {
            if !part.is_empty() {
                let mut found = Vec::new();
                if REE_PARTS.contains(&part.as_str()) {
                    found.push(Commodity::REE);
                }
                found.extend(Commodity::of_part(part));
                for c in found {
                    let list = if minor {
                        &mut labels.minor
                    } else {
                        &mut labels.major
                    };
                    if !list.contains(&c) {
                        list.push(c);
                    }
                }
                part.clear();
            }
        };
        for ch in lower.chars() {
            match ch {
                '(' | '[' => {
                    flush(&mut part, depth > 0, &mut labels);
                    depth += 1;
                }
                ')' | ']' => {
                    flush(&mut part, depth > 0, &mut labels);
                    depth = depth.saturating_sub(1);
                }
                c if c.is_alphanumeric() || c == '_' => part.push(c),
                _ => flush(&mut part, depth > 0, &mut labels),
            }
        }
        flush(&mut part, depth > 0, &mut labels);
        let major = labels.major.clone();
        labels.minor.retain(|c| !major.contains(c));
        labels
    }

    /// Whether the text counts for `c`: a main part names it, or a minor one with
    /// `include_minor`.
    pub fn count_for(&self, c: Commodity, include_minor: bool) -> bool {
        self.major.contains(&c) || (include_minor && self.minor.contains(&c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(label: &str) -> Commodity {
        Commodity::parse(label).unwrap()
    }

    fn major(text: &str) -> Vec<String> {
        Labels::parse(text)
            .major
            .iter()
            .map(|c| c.to_string())
            .collect()
    }

    #[test]
    fn labels_are_canonical_and_ordered_presets_first() {
        assert_eq!(c("ree"), Commodity::REE);
        assert_eq!(c(" SN "), Commodity::SN);
        assert_eq!(c("cu").to_string(), "Cu");
        assert_eq!(c("w").id(), "w");
        assert_eq!(c("iocg").to_string(), "IOCG");
        assert_eq!(c("Nb_Ta").to_string(), "NB_TA");
        let mut list = [c("Zn"), c("Mo"), c("Au"), c("REE"), c("Sn")];
        list.sort();
        let shown: Vec<String> = list.iter().map(|c| c.to_string()).collect();
        assert_eq!(shown, ["REE", "Sn", "Mo", "Au", "Zn"]);
        for bad in ["", "Cu-Au", "1Cu", "averyveryverylonglabel", "Fé"] {
            assert!(Commodity::parse(bad).is_err(), "{bad}");
        }
        assert!(Commodity::MO.has_preset() && !c("W").has_preset());
    }

    #[test]
    fn compound_and_database_names() {
        assert_eq!(major("Cu-Mo"), ["Cu", "Mo"]);
        assert_eq!(major("Sn-W"), ["Sn", "W"]);
        assert_eq!(major("W|Mo"), ["W", "Mo"]);
        assert_eq!(major("REE-Nb-Zr"), ["REE", "Nb", "Zr"]);
        assert_eq!(major("Rare earths, Sn"), ["REE", "Sn"]);
        assert_eq!(major("La, Ce"), ["REE", "La", "Ce"]);
        assert_eq!(major("gold, Copper"), ["Au", "Cu"]);
        let l = Labels::parse("Cu-Au");
        assert!(l.count_for(c("cu"), false) && l.count_for(c("AU"), false));
        assert!(!l.count_for(Commodity::MO, true));
        // "Most" is one word, not Mo.
        assert!(!Labels::parse("Most").count_for(Commodity::MO, true));
    }

    #[test]
    fn minor_associations_count_only_when_asked() {
        let l = Labels::parse("Iron-Oxide Cu-Au (-U-REE)");
        assert!(l.count_for(c("Cu"), false) && l.count_for(c("Au"), false));
        assert!(!l.count_for(Commodity::REE, false));
        assert!(l.count_for(Commodity::REE, true) && l.count_for(c("U"), true));
        // A commodity both main and minor is main.
        let l = Labels::parse("Mo (Mo, W)");
        assert_eq!(l.major, [Commodity::MO]);
        assert_eq!(l.minor, [c("W")]);
    }
}
