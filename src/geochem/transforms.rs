//! Transforms of assay values: log10, CLR, robust z-score, percentile rank, winsorising.
