"""Does sigil's evaluator give real verdicts on this machine? Three samples of one problem through ``sigil.evaluate``
(compile + clippy in the bubblewrap sandbox, the problem's tests built and run in it), each with a known verdict.

    python3 bench/grpo/evaluator_check.py        # exits 1 naming the sample whose verdict is wrong

Used on the GPU machine after carrying a toolchain there (bench/grpo/pack_toolchain.sh), before a GRPO run with
``--reward evaluator``; prints the toolchain, the sandbox and each verdict as one JSON line.
"""

from __future__ import annotations

import json
import sys
import time

from sigil import EvalConfig, Problem, Sample, evaluate, make_evaluator

ADD = Problem(
    name="add",
    prompt="/// Adds two numbers.\nfn add(a: i32, b: i32) -> i32 {\n",
    tests="}\n\nfn main() {\n    println!(\"hello from the sandbox\");\n    assert_eq!(add(1, 2), 3);\n}\n",
    stop_tokens=("\n}",),
)
#: completion -> (compiles, tests passed)
EXPECTED = {"    a + b": (True, True), "    a - b": (True, False), "    a +": (False, False)}


def main() -> int:
    import sigil_evaluator

    config = EvalConfig(cache_dir=None, scorers=["compile", "clippy"])
    # as the GRPO reward: no pre-filter, every verdict is the compiler's or the harness's
    config = config.model_copy(update={"prefilter": config.prefilter.model_copy(update={"enabled": False})})
    evaluator = make_evaluator(config)
    samples = [Sample(str(i), ADD.prompt, text, ADD.name, i, text, ADD) for i, text in enumerate(EXPECTED)]
    clock = time.monotonic()
    report = evaluate(samples, config, seed=0, run_tests=True, evaluator=evaluator)
    seconds = time.monotonic() - clock
    wrong = []
    verdicts = []
    for text, detail in zip(EXPECTED, report.samples, strict=True):
        compiles, passed = bool(detail["check"]["compiles"]), detail["tests"]["status"] == "passed"
        verdicts.append({"completion": text.strip(), "compiles": compiles, "tests": detail["tests"]})
        if (compiles, passed) != EXPECTED[text]:
            wrong.append(text.strip())
    print(json.dumps({"isolation": evaluator.isolation, "toolchain": evaluator.toolchain_version, "jobs": evaluator.jobs,
                      "sigil_evaluator": getattr(sigil_evaluator, "__version__", None), "seconds": round(seconds, 2),
                      "verdicts": verdicts, "wrong": wrong}, default=str))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
