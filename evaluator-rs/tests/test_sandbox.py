"""Hostile samples are contained: host files and environment are invisible, runaway compiles end."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sigil_evaluator import Evaluator

READS_PASSWD = 'const S: &str = include_str!("/etc/passwd");\nfn main() {\n    println!("{}", S);\n}\n'
OK = "fn main() {\n    println!(\"fine\");\n}\n"


@pytest.fixture(scope="module")
def strict() -> Evaluator:
    return Evaluator(compile_timeout=5)


def test_host_files_are_invisible(strict: Evaluator) -> None:
    hostile = [
        READS_PASSWD,
        '#[path = "/etc/hostname"]\nmod host;\nfn main() {}\n',
        'fn main() {\n    let b = include_bytes!("/root/.bashrc");\n    println!("{}", b.len());\n}\n',
    ]
    results = strict.check(hostile + [OK])
    for r in results[:-1]:
        assert r["status"] == "error" and "couldn't read" in (r["first_error"] or ""), r
    assert results[-1]["status"] == "ok"


def test_the_sandbox_is_what_blocks_host_files() -> None:
    # The same sample compiles without isolation: the test above is not passing by accident.
    (r,) = Evaluator(sandbox="none").check([READS_PASSWD])
    assert r["status"] == "ok" and r["isolation"] == "none"


def test_caller_environment_is_invisible(strict: Evaluator) -> None:
    os.environ["SIGIL_TEST_SECRET"] = "1"
    (home, secret) = strict.check([
        'fn main() {\n    println!("{}", env!("HOME"));\n}\n',
        'fn main() {\n    println!("{}", env!("SIGIL_TEST_SECRET"));\n}\n',
    ])
    assert home["status"] == secret["status"] == "error"
    assert "not defined at compile time" in (home["first_error"] or "")


# Compiles only if the canary is in the environment of the sandbox's pid 1 (bubblewrap itself): a sample
# could otherwise read the caller's variables at compile time and print them in a const-eval error.
READS_INIT_ENVIRON = """const ENV: &[u8] = include_bytes!("/proc/1/environ");
const fn contains(h: &[u8], n: &[u8]) -> bool {
    let mut i = 0;
    while i + n.len() <= h.len() {
        let mut j = 0;
        while j < n.len() && h[i + j] == n[j] {
            j += 1;
        }
        if j == n.len() {
            return true;
        }
        i += 1;
    }
    false
}
const _: () = assert!(contains(ENV, b"SIGIL_CANARY_ENVIRON"));
fn main() {}
"""


def test_caller_environment_is_not_in_the_sandbox_init(strict: Evaluator) -> None:
    os.environ["SIGIL_CANARY_ENVIRON"] = "1"
    try:
        (result,) = strict.check([READS_INIT_ENVIRON + "// environ\n"])
    finally:
        del os.environ["SIGIL_CANARY_ENVIRON"]
    # The file was read (no "couldn't read"): the const assertion is what failed, so the canary is absent.
    assert result["status"] == "error" and "assertion failed" in (result["first_error"] or ""), result


@pytest.mark.parametrize(
    "source",
    [
        # Exponential macro expansion: runs into the memory limit or the clock.
        'macro_rules! boom { ($($t:tt)*) => { boom!($($t)* $($t)*); }; }\nfn main() {\n    boom!(x);\n}\n',
        # Endless recursion: the recursion limit.
        'macro_rules! again { () => { again!(); again!(); }; }\nfn main() {\n    again!();\n}\n',
        # Endless const evaluation.
        'const X: u64 = {\n    let mut i = 0u64;\n    while i < u64::MAX {\n        i += 1;\n    }\n    i\n};\nfn main() {\n    println!("{}", X);\n}\n',
        # A compile-time memory bomb.
        'const A: [u64; 1 << 28] = [7; 1 << 28];\nfn main() {\n    println!("{}", A[3]);\n}\n',
    ],
    ids=["macro-bomb", "macro-recursion", "const-eval-loop", "const-memory-bomb"],
)
def test_runaway_compiles_end_within_limits(strict: Evaluator, source: str) -> None:
    start = time.monotonic()
    bad, good = strict.check([source, OK])
    assert bad["status"] in ("error", "timeout") and not bad["compiles"]
    assert good["status"] == "ok"
    assert time.monotonic() - start < 60


def test_ctrl_c_interrupts_a_check() -> None:
    ev = Evaluator(compile_timeout=30, jobs=1, batch_size=1)
    slow = ['const X: u64 = {\n    let mut i = 0u64;\n    while i < u64::MAX {\n        i += 1;\n    }\n    i\n};\nfn main() {}\n// %d\n' % i for i in range(4)]
    # Python's own Ctrl-C handler, whatever the launcher left: a background job of a non-interactive shell
    # (`.ci/run &`) starts with SIGINT ignored, and Python then keeps it ignored
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            ev.check(slow)
        assert time.monotonic() - start < 20
    finally:
        signal.signal(signal.SIGINT, previous)


def test_missing_bubblewrap_is_refused_by_name(tmp_path: Path) -> None:
    # No bwrap on PATH: the evaluator refuses unless isolation is explicitly turned off.
    env = {**os.environ, "PATH": str(tmp_path), "RUSTC": shutil.which("rustc") or "rustc"}
    code = (
        "from sigil_evaluator import Evaluator\n"
        "try:\n    Evaluator()\nexcept RuntimeError as e:\n    print('refused:', e)\n"
        "print('none:', Evaluator(sandbox='none').isolation)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "refused:" in out and "bwrap" in out and "bubblewrap" in out
    assert "none: none" in out


def test_inherited_descriptors_do_not_reach_the_compiler(tmp_path: Path) -> None:
    # A descriptor the caller left inheritable must not be open inside the sandbox, where
    # `/proc/self/fd/N` would name it and `compile_error!` would copy the file into the error.
    secret = tmp_path / "secret"
    secret.write_text("fd-secret-4242")
    fd = os.open(secret, os.O_RDONLY)
    os.set_inheritable(fd, True)
    try:
        (result,) = Evaluator(compile_timeout=20).check([f'compile_error!(include_str!("/proc/self/fd/{fd}"));\nfn main() {{}}\n'])
    finally:
        os.close(fd)
    assert result["status"] == "error", result
    assert "fd-secret" not in json.dumps(result), result
    assert "couldn't read" in (result["first_error"] or ""), result


def test_compiler_holds_no_capability() -> None:
    # The sandboxed compiler runs with every capability dropped (the program jails always did):
    # a build script cannot run here, so the probe is a const reading /proc/self/status at compile time.
    probe = (
        'const S: &str = include_str!("/proc/self/status");\n'
        "const fn has(h: &[u8], n: &[u8]) -> bool {\n    let mut i = 0;\n    while i + n.len() <= h.len() {\n"
        "        let mut j = 0;\n        while j < n.len() && h[i + j] == n[j] {\n            j += 1;\n        }\n"
        "        if j == n.len() {\n            return true;\n        }\n        i += 1;\n    }\n    false\n}\n"
        'const _: () = assert!(has(S.as_bytes(), b"CapEff:\\t0000000000000000"), "capabilities held");\n'
        "fn main() {}\n"
    )
    (result,) = Evaluator(compile_timeout=20).check([probe])
    assert result["status"] == "ok", result


def test_exit_zero_never_passes_a_failing_program() -> None:
    # Exit status and stdout belong to the program; the verdict does not (the witness, see exec/witness.rs).
    from sigil_evaluator import run_programs

    unit = (
        "#[test]\nfn a() {\n    std::process::exit(0);\n}\n"
        "#[test]\nfn b() {\n    assert_eq!(1, 2);\n}\n#[test]\nfn c() {\n    println!(\"test c ... ok\");\n    assert!(false);\n}\n"
    )
    programs = [
        {"source": "fn f() -> i32 {\n    std::process::exit(0)\n}\nfn main() {\n    assert_eq!(f(), 1);\n}\n"},
        {"source": unit, "kind": "unit"},
        {"source": "#[test]\nfn a() {}\n#[test]\nfn b() {\n    assert!(1 < 2);\n}\n", "kind": "unit"},
    ]
    exited, unit_result, honest = run_programs(programs, batch_size=1, jobs=2, compile_timeout=30, run_timeout=10)["results"]
    assert exited["status"] == "failed" and "no witness" in exited["message"], exited
    assert unit_result["status"] == "failed" and (unit_result["tests_passed"], unit_result["tests_total"]) == (0, 3), unit_result
    assert honest["status"] == "passed" and (honest["tests_passed"], honest["tests_total"]) == (2, 2), honest


# Run in its own process: it becomes a child subreaper, so whatever the killed evaluator leaves behind is
# reparented to it (not to init) and can be found as its descendant.
KILL_9_PROBE = r"""
import ctypes, os, signal, subprocess, sys, time

ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
SLEEPER = "fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(3600));\n}\n"
SPAWNER = (
    "use std::process::Command;\nfn main() {\n    for _ in 0..3 {\n"
    "        let _ = Command::new(\"/proc/self/exe\").env(\"CHILD\", \"1\").spawn();\n    }\n"
    "    std::thread::sleep(std::time::Duration::from_secs(3600));\n}\n"
)
BOMB = (
    "use std::process::Command;\nfn main() {\n    loop {\n"
    "        let _ = Command::new(\"/proc/self/exe\").spawn();\n    }\n}\n"
)
WORKER = (
    "from sigil_evaluator import run_programs\n"
    f"run_programs([{{'source': {SLEEPER!r}}}, {{'source': {SPAWNER!r}}}, {{'source': {BOMB!r}}}, {{'source': {SLEEPER!r} + '//2'}}],"
    " jobs=4, batch_size=1, run_timeout=600, run_cpu_seconds=600)\n"
)


def descendants():
    parent = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":
            parent[int(pid)] = int(fields[1])
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - found
        found |= frontier
    return found


def programs():
    names = []
    for pid in descendants():
        try:
            names.append(open(f"/proc/{pid}/comm").read().strip())
        except OSError:
            pass
    return sum(name in ("prog", "exe") for name in names)


def reap():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


worker = subprocess.Popen([sys.executable, "-c", WORKER])
deadline = time.monotonic() + 120
while programs() < 8 and time.monotonic() < deadline:  # every program runs, and the bomb is growing
    time.sleep(0.2)
running = programs()
worker.kill()
worker.wait()
deadline = time.monotonic() + 10
while descendants() and time.monotonic() < deadline:
    reap()
    time.sleep(0.1)
left = descendants()
for pid in left:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
print(f"running={running} survivors={len(left)}")
"""


def test_kill_9_of_the_caller_leaves_nothing_running() -> None:
    out = subprocess.run([sys.executable, "-c", KILL_9_PROBE], capture_output=True, text=True, timeout=200)
    assert out.returncode == 0, out.stderr
    running, survivors = (int(part.split("=")[1]) for part in out.stdout.split())
    assert running >= 8, out.stdout  # the probe really killed it while the programs ran
    assert survivors == 0, out.stdout


def _descendant_names(root: int) -> list[str]:
    parent: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        parent[int(pid)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - found
        found |= frontier
    names = []
    for pid in found:
        try:
            names.append(Path(f"/proc/{pid}/comm").read_text().strip())
        except OSError:
            pass
    return names


BOMBS = (
    "from sigil_evaluator import run_programs\n"
    "bomb = 'use std::process::Command;\\nfn main() {\\n    loop {\\n        let _ = Command::new(\"/proc/self/exe\").spawn();\\n    }\\n}\\n'\n"
    "run_programs([{'source': bomb}, {'source': bomb + '//'}], jobs=2, batch_size=1, run_timeout=15, run_cpu_seconds=15)\n"
)
HONEST = (
    "import json\nfrom sigil_evaluator import run_programs\n"
    "programs = [{'source': f'fn f() -> u32 {{ {i} }}\\nfn main() {{\\n    assert_eq!(f(), {i});\\n}}\\n'} for i in range(40)]\n"
    "print(json.dumps([r['status'] for r in run_programs(programs, jobs=2, batch_size=8)['results']]))\n"
)


@pytest.mark.skipif(os.geteuid() != 0, reason="jails switch uids only when sigil runs as root")
def test_two_evaluators_at_once_both_get_true_verdicts() -> None:
    # One evaluator's fork bombs hold their jails' uids at the process limit while another evaluator runs 40
    # correct programs: the jails of the two never share a uid, so all 40 pass (before: all 40 were errors).
    bombs = subprocess.Popen([sys.executable, "-c", BOMBS])
    try:
        deadline = time.monotonic() + 60
        while _descendant_names(bombs.pid).count("exe") < 40 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert bombs.poll() is None, "the bombs ended before the honest run started"
        honest = subprocess.run([sys.executable, "-c", HONEST], capture_output=True, text=True, timeout=120)
        assert bombs.poll() is None, "the bombs ended during the honest run: the test proves nothing"
    finally:
        bombs.kill()
        bombs.wait()
    assert honest.returncode == 0, honest.stderr
    assert json.loads(honest.stdout) == ["passed"] * 40
