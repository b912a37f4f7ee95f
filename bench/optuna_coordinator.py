"""The baseline of bench/coordinator_scale: Optuna's ask/tell with its SQLite storage and a
SuccessiveHalvingPruner (min_resource 1, reduction factor 3, as our ASHA), over the same space and the
same scripted objective as bench_coordinator (no training), so that the wall time is all Optuna's
bookkeeping. Prints one JSON line: trials, wall seconds, ms per trial, best full-length loss, peak RSS.

  optuna_coordinator.py --sampler random|tpe --trials N --db FILE [--epochs 9]
"""
import argparse
import json
import math
import os
import resource
import time

import optuna


def scripted_loss(lr, width, ssim, epoch):
    """The same function as bench_coordinator.cpp's scripted_loss."""
    q = 0.1 + (math.log10(lr) + 2.5) ** 2 + 0.3 * (ssim - 1.2) ** 2 + 0.002 * width
    return q * (1.0 + 2.0 / epoch)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sampler", choices=["random", "tpe"], required=True)
    parser.add_argument("--trials", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--epochs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(args.db + suffix):
            os.remove(args.db + suffix)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = (optuna.samplers.RandomSampler(seed=args.seed) if args.sampler == "random"
               else optuna.samplers.TPESampler(seed=args.seed, multivariate=True, n_startup_trials=10))
    start = time.perf_counter()
    study = optuna.create_study(storage=f"sqlite:///{args.db}", sampler=sampler, direction="minimize",
                                pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3))
    best = math.inf
    epochs = 0
    for _ in range(args.trials):
        trial = study.ask()
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        width = trial.suggest_int("width", 4, 16)
        ssim = trial.suggest_float("ssim", 0.5, 2.0)
        value = None
        for epoch in range(1, args.epochs + 1):
            value = scripted_loss(lr, width, ssim, epoch)
            epochs += 1
            trial.report(value, epoch)
            if epoch < args.epochs and trial.should_prune():
                study.tell(trial, state=optuna.trial.TrialState.PRUNED)
                break
        else:
            study.tell(trial, value)
            best = min(best, value)
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"sampler": args.sampler, "trials": args.trials, "epochs": epochs, "wall_s": wall,
                      "ms_per_trial": 1000 * wall / args.trials, "best_full_val_loss": best, "peak_rss_mib": rss,
                      "optuna": optuna.__version__}))


if __name__ == "__main__":
    main()
