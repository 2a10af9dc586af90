#!/usr/bin/env python3
"""Writes the small Fashion-MNIST subset shipped in data/fashion-mnist-subset.

Takes the first N train and M test examples of the full IDX files (plain python3 + gzip, no torch)
and writes gzipped IDX files with the same names. The first examples of Fashion-MNIST are close to
class-balanced, so no resampling is done; the script prints the per-class counts to check.

    python3 tools/make_data_subset.py [--src /usr/share/datasets/fashion-mnist] [--train 10000] [--test 2000]
"""
import argparse
import gzip
import os
import struct
import sys

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not a ubyte IDX file")
    ndims = data[3]
    dims = list(struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims]))
    body = data[4 + 4 * ndims:]
    n = 1
    for d in dims:
        n *= d
    if len(body) != n:
        raise ValueError(f"{path}: expected {n} data bytes, found {len(body)}")
    return dims, body


def write_idx_gz(path, dims, body):
    header = bytes([0, 0, 0x08, len(dims)]) + struct.pack(">" + "I" * len(dims), *dims)
    # mtime=0 keeps the output byte-identical between runs.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
        f.write(header + body)


def find(src, name):
    for candidate in (name, name + ".gz"):
        p = os.path.join(src, candidate)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(os.path.join(src, name) + "[.gz]")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fashion-mnist-subset"))
    ap.add_argument("--train", type=int, default=10000)
    ap.add_argument("--test", type=int, default=2000)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for split, count in (("train", args.train), ("test", args.test)):
        images_name, labels_name = FILES[split]
        idims, ibody = read_idx(find(args.src, images_name))
        ldims, lbody = read_idx(find(args.src, labels_name))
        if count > idims[0] or idims[0] != ldims[0]:
            sys.exit(f"{split}: asked for {count} examples, source has {idims[0]} images and {ldims[0]} labels")
        pixels = idims[1] * idims[2]
        write_idx_gz(os.path.join(args.out, images_name + ".gz"), [count] + idims[1:], ibody[:count * pixels])
        write_idx_gz(os.path.join(args.out, labels_name + ".gz"), [count], lbody[:count])
        counts = [0] * 10
        for b in lbody[:count]:
            counts[b] += 1
        size = sum(os.path.getsize(os.path.join(args.out, n + ".gz")) for n in (images_name, labels_name))
        total += size
        print(f"{split}: {count} examples, {size} bytes gzipped, per-class counts {counts}")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
