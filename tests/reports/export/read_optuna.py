"""Loads a `report --export optuna` journal with Optuna itself (JournalStorage over JournalFileBackend)
and writes the study as JSON: its name and directions, and per trial its number, state, params,
distributions (distribution_to_json), value(s), intermediate values, user attributes, start and end
times, and whether Optuna's own trial validation accepts it. Only reads; the C++ test asserts.

  python read_optuna.py FILE OUT.json
"""
import json
import sys

import optuna
from optuna.distributions import distribution_to_json
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend


def validation(trial):
    try:
        trial._validate()
        return "ok"
    except ValueError as e:
        return str(e)


def main():
    storage = JournalStorage(JournalFileBackend(sys.argv[1]))
    study = optuna.load_study(study_name=None, storage=storage)
    trials = []
    for t in study.get_trials(deepcopy=False):
        trials.append({
            "number": t.number,
            "state": t.state.name,
            "params": t.params,
            "distributions": {k: json.loads(distribution_to_json(d)) for k, d in t.distributions.items()},
            "values": t.values,
            "intermediate_values": {str(k): v for k, v in t.intermediate_values.items()},
            "user_attrs": t.user_attrs,
            "datetime_start": t.datetime_start.isoformat() if t.datetime_start else None,
            "datetime_complete": t.datetime_complete.isoformat() if t.datetime_complete else None,
            "validation": validation(t),
        })
    best = study.best_trial.number if any(t["state"] == "COMPLETE" for t in trials) and len(study.directions) == 1 \
        else None
    with open(sys.argv[2], "w") as out:
        json.dump({"study_name": study.study_name, "directions": [d.name for d in study.directions],
                   "best_trial": best, "optuna": optuna.__version__, "trials": trials}, out, indent=1)


main()
