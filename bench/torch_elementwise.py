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
row = torch.randn(1024, generator=g)
pos = b.abs()
ops = {
    "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / pos, "add_row": lambda: m + row,
    "exp": lambda: torch.exp(a), "sqrt": lambda: torch.sqrt(pos), "relu": lambda: torch.relu(a),
    "gelu": lambda: torch.nn.functional.gelu(a), "sigmoid": lambda: torch.sigmoid(a), "tanh": lambda: torch.tanh(a),
    "sum": lambda: a.sum(), "mean": lambda: a.mean(), "var": lambda: a.var(), "max": lambda: a.max(),
    "argmax": lambda: a.argmax(), "sum_rows": lambda: m.sum(1), "sum_cols": lambda: m.sum(0),
    "mean_rows": lambda: m.mean(1), "var_rows": lambda: m.var(1), "max_rows": lambda: m.max(1), "max_cols": lambda: m.max(0),
    "logsumexp_rows": lambda: torch.logsumexp(m, 1),
    "softmax_rows": lambda: torch.softmax(m, 1), "log_softmax_rows": lambda: torch.log_softmax(m, 1),
}
REPS, ROUNDS = 20, 30  # same as ElementwiseBench.BestMicroseconds
selected = sys.argv[1:] or list(ops)
warm = time.perf_counter()
while time.perf_counter() - warm < 0.5:  # every op first, as ElementwiseBench.Run does
    for name in selected: ops[name]()
for name in selected:
    f = ops[name]
    warm, i = time.perf_counter(), 0
    while i < 10 or time.perf_counter() - warm < 0.2:
        f(); i += 1
    best = float("inf")
    for _ in range(ROUNDS):
        t = time.perf_counter()
        for _ in range(REPS): f()
        best = min(best, (time.perf_counter() - t) / REPS)
    print(json.dumps({"workload": "elementwise", "op": name, "n": n, "us": round(best * 1e6, 1)}), flush=True)
