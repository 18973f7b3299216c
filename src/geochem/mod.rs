//! Geochemistry: assay columns, units, censored values.
