#!/usr/bin/env bash
# Run a geoprospect project on Kubernetes: PVC -> plan Job -> Indexed tile Job -> merge Job,
# each Job started only after the previous one is Complete (Jobs have no dependencies of their own).
#
#   deploy/k8s/run.sh PROJECT.toml TILES OUT [PARALLELISM]
#
#   OUT          merge output: /vsis3/bucket/prefix, or /plan/out (on the plan volume)
#   PARALLELISM  tile pods at once (default: min(TILES, 4))
# Env: IMAGE (geoprospect:latest), NAMESPACE (kubectl's current), KUBECTL (kubectl),
#      TIMEOUT (seconds per step, 86400), RENDER_ONLY=1 (print the manifests, apply nothing).
# S3 settings: create ConfigMap geoprospect-env and Secret geoprospect-s3 first (deploy/README.md).
# Rerunning deletes the previous plan/tiles/merge Jobs (not the volume); tiles already done on
# the volume are skipped by run-tile.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 3 ] || [ $# -gt 4 ]; then sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
PROJECT=$1; TILES=$2; OUT=$3
[[ "$TILES" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: TILES must be a positive integer" >&2; exit 2; }
PAR=${4:-$(( TILES < 4 ? TILES : 4 ))}
[[ "$PAR" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: PARALLELISM must be a positive integer" >&2; exit 2; }
IMAGE=${IMAGE:-geoprospect:latest}
TIMEOUT=${TIMEOUT:-86400}
K=("${KUBECTL:-kubectl}")
[ -z "${NAMESPACE:-}" ] || K+=(-n "$NAMESPACE")

sed_escape() { printf '%s' "$1" | sed -e 's/[\\&|]/\\&/g'; }
json_escape() { printf '%s' "$1" | sed -e 's/[\\"]/\\&/g'; }
render() { # file
  sed -e "s|image: geoprospect:latest|image: $(sed_escape "$IMAGE")|" \
      -e "s|\"--tiles\", \"8\"|\"--tiles\", \"$TILES\"|" \
      -e "s|^  completions: 8$|  completions: $TILES|" \
      -e "s|^  parallelism: 4$|  parallelism: $PAR|" \
      -e "s|\"--out\", \"/plan/out\"|\"--out\", \"$(sed_escape "$(json_escape "$OUT")")\"|" \
      "$HERE/$1"
}

if [ "${RENDER_ONLY:-0}" = 1 ]; then
  for f in pvc.yaml plan-job.yaml job.yaml merge-job.yaml; do echo "---"; render "$f"; done
  exit 0
fi
[ -f "$PROJECT" ] || { echo "run.sh: project file not found: $PROJECT" >&2; exit 1; }

wait_job() { # name
  local conds start=$SECONDS
  echo "run.sh: waiting for job/$1" >&2
  while :; do
    conds=$("${K[@]}" get job "$1" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}' 2>/dev/null || true)
    case " $conds " in
      *" Complete "*) echo "run.sh: job/$1 complete" >&2; return 0 ;;
      *" Failed "*)
        echo "run.sh: job/$1 FAILED; last log lines:" >&2
        "${K[@]}" logs "job/$1" --tail=50 >&2 || true
        return 1 ;;
    esac
    [ $((SECONDS - start)) -lt "$TIMEOUT" ] || { echo "run.sh: job/$1 timed out" >&2; return 1; }
    sleep 10
  done
}

"${K[@]}" apply -f "$HERE/pvc.yaml"
"${K[@]}" create configmap geoprospect-project --from-file=project.toml="$PROJECT" \
  --dry-run=client -o yaml | "${K[@]}" apply -f -
"${K[@]}" delete job geoprospect-plan geoprospect-tiles geoprospect-merge --ignore-not-found --wait=true

render plan-job.yaml | "${K[@]}" apply -f -
wait_job geoprospect-plan
render job.yaml | "${K[@]}" apply -f -
wait_job geoprospect-tiles
render merge-job.yaml | "${K[@]}" apply -f -
wait_job geoprospect-merge
"${K[@]}" logs job/geoprospect-merge --tail=20 || true
echo "run.sh: done: outputs in $OUT"
