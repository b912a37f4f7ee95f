"""The Optuna side of bench/pareto_search: Optuna 5's multi-objective TPESampler (directions maximize
val_psnr, minimize params; it cannot prune a multi-objective study) driving our own trainer: each trial
writes a one-run spec of its config (the bench's base, full epochs) and trains it with build/sweep in its
own database, then tells Optuna the run's best validation PSNR and its parameter count (millions), until
the epoch budget is spent. Prints one JSON line: every trial's [val_psnr, params_m, epochs] in order.

  optuna_pareto.py --sweep BUILD/sweep --base SPEC_HEAD --space JSON --budget EPOCHS --epochs E --seed S --work DIR
"""
import argparse
import json
import os
import sqlite3
import subprocess

import optuna


def suggest(trial, space):
    """Values for the space's settings, as our spec's distributions name them."""
    values = {}
    for path, d in space.items():
        if d["kind"] == "loguniform":
            values[path] = trial.suggest_float(path, d["low"], d["high"], log=True)
        elif d["kind"] == "int":
            values[path] = trial.suggest_int(path, d["low"], d["high"], log=d.get("log", False))
        else:
            values[path] = trial.suggest_categorical(path, d["choices"])
    return values


def train(args, number, values):
    """One build/sweep run of `values`; (best val_psnr, params in millions, epochs)."""
    db = os.path.join(args.work, f"trial-{number}.db")
    spec = os.path.join(args.work, f"trial-{number}.yaml")
    settings = ", ".join(f"{k}: {json.dumps(v)}" for k, v in values.items())
    with open(spec, "w") as f:
        f.write(args.base.replace("SWEEP", f"optuna-{number}") + f"runs:\n  - {{name: t{number}, {settings}}}\n")
    subprocess.run([args.sweep, spec, "--db", db, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    with sqlite3.connect(db) as con:
        (run_id, params) = con.execute("SELECT id, params FROM runs").fetchone()
        rows = con.execute("SELECT val_psnr FROM epochs WHERE run_id = ?", (run_id,)).fetchall()
    psnrs = [r[0] for r in rows if r[0] is not None]
    return max(psnrs), params / 1e6, len(rows)


def main():
    parser = argparse.ArgumentParser()
    for name in ("--sweep", "--base", "--space", "--work"):
        parser.add_argument(name, required=True)
    parser.add_argument("--budget", type=int, required=True)
    parser.add_argument("--epochs", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(directions=["maximize", "minimize"],
                                sampler=optuna.samplers.TPESampler(seed=args.seed))
    space = json.loads(args.space)
    spent, trials = 0, []
    while spent + args.epochs <= args.budget:
        trial = study.ask()
        psnr, params, epochs = train(args, trial.number, suggest(trial, space))
        study.tell(trial, [psnr, params])
        spent += epochs
        trials.append([psnr, params, epochs])
    print(json.dumps({"trials": trials, "optuna": optuna.__version__}))


main()
