"""Several processes: ``train.distributed`` (ddp or fsdp), its rules, the FSDP arguments, and FSDP never run as DDP.

accelerate (1.15) shards only on accelerators: on CPU processes (gloo) its state is ``DistributedType.MULTI_CPU``
and the FSDP plugin is dropped without a word, the model wrapped in ``DistributedDataParallel`` (seen with
``fsdp=True, use_cpu=True`` on 2 torchrun ranks). The last test launches two real torchrun ranks on CPU and checks
that sigil refuses to let ``fsdp`` silently become DDP; ``test_fsdp_training.py`` trains under FSDP on CPU.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import write_pipeline
from corpus import records, write_jsonl
from sigil_train.trainer.trl_trainer import check_launch, trainer_arguments

from sigil.cli import main
from sigil.config.loader import validate_config
from sigil.errors import ConfigError


def config(**sections):
    return validate_config(sections, source="test.yml")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "in" / "train.jsonl", records(24))


@pytest.mark.parametrize(
    ("bnb_4bit", "train", "message"),
    [
        ({}, {}, "train.distributed: fsdp with adapter qlora needs bnb_4bit.quant_storage: bfloat16 (is uint8)"),
        ({"quant_storage": "bfloat16", "compute_dtype": "float16"}, {},
         "needs bnb_4bit.compute_dtype: bfloat16 (is float16)"),
        ({"quant_storage": "bfloat16"}, {"bf16": False}, "trains in bfloat16; train.bf16 is false"),
    ],
)
def test_fsdp_qlora_rules_are_one_line_errors_before_any_stage_runs(tmp_path, data, capsys, bnb_4bit, train, message):
    pipeline = write_pipeline(tmp_path / "p.yml", data, None, train={"adapter": "qlora", "distributed": "fsdp", **train},
                              bnb_4bit=bnb_4bit)
    assert main(["validate", str(pipeline)]) == 1
    err = capsys.readouterr().err.strip()
    assert "stages[1] (sft): train.distributed: fsdp with adapter qlora " in err and message in err and "\n" not in err
    assert not (tmp_path / "run").exists()  # refused before the data stage


def test_fsdp_qlora_with_bfloat16_storage_validates(tmp_path, data, capsys):
    pipeline = write_pipeline(tmp_path / "p.yml", data, None, train={"adapter": "qlora", "distributed": "fsdp"},
                              bnb_4bit={"quant_storage": "bfloat16"})
    assert main(["validate", str(pipeline)]) == 0, capsys.readouterr().err


def test_grpo_refuses_fsdp(tmp_path, data, capsys):
    pipeline = write_pipeline(tmp_path / "p.yml", data, None, train={"distributed": "fsdp"},
                              stages=[{"name": "rl", "type": "grpo"}])
    assert main(["validate", str(pipeline)]) == 1
    assert "train.distributed: fsdp is wired for sft stages only" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("train", "message"),
    [({"distributed": "fsdd"}, "train.distributed"),
     ({"fsdp_cpu_offload": True}, "fsdp_cpu_offload applies to distributed: fsdp only")],
)
def test_bad_distributed_values_are_one_line_errors(train, message):
    with pytest.raises(ConfigError, match=message) as info:
        config(train=train)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("checkpointing", [True, False])
def test_fsdp_reaches_accelerate_as_fsdp2_with_full_state_dict(tmp_path, checkpointing):
    from trl import SFTConfig

    loaded = config(train={"adapter": "lora", "distributed": "fsdp", "fsdp_cpu_offload": True,
                           "gradient_checkpointing": checkpointing})
    args = SFTConfig(**{**trainer_arguments(loaded, 2, False, tmp_path, cuda=False), "bf16": False})
    assert args.fsdp is True
    # what transformers hands to accelerate's FullyShardedDataParallelPlugin
    assert args.fsdp_plugin_args == {
        "fsdp_version": 2, "auto_wrap_policy": "TRANSFORMER_BASED_WRAP", "cpu_offload": True,
        "cpu_ram_efficient_loading": False, "state_dict_type": "FULL_STATE_DICT",
        "activation_checkpointing": checkpointing, "reshard_after_forward": True,
    }
    # checkpointing is FSDP's own: transformers' would all-gather every layer twice (and both together are refused)
    assert args.activation_checkpointing is False
    # ddp passes no FSDP argument at all
    plain = SFTConfig(**{**trainer_arguments(config(train={"adapter": "lora"}), 2, False, tmp_path, cuda=False),
                         "bf16": False})
    assert not plain.fsdp and plain.fsdp_plugin_args is None


def test_fsdp_needs_a_launch_and_an_fsdp_launch_needs_the_config():
    with pytest.raises(ConfigError, match="fsdp needs a multi-process launch"):
        check_launch("fsdp", {})
    check_launch("fsdp", {"LOCAL_RANK": "0"})
    check_launch("ddp", {})
    with pytest.raises(ConfigError, match="enables FSDP .ACCELERATE_USE_FSDP. but train.distributed is ddp"):
        check_launch("ddp", {"ACCELERATE_USE_FSDP": "true", "LOCAL_RANK": "0"})


def test_fsdp_in_one_process_is_refused_before_the_model_loads(tmp_path, data, capsys):
    pipeline = write_pipeline(tmp_path / "p.yml", data, None, train={"adapter": "lora", "distributed": "fsdp"})
    assert main(["run", str(pipeline)]) == 1
    assert "train.distributed: fsdp needs a multi-process launch" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.torch
def test_fsdp_on_cpu_ranks_is_refused_not_run_as_ddp(tmp_path, data):
    """Two real torchrun ranks on CPU (gloo): accelerate would train them as DDP; sigil stops both instead."""
    # the built-in data stage: the test's fixture stage is registered in this process only
    pipeline = tmp_path / "p.yml"
    pipeline.write_text(yaml.safe_dump({
        "model_name": "sigil-tiny:llama,layers=1,hidden=32", "max_seq_len": 64,
        "dataset": {"names": ["builtin:tiny-rust"], "validation_split": 0.0},
        "misc": {"output_dir": str(tmp_path / "run"), "seed": 7},
        "train": {"adapter": "lora", "distributed": "fsdp", "max_steps": 2, "micro_batch_size": 2, "grad_accum": 1,
                  "eval_every": 0, "dataloader_num_workers": 0, "tokenize_workers": 1,
                  "gradient_checkpointing": False},
        "stages": [{"name": "data", "type": "data"}, {"name": "sft", "type": "sft"}],
    }))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "SIGIL_LOAD_PLUGINS": "train"}
    launch = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2",
              "-m", "sigil.cli", "run", str(pipeline)]
    done = subprocess.run(launch, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "train.distributed: fsdp, but accelerate did not enable FSDP (DistributedType.MULTI_CPU)" in done.stderr
    assert not (tmp_path / "run" / "stages" / "sft").exists()

