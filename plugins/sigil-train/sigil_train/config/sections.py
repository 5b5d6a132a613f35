"""Strict schemas of ``train``, ``lora`` and ``bnb_4bit``.

Key names follow the reference system where it had one (``lora.r``, ``bnb_4bit.quant_type``); where the
reference used the Hugging Face name (``gradient_accumulation_steps``) that name is accepted as an alias of
sigil's shorter one, and writing both is an error. Every key here reaches the trainer: the effective
arguments are written to ``trainer_args.json`` by the ``sft`` stage, and tests check each key lands there.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import AliasChoices, Field, ValidationInfo, field_validator, model_validator

from sigil import (
    DEFAULT_CLIPPY_CAP,
    DEFAULT_REWARD_WEIGHTS,
    InputPath,
    NotFingerprinted,
    Section,
    SigilError,
    check_reward_weights,
)

#: The seven projections of a Llama block: LoRA on all of them is the QLoRA paper's recipe.
LLAMA_PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

#: Optimizers accepted by ``train.optim`` (the transformers names sigil has tested or documents).
OPTIMIZERS = (
    "adamw_torch",
    "adamw_torch_fused",
    "adamw_8bit",
    "adamw_bnb_8bit",
    "paged_adamw_8bit",
    "paged_adamw_32bit",
    "adafactor",
    "sgd",
)

SCHEDULERS = (
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "cosine_with_min_lr",
    "warmup_stable_decay",
)


#: Training length when neither ``max_steps`` nor ``num_epochs`` is set.
DEFAULT_MAX_STEPS = 1000

#: ``train.report_to`` values: transformers' reporting integrations (``INTEGRATION_TO_CALLBACK``; a test keeps the
#: two equal) and its "all". Listed here so a typo fails at validation, not after the model has loaded.
REPORT_TO = ("all", "azure_ml", "clearml", "codecarbon", "comet_ml", "dagshub", "dvclive", "flyte", "kubeflow",
             "mlflow", "neptune", "swanlab", "tensorboard", "trackio", "wandb")


def _alias(name: str, *others: str) -> AliasChoices:
    return AliasChoices(name, *others)


class TrainSection(Section):
    """How the ``sft`` stage trains: adapter, sequences, optimisation, batches, kernels, logging and checkpoints.

    The reference system spelled four of these keys elsewhere; that spelling is still accepted and means the
    same key (writing both is an error): top-level ``max_seq_len`` → ``train.max_seq_len``, top-level ``pack``
    → ``train.pack``, ``misc.load_from`` → ``train.load_from``, ``misc.deterministic`` → ``train.deterministic``.
    """

    legacy_keys: ClassVar[dict[str, str]] = {
        "max_seq_len": "max_seq_len",
        "pack": "pack",
        "misc.load_from": "load_from",
        "misc.deterministic": "deterministic",
    }

    # --- what is trained
    adapter: Literal["qlora", "lora", "full"] = Field(
        default="qlora", description="qlora: 4-bit base + LoRA; lora: bf16 base + LoRA; full: every weight."
    )
    load_from: Annotated[str | None, InputPath()] = Field(
        default=None,
        description="Adapter (LoRA kinds) or model directory (full) to warm-start from, e.g. phase 1's "
        "(reference spelling: misc.load_from).",
    )
    # --- sequences
    max_seq_len: int = Field(
        default=2048, gt=0, description="Longest training sequence in tokens (reference spelling: top-level max_seq_len)."
    )
    pack: bool = Field(
        default=True,
        description="Pack examples into full rows without cross-attention (reference spelling: top-level pack).",
    )
    streaming: bool = Field(
        default=False,
        description="sigil: read, tokenize and pack the training split on the fly instead of caching it "
        "(splits larger than memory).",
    )
    # --- optimisation
    lr: float = Field(default=1e-4, gt=0, validation_alias=_alias("lr", "learning_rate"), description="Peak learning rate.")
    max_steps: int | None = Field(
        default=None, gt=0, description=f"Optimizer steps to train; default {DEFAULT_MAX_STEPS} unless num_epochs is set."
    )
    num_epochs: float | None = Field(
        default=None,
        gt=0,
        validation_alias=_alias("num_epochs", "num_train_epochs"),
        description="Passes over the training rows, instead of max_steps (set one of the two; fractions allowed).",
    )
    micro_batch_size: int = Field(
        default=4,
        gt=0,
        validation_alias=_alias("micro_batch_size", "per_device_train_batch_size"),
        description="Rows per forward pass on ONE GPU; divided by the GPU count so the effective batch stays constant.",
    )
    grad_accum: int = Field(
        default=4,
        gt=0,
        validation_alias=_alias("grad_accum", "gradient_accumulation_steps"),
        description="Micro-batches accumulated per optimizer step.",
    )
    scale_micro_batch: bool = Field(
        default=True, description="sigil: divide micro_batch_size by the number of GPUs (the reference's table)."
    )
    warmup_steps: int = Field(default=0, ge=0, description="Linear warm-up steps.")
    weight_decay: float = Field(default=0.0, ge=0, description="AdamW weight decay.")
    lr_scheduler: str = Field(
        default="cosine",
        validation_alias=_alias("lr_scheduler", "lr_scheduler_type"),
        description=f"Learning-rate schedule: {', '.join(SCHEDULERS)}.",
    )
    min_lr_ratio: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="sigil: the floor of the cosine schedule as a share of lr (0.1: decay to 10% of the peak, not "
        "to zero); needs lr_scheduler cosine.",
    )
    adam_betas: tuple[float, float] = Field(
        default=(0.9, 0.999), description="AdamW's (beta1, beta2); small models pretrained fast like (0.9, 0.95)."
    )
    max_grad_norm: float = Field(default=1.0, ge=0, description="Gradient clipping norm (0 disables).")
    optim: str = Field(default="adamw_torch", description=f"Optimizer: {', '.join(OPTIMIZERS)}.")
    bf16: bool | Literal["auto"] = Field(
        default="auto", description="Train in bfloat16 autocast; auto: when a GPU with bf16 support is present."
    )
    deterministic: bool = Field(
        default=False,
        description="Use deterministic algorithms, transformers' full_determinism (slower; reference spelling: "
        "misc.deterministic).",
    )
    # --- memory and kernels
    gradient_checkpointing: bool = Field(default=True, description="Recompute activations in the backward pass.")
    use_flash_attention: bool = Field(
        default=True,
        description="Use flash-attn (varlen) when installed; otherwise the best available kernel (logged).",
    )
    attn_implementation: Literal["auto", "flash_attention_2", "flex_attention", "sdpa", "eager"] = Field(
        default="auto", description="sigil: force one attention kernel; auto follows use_flash_attention."
    )
    upcast_non_quantized: bool = Field(
        default=False,
        description="sigil: qlora only; cast norms, embeddings and LM head to fp32 like PEFT's "
        "prepare_model_for_kbit_training (slower, 2-3x the memory of those weights).",
    )
    use_liger_kernel: bool = Field(default=False, description="sigil: Liger's RMSNorm/SwiGLU/RoPE kernels (CUDA).")
    torch_compile: bool = Field(default=False, description="sigil: torch.compile the model.")
    clear_cache_every_n_steps: int = Field(
        default=0, ge=0, description="Empty the CUDA cache every N steps (0: never); fights fragmentation."
    )
    # --- several GPUs (torchrun / accelerate launch; docs/distributed.md)
    distributed: Literal["ddp", "fsdp"] = Field(
        default="ddp",
        description="sigil: how the processes of a multi-GPU launch share training. ddp: every GPU holds the whole "
        "model; fsdp: parameters, gradients and optimizer state sharded across GPUs (FSDP2 through accelerate) for "
        "models DDP cannot hold; needs CUDA GPUs and a torchrun/accelerate launch (qlora: bnb_4bit.quant_storage "
        "and compute_dtype bfloat16).",
    )
    fsdp_cpu_offload: bool = Field(
        default=False, description="sigil: distributed fsdp only; keep the sharded parameters and optimizer state in "
        "CPU memory (fits larger models, slower steps)."
    )
    # --- data loading
    dataloader_num_workers: int = Field(default=2, ge=0, description="Data loader worker processes.")
    pin_memory: bool = Field(default=True, description="Pin host memory of batches (faster host-to-GPU copies).")
    prefetch_factor: int | None = Field(
        default=None, gt=0, description="Batches each loader worker prepares ahead; default torch's 2 (needs workers)."
    )
    tokenize_workers: int | None = Field(
        default=None, ge=1, description="sigil: tokenizer processes; default: all cores, at most 8."
    )
    chat_template: str | None = Field(
        default=None,
        description="A named chat template (chatml, llama3) replacing the tokenizer's; needed for chat records "
        "(messages, conversations) when the tokenizer has none. Saved with the adapter's tokenizer.",
    )
    shuffle: bool = Field(default=True, description="sigil: shuffle packed rows each epoch (seeded by misc.seed).")
    # --- evaluation, logging, checkpoints
    eval_every: int = Field(default=200, ge=0, description="Evaluate on the validation split every N steps (0: never).")
    eval_batch_size: int | None = Field(default=None, gt=0, description="sigil: eval rows per pass; default micro_batch_size.")
    save_every: int = Field(default=500, gt=0, description="Checkpoint every N steps (into the stage's work dir).")
    save_total_limit: int = Field(default=3, gt=0, description="Checkpoints kept (older ones are deleted).")
    log_every: int = Field(default=10, gt=0, description="Log loss, lr and tokens/s every N steps.")
    license: str | None = Field(
        default=None, description="sigil: licence of the trained model, written in its card (e.g. apache-2.0, llama3.1)."
    )
    # where the trainer also reports changes no weight: switching it on re-runs nothing
    report_to: Annotated[list[str], NotFingerprinted()] = Field(
        default_factory=list,
        description="Hugging Face integrations the trainer reports to as well (" + ", ".join(REPORT_TO)
        + "); sigil's own loggers (metrics.jsonl, TensorBoard, W&B plugin) get every metric regardless.",
    )

    @field_validator("chat_template")
    @classmethod
    def _known_template(cls, value: str | None) -> str | None:
        from sigil_train.data.encode import CHAT_TEMPLATES

        if value is not None and value not in CHAT_TEMPLATES:
            raise ValueError(f"unknown chat template {value!r}; known: {', '.join(CHAT_TEMPLATES)}")
        return value

    @field_validator("report_to", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        # transformers' spellings: one name, "all", or "none"
        if value == "none" or value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("report_to")
    @classmethod
    def _known_integrations(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in REPORT_TO]
        if unknown:
            raise ValueError(f"unknown integration {unknown[0]!r}; known: {', '.join(REPORT_TO)}")
        return value

    @field_validator("optim")
    @classmethod
    def _known_optimizer(cls, value: str) -> str:
        if value not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {value!r}; known: {', '.join(OPTIMIZERS)}")
        return value

    @field_validator("lr_scheduler")
    @classmethod
    def _known_scheduler(cls, value: str) -> str:
        if value not in SCHEDULERS:
            raise ValueError(f"unknown lr_scheduler {value!r}; known: {', '.join(SCHEDULERS)}")
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> TrainSection:
        if self.prefetch_factor is not None and self.dataloader_num_workers == 0:
            # torch refuses prefetch_factor without workers; say so here instead of at step 0
            raise ValueError("prefetch_factor needs dataloader_num_workers > 0")
        if self.max_steps is not None and self.num_epochs is not None:
            if info.field_name == "max_steps":
                # code giving a run its length (an RSFT round: rsft.train_steps) replaces the user's epochs
                self.__dict__["num_epochs"] = None
            else:
                raise ValueError("max_steps and num_epochs both say how long to train; set one of them")
        if self.min_lr_ratio and self.lr_scheduler != "cosine":
            raise ValueError(f"min_lr_ratio is the floor of the cosine schedule; lr_scheduler is {self.lr_scheduler!r}")
        if not all(0 <= beta < 1 for beta in self.adam_betas):
            raise ValueError(f"adam_betas must lie in [0, 1): {list(self.adam_betas)}")
        if self.upcast_non_quantized and self.adapter != "qlora":
            raise ValueError("upcast_non_quantized applies to adapter: qlora only")
        if self.fsdp_cpu_offload and self.distributed != "fsdp":
            raise ValueError("fsdp_cpu_offload applies to distributed: fsdp only")
        return self


class LoraSection(Section):
    """LoRA adapter shape (used by ``train.adapter: qlora`` and ``lora``)."""

    r: int = Field(default=16, gt=0, description="Rank of the update matrices.")
    alpha: float = Field(default=32, gt=0, description="Scaling numerator: the update is scaled by alpha / r.")
    dropout: float = Field(default=0.05, ge=0, lt=1, description="Dropout on the LoRA input.")
    target_modules: list[str] = Field(
        default_factory=lambda: list(LLAMA_PROJECTIONS),
        description="Module names to adapt: a list, or the reference's 'q_proj;v_proj' string.",
    )
    bias: Literal["none", "all", "lora_only"] = Field(default="none", description="Which biases are trained.")
    use_rslora: bool = Field(default=False, description="sigil: rank-stabilised scaling alpha / sqrt(r).")

    @field_validator("target_modules", mode="before")
    @classmethod
    def _split_semicolon_string(cls, value: object) -> object:
        if isinstance(value, str):
            return [name.strip() for name in value.split(";") if name.strip()]
        return value

    @field_validator("target_modules")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one target module is needed")
        return value


class Bnb4bitSection(Section):
    """bitsandbytes 4-bit quantisation of the base model (``train.adapter: qlora``)."""

    quant_type: Literal["nf4", "fp4"] = Field(default="nf4", description="4-bit data type.")
    use_double_quant: bool = Field(default=True, description="Quantise the quantisation constants too.")
    compute_dtype: Literal["bfloat16", "float16", "float32"] = Field(
        default="bfloat16", description="dtype the 4-bit weights are dequantised to for matmuls."
    )
    quant_storage: Literal["uint8", "bfloat16"] = Field(
        default="uint8", description="sigil: storage dtype of packed weights (bfloat16 for FSDP)."
    )


def check_fsdp(config: Any) -> None:
    """The cross-section rules of ``train.distributed: fsdp``, for a stage's ``check`` (before any stage runs).

    FSDP shards floating-point tensors only: bitsandbytes' 4-bit weights are sharded when packed into bfloat16
    storage (``bnb_4bit.quant_storage``); packed in uint8, accelerate leaves them out of the sharding and every GPU
    holds all of them. The storage must also be the dtype the rest of the model is loaded in (``compute_dtype``):
    FSDP's mixed-precision cast to bfloat16 then leaves the packed bytes as they are.
    """
    train, bnb = config.train, config.bnb_4bit
    if train.distributed != "fsdp" or train.adapter != "qlora":
        return
    if bnb.quant_storage != "bfloat16":
        raise SigilError(f"train.distributed: fsdp with adapter qlora needs bnb_4bit.quant_storage: bfloat16 "
                         f"(is {bnb.quant_storage}): FSDP shards only floating-point tensors")
    if bnb.compute_dtype != "bfloat16":
        raise SigilError(f"train.distributed: fsdp with adapter qlora needs bnb_4bit.compute_dtype: bfloat16 "
                         f"(is {bnb.compute_dtype}), the dtype of the 4-bit storage")
    if train.bf16 is False:
        raise SigilError("train.distributed: fsdp with adapter qlora trains in bfloat16; train.bf16 is false")


def config_length(train: TrainSection) -> tuple[int | None, float | None]:
    """``(max_steps, epochs)`` as the config asks: ``train.num_epochs``, else ``train.max_steps`` or the default.
    A stage passes them to the trainer in its ``TrainRequest``."""
    if train.num_epochs is not None:
        return None, float(train.num_epochs)
    return train.max_steps or DEFAULT_MAX_STEPS, None


# --- GRPO: online RL with rewards from sigil's evaluator (the ``grpo`` stage, docs/grpo.md)

#: ``grpo.loss_type`` values: the loss formulations TRL's ``GRPOConfig.loss_type`` supports (a test keeps the two
#: equal), listed here so a typo fails at validation, before a model is loaded.
GRPO_LOSS_TYPES = ("grpo", "dr_grpo", "dapo", "bnpo", "cispo", "sapo", "luspo", "vespo")

#: GRPO training length when neither ``grpo.max_steps`` nor ``grpo.num_epochs`` is set.
GRPO_DEFAULT_MAX_STEPS = 100


class GrpoSection(Section):
    """Online RL with GRPO (TRL's ``GRPOTrainer``): the ``grpo`` stage's prompts, sampling, loss and rewards.

    The adapter (``train.adapter``, ``lora``, ``bnb_4bit``), optimiser, precision, checkpoint and logging keys are
    the ``train`` section's, shared with ``sft``; the evaluator's sandbox, cache and limits are the ``eval`` section's.
    """

    # --- prompts: problems with tests, so a completion's reward is its program's verdict
    prompts: Annotated[str, InputPath()] = Field(
        default="rust-tasks-train",
        description="A problem suite (a registered name such as rust-tasks-train, or a suite JSONL file): its prompts "
        "are continued, and each completion is built and tested with the problem's tests.",
    )
    limit: int | None = Field(default=None, gt=0, description="Use only the first N problems.")
    # --- sampling: a group of completions per prompt
    num_generations: int = Field(default=8, ge=2, description="Group size G: completions sampled per prompt.")
    prompts_per_step: int = Field(
        default=4, gt=0, description="Prompts per optimizer step: each step trains on prompts_per_step x G completions."
    )
    micro_batch_size: int | None = Field(
        default=None, gt=0,
        description="Completions per forward/backward pass on one GPU (must divide prompts_per_step x G); "
        "default: num_generations. The rest is gradient accumulation.",
    )
    temperature: float = Field(default=1.0, gt=0, description="Sampling temperature of the completions.")
    top_p: float = Field(default=1.0, gt=0, le=1, description="Nucleus sampling threshold.")
    max_completion_length: int = Field(default=256, gt=0, description="Longest completion in tokens.")
    # --- the loss
    loss_type: Literal["grpo", "dr_grpo", "dapo", "bnpo", "cispo", "sapo", "luspo", "vespo"] = Field(
        default="dapo", description="TRL's loss formulation: " + ", ".join(GRPO_LOSS_TYPES) + " (TRL's default: dapo)."
    )
    beta: float = Field(default=0.0, ge=0, description="KL coefficient against the starting model (0: no reference model).")
    epsilon: float = Field(default=0.2, gt=0, description="Clipping range of the policy ratio (lower bound).")
    epsilon_high: float | None = Field(default=None, gt=0, description="Upper clipping bound; default epsilon (DAPO: 0.28).")
    num_iterations: int = Field(default=1, ge=1, description="Optimisation passes over each generated batch (mu).")
    scale_rewards: Literal["group", "batch", "none"] = Field(
        default="group", description="Advantage scaling: by the group's reward std, the batch's, or none (Dr. GRPO)."
    )
    mask_truncated_completions: bool = Field(
        default=False, description="Leave completions cut at max_completion_length out of the loss (DAPO)."
    )
    # --- optimisation and length
    lr: float = Field(default=1e-5, gt=0, description="Peak learning rate of the GRPO stage.")
    max_steps: int | None = Field(
        default=None, gt=0, description=f"Optimizer steps; default {GRPO_DEFAULT_MAX_STEPS} unless num_epochs is set."
    )
    num_epochs: float | None = Field(default=None, gt=0, description="Passes over the prompts instead of max_steps.")
    # --- rewards: one evaluator call per step; the reward of a completion is the weighted sum of its components
    rewards: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_REWARD_WEIGHTS),
        description="Reward weights. compile: 1 when the program builds; tests: fraction of the problem's tests "
        "passed (partial credit where the harness counts tests); clippy: minus one per clippy lint (capped at "
        "clippy_cap), so the weight is the penalty per lint; idiomatic: the idiomatic score of a compiling program; "
        "<scorer>.<metric>: a registered scorer's metric (NaN counts 0).",
    )
    clippy_cap: int = Field(default=DEFAULT_CLIPPY_CAP, gt=0, description="Lints counted at most per completion in the clippy penalty.")
    # --- generation backend
    vllm_server_url: str | None = Field(
        default=None,
        description="Generate with a running `trl vllm-serve` server at this URL (TRL's server mode) instead of "
        "in-process with transformers.",
    )

    @field_validator("rewards")
    @classmethod
    def _known_components(cls, weights: dict[str, float]) -> dict[str, float]:
        return check_reward_weights(weights)

    @model_validator(mode="after")
    def _consistent(self) -> GrpoSection:
        if self.max_steps is not None and self.num_epochs is not None:
            raise ValueError("max_steps and num_epochs both say how long to train; set one of them")
        completions = self.prompts_per_step * self.num_generations
        if completions % self.completions_per_pass:
            raise ValueError(f"micro_batch_size {self.completions_per_pass} does not divide the {completions} "
                             f"completions of a step (prompts_per_step {self.prompts_per_step} x num_generations "
                             f"{self.num_generations})")
        return self

    @property
    def completions_per_pass(self) -> int:
        return self.micro_batch_size or self.num_generations

    def length(self) -> tuple[int | None, float | None]:
        """``(max_steps, epochs)``: ``num_epochs``, else ``max_steps`` or the default."""
        if self.num_epochs is not None:
            return None, float(self.num_epochs)
        return self.max_steps or GRPO_DEFAULT_MAX_STEPS, None
