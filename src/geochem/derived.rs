//! Derived variables: TREO, chondrite-normalised REE, Eu/Eu* and Ce/Ce*, user ratios and sums.
