//! Gridding sample points onto the analysis grid: IDW, nearest neighbour, ordinary kriging.
