#!/usr/bin/env bash
# Run a geoprospect project on a Slurm cluster as plan -> array of tiles -> merge.
#
#   deploy/slurm/submit.sh [options] PROJECT.toml TILES PLAN_DIR OUT_DIR
#
#   1. `geoprospect plan PROJECT --tiles TILES --out PLAN_DIR` here on the login node
#      (or, with --plan-job, as a first Slurm job),
#   2. an array job 0..TILES-1 of deploy/slurm/geoprospect.sbatch (`geoprospect run-tile PLAN_DIR`),
#   3. `geoprospect merge PLAN_DIR --out OUT_DIR` with --dependency=afterok:<array job>.
#   Every job after the first uses --kill-on-invalid-dep=yes: if a tile fails, merge is cancelled
#   instead of pending forever. Fix the cause, then resubmit the same command: run-tile skips
#   tiles that are already done.
#
# Options:
#   --wait              block until merge ends; exit 0 only if every job completed
#   --plan-job          run the plan step as a Slurm job instead of on this node
#   --max-parallel M    at most M tiles at once (--array=0-(TILES-1)%M)
#   --cpus-per-task C   CPUs of each tile task and of the merge job (default 1); geoprospect
#                       gets --threads C
# Env:
#   GEOPROSPECT         geoprospect binary (default: `geoprospect` on PATH); must be reachable
#                       on the compute nodes at the same path
#   SBATCH_EXTRA        extra sbatch arguments for every job (word-split), e.g. "--account=geo"
#   TILE_SBATCH_ARGS, MERGE_SBATCH_ARGS, PLAN_SBATCH_ARGS   extra arguments for one kind of job
#   sbatch's own SBATCH_PARTITION, SBATCH_TIMELIMIT, SBATCH_ACCOUNT, ... are honoured too.
#   GDAL/AWS variables (AWS_S3_ENDPOINT, ...) are passed to the jobs (sbatch --export=ALL).
# PLAN_DIR must be on a filesystem shared by all nodes. PROJECT and OUT_DIR may be GDAL virtual
# paths (/vsis3/bucket/prefix); local paths are made absolute.
# Prints plan_job=, array_job=, merge_job= and logs= lines on stdout.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SBATCH_SCRIPT="$HERE/geoprospect.sbatch"

usage() { sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "submit.sh: error: $*" >&2; exit 1; }

WAIT=0; PLAN_JOB=0; MAX_PAR=""; CPUS=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --wait) WAIT=1; shift ;;
    --plan-job) PLAN_JOB=1; shift ;;
    --max-parallel) MAX_PAR=${2:?}; shift 2 ;;
    --max-parallel=*) MAX_PAR=${1#*=}; shift ;;
    --cpus-per-task) CPUS=${2:?}; shift 2 ;;
    --cpus-per-task=*) CPUS=${1#*=}; shift ;;
    -h|--help) usage ;;
    --) shift; args+=("$@"); break ;;
    -*) echo "submit.sh: unknown option $1" >&2; usage ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -eq 4 ] || usage
PROJECT=${args[0]}; TILES=${args[1]}; PLAN_DIR=${args[2]}; OUT_DIR=${args[3]}

[[ "$TILES" =~ ^[1-9][0-9]*$ ]] || die "TILES must be a positive integer, got '$TILES'"
[ -z "$MAX_PAR" ] || [[ "$MAX_PAR" =~ ^[1-9][0-9]*$ ]] || die "--max-parallel must be a positive integer"
[[ "$CPUS" =~ ^[1-9][0-9]*$ ]] || die "--cpus-per-task must be a positive integer"
command -v sbatch >/dev/null || die "sbatch not found: is this a Slurm login node?"
[ -f "$SBATCH_SCRIPT" ] || die "missing $SBATCH_SCRIPT"

is_vsi() { case "$1" in /vsi*) return 0 ;; *) return 1 ;; esac; }

# Absolute paths: the jobs may start in another directory or on another node.
if ! is_vsi "$PROJECT"; then
  [ -f "$PROJECT" ] || die "project file not found: $PROJECT"
  PROJECT=$(realpath "$PROJECT")
fi
is_vsi "$PLAN_DIR" && die "PLAN_DIR must be a shared POSIX directory, not $PLAN_DIR"
mkdir -p "$PLAN_DIR/logs"
PLAN_DIR=$(realpath "$PLAN_DIR")
LOGS="$PLAN_DIR/logs"
is_vsi "$OUT_DIR" || OUT_DIR=$(realpath -m "$OUT_DIR")

GEOPROSPECT=${GEOPROSPECT:-geoprospect}
case "$GEOPROSPECT" in
  */*) [ -x "$GEOPROSPECT" ] || die "GEOPROSPECT=$GEOPROSPECT is not executable"
       GEOPROSPECT=$(realpath "$GEOPROSPECT") ;;
  *) if p=$(command -v "$GEOPROSPECT"); then GEOPROSPECT=$p
     elif [ "$PLAN_JOB" = 0 ]; then die "$GEOPROSPECT not found on PATH (set GEOPROSPECT=/path/to/geoprospect)"
     fi ;;
esac
export GEOPROSPECT

# sbatch --parsable prints "jobid" or "jobid;cluster".
submit() { local out; out=$(sbatch --parsable "$@") || return 1; echo "${out%%;*}"; }
# The command line as one string for --wrap, each word shell-quoted.
quoted() { printf '%q ' "$@"; }

# shellcheck disable=SC2206
extra=(${SBATCH_EXTRA:-})
# shellcheck disable=SC2206
tile_extra=(${TILE_SBATCH_ARGS:-})
# shellcheck disable=SC2206
merge_extra=(${MERGE_SBATCH_ARGS:-})
# shellcheck disable=SC2206
plan_extra=(${PLAN_SBATCH_ARGS:-})

dep=()
plan_job=local
if [ "$PLAN_JOB" = 1 ]; then
  plan_job=$(submit "${extra[@]}" "${plan_extra[@]}" --job-name=geoprospect-plan \
    --output="$LOGS/plan-%j.out" \
    --wrap="exec $(quoted "$GEOPROSPECT" --threads 1 plan "$PROJECT" --tiles "$TILES" --out "$PLAN_DIR")") \
    || die "submitting the plan job failed"
  dep=(--dependency="afterok:$plan_job" --kill-on-invalid-dep=yes)
else
  echo "submit.sh: $GEOPROSPECT plan $PROJECT --tiles $TILES --out $PLAN_DIR" >&2
  "$GEOPROSPECT" plan "$PROJECT" --tiles "$TILES" --out "$PLAN_DIR" >&2 || die "geoprospect plan failed"
  [ -f "$PLAN_DIR/plan.json" ] || die "geoprospect plan wrote no $PLAN_DIR/plan.json"
fi

range="0-$((TILES - 1))"
[ -z "$MAX_PAR" ] || range="$range%$MAX_PAR"
array_job=$(submit "${extra[@]}" "${tile_extra[@]}" "${dep[@]}" --array="$range" \
  --cpus-per-task="$CPUS" --output="$LOGS/tile-%A_%a.out" "$SBATCH_SCRIPT" "$PLAN_DIR") \
  || die "submitting the tile array failed"

merge_job=$(submit "${extra[@]}" "${merge_extra[@]}" --job-name=geoprospect-merge \
  --dependency="afterok:$array_job" --kill-on-invalid-dep=yes --output="$LOGS/merge-%j.out" \
  --cpus-per-task="$CPUS" \
  --wrap="exec $(quoted "$GEOPROSPECT" --threads "$CPUS" merge "$PLAN_DIR" --out "$OUT_DIR")") \
  || die "submitting the merge job failed"

echo "plan_job=$plan_job"
echo "array_job=$array_job"
echo "merge_job=$merge_job"
echo "logs=$LOGS"
[ "$WAIT" = 1 ] || exit 0

# --- wait for merge; with afterok + kill-on-invalid-dep its end state sums up the whole run.
job_state() { # id -> JobState, from scontrol while the record is kept (MinJobAge), else sacct
  local s
  s=$(scontrol show job -o "$1" 2>/dev/null | head -n 1 | grep -o 'JobState=[A-Z_]*' | cut -d= -f2) || true
  if [ -z "$s" ] && command -v sacct >/dev/null; then
    s=$(sacct -n -X -P -o State -j "$1" 2>/dev/null | head -n 1 | awk '{print $1}') || true
  fi
  echo "${s:-UNKNOWN}"
}
job_reason() { scontrol show job -o "$1" 2>/dev/null | head -n 1 | grep -o 'Reason=[^ ]*' | cut -d= -f2 || true; }

echo "submit.sh: waiting for merge job $merge_job" >&2
unknown=0
while :; do
  st=$(job_state "$merge_job")
  case "$st" in
    PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|RESIZING|SUSPENDED|REQUEUE_HOLD|REQUEUE_FED|SIGNALING|STAGE_OUT)
      unknown=0
      if [ "$st" = PENDING ] && [ "$(job_reason "$merge_job")" = DependencyNeverSatisfied ]; then
        scancel "$merge_job" 2>/dev/null || true
        st=DEPENDENCY_NEVER_SATISFIED; break
      fi ;;
    UNKNOWN) unknown=$((unknown + 1)); [ "$unknown" -lt 6 ] || break ;;
    *) break ;;
  esac
  sleep "${POLL_SECONDS:-5}"
done

# Summary of the tiles (best effort: scontrol keeps finished records for MinJobAge seconds).
tiles_summary=$(scontrol show job -o "$array_job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' \n' ' ' || true)
[ -z "$tiles_summary" ] || echo "submit.sh: tile tasks:$tiles_summary" >&2
failed=$(scontrol show job -o "$array_job" 2>/dev/null | grep -v 'JobState=COMPLETED' | grep -o 'ArrayTaskId=[^ ]*' | cut -d= -f2 | tr '\n' ' ' || true)
[ -z "$failed" ] || echo "submit.sh: tiles not completed: $failed(logs in $LOGS)" >&2
if [ "$st" = COMPLETED ]; then
  echo "submit.sh: merge job $merge_job COMPLETED: outputs in $OUT_DIR" >&2
  exit 0
fi
echo "submit.sh: merge job $merge_job ended $st (logs in $LOGS)" >&2
exit 1
