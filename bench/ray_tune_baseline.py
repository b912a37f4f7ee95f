"""The users' other alternative: Ray Tune running a sweep's runs as trials, each trained by the
PyTorch baseline (bench/pytorch_baseline.py's train_run: the same U-Net, loss, optimizer, schedule
and prepared data), --concurrent trials at once with --cpus-per-trial CPUs (and as many torch
threads) each. Reads the runs (the canonical configs our spec expansion stored) from a sweep's
database, as `pytorch_baseline.py runs` does. Run it with the bench venv's python (bench_common).

  ray_tune_baseline.py --db DB --sweep NAME [--concurrent 2] [--cpus-per-trial 1]
      prints per-run wall times and quality, ray.init's own time apart; last line: JSON
"""
import argparse
import json
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pytorch_baseline as pb  # noqa: E402


def trial(config):
    """One Ray Tune trial: one of the sweep's runs, trained to the end; reports its figures once."""
    from ray import tune

    pb.set_threads(config["threads"])
    start = time.perf_counter()
    data = pb.PreparedData(config["data"])
    r = pb.train_run(config["cfg"], data, int(config["key"], 16) & (2 ** 63 - 1), pb.Device("cpu", "fp32"))
    tune.report({"wall_seconds": time.perf_counter() - start, "best_val_loss": r["best_val_loss"],
                 "test_psnr": r["test_psnr"], "test_ssim": r["test_ssim"]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sweep", required=True)
    parser.add_argument("--concurrent", type=int, default=2, help="trials at once")
    parser.add_argument("--cpus-per-trial", type=int, default=1)
    args = parser.parse_args()
    planned, data_file = pb.sweep_runs(args.db, args.sweep)

    import ray
    from ray import tune

    init_start = time.perf_counter()
    storage = tempfile.mkdtemp(prefix="bokeh-ray-")
    ray.init(num_cpus=args.concurrent * args.cpus_per_trial, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    init_seconds = time.perf_counter() - init_start
    start = time.perf_counter()
    by_name = {name: (key, cfg) for name, key, cfg in planned}
    space = {"name": tune.grid_search([name for name, _, _ in planned]), "data": data_file,
             "threads": args.cpus_per_trial}
    trainable = tune.with_resources(
        lambda config: trial({**config, "key": by_name[config["name"]][0], "cfg": by_name[config["name"]][1]}),
        {"cpu": args.cpus_per_trial})
    tuner = tune.Tuner(trainable, param_space=space,
                       tune_config=tune.TuneConfig(max_concurrent_trials=args.concurrent),
                       run_config=tune.RunConfig(storage_path=storage, verbose=0))
    results = tuner.fit()
    total = time.perf_counter() - start
    rows = []
    for result in results:
        if result.error:
            raise SystemExit(f"ray tune: trial {result.config.get('name')} failed: {result.error}")
        m = result.metrics
        rows.append({"name": result.config["name"], "wall_seconds": m["wall_seconds"],
                     "best_val_loss": m["best_val_loss"], "test_psnr": m["test_psnr"]})
        print(f"ray tune run {rows[-1]['name']!r}: {m['wall_seconds']:.1f} s, best val {m['best_val_loss']:.4f}",
              flush=True)
    ray.shutdown()
    print(f"ray tune total: {len(rows)} runs in {total:.1f} s ({args.concurrent} at once, {args.cpus_per_trial} "
          f"CPU each), ray.init {init_seconds:.1f} s, ray {ray.__version__}")
    print(json.dumps({"total_seconds": total, "init_seconds": init_seconds, "ray": ray.__version__, "runs": rows}))


if __name__ == "__main__":
    sys.exit(main())
