#!/usr/bin/env python3
"""Writes the LPIPS 'alex' v0.1 weights in the format build/metrics and the trainer read.

Run once on a machine with internet access:

    pip install lpips
    python3 tools/export_lpips_weights.py lpips_alex.bin

lpips downloads torchvision's ImageNet AlexNet and ships its own "lin" layers; this script copies
AlexNet's five feature convs (features.{0,3,6,8,10}.{weight,bias}) and the lin layers
(lin{0..4}.model.1.weight) into one file. Point the project at it with `--lpips-weights FILE`
on commands or `metrics.lpips_weights: FILE` in a sweep spec. The format is documented in
training/lpips.h: magic "BOKEHLPIPS1\\n", uint32 count, then per tensor uint32 name length, name,
uint32 ndim, int64 dims, float32 data; all little-endian.
"""
import argparse
import struct

import lpips
import numpy as np
import torch

MAGIC = b"BOKEHLPIPS1\n"


def collect(model):
    tensors = {}
    # LPIPS splits torchvision's alexnet().features into slices that keep the original indices.
    for slice_ in (model.net.slice1, model.net.slice2, model.net.slice3, model.net.slice4, model.net.slice5):
        for index, module in slice_.named_children():
            if isinstance(module, torch.nn.Conv2d):
                tensors[f"features.{index}.weight"] = module.weight
                tensors[f"features.{index}.bias"] = module.bias
    for i in range(5):
        # lin{i}.model is (Dropout, Conv2d) with LPIPS's default use_dropout=True: the conv is model.1
        conv = [m for m in getattr(model, f"lin{i}").model if isinstance(m, torch.nn.Conv2d)][0]
        tensors[f"lin{i}.model.1.weight"] = conv.weight
    return tensors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="file to write, e.g. lpips_alex.bin")
    args = parser.parse_args()

    model = lpips.LPIPS(net="alex", version="0.1", verbose=False).eval()
    tensors = collect(model)
    if len(tensors) != 15:
        raise SystemExit(f"expected 15 tensors, found {sorted(tensors)}")
    with open(args.output, "wb") as out:
        out.write(MAGIC)
        out.write(struct.pack("<I", len(tensors)))
        for name, tensor in tensors.items():
            data = tensor.detach().cpu().contiguous().numpy().astype("<f4")
            encoded = name.encode("ascii")
            out.write(struct.pack("<I", len(encoded)) + encoded)
            out.write(struct.pack("<I", data.ndim) + struct.pack(f"<{data.ndim}q", *data.shape))
            out.write(data.tobytes())
    total = sum(int(np.prod(t.shape)) for t in tensors.values())
    print(f"wrote {len(tensors)} tensors ({total} floats) to {args.output}")


if __name__ == "__main__":
    main()
