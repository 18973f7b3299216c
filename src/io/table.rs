//! Delimited text tables (CSV) as labs deliver them.
