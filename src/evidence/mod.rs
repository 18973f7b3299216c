//! Evidence layers: proximity, fuzzy membership functions, categorical scores.
