#!/usr/bin/env bash
# `npm test`: everything the tests need, then every test.
# The tests use real parts: redis-server, Chromium (for the TV app), ffmpeg (to make the demo
# HLS, to read it back as a client nobody here wrote, and as the venue's encoder: Debian's, which
# speaks SRT), tesseract (reads the clock burned into a live picture) and zbarimg (reads QR codes back
# from screenshots). They come from Debian's apt when
# missing; where that is impossible (not root, no apt) this says what is missing and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
# g++ builds the edge's native front door (npm run build); its tests need it.
command -v g++ >/dev/null 2>&1 || need+=(g++)
# The live ingest tests read the clock burned into the picture back with tesseract.
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-eng)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# The venue screen's and the TV's QR codes are read back from screenshots with zbarimg.
command -v zbarimg >/dev/null 2>&1 || need+=(zbar-tools)
# Tests that need a network of their own run in a network namespace (unshare -n), loopback up with ip.
command -v ip >/dev/null 2>&1 || need+=(iproute2)

if [ ${#need[@]} -gt 0 ]; then
  echo "test: installing from Debian apt: ${need[*]}"
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "test: cannot install ${need[*]}: not root and no sudo. Install them, then run npm test again." >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || { echo "test: apt-get update failed; cannot install ${need[*]}" >&2; exit 1; }
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { echo "test: apt-get install ${need[*]} failed" >&2; exit 1; }
fi

# The demo media (made once with ffmpeg, then reused) is made beside the checks and the build:
# on a fresh machine ffmpeg and tsc/esbuild then share the two cores instead of taking turns.
echo "test: demo media (made once with ffmpeg, then reused), beside the checks and the build"
media_log=$(mktemp)
setsid npx tsx edge-origin/src/media/cli.ts >"$media_log" 2>&1 &
media=$!
trap 'kill -- -"$media" 2>/dev/null || true; rm -f "$media_log"' EXIT

echo "test: type checking"
npm run --silent typecheck

echo "test: formatting and lint (Biome; npm run format fixes the formatting)"
npm run --silent lint

echo "test: building the TV app"
npm run --silent build

media_ok=0
wait "$media" || media_ok=$?
cat "$media_log"
[ "$media_ok" -eq 0 ] || { echo "test: the demo media could not be made (exit $media_ok)" >&2; exit 1; }

# The tests that hold the live to its latency goal (the picture within 3 s of its clock on the
# TV, through the edge) run first, one at a time: on this 2-core box a second jest worker's
# Chromium and ffmpeg take the CPU the encoder, the transcoder and the player need in real time.
# Then everything else, two at a time. With arguments (a path, -t …), one run of just those.
REALTIME='tests/ingest/tv-live-ingest[.]test[.]ts|tests/e2e/player-debug[.]test[.]ts'
if [ $# -gt 0 ]; then
  echo "test: jest $*"
  NODE_OPTIONS=--experimental-vm-modules npx jest --ci "$@"
  exit
fi
echo "test: jest (the real-time latency tests, one at a time)"
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --runInBand --testPathPatterns "$REALTIME"
echo "test: jest (the rest)"
NODE_OPTIONS=--experimental-vm-modules npx jest --ci --testPathIgnorePatterns "$REALTIME"
