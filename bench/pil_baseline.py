"""The PIL baseline of bench/data_pipeline: the fastest cache build a PyTorch user has. A
multiprocessing pool (one process per thread we use) opens each JPEG of an EBB!-like folder,
asks libjpeg for the smallest DCT scale that still covers the target with Image.draft, converts to
RGB, resizes (bicubic) only when the scaled size is not the target already, and writes the pixels at
the image's offset in one output file, as our cache build does. Prints one JSON line.

  <venv>/bin/python bench/pil_baseline.py FOLDER --height 256 --width 384 --processes 2 --out FILE
"""
import argparse
import json
import multiprocessing
import os
import resource
import time

from PIL import Image

_out = None


def _open_output(path):
    global _out
    _out = os.open(path, os.O_WRONLY)


def _decode(job):
    index, path, width, height = job
    with Image.open(path) as im:
        im.draft("RGB", (width, height))
        im = im.convert("RGB")
        if im.size != (width, height):
            im = im.resize((width, height), Image.Resampling.BICUBIC)
        data = im.tobytes()
    os.pwrite(_out, data, index * len(data))
    return len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="holds original/ and bokeh/")
    parser.add_argument("--height", type=int, default=256)
    parser.add_argument("--width", type=int, default=384)
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    parser.add_argument("--out", required=True, help="output file (overwritten)")
    args = parser.parse_args()
    files = []
    for side in ("original", "bokeh"):
        folder = os.path.join(args.folder, side)
        files += sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".jpg"))
    with open(args.out, "wb") as f:
        f.truncate(len(files) * 3 * args.width * args.height)
    jobs = [(i, path, args.width, args.height) for i, path in enumerate(files)]
    def cpu():  # this process and its reaped children (the pool's workers, once it is closed)
        return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                       resource.getrusage(resource.RUSAGE_CHILDREN)))
    start, cpu_start = time.perf_counter(), cpu()
    with multiprocessing.Pool(args.processes, initializer=_open_output, initargs=(args.out,)) as pool:
        written = sum(pool.imap_unordered(_decode, jobs, chunksize=4))
        pool.close()
        pool.join()
    seconds, cpu_seconds = time.perf_counter() - start, cpu() - cpu_start
    assert written == len(files) * 3 * args.width * args.height, "PIL produced images of another size"
    import PIL
    print(json.dumps({"pil_s": seconds, "pil_cpu_s": cpu_seconds, "pairs": len(files) / 2,
                      "processes": args.processes, "pillow": PIL.__version__}))


if __name__ == "__main__":
    main()
