#!/usr/bin/env bash
# Two-GPU check of the distributed path: `torchrun` runs `sigil run configs/tiny-sft.yml` on 2 ranks.
# Run on the device machine from the repository root, with the wheels of .whl (trl, datasets, ...) and .whl2
# (sigil's own small dependencies) carried; writes the run's manifest, metrics and trainer arguments to $OUT.
# Extra arguments go to `sigil run`, e.g. FSDP (issue 17):
#   bench/train/ddp_smoke.sh -o train.distributed=fsdp
#   bench/train/ddp_smoke.sh -o train.distributed=fsdp -o train.adapter=qlora -o bnb_4bit.quant_storage=bfloat16
set -euo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl .whl2/*.whl
# sigil and sigil-train from the source tree; the plugin's entry point as pip would declare it
mkdir -p /tmp/site/sigil_train-0.1.0.dist-info
printf 'Metadata-Version: 2.1\nName: sigil-train\nVersion: 0.1.0\n' > /tmp/site/sigil_train-0.1.0.dist-info/METADATA
printf '[sigil]\ntrain = sigil_train.plugin\n' > /tmp/site/sigil_train-0.1.0.dist-info/entry_points.txt
export PYTHONPATH=/tmp/site:$PWD:$PWD/plugins/sigil-train SIGIL_LOAD_PLUGINS=train
nvidia-smi --query-gpu=name --format=csv,noheader
run=/tmp/ddp-run
torchrun --standalone --nproc-per-node 2 -m sigil.cli run configs/tiny-sft.yml -o misc.output_dir=$run \
  -o train.micro_batch_size=4 "$@" 2>&1 | grep -v -i warn | tail -25
cp $run/manifest.json $run/metrics.jsonl "$OUT"/
cp $run/stages/sft1/trainer_args.json "$OUT"/trainer_args_sft1.json
python3 - <<'PY'
import json
m = json.load(open("/tmp/ddp-run/manifest.json"))
print("status", m["status"], {k: (v["status"], v.get("duration_s")) for k, v in m["stages"].items()})
a = json.load(open("/tmp/ddp-run/stages/sft1/trainer_args.json"))
print("world/per-device", {k: v for k, v in a.get("sigil", {}).items() if "world" in k or "micro" in k or "per_device" in k})
print("distributed", {k: a["sigil"].get(k) for k in ("distributed", "accelerate_distributed_type")})
for name, stage in m["stages"].items():
    print(name, {k: v for k, v in stage.get("metrics", {}).items() if k.endswith("_per_rank") or k == "train_loss"})
PY
