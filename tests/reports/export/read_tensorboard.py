"""Reads a `report --export tensorboard` folder back with TensorBoard's own EventAccumulator (which
checks every record's CRCs) and writes what it found as JSON: per run folder ("." for the root) its
scalars by tag ([step, value, wall_time] each) and its HParams plugin data decoded with TensorBoard's
plugin_data_pb2. Only reads; the C++ test makes the assertions.

  python read_tensorboard.py DIR OUT.json
"""
import json
import os
import sys

from google.protobuf import json_format
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import plugin_data_pb2


def read_run(path):
    acc = event_accumulator.EventAccumulator(path, size_guidance={event_accumulator.SCALARS: 0,
                                                                  event_accumulator.TENSORS: 0})
    acc.Reload()
    scalars = {tag: [[e.step, e.value, e.wall_time] for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
    try:
        contents = acc.PluginTagToContent("hparams")
    except KeyError:  # no HParams summary in this folder
        contents = {}
    hparams = {}
    for tag, content in contents.items():
        data = plugin_data_pb2.HParamsPluginData.FromString(content)
        hparams[tag] = json_format.MessageToDict(data, preserving_proto_field_name=True)
    files = sorted(f for f in os.listdir(path) if f.startswith("events.out.tfevents."))
    return {"scalars": scalars, "hparams": hparams, "files": files}


def main():
    root = sys.argv[1]
    runs = {".": read_run(root)}
    for name in sorted(os.listdir(root)):
        if os.path.isdir(os.path.join(root, name)):
            runs[name] = read_run(os.path.join(root, name))
    with open(sys.argv[2], "w") as out:
        json.dump({"runs": runs}, out, indent=1)


main()
