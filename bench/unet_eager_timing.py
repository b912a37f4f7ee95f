"""PyTorch eager side of bench/inference: the U-Net of bench/pytorch_baseline.py (written from
training/unet.cpp) loaded with a run's trained tensors read from the ONNX model build/export wrote (its
initializers carry libtorch's parameter and buffer names, e.g. encoders.0.layers.0.weight; the port's
names lack the ".layers"), then timed like ours and onnxruntime: one 1024x1536 photo of 0.5, batch 1,
fp32, a warm-up pass, the median of N passes, intra-op threads as given, one inter-op thread. Timed in
both memory layouts: NCHW (PyTorch's default) and channels_last (model and photo, as ours lays them out).

  unet_eager_timing.py MODEL.onnx WIDTH DEPTH BATCH_NORM(0|1) THREADS REPEATS CHECK.npz

Before timing it renders a check image (seeded noise) and saves it with its output to CHECK.npz
("image", "output"), for the onnxruntime side to render the same image and compare pixels. Prints one
JSON line.
"""
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_baseline import UNet  # noqa: E402


def check_image():
    """The comparison input: seeded uniform noise, 250x378 (sides no pooling factor divides, so the
    decoder's padding to its skips is exercised)."""
    return np.random.default_rng(0).random((1, 3, 250, 378), dtype=np.float32)


def load_weights(model, path):
    """Copies every initializer named like a libtorch tensor of the U-Net into `model`; fails unless every
    parameter and buffer of the port gets one."""
    tensors = {}
    for init in onnx.load(path).graph.initializer:
        tensors[init.name.replace(".layers.", ".")] = torch.from_numpy(numpy_helper.to_array(init).copy())
    state = model.state_dict()
    missing = [name for name in state if name not in tensors and not name.endswith("num_batches_tracked")]
    if missing:
        sys.exit(f"unet_eager_timing: {path} has no tensor for {', '.join(missing[:5])}")
    model.load_state_dict({name: tensors.get(name, value) for name, value in state.items()})


def main():
    path, width, depth, batch_norm, threads, repeats, check_out = sys.argv[1:8]
    torch.set_num_threads(int(threads))
    torch.set_num_interop_threads(1)
    model = UNet(int(width), int(depth), batch_norm == "1")
    load_weights(model, path)
    model.eval()
    with torch.inference_mode():
        image = check_image()
        np.savez(check_out, image=image, output=model(torch.from_numpy(image)).numpy())
        seconds = {layout: median_time(model, format, int(repeats))
                   for layout, format in (("nchw", torch.contiguous_format), ("channels_last", torch.channels_last))}
    print(json.dumps({"seconds": seconds, "torch": torch.__version__}))


def median_time(model, format, repeats):
    """The median of `repeats` passes over the 1024x1536 photo after a warm-up, model and photo in `format`."""
    model.to(memory_format=format)
    photo = torch.full((1, 3, 1024, 1536), 0.5).contiguous(memory_format=format)
    model(photo)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(photo)
        times.append(time.perf_counter() - start)
    times.sort()
    mid = len(times) // 2
    return times[mid] if len(times) % 2 else (times[mid - 1] + times[mid]) / 2


if __name__ == "__main__":
    main()
