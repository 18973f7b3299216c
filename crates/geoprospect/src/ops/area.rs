//! A study area as a project's `[area]` or a command's `--area` names it, for the io reader.
use crate::io::area::AreaFile;
use crate::project::AreaSource;

/// The area file of an `[area]` table.
pub fn area_file(a: &AreaSource) -> AreaFile<'_> {
    AreaFile {
        path: &a.path,
        layer: a.layer.as_deref(),
        filter: a.filter.as_deref(),
        crs: a.crs.as_deref(),
    }
}
