//! The cell-level parsers: censored values (`<0.5`, `-2`, `n.d.`), numbers, units and column
//! headers (`Mo_ICP_ppm`, `Fe2O3 (wt%)`). Any text gives a value or an error, never a panic, and
//! what is read back is sane: limits positive and finite, values finite and not negative,
//! header units agreeing with `Unit::parse`.
#![no_main]

use geoprospect_core::geochem::censored::{parse_assay, Assay, Substitution};
use geoprospect_core::geochem::columns::parse_header;
use geoprospect_core::geochem::units::Unit;
use geoprospect_core::table::parse_number;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for decimal_comma in [false, true] {
        if let Some(v) = parse_number(text, decimal_comma) {
            assert!(v.is_finite());
        }
        match parse_assay(text, decimal_comma) {
            Ok(Assay::Value(v)) => assert!(v.is_finite() && v >= 0.0, "{text:?} -> {v}"),
            Ok(Assay::Censored { limit }) | Ok(Assay::Above { limit }) => {
                assert!(limit.is_finite() && limit > 0.0, "{text:?} -> {limit}")
            }
            Ok(Assay::Missing) | Err(_) => {}
        }
    }
    if let Some(u) = Unit::parse(text) {
        assert_eq!(Unit::parse(u.as_str()), Some(u));
    }
    if let Ok(s) = Substitution::parse(text) {
        let v = s.substitute(Assay::Censored { limit: 1.0 });
        assert!(v.map_or(true, |v| v > 0.0 && v <= 1.0), "{text:?} -> {v:?}");
    }
    if let Some((species, _unit, suffix)) = parse_header(text) {
        assert!(!species.is_empty());
        assert!(suffix.map_or(true, |s| !s.is_empty()));
    }
});
