#!/usr/bin/python3
"""Writes tests/fixtures/dtypes/dtypes.safetensors: PyTorch's float32 -> bfloat16/float16 rounding and its
type-promotion table, for tests/Tessera.Tests/Tensors/DTypeTests.cs.

Run from the repository root with Debian's PyTorch: /usr/bin/python3 tools/make_dtype_fixtures.py
Deterministic: the same PyTorch version gives identical bytes.

Tensors:
  f32          F32  inputs: edge cases (signed zeros, infinities, NaNs with payloads, denormals, exact ties for
                    both formats, values just beside ties, overflow edges) followed by 4096 seeded random values
  bf16         BF16 torch's conversion of f32 (x.to(torch.bfloat16)), bit for bit
  f16          F16  torch's conversion of f32 (x.to(torch.float16)), bit for bit
  bf16_to_f32  F32  bf16 converted back to float32 (exact in both directions)
Metadata:
  promotion    JSON {"a,b": result} of torch.result_type between 1-element tensors of every dtype pair
  scalar       JSON {"dtype,int|float": result} of torch.result_type(tensor, 2) / (tensor, 2.0)
  torch        torch version; generator: this script's path
"""
import json
import struct
import sys

import torch

OUT = "tests/fixtures/dtypes/dtypes.safetensors"
NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"]


def bits(u):
    return struct.unpack("<f", struct.pack("<I", u))[0]


def edge_cases():
    v = [0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), 65504.0, 65520.0, 65519.99, 3.0e38, -3.4028235e38,
         1e-45, -1e-45, 1.17549435e-38, 5.96e-8, 2.98e-8, 6.1e-5]
    raw = [0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0xFF800123, 0x7FC12345,   # NaNs: quiet, signalling, payloads
           0x3F808000, 0x3F818000, 0x3F808001, 0x3F817FFF,                             # bf16 ties to even (down/up) and beside
           0x3F801000, 0x3F803000, 0x3F801001,                                         # f16 ties (13-bit) and beside
           0x7F7FFFFF, 0x7F7F8000, 0x7F7F7FFF, 0x00000001, 0x807FFFFF, 0x00008000, 0x00018000]
    return v + [bits(u) for u in raw]


def main():
    g = torch.Generator().manual_seed(0)
    rnd = torch.randn(4096, generator=g, dtype=torch.float64) * torch.exp(torch.randn(4096, generator=g, dtype=torch.float64) * 8)
    x = torch.cat([torch.tensor(edge_cases(), dtype=torch.float32), rnd.to(torch.float32)])
    bf = x.to(torch.bfloat16)
    f16 = x.to(torch.float16)
    tensors = {
        "f32": ("F32", x.view(torch.int32).numpy().tobytes(), x.numel()),
        "bf16": ("BF16", bf.view(torch.int16).numpy().tobytes(), x.numel()),
        "f16": ("F16", f16.view(torch.int16).numpy().tobytes(), x.numel()),
        "bf16_to_f32": ("F32", bf.to(torch.float32).view(torch.int32).numpy().tobytes(), x.numel()),
    }
    dt = {n: getattr(torch, n) for n in NAMES}
    promotion = {f"{a},{b}": str(torch.result_type(torch.zeros(1, dtype=dt[a]), torch.zeros(1, dtype=dt[b]))).replace("torch.", "")
                 for a in NAMES for b in NAMES}
    scalar = {}
    for a in NAMES:
        scalar[f"{a},int"] = str(torch.result_type(torch.zeros(1, dtype=dt[a]), 2)).replace("torch.", "")
        scalar[f"{a},float"] = str(torch.result_type(torch.zeros(1, dtype=dt[a]), 2.0)).replace("torch.", "")
    header = {"__metadata__": {"promotion": json.dumps(promotion, sort_keys=True), "scalar": json.dumps(scalar, sort_keys=True),
                               "torch": torch.__version__, "generator": "tools/make_dtype_fixtures.py"}}
    data = b""
    for name, (code, payload, n) in tensors.items():
        header[name] = {"dtype": code, "shape": [n], "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(OUT, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)
    print(f"wrote {OUT}: {x.numel()} values, torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
