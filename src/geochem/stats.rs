//! Order statistics shared by transforms and thresholds.
