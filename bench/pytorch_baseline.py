#!/usr/bin/env python3
"""The users' alternative to bokeh-sweep: a PyTorch (Python, eager) script that trains each grid
point in turn with all cores or on one GPU. Same U-Net as training/unet.cpp (or PyNET as training/pynet.cpp:
bench/pynet_port.py, for model.arch pynet), same loss terms as
training/focus_l1.cpp, training/ssim.cpp and training/bokeh_loss.cpp (LPIPS left out: weight 0 in the
benchmarks), Adam/AdamW, ReduceLROnPlateau, flips/rot90 augmentation, and the same data: our
prepared cache file (layout at the top of training/data/prepared_data.h), mapped privately with
torch.from_file. On a GPU (--device cuda) it does what PyTorch's performance guide says: cuDNN
autotuning (torch.backends.cudnn.benchmark), channels_last, autocast of the forward pass at
--precision (bf16, or fp16 with torch.amp.GradScaler), the loss in fp32 as ours; batches are
assembled on the host and copied to the GPU each step, as a script with a data loader does.

  pytorch_baseline.py params WIDTH DEPTH [--no-bn]          parameter count (compare worker parameter_count)
  pytorch_baseline.py throughput --data FILE --width 64 --depth 4 --batch 4 --steps 6 --threads 2
      one warm-up epoch of --steps steps, then one timed epoch; prints JSON {images_per_second, ...}
  pytorch_baseline.py runs --db DB --sweep NAME [--threads N] [--checkpoints DIR]
      trains the sweep's runs (the canonical configs our spec expansion stored) one after another on
      the sweep's prepared data; prints per-run and total wall time (last line: JSON)
  both take --device cpu|cuda, --precision fp32|bf16|fp16|auto (auto: a run's own train.precision,
  resolved as ours: bf16 on GPUs that support it, else fp32) and --layout auto|nchw|channels_last
  (auto: NCHW on the CPU, PyTorch's default; channels_last on a GPU)

It needs PyTorch: the bench drivers run it with the venv bench_common makes (PyTorch from PyPI at
the version our build links, so both sides run the same kernels). Standard library and torch only.
"""
import argparse
import contextlib
import copy
import glob
import json
import os
import sqlite3
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------- data: the prepared cache file
HEADER_BYTES = 128
MAGIC = b"BOKEHPD\0"


class PreparedData:
    """Read-only views of a prepared-data file: splits of uint8 (N, 3, H, W) inputs and targets."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            header = f.read(HEADER_BYTES)
        if header[:8] != MAGIC:
            raise SystemExit(f"{path}: not a prepared-data file (bad magic)")
        # magic[8], version u32, header_bytes u32, key u64, height i64, width i64, counts i64[3], checksum u64
        fields = struct.unpack("<IIQqqqqqQ", header[8:72])
        self.height, self.width = fields[3], fields[4]
        counts = list(fields[5:8])
        # shared=False: a private mapping, never written back
        raw = torch.from_file(path, shared=False, size=os.path.getsize(path), dtype=torch.uint8)
        image = 3 * self.height * self.width
        self.splits, offset = {}, HEADER_BYTES
        for name, n in zip(("train", "validation", "test"), counts):
            shape = (n, 3, self.height, self.width)
            inputs = raw[offset:offset + n * image].reshape(shape)
            targets = raw[offset + n * image:offset + 2 * n * image].reshape(shape)
            self.splits[name] = (inputs, targets)
            offset += 2 * n * image

    def size(self, split):
        return self.splits[split][0].shape[0]

    def batch(self, split, indices, augment=False, generator=None):
        """Float (B, 3, H, W) input and target in [0, 1]; flips/rot90 per sample as training/data/batches.cpp."""
        rows = torch.as_tensor(indices, dtype=torch.int64)
        inputs, targets = (t.index_select(0, rows) for t in self.splits[split])
        if augment:
            bits = torch.randint(0, 8, (len(indices),), generator=generator).tolist()
            for b, r in enumerate(bits):
                for t in (inputs, targets):
                    x = t[b]
                    if r & 1:
                        x = x.flip(2)
                    if r & 2:
                        x = x.flip(1)
                    if r & 4 and self.height == self.width:
                        x = x.rot90(1, (1, 2))
                    t[b].copy_(x)
        return inputs.float().div_(255.0), targets.float().div_(255.0)


# ---------------------------------------------------------------- model: training/unet.cpp
def conv_block(cin, cout, batch_norm):
    layers = []
    for i in range(2):
        layers.append(nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class UNet(nn.Module):
    def __init__(self, width, depth, batch_norm=True):
        super().__init__()
        self.encoders, self.upconvs, self.decoders = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        cin = 3
        for level in range(depth):
            self.encoders.append(conv_block(cin, width << level, batch_norm))
            cin = width << level
        for level in range(depth - 2, -1, -1):
            out = width << level
            self.upconvs.append(nn.ConvTranspose2d(cin, out, 2, stride=2))
            self.decoders.append(conv_block(2 * out, out, batch_norm))
            cin = out
        self.head = nn.Conv2d(cin, 3, 1)

    def forward(self, x):  # x: (B, 3, H, W) in [0, 1]
        skips = []
        for level, encoder in enumerate(self.encoders):
            if level > 0:
                x = F.max_pool2d(x, 2)
            x = encoder(x)
            skips.append(x)
        for i, (upconv, decoder) in enumerate(zip(self.upconvs, self.decoders)):
            skip = skips[-2 - i]
            up = upconv(x)
            dh, dw = skip.shape[2] - up.shape[2], skip.shape[3] - up.shape[3]
            if dh or dw:
                up = F.pad(up, (dw // 2, dw - dw // 2, dh // 2, dh - dh // 2))
            x = decoder(torch.cat([up, skip], 1))
        return torch.sigmoid(self.head(x))


def build_model(model_cfg):
    """The model of a run config's "model" part: the U-Net, or PyNET (bench/pynet_port.py) for arch pynet."""
    if model_cfg.get("arch", "unet") == "pynet":
        from pynet_port import PyNetPort
        return PyNetPort(model_cfg["width"])
    return UNet(model_cfg["width"], model_cfg["depth"], model_cfg["batch_norm"])


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------- loss: focus L1 + (1 - SSIM)
def separable_filter_valid(x, kernel):
    c, k = x.shape[1], kernel.numel()
    out = F.conv2d(x, kernel.reshape(1, 1, k, 1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(out, kernel.reshape(1, 1, 1, k).repeat(c, 1, 1, 1), groups=c)


def blur5(x):
    kernel = (torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0], dtype=torch.float64) / 16.0).to(x.dtype)
    return separable_filter_valid(F.pad(x, (2, 2, 2, 2), mode="replicate"), kernel)


def pyramid_down(x):
    return blur5(x)[:, :, ::2, ::2]


def focus_l1(pred, target, inputs, levels=3, in_focus_weight=4.0, mask_scale=0.02):  # -> (B,)
    with torch.no_grad():
        mask = torch.exp(-blur5((inputs - target).abs().mean(1, keepdim=True)) / mask_scale)
    total = 0.0
    for level in range(levels):
        if level > 0:
            pred, target, mask = pyramid_down(pred), pyramid_down(target), pyramid_down(mask)
        weight = 1.0 + (in_focus_weight - 1.0) * mask
        value = (weight * (pred - target).abs()).sum((1, 2, 3)) / (weight.sum((1, 2, 3)) * pred.shape[1])
        total = total + value
    return total / levels


def ssim(x, y):  # Gaussian 11x11, sigma 1.5, valid window, data range 1 -> (B,)
    t = torch.arange(11, dtype=torch.float64) - 5.0
    kernel = torch.exp(-t * t / (2 * 1.5 ** 2))
    kernel = (kernel / kernel.sum()).to(x.dtype)
    c = x.shape[1]
    m = separable_filter_valid(torch.cat([x, y, x * x, y * y, x * y], 1), kernel).split(c, 1)
    mu_x, mu_y = m[0], m[1]
    var_x, var_y, cov = m[2] - mu_x * mu_x, m[3] - mu_y * mu_y, m[4] - mu_x * mu_y
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = (2 * mu_x * mu_y + c1) * (2 * cov + c2) / ((mu_x * mu_x + mu_y * mu_y + c1) * (var_x + var_y + c2))
    return s.mean((1, 2, 3))


def bokeh_loss(pred, target, inputs, cfg):
    loss = cfg["loss"]
    focus = loss["focus"]
    l1 = focus_l1(pred, target, inputs, focus["levels"], focus["in_focus_weight"], focus["mask_scale"]).mean()
    return loss["l1"] * l1 + loss["ssim"] * (1.0 - ssim(pred, target).mean())


# ---------------------------------------------------------------- device and precision
class Device:
    """Where and how a run trains: the device, the forward pass's autocast dtype (None: fp32), the
    memory format of batches and weights, and fp16's loss scaler."""

    def __init__(self, name, precision, layout="auto"):
        self.device = torch.device(name)
        self.cuda = self.device.type == "cuda"
        if precision == "auto":
            precision = "bf16" if self.cuda and torch.cuda.is_bf16_supported() else "fp32"
        if precision == "fp16" and not self.cuda:
            raise SystemExit("fp16 needs a CUDA device")
        self.precision = precision
        self.dtype = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]
        if layout == "auto":  # PyTorch's own default on the CPU, its GPU recipes' layout on a GPU
            layout = "channels_last" if self.cuda else "nchw"
        self.format = torch.channels_last if layout == "channels_last" else torch.contiguous_format
        if self.cuda:
            torch.backends.cudnn.benchmark = True

    def autocast(self):
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.dtype)

    def put(self, *tensors):
        return [t.to(self.device, non_blocking=True).contiguous(memory_format=self.format) for t in tensors]

    def model(self, model):
        return model.to(self.device, memory_format=self.format)

    def scaler(self):
        return torch.amp.GradScaler("cuda", enabled=self.precision == "fp16") if self.cuda else None

    def predict(self, model, inputs):
        with self.autocast():
            pred = model(inputs)
        return pred.float()  # the loss and the metrics in fp32, as ours


# ---------------------------------------------------------------- training
def default_config(width, depth, batch_norm=True, lr=2e-4, batch=4, epochs=1):
    return {"model": {"width": width, "depth": depth, "batch_norm": batch_norm},
            "train": {"lr": lr, "batch_size": batch, "epochs": epochs, "weight_decay": 0.0, "augment": False,
                      "scheduler": "none", "scheduler_factor": 0.8, "scheduler_patience": 3},
            "loss": {"l1": 1.0, "ssim": 1.0, "lpips": 0.0,
                     "focus": {"levels": 3, "in_focus_weight": 4.0, "mask_scale": 0.02}}}


def make_optimizer(model, train):
    if train["weight_decay"] > 0:
        return torch.optim.AdamW(model.parameters(), lr=train["lr"], weight_decay=train["weight_decay"])
    return torch.optim.Adam(model.parameters(), lr=train["lr"])


def train_epoch(model, optimizer, data, cfg, generator, dev, scaler=None):
    model.train()
    batch_size, n = cfg["train"]["batch_size"], data.size("train")
    order = torch.randperm(n, generator=generator).tolist()
    total, batches, wait = 0.0, 0, 0.0
    for begin in range(0, n, batch_size):
        start = time.perf_counter()
        inputs, target = data.batch("train", order[begin:begin + batch_size], cfg["train"]["augment"], generator)
        inputs, target = dev.put(inputs, target)
        wait += time.perf_counter() - start
        optimizer.zero_grad()
        loss = bokeh_loss(dev.predict(model, inputs), target, inputs, cfg)
        value = loss.item()
        if value != value:
            raise RuntimeError(f"non-finite loss at batch {batches + 1}")
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()
        total += value
        batches += 1
    return total / batches, wait


def evaluate(model, data, cfg, split, dev):
    """Validation loss (batch means weighted by size) and per-image test metrics (L1, PSNR, SSIM)."""
    model.eval()
    batch_size, n = cfg["train"]["batch_size"], data.size(split)
    loss = l1 = psnr = similarity = 0.0
    with torch.no_grad():
        for begin in range(0, n, batch_size):
            indices = list(range(begin, min(begin + batch_size, n)))
            inputs, target = dev.put(*data.batch(split, indices))
            pred = dev.predict(model, inputs)
            if split == "validation":
                loss += bokeh_loss(pred, target, inputs, cfg).item() * len(indices)
            else:
                l1 += (pred - target).abs().mean((1, 2, 3)).sum().item()
                psnr += (-10.0 * torch.log10((pred - target).pow(2).mean((1, 2, 3)))).sum().item()
                similarity += ssim(pred, target).sum().item()
    return {"loss": loss / n, "l1": l1 / n, "psnr": psnr / n, "ssim": similarity / n}


def train_run(cfg, data, seed, dev, checkpoint_dir=None):
    """One run as training/trainer.cpp does it: epochs of train + validation + scheduler, best weights
    by validation loss (saved each epoch with the last state when checkpoint_dir is given), test."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    m, t = cfg["model"], cfg["train"]
    model = dev.model(build_model(m))
    optimizer = make_optimizer(model, t)
    scaler = dev.scaler()
    scheduler = None
    if t["scheduler"] == "plateau":
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode="min", factor=t["scheduler_factor"], patience=t["scheduler_patience"], threshold=1e-4)
    best, best_state, history = float("inf"), None, []
    train_seconds = 0.0
    for epoch in range(1, t["epochs"] + 1):
        start = time.perf_counter()
        train_loss, _ = train_epoch(model, optimizer, data, cfg, generator, dev, scaler)
        train_seconds += time.perf_counter() - start
        val_loss = evaluate(model, data, cfg, "validation", dev)["loss"]
        if scheduler:
            scheduler.step(val_loss)
        if val_loss < best:
            best = val_loss
            best_state = copy.deepcopy(model.state_dict())
            if checkpoint_dir:
                torch.save(best_state, os.path.join(checkpoint_dir, "best.pt"))
        if checkpoint_dir:
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch},
                       os.path.join(checkpoint_dir, "last.pt"))
        history.append({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss,
                        "seconds": time.perf_counter() - start})
    model.load_state_dict(best_state)
    test = evaluate(model, data, cfg, "test", dev)
    return {"best_val_loss": best, "test_l1": test["l1"], "test_psnr": test["psnr"], "test_ssim": test["ssim"],
            "images_per_second": data.size("train") * t["epochs"] / train_seconds, "history": history}


# ---------------------------------------------------------------- modes
def set_threads(threads):
    torch.set_num_threads(threads)
    if torch.get_num_interop_threads() != 1:  # settable once per process (throughput --runs calls this again)
        torch.set_num_interop_threads(1)


def throughput(args):
    set_threads(args.threads)
    dev = Device(args.device, args.precision, args.layout)
    if dev.cuda:
        torch.cuda.reset_peak_memory_stats()
    data = PreparedData(args.data)
    cfg = default_config(args.width, args.depth, not args.no_bn, args.lr, args.batch)
    cfg["model"]["arch"] = args.arch
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(0)
    model = dev.model(build_model(cfg["model"]))
    optimizer = make_optimizer(model, cfg["train"])
    scaler = dev.scaler()
    x, y = data.batch("train", [0, 1, 2, 3])  # ours prints the same figure: the two losses, compared
    loss_check = bokeh_loss(x, y, x, cfg).item()
    images = min(data.size("train"), args.steps * args.batch)
    data.splits["train"] = tuple(t[:images] for t in data.splits["train"])
    seconds = []
    for _ in range(2):  # epoch 1 warms the allocator and the kernels up; epoch 2 is the figure
        start = time.perf_counter()
        _, wait = train_epoch(model, optimizer, data, cfg, generator, dev, scaler)
        seconds.append(time.perf_counter() - start)
    peak = torch.cuda.max_memory_allocated(dev.device) / 2 ** 20 if dev.cuda else None
    print(json.dumps({"images_per_second": images / seconds[1], "cold_images_per_second": images / seconds[0],
                      "seconds_per_step": seconds[1] * args.batch / images, "data_wait_share": wait / seconds[1],
                      "threads": torch.get_num_threads(), "parameters": parameter_count(model),
                      "loss_check": loss_check, "device": str(dev.device), "precision": dev.precision,
                      "peak_memory_mib": peak}))


def sweep_runs(db, sweep):
    """(name, key, config) of a sweep's runs as our spec expansion stored them, and its data file."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute("SELECT r.name, r.key, r.config, r.cost FROM runs r JOIN sweeps s ON s.id = r.sweep_id "
                       "WHERE s.name = ? ORDER BY r.cost DESC, r.id", (sweep,)).fetchall()
    if not rows:
        raise SystemExit(f"{db}: no runs of a sweep named {sweep!r}")
    files = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(db)), sweep, "data", "prepared-*.bin")),
                   key=os.path.getmtime)
    if not files:
        raise SystemExit(f"no prepared data under {os.path.dirname(db)}/{sweep}/data/")
    return [(name, key, json.loads(config)) for name, key, config, _ in rows], files[-1]


def runs(args):
    set_threads(args.threads)
    planned, data_file = sweep_runs(args.db, args.sweep)
    data = PreparedData(data_file)
    results, start = [], time.perf_counter()
    for name, key, cfg in planned:
        run_start = time.perf_counter()
        if args.device != "cpu":
            torch.cuda.reset_peak_memory_stats()
        wanted = cfg["train"].get("precision", "fp32") if args.precision == "auto" else args.precision
        dev = Device(args.device, wanted, args.layout)
        checkpoint_dir = None
        if args.checkpoints:
            checkpoint_dir = os.path.join(args.checkpoints, key)
            os.makedirs(checkpoint_dir, exist_ok=True)
        r = train_run(cfg, data, int(key, 16) & (2 ** 63 - 1), dev, checkpoint_dir)
        peak = torch.cuda.max_memory_allocated() / 2 ** 20 if dev.cuda else None
        r.update(name=name, key=key, wall_seconds=time.perf_counter() - run_start, precision=dev.precision,
                 peak_memory_mib=peak)
        results.append(r)
        print(f"baseline run {name!r}: {r['wall_seconds']:.1f} s, best val {r['best_val_loss']:.4f}, "
              f"test L1 {r['test_l1']:.4f} PSNR {r['test_psnr']:.2f} SSIM {r['test_ssim']:.3f}", flush=True)
    total = time.perf_counter() - start
    print(f"baseline total: {len(results)} runs in {total:.1f} s with {torch.get_num_threads()} threads")
    print(json.dumps({"total_seconds": total, "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "runs": [{k: r[k] for k in ("name", "key", "wall_seconds", "best_val_loss", "test_l1",
                                                  "test_psnr", "test_ssim", "precision", "peak_memory_mib")}
                               for r in results]}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("params", help="parameter count of a U-Net")
    p.add_argument("width", type=int)
    p.add_argument("depth", type=int)
    p.add_argument("--no-bn", action="store_true")
    t = sub.add_parser("throughput", help="training images/s of one config")
    t.add_argument("--data", required=True, help="prepared-data file (prepared-*.bin)")
    t.add_argument("--arch", default="unet", choices=["unet", "pynet"], help="pynet: bench/pynet_port.py")
    t.add_argument("--width", type=int, default=64)
    t.add_argument("--depth", type=int, default=4)
    t.add_argument("--no-bn", action="store_true")
    t.add_argument("--lr", type=float, default=2e-4)
    t.add_argument("--batch", type=int, default=4)
    t.add_argument("--steps", type=int, default=6, help="steps per epoch (one warm-up epoch, one timed)")
    t.add_argument("--threads", type=int, default=os.cpu_count())
    t.add_argument("--runs", nargs="+", metavar="W,D,B,PRECISION",
                   help="several configs in turn, one JSON line each (as bench_trainer throughput --runs)")
    r = sub.add_parser("runs", help="train a sweep's runs one after another")
    r.add_argument("--db", required=True, help="results database of a sweep (its runs and prepared data)")
    r.add_argument("--sweep", required=True)
    r.add_argument("--threads", type=int, default=os.cpu_count())
    r.add_argument("--checkpoints", help="write best.pt and last.pt per run and epoch under this folder, as ours does")
    for sub_parser in (t, r):
        sub_parser.add_argument("--device", default="cpu", help="cpu or cuda (one GPU)")
        sub_parser.add_argument("--precision", default="auto", choices=["auto", "fp32", "bf16", "fp16"],
                                help="autocast dtype of the forward pass (auto: each run's train.precision)")
        sub_parser.add_argument("--layout", default="auto", choices=["auto", "nchw", "channels_last"],
                                help="batches and weights (auto: NCHW on the CPU, as a plain script; "
                                     "channels_last on a GPU)")
    args = parser.parse_args()
    if args.mode == "params":
        print(parameter_count(UNet(args.width, args.depth, not args.no_bn)))
    elif args.mode == "throughput":
        for run in args.runs or [None]:
            if run:
                w, d, b, p = run.split(",")[:4]
                args = argparse.Namespace(**{**vars(args), "width": int(w), "depth": int(d), "batch": int(b),
                                             "precision": p})
            throughput(args)
    else:
        runs(args)


if __name__ == "__main__":
    import warnings
    warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
    sys.exit(main())
