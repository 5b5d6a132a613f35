#!/usr/bin/env bash
# Data parallelism measured (issue 17): the 8B-shaped QLoRA benchmark on 1 GPU, then on N GPUs with DDP and with FSDP
# at the same effective batch; tokens/s scaling, per-GPU peak memory and loss curves in $OUT/multi_gpu.json and
# $OUT/multi_gpu-table.md (one multi_gpu-<mode>.json per launch). Run from the repository root on a machine with N
# GPUs; with the wheels of .whl (trl, datasets, ...) and .whl2 (sigil's own small dependencies) carried, as
# ddp_smoke.sh, they are installed first.
#   bench/train/multi_gpu.sh                      # 2 GPUs, QLoRA, global batch 4, 20 timed steps
#   bench/train/multi_gpu.sh --dry-run            # print the launches only
#   GPUS=4 ADAPTER=lora TIMED=40 bench/train/multi_gpu.sh
#   ADAPTER=full bench/train/multi_gpu.sh           # what DDP cannot hold: 8B full fine-tuning
set -euo pipefail
GPUS=${GPUS:-2} ADAPTER=${ADAPTER:-qlora} BATCH=${BATCH:-4} TIMED=${TIMED:-20}
DRY=""
[ "${1:-}" = "--dry-run" ] && DRY=1
export OUT=${OUT:-bench-out/multi-gpu}
# NVLink SHARP (multicast) stays off: the lent multi-GPU machines do not support it (KINDS.md)
export NCCL_NVLS_ENABLE=0 OMP_NUM_THREADS=${OMP_NUM_THREADS:-4}
PY=${PYTHON:-python3}

if [ -z "$DRY" ] && [ -d .whl ]; then
  $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
    $( [ -d .whl2 ] && echo .whl2/*.whl )
  export PYTHONPATH=/tmp/site:$PWD:$PWD/plugins/sigil-train${PYTHONPATH:+:$PYTHONPATH}
fi

# a launch that fails (ADAPTER=full: 8B with fp32 master weights does not fit one GPU, nor each GPU under DDP) is
# reported as such; the launches after it still run
run() { echo "+ $*"; [ -n "$DRY" ] || "$@" || echo "launch failed (exit $?): $*" | tee -a "$OUT/failed.txt"; }
bench=bench/train/bench_multi_gpu.py
common=(--adapter "$ADAPTER" --global-batch "$BATCH" --timed "$TIMED")
[ -n "$DRY" ] || { mkdir -p "$OUT"; nvidia-smi --query-gpu=index,name,memory.total --format=csv,noheader | tee "$OUT/gpus.csv"; }
# one process on GPU 0 first: it also builds the random-init 8B model the two launches after it load
run env CUDA_VISIBLE_DEVICES=0 $PY $bench --mode single "${common[@]}"
run $PY -m torch.distributed.run --standalone --nproc-per-node "$GPUS" $bench --mode ddp "${common[@]}"
run $PY -m torch.distributed.run --standalone --nproc-per-node "$GPUS" $bench --mode fsdp "${common[@]}"
run $PY $bench --report "$OUT"
