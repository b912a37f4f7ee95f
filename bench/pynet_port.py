"""PyNET-Bokeh (Ignatov, Patel & Timofte 2020; aiff22/PyNET-Bokeh model.py) written in PyTorch eager:
the second implementation our C++ module (training/pynet.h) is checked against and timed against. Same
wiring, same parameter names (so the C++ module's weights load as they are), same input: the photo at
full size, downscaled x0.5 (bicubic, antialiased) and space_to_depth(2) (pixel_unshuffle) inside.

  pynet_port.py compare FILE [--tolerance 1e-5]   FILE (torch.load): the C++ module's weights under
        "param.<name>", its input under "input", its seven outputs under "output.0".."output.6" and its
        width and input channels; runs this port with those weights, prints each output's largest
        difference, exits 1 beyond the tolerance
  pynet_port.py params WIDTH [--channels 3]        parameters per part and in total
"""
import argparse
import sys

import torch
import torch.jit._pickle
import torch.nn as nn
import torch.nn.functional as F

SLOPE = 0.2


class MultiKernelBlock(nn.Module):
    """Per kernel size 3, 5, .. max_kernel: conv, [instance norm], LeakyReLU, twice; branches concatenated."""

    def __init__(self, in_channels, max_kernel, maps, instance_norm):
        super().__init__()
        self.branches = nn.ModuleList()
        for k in range(3, max_kernel + 1, 2):
            layers = []
            for i in range(2):
                layers.append(nn.Conv2d(in_channels if i == 0 else maps, maps, k, padding=k // 2))
                if instance_norm:
                    layers.append(nn.InstanceNorm2d(maps, eps=1e-3, affine=True))
                layers.append(nn.LeakyReLU(SLOPE, inplace=True))
            self.branches.append(nn.Sequential(*layers))
        self.out_channels = maps * len(self.branches)

    def forward(self, x):
        outs = [branch(x) for branch in self.branches]
        return outs[0] if len(outs) == 1 else torch.cat(outs, 1)


class Part(nn.Module):
    """A level of model.py: blocks, transposed-conv upsamplers, output heads."""

    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.ups = nn.ModuleList()
        self.heads = nn.ModuleList()

    def add_block(self, in_channels, max_kernel, maps, instance_norm):
        self.blocks.append(MultiKernelBlock(in_channels, max_kernel, maps, instance_norm))
        return self.blocks[-1].out_channels

    def add_up(self, in_channels, out_channels):
        self.ups.append(nn.ConvTranspose2d(in_channels, out_channels, 3, stride=2, bias=False))

    def add_head(self, in_channels):
        self.heads.append(nn.Conv2d(in_channels, 3, 3, padding=1))

    def up(self, i, x):
        # TensorFlow's SAME transposed conv: the full output without its last row and column.
        y = self.ups[i](x)[:, :, : 2 * x.shape[2], : 2 * x.shape[3]]
        return F.leaky_relu(y, SLOPE)


def image(head):
    return torch.tanh(head) * 0.58 + 0.5


class PyNetPort(nn.Module):
    def __init__(self, width=32, input_channels=3):
        super().__init__()
        maps = [0] + [width << (level - 1) for level in range(1, 6)]
        skip = [0] * 5
        channels = 4 * input_channels
        for level in range(1, 5):
            part = Part()
            channels = skip[level] = part.add_block(channels, 3, maps[level], level > 1)
            setattr(self, f"encoder{level}", part)
        for level in range(5, -1, -1):
            setattr(self, f"level{level}", Part())
        l5, l4, l3, l2, l1, l0 = (getattr(self, f"level{n}") for n in (5, 4, 3, 2, 1, 0))

        c = skip[4]
        for _ in range(4):
            c = l5.add_block(c, 3, maps[5], True)
        l5.add_up(c, maps[4]); l5.add_up(c, maps[4]); l5.add_head(c)

        c = skip[4] + maps[4]
        for _ in range(4):
            c = l4.add_block(c, 3, maps[4], True)
        c = l4.add_block(c + maps[4], 3, maps[4], True)
        l4.add_up(c, maps[3]); l4.add_up(c, maps[3]); l4.add_head(c)

        c = skip[3] + maps[3]
        for _ in range(4):
            c = l3.add_block(c, 5, maps[3], True)
        c = l3.add_block(c + skip[3] + maps[3], 3, maps[3], True)
        l3.add_up(c, maps[2]); l3.add_up(c, maps[2]); l3.add_head(c)

        c = l2.add_block(skip[2] + maps[2], 5, maps[2], True) + skip[2]
        for _ in range(4):
            c = l2.add_block(c, 7, maps[2], True)
        c = l2.add_block(c + skip[2], 5, maps[2], True) + maps[2]
        c = l2.add_block(c, 3, maps[2], True)
        l2.add_up(c, maps[1]); l2.add_up(c, maps[1]); l2.add_head(c)

        c = l1.add_block(skip[1] + maps[1], 5, maps[1], False) + skip[1]
        c = l1.add_block(c, 7, maps[1], False)
        for kernel in (9, 9, 9, 9, 7):
            c = l1.add_block(c, kernel, maps[1], False)
        c = l1.add_block(c + skip[1], 5, maps[1], False) + maps[1] + skip[1]
        c = l1.add_block(c, 3, maps[1], False)
        l1.add_head(c)

        level0_maps = (width + 3) // 4
        l0.add_up(c, level0_maps); l0.add_head(level0_maps); l0.add_up(3, 3); l0.add_head(3)

    def levels(self, photo):
        """The seven outputs, coarsest (level 5) first, full size (up) last."""
        half = F.interpolate(photo, size=(photo.shape[2] // 2, photo.shape[3] // 2), mode="bicubic",
                             align_corners=False, antialias=True)
        x = F.pixel_unshuffle(half, 2)
        e = [None] * 5
        for level in range(1, 5):
            x = e[level] = getattr(self, f"encoder{level}").blocks[0](x if level == 1 else F.max_pool2d(x, 2))
        l5, l4, l3, l2, l1, l0 = (getattr(self, f"level{n}") for n in (5, 4, 3, 2, 1, 0))
        outputs = []

        b = l5.blocks
        d1 = b[0](F.max_pool2d(x, 2))
        d2 = b[1](d1) + d1
        d3 = b[2](d2) + d2
        x = b[3](d3)
        ta, tb = l5.up(0, x), l5.up(1, x)
        outputs.append(image(l5.heads[0](x)))

        b = l4.blocks
        d3 = b[0](torch.cat([e[4], ta], 1))
        d4 = b[1](d3) + d3
        d5 = b[2](d4) + d4
        x = b[4](torch.cat([b[3](d5), tb], 1))
        ta, tb = l4.up(0, x), l4.up(1, x)
        outputs.append(image(l4.heads[0](x)))

        b = l3.blocks
        y = torch.cat([e[3], ta], 1)
        for i in range(3):
            y = b[i](y) + y
        x = b[4](torch.cat([b[3](y), e[3], tb], 1))
        ta, tb = l3.up(0, x), l3.up(1, x)
        outputs.append(image(l3.heads[0](x)))

        b = l2.blocks
        y = torch.cat([b[0](torch.cat([e[2], ta], 1)), e[2]], 1)
        for i in range(1, 4):
            y = b[i](y) + y
        y = torch.cat([b[4](y), e[2]], 1)
        x = b[6](torch.cat([b[5](y), tb], 1))
        ta, tb = l2.up(0, x), l2.up(1, x)
        outputs.append(image(l2.heads[0](x)))

        b = l1.blocks
        y = torch.cat([b[0](torch.cat([e[1], ta], 1)), e[1]], 1)
        y = b[2](b[1](y))
        for i in range(3, 6):
            y = b[i](y) + y
        y = torch.cat([b[6](y), e[1]], 1)
        x = b[8](torch.cat([b[7](y), tb, e[1]], 1))
        outputs.append(image(l1.heads[0](x)))

        level0 = l0.heads[0](l0.up(0, x))
        outputs.append(image(level0))
        outputs.append(image(l0.heads[1](l0.up(1, level0))))
        return outputs

    def forward(self, photo):
        return self.levels(photo)[-1]


def parts(model):
    counts = {}
    for name, p in model.named_parameters():
        top = name.split(".")[0]
        counts[top] = counts.get(top, 0) + p.numel()
    return counts


def compare(args):
    # libtorch's pickle_save tags its dict's types with restore_type_tag
    with torch.serialization.safe_globals([torch.jit._pickle.restore_type_tag]):
        data = torch.load(args.file)
    model = PyNetPort(int(data["width"]), int(data["input_channels"]))
    weights = {k[len("param."):]: v for k, v in data.items() if k.startswith("param.")}
    model.load_state_dict(weights, strict=True)
    model.eval()
    with torch.no_grad():
        outputs = model.levels(data["input"])
    worst = 0.0
    for i, out in enumerate(outputs):
        theirs = data[f"output.{i}"]
        if out.shape != theirs.shape:
            sys.exit(f"output {i}: shape {tuple(out.shape)} here, {tuple(theirs.shape)} in {args.file}")
        diff = (out - theirs).abs().max().item()
        worst = max(worst, diff)
        print(f"output {i} {tuple(out.shape)}: largest difference {diff:.3g}")
    print(f"largest difference {worst:.3g} (tolerance {args.tolerance:g})")
    return 0 if worst <= args.tolerance else 1


def params(args):
    model = PyNetPort(args.width, args.channels)
    counts = parts(model)
    for name, count in counts.items():
        print(f"{name:10} {count:>12,}")
    print(f"{'total':10} {sum(counts.values()):>12,}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare")
    c.add_argument("file")
    c.add_argument("--tolerance", type=float, default=1e-5)
    c.set_defaults(run=compare)
    p = sub.add_parser("params")
    p.add_argument("width", type=int)
    p.add_argument("--channels", type=int, default=3)
    p.set_defaults(run=params)
    args = parser.parse_args()
    torch.set_num_threads(1)
    sys.exit(args.run(args))


if __name__ == "__main__":
    main()
