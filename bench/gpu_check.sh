#!/bin/bash
# The GPU checks of the tfjs transformer path, for a machine with a GPU but
# without Deno, npm or a network (such as the device machine lent to some
# sessions). Two steps:
#
#   bench/gpu_check.sh pack   # here: bundles the webgpu tests and the backend
#                             # bench (deno bundle), xz-compresses the Deno binary
#                             # into .gpub/ (about 38 MB), and fetches the Vulkan
#                             # loader's .debs into .gl/
#   bench/gpu_check.sh run    # there, from the checkout with .gpub/ and .gl/:
#                             # unpacks the loader, prints the WebGPU adapter,
#                             # runs the webgpu tests, the backend bench
#                             # (dense and sparse embedding update) and the
#                             # PyTorch CUDA peer; copies logs to $OUT if set
#
# Results of the runs so far: bench/README.md, "The tfjs transformer on a GPU".
set -o pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
case "$1" in
pack)
  cd "$here" && deno=node_modules/.bin/deno && mkdir -p .gpub .gl
  $deno bundle --platform deno -o .gpub/bench.js bench/transformer_backend_bench.ts
  $deno bundle --platform deno -o .gpub/transformer_test.js lib/model/transformer_test.ts
  $deno bundle --platform deno -o .gpub/backend_test.js lib/model/backend_test.ts
  bin=$(readlink -f node_modules/.deno/@deno+linux-x64-glibc@*/node_modules/@deno/linux-x64-glibc/deno)
  xz -T0 -6 -c "$bin" >.gpub/deno.xz
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial && apt-get $o update >/dev/null
  # NVIDIA's Vulkan ICD (libGLX_nvidia) needs glvnd's libraries beside the loader
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  du -sh .gpub .gl
  ;;
run)
  cd "$here" && out=${OUT:-/tmp/gpu_check} && mkdir -p "$out"
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f $icd ] && export VK_DRIVER_FILES=$icd
  nvidia-smi -L 2>&1 | head -2
  rm -rf /tmp/gpub && cp -r .gpub /tmp/gpub && cp bench/transformer_torch_peer.py /tmp/gpub/
  python3 -c "import lzma,shutil;shutil.copyfileobj(lzma.open('/tmp/gpub/deno.xz'),open('/tmp/gpub/deno','wb'))"
  chmod +x /tmp/gpub/deno && cd /tmp/gpub && export NO_COLOR=1
  ./deno eval --no-config 'const i = (await navigator.gpu?.requestAdapter())?.info;
    console.log("adapter:", i ? [i.vendor, i.device, i.description].join(" | ") : "none")' | tee "$out/adapter.txt"
  timeout 150 ./deno test --no-config -A --filter webgpu transformer_test.js backend_test.js 2>&1 | tee "$out/tests.log"
  timeout 200 ./deno run --no-config -A bench.js webgpu webgpu:sparse 2>&1 | tee "$out/bench_xlir.jsonl"
  timeout 150 python3 transformer_torch_peer.py cuda 2>&1 | tee "$out/bench_torch.jsonl"
  ;;
*)
  echo "usage: bench/gpu_check.sh pack|run" >&2
  exit 2
  ;;
esac
