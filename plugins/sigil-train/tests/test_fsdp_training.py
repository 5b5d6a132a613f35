"""FSDP trained for real on two CPU ranks (gloo): sharded, the same losses as one process, a loadable adapter.

accelerate (1.15) shards only on accelerators: on CPU processes its state is ``DistributedType.MULTI_CPU`` and it
drops the FSDP plugin (sigil then refuses the launch, ``test_distributed.py``). torch's FSDP2 itself runs on CPU with
gloo. So the two ranks get a seam, ``SITECUSTOMIZE`` below, that attaches the plugin to CPU processes exactly as
accelerate attaches it to GPU ones; everything else (sigil's arguments, accelerate's FSDP2 wrapping, training, the
full-state-dict save of the adapter) is the real path.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sigil.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.torch]


#: The seam: what ``AcceleratorState.__init__`` does with an FSDP plugin on MULTI_GPU (and the other accelerator
#: types), done on MULTI_CPU too. Loaded at interpreter start by the ranks, when SIGIL_TEST_FSDP_ON_CPU is set.
SITECUSTOMIZE = """
import os

if os.environ.get("SIGIL_TEST_FSDP_ON_CPU"):
    from accelerate.state import AcceleratorState, PartialState
    from accelerate.utils import DistributedType

    _init = AcceleratorState.__init__

    def __init__(self, *args, **kwargs):
        _init(self, *args, **kwargs)
        plugin = kwargs.get("fsdp_plugin")
        if plugin is not None and self.distributed_type == DistributedType.MULTI_CPU:
            self.distributed_type = DistributedType.FSDP
            self.fsdp_plugin = plugin
            PartialState._shared_state["distributed_type"] = DistributedType.FSDP

    AcceleratorState.__init__ = __init__
"""


def tiny_pipeline(path: Path, run: Path, **train) -> Path:
    """The built-in data stage (a torchrun rank has no test fixture stage), then one sft stage; rows in order."""
    path.write_text(yaml.safe_dump({
        "model_name": "sigil-tiny:llama,layers=2,hidden=32", "max_seq_len": 64,
        "dataset": {"names": ["builtin:tiny-rust"], "validation_split": 0.0},
        "misc": {"output_dir": str(run), "seed": 7},
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0},
        "train": {"adapter": "lora", "max_steps": 3, "micro_batch_size": 4, "grad_accum": 1, "lr": 1e-2,
                  "log_every": 1, "eval_every": 0, "dataloader_num_workers": 0, "tokenize_workers": 1,
                  "gradient_checkpointing": False, "shuffle": False, **train},
        "stages": [{"name": "data", "type": "data"}, {"name": "sft", "type": "sft"}],
    }))
    return path


def step_losses(run: Path) -> list[float]:
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [line["loss"] for line in lines if line.get("stage") == "sft" and "loss" in line]


def saved_logits(directory: Path, adapter: str) -> object:
    """Logits of the saved adapter on its base, or of the saved model (``adapter: full``), loaded on one process."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    if adapter == "full":
        model = AutoModelForCausalLM.from_pretrained(directory)
    else:
        base = json.loads((directory / "sigil_train.json").read_text())["base_model_path"]
        model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), str(directory))
    with torch.no_grad():
        return model.eval()(input_ids=torch.arange(3, 40).unsqueeze(0)).logits


@pytest.mark.parametrize("adapter", ["lora", "full"])
def test_fsdp_trains_sharded_on_two_ranks_like_one_process_and_saves_what_loads_back(tmp_path, adapter):
    import torch

    # one process, the same 4 rows a step
    single = tmp_path / "single"
    assert main(["run", str(tiny_pipeline(tmp_path / "single.yml", single, adapter=adapter))]) == 0
    # two torchrun ranks (gloo), 2 rows each, FSDP2 through accelerate
    seam = tmp_path / "seam"
    seam.mkdir()
    (seam / "sitecustomize.py").write_text(SITECUSTOMIZE)
    sharded = tmp_path / "fsdp"
    pipeline = tiny_pipeline(tmp_path / "fsdp.yml", sharded, adapter=adapter, distributed="fsdp")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "SIGIL_LOAD_PLUGINS": "train", "SIGIL_TEST_FSDP_ON_CPU": "1",
           "PYTHONPATH": os.pathsep.join([str(seam), os.environ.get("PYTHONPATH", "")])}
    launch = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
              "-m", "sigil.cli", "run", str(pipeline)]
    done = subprocess.run(launch, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]

    # it ran sharded: FSDP enabled, each rank held about half of the parameters one process holds
    args = json.loads((sharded / "stages" / "sft" / "trainer_args.json").read_text())
    assert args["sigil"]["accelerate_distributed_type"] == "DistributedType.FSDP"
    assert args["sigil"]["world_size"] == 2 and args["sigil"]["micro_batch_per_device"] == 2
    stages = json.loads((sharded / "manifest.json").read_text())["stages"]
    whole = json.loads((single / "manifest.json").read_text())["stages"]["sft"]["metrics"]["parameters_per_rank"]
    per_rank = stages["sft"]["metrics"]["parameters_per_rank"]
    assert len(whole) == 1 and len(per_rank) == 2
    assert all(held <= 0.55 * whole[0] for held in per_rank) and sum(per_rank) >= whole[0]

    # the same steps as one process: finite losses, equal within a loose tolerance
    fsdp_losses, single_losses = step_losses(sharded), step_losses(single)
    assert len(fsdp_losses) == len(single_losses) == 3
    assert all(math.isfinite(loss) for loss in fsdp_losses)
    assert fsdp_losses == pytest.approx(single_losses, abs=2e-3)

    # what was saved under FSDP is whole (not one rank's shard), trained, and loads back to the same outputs
    from safetensors.torch import load_file

    saved = sharded / "stages" / "sft" / "adapter"
    if adapter == "lora":
        weights = load_file(str(saved / "adapter_model.safetensors"))
        b = next(value for key, value in weights.items() if "q_proj.lora_B" in key)
        assert tuple(b.shape) == (32, 4) and b.abs().sum() > 0  # lora_B starts at zero
    else:
        weights = load_file(str(saved / "model.safetensors"))
        assert sum(value.numel() for value in weights.values()) == whole[0]
    fsdp_logits = saved_logits(saved, adapter)
    single_logits = saved_logits(single / "stages" / "sft" / "adapter", adapter)
    assert torch.allclose(fsdp_logits, single_logits, atol=1e-3)
