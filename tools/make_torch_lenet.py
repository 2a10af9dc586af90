#!/usr/bin/python3
"""Train LeNet-5 in PyTorch and write a parity fixture for Tessera.Models.LeNet5.

Usage (from the repository root):

    /usr/bin/python3 tools/make_torch_lenet.py            # writes tests/fixtures/lenet/*
    /usr/bin/python3 tools/make_torch_lenet.py --out DIR  # writes DIR/lenet_torch.safetensors, DIR/expected.json

The network has exactly the parameter names of Tessera.Models.LeNet5 (conv1, conv2, fc1, fc2, fc3),
so the state dict loads there strictly. It is trained for one epoch on the FIRST 10000 training images
of /usr/share/datasets/fashion-mnist (seed 0, SGD lr 0.01 momentum 0.9, batch 64, images normalised as
(x/255 - 0.2860)/0.3530), then evaluated on the shipped test subset data/fashion-mnist-subset (the first
2000 test images). expected.json holds the accuracy, the predicted class of every subset image, the
labels, the logits of the first 8 images and, per image, the margin between the two largest logits
(so a test can tell a near-tie from a real disagreement).

The safetensors bytes are written with struct + json (there is no safetensors package here).
"""

import argparse
import gzip
import json
import os
import struct
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530
FULL_DIR = "/usr/share/datasets/fashion-mnist"


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)  # (N, 6, 14, 14)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # (N, 16, 5, 5)
        x = torch.flatten(x, 1)                     # (N, 400)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def read_idx(path, limit=None):
    """An IDX ubyte file (gzipped) as a uint8 tensor; only the first `limit` items when given."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: not an IDX ubyte file"
    dims = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    body = data[4 + 4 * ndim:]
    if limit is not None:
        per = 1
        for d in dims[1:]:
            per *= d
        dims[0] = min(dims[0], limit)
        body = body[:dims[0] * per]
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).reshape(dims)


def normalise(images):
    # Same arithmetic order as Tessera.Data: float32 x/255, then (x - mean)/std.
    x = images.to(torch.float32) / 255.0
    return ((x - MEAN) / STD).unsqueeze(1)  # (N, 1, 28, 28)


def safetensors_bytes(tensors, metadata):
    header = {"__metadata__": dict(sorted(metadata.items()))}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().to(torch.float32)
        b = t.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    js = json.dumps(header, separators=(",", ":")).encode("utf-8")
    js += b" " * (-len(js) % 8)
    return struct.pack("<Q", len(js)) + js + b"".join(blobs)


def write_atomic(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600
    os.replace(tmp, path)


def main():
    assert sys.byteorder == "little"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(root, "tests", "fixtures", "lenet"))
    args = ap.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)  # reproducible reductions
    net = LeNet5()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    x_train = normalise(read_idx(os.path.join(FULL_DIR, "train-images-idx3-ubyte.gz"), 10000))
    y_train = read_idx(os.path.join(FULL_DIR, "train-labels-idx1-ubyte.gz"), 10000).to(torch.int64)
    order = torch.randperm(len(y_train), generator=torch.Generator().manual_seed(0))
    net.train()
    for step, i in enumerate(range(0, len(order), 64)):
        idx = order[i:i + 64]
        opt.zero_grad()
        loss = F.cross_entropy(net(x_train[idx]), y_train[idx])
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"step {step:4d} loss {loss.item():.4f}")

    subset = os.path.join(root, "data", "fashion-mnist-subset")
    x_test = normalise(read_idx(os.path.join(subset, "t10k-images-idx3-ubyte.gz")))
    y_test = read_idx(os.path.join(subset, "t10k-labels-idx1-ubyte.gz")).to(torch.int64)
    net.eval()
    with torch.no_grad():
        logits = net(x_test)  # (2000, 10)
    pred = logits.argmax(1)
    top2 = logits.topk(2, dim=1).values
    correct = int((pred == y_test).sum())
    acc = correct / len(y_test)
    print(f"test subset accuracy {acc:.4f} ({correct}/{len(y_test)})")

    meta = {"generator": "tools/make_torch_lenet.py", "torch": torch.__version__}
    write_atomic(os.path.join(args.out, "lenet_torch.safetensors"), safetensors_bytes(net.state_dict(), meta))
    expected = {
        "torch": torch.__version__,
        "train_images": 10000,
        "test_count": len(y_test),
        "correct": correct,
        "accuracy": acc,
        "labels": y_test.tolist(),
        "predicted": pred.tolist(),
        "margin": [float(m) for m in (top2[:, 0] - top2[:, 1])],
        "logits_first8": [[float(v) for v in row] for row in logits[:8]],
    }
    write_atomic(os.path.join(args.out, "expected.json"), (json.dumps(expected) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
