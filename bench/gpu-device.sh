#!/usr/bin/env bash
# Runs the GPU benchmark (bench/gpu.ts) from the bundle scripts/bundle-gpu-bench.mjs prepares
# (.gpu and .gl, carried beside the working tree), on a machine with no Node and no
# node_modules: unpacks Node and dawn.node, installs the Vulkan loader if the machine has
# none, points Vulkan at the NVIDIA driver, then runs the kernel check and benchmark
# (bench/gpuKernels.ts: each of the engine's WebGPU kernels against tfjs's own, correctness
# and time; a training step's anatomy) and the training benchmark (bench/gpu.ts: webgpu with
# Model Lab's kernels, with tfjs's stock ones, and PyTorch), and writes gpu.json and the log to $OUT.
#
#   OUT=/some/folder [GPU_KERNELS_ARGS='--rounds 2'] bash bench/gpu-device.sh [bench/gpu.ts options, e.g. --steps 30]
#
# Here (no GPU) it runs the same way on lavapipe: a check of the bundle, not a measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OUT:?set OUT to the folder that receives gpu.json and gpu-bench.log}"
mkdir -p "$OUT"

if [ ! -f .gpu/bench/gpu.mjs ]; then
  echo "gpu-device.sh: .gpu is missing; run 'node scripts/bundle-gpu-bench.mjs' first (and carry .gpu and .gl)" >&2
  exit 1
fi

node_bin="${TMPDIR:-/tmp}/model-lab-bench-node"
xz -dc .gpu/node.xz > "$node_bin"
chmod +x "$node_bin"
dawn=.gpu/node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$dawn" ] || xz -dc "$dawn.xz" > "$dawn"

# Dawn opens libvulkan.so.1 at run time; a machine without it gets the carried loader.
if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  for deb in .gl/*.deb; do dpkg -x "$deb" /; done
  ldconfig
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ]; then export VK_DRIVER_FILES="$nvidia_icd"; fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

python=python3
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then python=/usr/bin/python3; fi

{
  echo "== $(date -u +%FT%TZ) $(uname -srm)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  "$node_bin" --version
  "$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'
} 2>&1 | tee "$OUT/gpu-bench.log"
set -o pipefail
kernels_status=0
"$node_bin" .gpu/bench/gpuKernels.mjs ${GPU_KERNELS_ARGS:-} 2>&1 | grep --line-buffered -v 'artificially reduced' | tee -a "$OUT/gpu-bench.log" || kernels_status=$?
"$node_bin" .gpu/bench/gpu.mjs --out "$OUT" --python "$python" "$@" 2>&1 | grep --line-buffered -v 'artificially reduced' | tee -a "$OUT/gpu-bench.log"
exit "$kernels_status"
