#!/usr/bin/env bash
# Local S3-compatible server (moto) for trying geoprospect with /vsis3/ paths, no cloud needed.
#
#   deploy/s3/local-s3.sh [start]   install moto[server] if missing, start it in the background
#                                   (if not already answering), create the bucket, print exports
#   deploy/s3/local-s3.sh env       print the exports only
#   deploy/s3/local-s3.sh status    say whether the server answers, list buckets
#   deploy/s3/local-s3.sh stop      stop the server started by this script (its pid file)
#
# Use:  eval "$(deploy/s3/local-s3.sh)"   then e.g.  gdalinfo /vsis3/geoprospect/x.tif
# moto keeps everything in memory: a restart loses all buckets and objects.
# Env: MOTO_PORT (5555), MOTO_HOST (127.0.0.1), S3_BUCKET (geoprospect),
#      MOTO_PIDFILE (/tmp/moto-server.pid), MOTO_LOG (/tmp/moto-server.log).
set -euo pipefail

PORT=${MOTO_PORT:-5555}
HOST=${MOTO_HOST:-127.0.0.1}
BUCKET=${S3_BUCKET:-geoprospect}
PIDFILE=${MOTO_PIDFILE:-/tmp/moto-server.pid}
LOGFILE=${MOTO_LOG:-/tmp/moto-server.log}
ENDPOINT="http://$HOST:$PORT"
PY=${PYTHON:-python3}

log() { echo "local-s3: $*" >&2; }
die() { log "error: $*"; exit 1; }

print_env() {
  cat <<EOF
export AWS_S3_ENDPOINT=$HOST:$PORT
export AWS_HTTPS=NO
export AWS_VIRTUAL_HOSTING=FALSE
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE=YES
# non-GDAL clients (boto3, aws cli):  --endpoint-url $ENDPOINT
EOF
}

answers() { "$PY" - "$ENDPOINT" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/", timeout=2).read()
EOF
}

pid_alive() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

ensure_moto() {
  if command -v moto_server >/dev/null && "$PY" -c 'import moto.server, flask' 2>/dev/null; then return 0; fi
  log "installing moto[server] with pip"
  "$PY" -m pip install -q 'moto[server]'
  hash -r
  command -v moto_server >/dev/null || die "moto_server not on PATH after pip install"
}

create_bucket() {
  "$PY" - "$ENDPOINT" "$BUCKET" <<'EOF'
import sys, boto3
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                  aws_secret_access_key="testing", region_name="us-east-1")
have = [b["Name"] for b in s3.list_buckets().get("Buckets", [])]
if bucket not in have:
    s3.create_bucket(Bucket=bucket)
print("local-s3: bucket s3://%s ready at %s" % (bucket, endpoint), file=sys.stderr)
EOF
}

start() {
  ensure_moto
  if answers; then
    log "server already answers at $ENDPOINT"
  else
    pid_alive && die "pid $(cat "$PIDFILE") from $PIDFILE is alive but $ENDPOINT does not answer"
    log "starting moto_server on $HOST:$PORT (log $LOGFILE)"
    # setsid + nohup: keeps running after this shell (and its job control) goes away.
    setsid nohup moto_server -H "$HOST" -p "$PORT" >"$LOGFILE" 2>&1 < /dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 60); do answers && break; sleep 0.5; done
    answers || die "moto_server did not answer within 30 s (see $LOGFILE)"
  fi
  create_bucket
  print_env
}

case "${1:-start}" in
  start) start ;;
  env) print_env ;;
  status)
    if answers; then
      log "answers at $ENDPOINT"
      "$PY" -c 'import sys,boto3; s3=boto3.client("s3",endpoint_url=sys.argv[1],aws_access_key_id="testing",aws_secret_access_key="testing",region_name="us-east-1"); print("\n".join(b["Name"] for b in s3.list_buckets()["Buckets"]))' "$ENDPOINT"
    else log "no answer at $ENDPOINT"; exit 1; fi ;;
  stop)
    if pid_alive; then log "stopping moto_server (pid $(cat "$PIDFILE"))"; kill "$(cat "$PIDFILE")"; fi
    rm -f "$PIDFILE" ;;
  *) echo "usage: $0 [start|env|status|stop]" >&2; exit 2 ;;
esac
