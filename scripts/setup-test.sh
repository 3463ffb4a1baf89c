#!/usr/bin/env bash
# Installs the Debian packages the tests use (`npm run setup:test`; .ci/run runs it too):
# apt-get update first, then every package below. Adding a package or an apt source is
# one line in the lists. `--dry-run` prints the commands instead of running them.
set -euo pipefail

# Extra apt sources, one a line: "NAME=deb URL SUITE COMPONENTS", written to
# /etc/apt/sources.list.d/NAME.list before the update.
APT_SOURCES=(
  # Dawn refuses Debian 12's own Mesa 22.3 for WebGPU; bookworm-backports' Mesa works.
  "bookworm-backports=deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main"
)

# One package a line, with why; "package/suite" installs it (and what it needs) from that suite (e.g. a backports source above).
PACKAGES=(
  chromium               # e2e tests drive Debian's Chromium
  xvfb                   # a virtual display for the desktop shell's checks
  dataset-fashion-mnist  # real data: Fashion-MNIST's IDX files
  python3-torch          # the benchmarks' peer
  python3-h5py           # reads exported .h5 and .keras files
  python3-onnx           # checks exported .onnx files
  python3-numpy          # used by the two above
  libopenblas0-pthread   # a fair benchmark peer (PyTorch is 2x slower on the reference BLAS)
  mesa-vulkan-drivers/bookworm-backports  # lavapipe: WebGPU on the CPU for the webgpu tests
  libvulkan1/bookworm-backports           # the Vulkan loader Dawn opens, of the same release
)

DRY_RUN=0
if [ "${1:-}" = "--dry-run" ]; then DRY_RUN=1; fi

run() {
  if [ "$DRY_RUN" -eq 1 ]; then
    printf '%s\n' "$*"
  else
    "$@"
  fi
}

if [ "$DRY_RUN" -eq 0 ] && ! command -v apt-get >/dev/null 2>&1; then
  echo "setup:test installs Debian packages with apt-get, which this system lacks. Install these instead: ${PACKAGES[*]}" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

# A suite apt already has (in any sources file) is left as it is: a second entry for it with
# other options would make apt refuse every source.
suite_configured() {
  grep -rqsE "^(Suites:.*[[:space:]]|deb[[:space:]].*[[:space:]])$1([[:space:]]|\$)" /etc/apt/sources.list /etc/apt/sources.list.d/
}

for source in "${APT_SOURCES[@]}"; do
  name="${source%%=*}"
  line="${source#*=}"
  suite="$(printf '%s\n' "$line" | sed -E 's/^deb (\[[^]]*\] )?[^ ]+ ([^ ]+).*/\2/')"
  if [ "$DRY_RUN" -eq 1 ]; then
    printf "echo '%s' | tee /etc/apt/sources.list.d/%s.list  # unless %s is configured already\n" "$line" "$name" "$suite"
  elif ! suite_configured "$suite"; then
    echo "$line" | "${SUDO[@]}" tee "/etc/apt/sources.list.d/$name.list" >/dev/null
  fi
done

# "package/suite" entries install with -t suite, so that their dependencies come from that suite too.
plain=()
declare -A from_suite=()
for entry in "${PACKAGES[@]}"; do
  if [[ "$entry" == */* ]]; then
    from_suite["${entry#*/}"]+=" ${entry%%/*}"
  else
    plain+=("$entry")
  fi
done

run "${SUDO[@]}" apt-get update
run "${SUDO[@]}" apt-get install -y --no-install-recommends "${plain[@]}"
for suite in "${!from_suite[@]}"; do
  # shellcheck disable=SC2086 # the package names are words
  run "${SUDO[@]}" apt-get install -y --no-install-recommends -t "$suite" ${from_suite[$suite]}
done
