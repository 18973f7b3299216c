//! Prospectivity models: fuzzy overlay, index overlay, weights of evidence, logistic regression.
