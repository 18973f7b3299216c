//! The project file parser: any text gives a validated project or a one-line error, never a
//! panic. A project that parses has the invariants `validate` promises (positive finite
//! resolution, a finite non-inverted extent) and a model for each of its commodities.
#![no_main]

use std::path::Path;

use geoprospect_core::project::Project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match Project::parse(text, Path::new("/base")) {
        Ok(p) => {
            let s = &p.project;
            assert!(s.resolution.is_finite() && s.resolution > 0.0);
            if let Some(e) = s.extent {
                assert!(e.iter().all(|v| v.is_finite()) && e[0] < e[2] && e[1] < e[3]);
            }
            for c in p.commodities() {
                assert!(p.model(c).is_ok(), "{c}: {:?}", p.model(c).err());
            }
        }
        Err(e) => assert!(!e.to_string().contains('\n'), "{e}"),
    }
});
