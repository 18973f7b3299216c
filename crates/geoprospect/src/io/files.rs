//! The files behind a dataset, as GDAL lists them (a Shapefile's `.shp`, `.shx`, `.dbf`, `.prj`
//! and `.cpg`; an ER Mapper header and its data file), for the provenance of a run's inputs.
use std::path::{Path, PathBuf};

/// Every file GDAL uses for the dataset at `path` (the path itself when GDAL cannot open it,
/// e.g. a CSV read as a table).
pub fn dataset_files(path: &Path) -> Vec<PathBuf> {
    let Ok(ds) = gdal::Dataset::open(path) else {
        return vec![path.to_path_buf()];
    };
    let mut out = Vec::new();
    // Safety: the dataset handle is valid while `ds` lives; GDAL returns a new list that we
    // copy and then free with CSLDestroy.
    unsafe {
        let list = gdal_sys::GDALGetFileList(ds.c_dataset());
        if !list.is_null() {
            let mut i = 0;
            loop {
                let item = *list.add(i);
                if item.is_null() {
                    break;
                }
                let text = std::ffi::CStr::from_ptr(item)
                    .to_string_lossy()
                    .into_owned();
                out.push(PathBuf::from(text));
                i += 1;
            }
            gdal_sys::CSLDestroy(list);
        }
    }
    if out.is_empty() {
        out.push(path.to_path_buf());
    }
    out
}
