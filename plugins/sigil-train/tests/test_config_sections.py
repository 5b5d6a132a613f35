"""The train/lora/bnb_4bit sections: strict keys, the reference's names, and where every key lands."""

from __future__ import annotations

from pathlib import Path

import pytest
from sigil_train.model.load import bnb_config, lora_config
from sigil_train.trainer.trl_trainer import per_device_micro_batch, trainer_arguments

from sigil.config.loader import validate_config
from sigil.errors import ConfigError


def config(**sections):
    return validate_config(sections, source="test.yml")


def test_defaults_validate():
    loaded = config()
    assert loaded.train.adapter == "qlora"
    assert loaded.lora.target_modules[0] == "q_proj" and len(loaded.lora.target_modules) == 7


def test_reference_names_are_accepted_as_aliases():
    loaded = config(train={"gradient_accumulation_steps": 8, "learning_rate": 3e-5, "lr_scheduler_type": "linear"},
                    lora={"target_modules": "q_proj; v_proj"})
    assert (loaded.train.grad_accum, loaded.train.lr, loaded.train.lr_scheduler) == (8, 3e-5, "linear")
    assert loaded.lora.target_modules == ["q_proj", "v_proj"]


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        ({"train": {"lr_rate": 1e-4}}, "train.lr_rate: unknown key"),
        ({"train": {"adapter": "qlor"}}, "train.adapter"),
        ({"train": {"optim": "adam"}}, "unknown optimizer 'adam'"),
        ({"train": {"lr_scheduler": "cosin"}}, "unknown lr_scheduler"),
        ({"train": {"prefetch_factor": 4, "dataloader_num_workers": 0}}, "prefetch_factor needs"),
        ({"train": {"adapter": "lora", "upcast_non_quantized": True}}, "qlora only"),
        ({"train": {"min_lr_ratio": 0.1, "lr_scheduler": "linear"}}, "floor of the cosine schedule"),
        ({"train": {"adam_betas": [0.9, 1.5]}}, "adam_betas must lie in"),
        ({"lora": {"target_modules": ""}}, "at least one target module"),
        ({"bnb_4bit": {"quant_type": "int4"}}, "bnb_4bit.quant_type"),
        ({"bnb_4bit": {"compute_dtype": "half"}}, "bnb_4bit.compute_dtype"),
    ],
)
def test_bad_values_are_one_line_errors(sections, message):
    with pytest.raises(ConfigError, match=message) as info:
        config(**sections)
    assert "\n" not in str(info.value)


def test_every_train_and_misc_key_reaches_the_trainer_arguments(tmp_path: Path):
    train = {
        "lr": 3e-4, "max_steps": 77, "micro_batch_size": 3, "grad_accum": 5, "warmup_steps": 6,
        "weight_decay": 0.1, "lr_scheduler": "constant_with_warmup", "max_grad_norm": 0.5, "optim": "adamw_torch_fused",
        "bf16": True, "gradient_checkpointing": False, "dataloader_num_workers": 3, "pin_memory": False,
        "prefetch_factor": 4, "eval_every": 11, "eval_batch_size": 9, "save_every": 13, "save_total_limit": 2,
        "log_every": 7, "use_liger_kernel": True, "torch_compile": True, "shuffle": False,
    }
    loaded = config(train=train, misc={"seed": 123, "deterministic": True}, max_seq_len=333)
    args = trainer_arguments(loaded, 3, True, tmp_path, cuda=True)
    expected = {
        "learning_rate": 3e-4, "max_steps": 77, "per_device_train_batch_size": 3, "gradient_accumulation_steps": 5,
        "warmup_steps": 6, "weight_decay": 0.1, "lr_scheduler_type": "constant_with_warmup", "max_grad_norm": 0.5,
        "optim": "adamw_torch_fused", "bf16": True, "activation_checkpointing": False, "dataloader_num_workers": 3,
        "dataloader_pin_memory": False, "dataloader_prefetch_factor": 4, "eval_steps": 11,
        "per_device_eval_batch_size": 9, "save_steps": 13, "save_total_limit": 2, "logging_steps": 7,
        "use_liger_kernel": True, "torch_compile": True, "train_sampling_strategy": "sequential", "seed": 123,
        "data_seed": 123, "full_determinism": True, "max_length": 333,
    }
    assert {key: args[key] for key in expected} == expected
    # the arguments are accepted by TRL as they are
    from trl import SFTConfig

    SFTConfig(**{**args, "bf16": False, "use_cpu": True, "torch_compile": False, "use_liger_kernel": False,
                 "optim": "adamw_torch", "full_determinism": False})


def test_micro_batch_is_divided_across_gpus_to_keep_the_effective_batch():
    # the reference's table: 1 GPU 16x4, 2 GPUs 8x4, 4 GPUs 4x4, 8 GPUs 2x4
    assert [per_device_micro_batch(16, world, True) for world in (1, 2, 4, 8)] == [16, 8, 4, 2]
    assert per_device_micro_batch(16, 4, False) == 16
    with pytest.raises(ConfigError, match="does not divide by 3 GPUs"):
        per_device_micro_batch(16, 3, True)


def test_bnb_4bit_keys_reach_bitsandbytes_config():
    import torch

    loaded = config(bnb_4bit={"quant_type": "fp4", "use_double_quant": False, "compute_dtype": "float16"})
    quantization = bnb_config(loaded.bnb_4bit)
    assert quantization.load_in_4bit
    assert quantization.bnb_4bit_quant_type == "fp4"
    assert quantization.bnb_4bit_use_double_quant is False
    assert quantization.bnb_4bit_compute_dtype == torch.float16


def test_lora_keys_reach_peft_config():
    loaded = config(lora={"r": 4, "alpha": 8, "dropout": 0.2, "target_modules": "q_proj;v_proj", "use_rslora": True})
    peft = lora_config(loaded.lora)
    assert (peft.r, peft.lora_alpha, peft.lora_dropout, peft.use_rslora) == (4, 8, 0.2, True)
    assert set(peft.target_modules) == {"q_proj", "v_proj"}


@pytest.mark.parametrize("enabled", [True, False])
def test_activation_checkpointing_is_passed_under_its_current_name(tmp_path: Path, enabled: bool):
    """transformers 5 renamed gradient_checkpointing to activation_checkpointing: the old name is a FutureWarning."""
    import warnings

    from trl import SFTConfig

    loaded = config(train={"gradient_checkpointing": enabled})
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        args = SFTConfig(**{**trainer_arguments(loaded, 2, False, tmp_path, cuda=False), "bf16": False})
    assert args.activation_checkpointing is enabled
    assert args.activation_checkpointing_kwargs == ({"use_reentrant": False} if enabled else None)


def test_the_request_step_count_wins_and_epochs_become_steps(tmp_path: Path):
    from sigil_train.trainer.trl_trainer import training_steps

    from sigil.training import TrainRequest

    loaded = config(train={"max_steps": 30})
    assert trainer_arguments(loaded, 2, False, tmp_path, cuda=False, max_steps=7)["max_steps"] == 7
    request = TrainRequest(config=loaded, ctx=None, train_path=tmp_path, validation_path=None, phase=None,
                           run_key="k", epochs=2.5)
    assert training_steps(request, rows=40, rows_per_micro_step=8, grad_accum=1) == 13  # ceil(2.5 * 40 / 8)
    assert training_steps(request, rows=40, rows_per_micro_step=4, grad_accum=3) == 8  # ceil(2.5 * (10 // 3))
    with pytest.raises(ConfigError, match="streaming"):
        training_steps(request, rows=None, rows_per_micro_step=8, grad_accum=1)
    with pytest.raises(ValueError, match="exactly one"):
        TrainRequest(config=loaded, ctx=None, train_path=tmp_path, validation_path=None, phase=None, run_key="k")


def test_cosine_floor_and_betas_reach_the_optimizer_and_schedule(tmp_path: Path):
    # the tiny task model's recipe: AdamW (0.9, 0.95), cosine decaying to 10% of the peak, not to zero
    import torch
    from transformers.optimization import get_scheduler

    loaded = config(train={"lr": 1e-3, "max_steps": 100, "warmup_steps": 5, "min_lr_ratio": 0.1,
                           "adam_betas": [0.9, 0.95]})
    args = trainer_arguments(loaded, 1, True, tmp_path, cuda=False)
    assert (args["adam_beta1"], args["adam_beta2"]) == (0.9, 0.95)
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
    schedule = get_scheduler(args["lr_scheduler_type"], optimizer, num_warmup_steps=5, num_training_steps=100,
                             scheduler_specific_kwargs=args["lr_scheduler_kwargs"])
    for _ in range(100):
        optimizer.step()
        schedule.step()
    assert schedule.get_last_lr()[0] == pytest.approx(1e-4)
    # without a floor the name means what it says: cosine to zero
    plain = trainer_arguments(config(train={"max_steps": 10}), 1, True, tmp_path, cuda=False)
    assert plain["lr_scheduler_type"] == "cosine" and plain["lr_scheduler_kwargs"] == {}
