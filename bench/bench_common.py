"""Shared pieces of the bench/ drivers: paths, the baselines' interpreter (a venv in .deps/bench-venv, or
$BOKEH_BENCH_VENV, with PyTorch from PyPI at the version our build links, scripts/libtorch-version, and Ray Tune;
made on first use: only the benchmarks need it), thread settings applied identically to both
sides, and running a child while measuring its wall time and peak memory (max RSS from wait4)."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
VENV = os.environ.get("BOKEH_BENCH_VENV") or os.path.join(ROOT, ".deps", "bench-venv")  # another: $BOKEH_BENCH_VENV
PYTHON = os.path.join(VENV, "bin", "python3")
BASELINE = [PYTHON, os.path.join(BENCH, "pytorch_baseline.py")]
RAY_TUNE = [PYTHON, os.path.join(BENCH, "ray_tune_baseline.py")]
RAY_VERSION = "2.60.0"
TCMALLOC = "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4"


def build_dir(given, targets=("bench_trainer", "bench_data")):
    """The build folder (--build, $BOKEH_BUILD or build/), with the benchmark helpers `targets` built in
    it: they are left out of a plain build (scripts/build), so the first benchmark builds them."""
    build = os.path.abspath(given or os.environ.get("BOKEH_BUILD") or os.path.join(ROOT, "build"))
    if not os.path.isfile(os.path.join(build, "CMakeCache.txt")):
        sys.exit(f"{build} is not a configured build folder: run scripts/build first (or pass --build DIR)")
    missing = [t for t in targets if not os.path.isfile(os.path.join(build, "bench", t))]
    if missing:
        print(f"bench: building {', '.join(missing)} in {build}", flush=True)
        command = ["cmake", "--build", build, "-j", str(os.cpu_count() or 2)]
        for t in missing:
            command += ["--target", t]
        if subprocess.run(command).returncode != 0:
            sys.exit(f"bench: building {', '.join(missing)} failed")
    return build


def torch_version():
    with open(os.path.join(ROOT, "scripts", "libtorch-version")) as f:
        return f.readline().strip()


def ensure_torch():
    """Makes the baselines' venv (PyTorch at our libtorch's version, Ray Tune) from PyPI unless it
    already imports both at those versions. PyTorch's wheel brings its CUDA libraries too (about 3 GB
    the first time): its Python module loads them even on a CPU."""
    want = torch_version()
    check = f"import torch, ray; assert torch.__version__.split('+')[0] == {want!r} and ray.__version__ == {RAY_VERSION!r}"
    if os.path.exists(PYTHON) and subprocess.run([PYTHON, "-c", check], capture_output=True).returncode == 0:
        return
    print(f"bench: making {VENV} with torch {want} and ray[tune] {RAY_VERSION} from PyPI", flush=True)
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", f"torch=={want}", f"ray[tune]=={RAY_VERSION}", "numpy"],
                   check=True)


def optuna_python(venv, requirement="optuna==5.0.0"):
    """A venv's interpreter with Optuna (the baseline of coordinator_scale and sampler_quality), installed
    from PyPI with the venv's pip on first use."""
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        print(f"bench: creating {venv} and installing {requirement} from PyPI", flush=True)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    if subprocess.run([python, "-c", "import optuna"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", requirement], check=True)
    return python


def child_env(threads, tcmalloc=False):
    """The same thread settings for ours and the baseline (each also sets 1 interop thread)."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    if tcmalloc:
        if not os.path.exists(TCMALLOC):
            sys.exit(f"{TCMALLOC} is missing: apt-get install libgoogle-perftools4")
        env["LD_PRELOAD"] = TCMALLOC
    return env


def run(cmd, env=None, echo=False):
    """Runs cmd; returns (stdout, wall seconds, peak RSS in MiB). Exits with its stderr on failure."""
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=None if echo else err, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # reap it ourselves: wait4 gives its own rusage
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        proc.stdout.close()
        if code != 0:
            err.seek(0)
            sys.exit(f"bench: {' '.join(cmd)} failed ({code}):\n{err.read()[-3000:]}{out[-2000:]}")
    return out, seconds, usage.ru_maxrss / 1024


def last_json(text):
    """The last line of a child's stdout that is a JSON object."""
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in output:\n" + text[-2000:])


def median(values):
    s = sorted(values)
    return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores, {cpu}, load average {os.getloadavg()[0]:.2f} at start"


def have(program):
    return shutil.which(program) is not None


def makespan(db, workers):
    """(makespan, lower bound, sum of busy times, longest) of the only sweep in db, from its events:
    a run is busy from its 'start' event to its 'done' event on the coordinator's clock."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute("SELECT run_id, kind, time FROM events WHERE kind IN ('start', 'resume', 'done')").fetchall()
    start, done = {}, {}
    for run, kind, t in rows:
        (done if kind == "done" else start).setdefault(run, t)
    busy = [done[r] - start[r] for r in done]
    train = con.execute("SELECT sum(runtime), max(runtime) FROM runs WHERE state = 'done'").fetchone()
    span = max(done.values()) - min(start.values())
    bound = max(sum(busy) / workers, max(busy))
    per_run = {}
    for run, name, results in con.execute("SELECT id, name, results FROM runs WHERE state = 'done'"):
        r = json.loads(results)
        per_run[name] = {"busy_s": done[run] - start[run], "best_val_loss": r["best_val_loss"],
                         "test_psnr": r["test_psnr"], "test_ssim": r["test_ssim"]}
    return {"makespan_s": span, "lower_bound_s": bound, "ratio": span / bound, "busy_sum_s": sum(busy),
            "longest_busy_s": max(busy), "runs": len(busy), "train_sum_s": train[0], "train_longest_s": train[1],
            "per_run": per_run}
