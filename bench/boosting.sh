#!/usr/bin/env bash
# Gradient-boosting benchmark: geoprospect's default gradient boosting (5 bagged members x 100
# trees, 31 leaves, depth 6) against scikit-learn's HistGradientBoostingClassifier of the same
# size (500 trees, max_leaf_nodes 31, max_depth 6, min_samples_leaf 5, l2_regularization 1,
# 255 bins, balanced class weights, early_stopping=False) on the same generated data: 100 000
# training rows of 20 features (a logistic signal on six, two with missing values, 14 noise
# features) and 100 000 held-out rows, written by crates/core/examples/boosting_bench.rs.
# geoprospect predicts CELLS cells (default 12.8 M, blocks of 512 x 512 through
# predict_columns); scikit-learn predicts about 40 000 cells/s here, so it predicts the first
# SLICE of them (default 1.28 M, 10 %) and the ratio is of cells per second. Prints
#   boosting: fit geoprospect X s, sklearn Y s; predict geoprospect A cells/s (N in S s), sklearn B cells/s (M in T s), ratio R x; held-out AUC geoprospect P, sklearn Q
# Needs python3-sklearn (`make deps`). CELLS=<n> SLICE=<n> THREADS=<n> KEEP=1 (keep the data).
set -euo pipefail
cd "$(dirname "$0")/.."
CELLS=${CELLS:-12800000}
SLICE=${SLICE:-1280000}
THREADS=${THREADS:-$(nproc)}
PY=/usr/bin/python3
"$PY" -c "import sklearn, numpy" 2>/dev/null \
  || { echo "bench/boosting.sh: python3-sklearn is needed (make deps)"; exit 1; }
cargo build --release -q -p geoprospect-core --example boosting_bench
BIN=${CARGO_TARGET_DIR:-target}/release/examples/boosting_bench
WORK=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$WORK"' EXIT; else echo "work folder: $WORK"; fi
load=$(cut -d' ' -f1 /proc/loadavg)

ours=$(RAYON_NUM_THREADS=$THREADS "$BIN" "$WORK" "$CELLS" "$SLICE")
theirs=$(OMP_NUM_THREADS=$THREADS "$PY" - "$WORK" <<'PY'
import sys, time, numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
w = sys.argv[1]
def rows(name): return np.fromfile(f"{w}/{name}_x.f32", dtype="<f4").reshape(-1, 20)
x, y = rows("train"), np.fromfile(f"{w}/train_y.u8", dtype=np.uint8)
tx, ty = rows("test"), np.fromfile(f"{w}/test_y.u8", dtype=np.uint8)
cells = rows("cells")
m = HistGradientBoostingClassifier(max_iter=500, learning_rate=0.1, max_leaf_nodes=31,
    max_depth=6, min_samples_leaf=5, l2_regularization=1.0, max_bins=255,
    early_stopping=False, class_weight="balanced", random_state=0)
t = time.perf_counter(); m.fit(x, y); fit_s = time.perf_counter() - t
t = time.perf_counter(); m.predict_proba(cells); predict_s = time.perf_counter() - t
auc = roc_auc_score(ty, m.predict_proba(tx)[:, 1])
print(f"fit_s={fit_s:.3f} predict_s={predict_s:.3f} cells={len(cells)} auc={auc:.4f}")
PY
)
get() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
awk -v of="$(get "$ours" fit_s)" -v op="$(get "$ours" predict_s)" -v oc="$(get "$ours" cells)" \
    -v oa="$(get "$ours" auc)" -v tf="$(get "$theirs" fit_s)" -v tp="$(get "$theirs" predict_s)" \
    -v tc="$(get "$theirs" cells)" -v ta="$(get "$theirs" auc)" -v load="$load" -v th="$THREADS" 'BEGIN {
  ro = oc / op; rt = tc / tp;
  printf "boosting: 500 trees (5 x 100 bagged / 500), 20 features, 100 000 rows, %d threads: fit geoprospect %.1f s, sklearn %.1f s; predict geoprospect %.2f M cells/s (%.1f M in %.1f s), sklearn %.3f M cells/s (%.2f M in %.1f s), ratio %.1f x; held-out AUC geoprospect %s, sklearn %s (load average %s)\n",
    th, of, tf, ro / 1e6, oc / 1e6, op, rt / 1e6, tc / 1e6, tp, ro / rt, oa, ta, load }'
