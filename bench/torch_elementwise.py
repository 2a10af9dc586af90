#!/usr/bin/env python3
"""PyTorch CPU reference for elementwise ops and reductions on 1M-element float32 tensors.
Prints one JSON line per op with the same keys as `tessera bench elementwise --json`."""
import json, os, sys, time
import torch
torch.set_num_threads(int(os.environ.get("THREADS", "2")))
n = 1 << 20
g = torch.Generator().manual_seed(0)
a, b = torch.randn(n, generator=g), torch.randn(n, generator=g)
m = a.view(1024, 1024)
ops = {
    "add": lambda: a + b, "mul": lambda: a * b, "exp": lambda: torch.exp(a), "relu": lambda: torch.relu(a),
    "gelu": lambda: torch.nn.functional.gelu(a), "sigmoid": lambda: torch.sigmoid(a), "tanh": lambda: torch.tanh(a),
    "sum": lambda: a.sum(), "max": lambda: a.max(), "sum_rows": lambda: m.sum(1), "softmax_rows": lambda: torch.softmax(m, 1),
}
for name in (sys.argv[1:] or ops):
    f = ops[name]
    for _ in range(10): f()
    best = float("inf")
    for _ in range(7):
        reps = 50
        t = time.perf_counter()
        for _ in range(reps): f()
        best = min(best, (time.perf_counter() - t) / reps)
    print(json.dumps({"workload": "elementwise", "op": name, "n": n, "us": round(best * 1e6, 1)}), flush=True)
