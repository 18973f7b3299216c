//! Anomaly separation: thresholds from the distribution of an element.
