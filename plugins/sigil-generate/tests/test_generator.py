"""The hf generator on a tiny CPU model: seeded determinism, resume, left padding, stops, prompt rendering, and the
static-cache engine (the GPU fast path) against padded ``generate``."""

from __future__ import annotations

import pytest
import torch
from sigil_generate.generator import Job, ModelRef, SamplingSettings, prompt_ids
from sigil_generate.generator.hf import choose_engine, plan_batches, run_jobs
from sigil_generate.generator.static import GROUPED_ATTENTION, bucket_width, grouped_decode_attention, sample_tokens
from sigil_generate.generator.stops import PerRowStops, cut
from sigil_generate.model import load_for_generation

pytestmark = pytest.mark.torch


@pytest.fixture(scope="module")
def model(tiny_model_dir):
    return load_for_generation(ModelRef(base=str(tiny_model_dir)), device="cpu")


def settings(**changes) -> SamplingSettings:
    values = dict(temperature=1.0, top_p=0.95, max_new_tokens=12, batch_size=4, seed=5, stop=(), chat_template=False)
    values.update(changes)
    return SamplingSettings(**values)


JOBS = [Job("a", "fn main() {", i) for i in range(3)] + [Job("b", "/// Sum the values.\nfn sum(v: &[i64]) -> i64 {", i) for i in range(3)]


def run(model, jobs=JOBS, done=frozenset(), engine="padded", **changes) -> list[str]:
    """Completions in job order (the generator may yield them in another)."""
    texts = {c.job.key: c.text for c in run_jobs(model, jobs, settings(**changes), engine, done)}
    return [texts[job.key] for job in jobs if job.key in texts]


def test_same_seed_same_samples_other_seed_other_samples(model):
    first = run(model)
    assert len(first) == len(JOBS)
    assert run(model) == first
    assert run(model, seed=6) != first
    assert len(set(first[:3])) > 1  # samples of one prompt differ from each other


@pytest.mark.parametrize("engine", ["padded", "static"])
def test_resuming_with_some_jobs_done_gives_the_uninterrupted_result(model, engine):
    full = run(model, engine=engine)
    done = frozenset(job.key for job in JOBS[:4])
    assert run(model, done=done, engine=engine) == full[4:]
    # a batch with only some jobs done is generated again whole (same seed) and only the missing ones come back
    done = frozenset({JOBS[0].key, JOBS[5].key})
    assert run(model, done=done, engine=engine) == [t for job, t in zip(JOBS, full) if job.key not in done]


@pytest.fixture(scope="module")
def plain_model(tiny_model_dir):
    """A model the static engine never touched: transformers' own SDPA attention."""
    loaded = load_for_generation(ModelRef(base=str(tiny_model_dir)), device="cpu")
    assert loaded.model.config._attn_implementation == "sdpa"
    return loaded


@pytest.mark.parametrize("batch_size", [2, 4])
def test_static_engine_greedy_equals_padded_generate(model, plain_model, batch_size):
    """The fast path computes what ``generate`` computes: per sample, greedy completions are identical, with
    prompts of several lengths sharing a batch (left padding to a bucket) and shapes reused across batches."""
    jobs = JOBS + [Job("c", "pub fn", 0), Job("d", "x" * 40, 0)]
    padded = run(plain_model, jobs, engine="padded", temperature=0.0, batch_size=batch_size, max_new_tokens=20)
    static = run(model, jobs, engine="static", temperature=0.0, batch_size=batch_size, max_new_tokens=20)
    assert model.model.config._attn_implementation == GROUPED_ATTENTION  # the grouped decode attention ran
    assert padded == static


def test_grouped_decode_attention_equals_sdpa_with_repeated_heads():
    """One decode step: 8 query heads over 2 key/value heads, rows with left padding and a masked tail."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    class Attention:
        num_key_value_groups, is_causal, training = 4, True, False

    generator = torch.Generator().manual_seed(0)
    query, key, value = (torch.randn(shape, generator=generator) for shape in [(3, 8, 1, 16), (3, 2, 10, 16), (3, 2, 10, 16)])
    mask = torch.ones(3, 1, 1, 10, dtype=torch.bool)
    mask[0, ..., :4] = False
    mask[2, ..., 7:] = False
    grouped, _ = grouped_decode_attention(Attention(), query, key, value, mask, scaling=0.25)
    reference, _ = sdpa_attention_forward(Attention(), query, key, value, mask, scaling=0.25)
    assert grouped.shape == reference.shape == (3, 1, 8, 16)
    assert torch.allclose(grouped, reference, atol=1e-5)


def test_static_engine_sampling_is_seeded_and_stops_like_padded(model, plain_model):
    first = run(model, engine="static")
    assert run(model, engine="static") == first != run(model, engine="static", seed=6)
    assert len(set(first[:3])) > 1
    free = run(model, engine="static", temperature=0.0, max_new_tokens=24)
    stop = next(t for t in free if len(t) > 6)[3:6]
    stopped = run(model, engine="static", temperature=0.0, max_new_tokens=24, stop=(stop,))
    padded = run(plain_model, engine="padded", temperature=0.0, max_new_tokens=24, stop=(stop,))
    assert stopped == padded
    assert any(stop in text for text in free) and not any(stop in text for text in stopped)


def test_static_sampling_keeps_the_nucleus_only():
    """top-p as transformers applies it: a token outside the smallest set of mass >= top_p is never drawn."""
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]]))
    drawn = set()
    generator = torch.Generator().manual_seed(0)
    for _ in range(400):
        noise = torch.empty(1, 4).exponential_(generator=generator)
        drawn.add(int(sample_tokens(logits, noise, 1.0, 0.8)))
    assert drawn == {0, 1}  # 0.5 + 0.3 reaches 0.8; 0.15 and 0.05 are cut
    assert int(sample_tokens(logits, torch.ones(1, 4), 0.0, 0.8)) == 0  # temperature 0: greedy


@pytest.mark.slow
def test_data_parallel_workers_give_the_single_process_samples(tiny_model_dir):
    """Two worker processes (CPU here, one per GPU there) deal the batches out by index: every job comes back
    exactly once, each sample equal to a single process's, and jobs already done are not generated again."""
    import logging

    from sigil_generate.config import GenerateSection
    from sigil_generate.generator.hf import HfGenerator

    from sigil.generation import GenerationRequest

    jobs = JOBS + [Job("c", "pub fn", i) for i in range(3)]

    def generate(data_parallel, done=frozenset()):
        options = GenerateSection(device="cpu", data_parallel=data_parallel, engine="padded")
        request = GenerationRequest(model=ModelRef(base=str(tiny_model_dir)), jobs=jobs, settings=settings(batch_size=2),
                                    options=options, done=done, log=logging.getLogger("test"))
        return list(HfGenerator().generate(request))

    single = {c.job.key: c.text for c in generate(1)}
    done = frozenset(job.key for job in jobs[:3])  # a resumed run: the first batch and half of the second are done
    parallel = generate(2, done)
    assert sorted(c.job.key for c in parallel) == sorted(job.key for job in jobs[3:])  # once each, none done again
    assert {c.job.key: c.text for c in parallel} == {k: v for k, v in single.items() if k not in done}


@pytest.mark.slow
def test_continuous_batching_greedy_equals_padded_generate(plain_model, tiny_model_dir):
    """transformers' generate_batch runs on CPU: its completions come back in job order, cut at EOS like padded's."""
    jobs = [Job("a", "fn main() {", 0), Job("b", "/// Sum.\nfn sum(v: &[i64]) -> i64 { let x = 1;", 0), Job("c", "pub fn", 0)]
    continuous = load_for_generation(ModelRef(base=str(tiny_model_dir)), device="cpu")
    changes = dict(temperature=0.0, max_new_tokens=8)
    assert run(continuous, jobs, engine="continuous", **changes) == run(plain_model, jobs, engine="padded", **changes)


def test_engine_choice_and_batch_plan():
    assert choose_engine("auto", "cuda") == "static" and choose_engine("auto", "cpu") == "padded"
    assert choose_engine("continuous", "cpu") == "continuous" and choose_engine("auto", "cuda:1") == "static"
    assert plan_batches([5, 1, 3, 2], 2, "static") == [[1, 3], [2, 0]]  # by prompt length, stable
    assert plan_batches([5, 1, 3, 2], 2, "padded") == [[0, 1], [2, 3]]  # job order
    assert [bucket_width(n) for n in (1, 16, 17, 100, 200)] == [16, 16, 32, 128, 256]


def test_left_padding_does_not_change_a_greedy_completion(model):
    short = Job("short", "fn main() {", 0)
    long = Job("long", "/// A much longer prompt with many words in it.\nfn compute(values: &[u64]) -> u64 {", 0)
    alone = run(model, [short], temperature=0.0)
    padded = run(model, [long, short], temperature=0.0)
    assert padded[1] == alone[0]


def test_temperature_zero_is_greedy_and_ignores_the_seed(model):
    assert run(model, temperature=0.0) == run(model, temperature=0.0, seed=123)


def test_max_new_tokens_bounds_the_completion(model):
    short = run(model, temperature=0.0, max_new_tokens=3)
    long = run(model, temperature=0.0, max_new_tokens=24)
    for head, full in zip(short, long):
        # greedy: the short completion is the start of the long one (a cut multi-byte character decodes as U+FFFD)
        assert full.startswith(head.rstrip("\ufffd")) and len(head) < len(full)


def test_stop_sequences_end_the_row_and_are_cut_off(model):
    free = run(model, temperature=0.0, max_new_tokens=24)
    # pick a stop that greedy decoding is known to produce: a piece from the middle of a completion
    text = next(t for t in free if len(t) > 6)
    stop = text[3:6]
    jobs = [JOBS[0], JOBS[3]]
    stopped = run(model, jobs, temperature=0.0, max_new_tokens=24, stop=(stop,))
    for full, cut_text in zip([free[0], free[3]], stopped):
        if stop in full:
            assert cut_text == full[: full.index(stop)]
        else:
            assert cut_text == full
    # a job's own stops apply to its row only
    own = run(model, [Job("a", JOBS[0].prompt, 0, (stop,)), Job("b", JOBS[3].prompt, 0)], temperature=0.0, max_new_tokens=24)
    assert own[1] == free[3]


def test_per_row_stop_criterion_marks_only_rows_that_hit_their_stop(model):
    tokenizer = model.tokenizer
    rows = [tokenizer("x = 1;\n}", add_special_tokens=False)["input_ids"], tokenizer("x = 1;\n{", add_special_tokens=False)["input_ids"]]
    width = max(map(len, rows))
    ids = torch.tensor([[tokenizer.pad_token_id] * (width - len(r)) + r for r in rows])
    done = PerRowStops(tokenizer, 0, [("\n}",), ("\n}",)])(ids, None)
    assert done.tolist() == [True, False]
    assert cut("body\n}\nmore\n}", ("\n}",)) == "body"
    assert cut("body", ()) == "body"


def test_prompts_are_rendered_exactly_as_the_training_plugin_encodes_them(model):
    from sigil_train.data.encode import IGNORE, Encoder, EncodeStats

    encoder = Encoder(model.tokenizer, 512)
    prompt, completion = "Write a function that adds one.", "fn add_one(x: i64) -> i64 { x + 1 }"
    [example] = encoder.encode({"task": "instruct", "prompt": prompt, "content": completion}, EncodeStats())
    trained_prompt = [t for t, label in zip(example.input_ids, example.labels) if label == IGNORE]
    assert prompt_ids(model.tokenizer, prompt, chat_template=True) == trained_prompt
    [code] = encoder.encode({"task": "code", "prompt": None, "content": prompt + completion}, EncodeStats())
    raw = prompt_ids(model.tokenizer, prompt, chat_template=False)
    assert code.input_ids[: len(raw)] == raw


def test_device_and_dtype_are_applied(tiny_model_dir):
    loaded = load_for_generation(ModelRef(base=str(tiny_model_dir)), device="cpu", dtype="bfloat16")
    assert loaded.model.dtype == torch.bfloat16 and loaded.device == "cpu"
    assert loaded.tokenizer.padding_side == "left"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_on_a_gpu_bf16_sampling_is_seeded_and_padding_free(tiny_model_dir):
    gpu = load_for_generation(ModelRef(base=str(tiny_model_dir)))
    assert gpu.device == "cuda" and next(gpu.model.parameters()).is_cuda
    assert run(gpu) == run(gpu) != run(gpu, seed=6)
    assert run(gpu, engine="static") == run(gpu, engine="static")
    short = Job("short", "fn main() {", 0)
    long = Job("long", "/// A much longer prompt with many words in it.\nfn compute(values: &[u64]) -> u64 {", 0)
    assert run(gpu, [long, short], temperature=0.0)[1] == run(gpu, [short], temperature=0.0)[0]
