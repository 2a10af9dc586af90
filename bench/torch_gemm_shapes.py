#!/usr/bin/env python3
"""PyTorch CPU reference for the GEMMs of training a 784-128 linear layer on a batch of 64.

Same methodology as torch_gemm.py beside it (3 warm-ups, reps = max(3, 2e10 / flops),
best of 5) and the same JSON keys as `tessera bench gemm --shapes training --json`:
{"workload": "gemm", "m": .., "n": .., "k": .., "transA": .., "transB": .., "gflops": ..}
A transposed operand is stored transposed and passed as a transposed view (no copy), as BLAS sees it.
THREADS (default 2) sets the thread count.
"""
import json, os, time
import torch

torch.set_num_threads(int(os.environ.get("THREADS", "2")))

# (m, n, k, transA, transB): C(m, n) = op(A)(m, k) · op(B)(k, n)
SHAPES = [
    (64, 128, 784, False, False),  # forward X·W     (W stored 784x128)
    (64, 128, 784, False, True),   # forward X·Wᵀ    (W stored 128x784, nn.Linear)
    (64, 784, 128, False, True),   # dX = dY·Wᵀ      (W stored 784x128)
    (64, 784, 128, False, False),  # dX = dY·W       (W stored 128x784)
    (784, 128, 64, True, False),   # dW = Xᵀ·dY      (W stored 784x128)
    (128, 784, 64, True, False),   # dW = dYᵀ·X      (W stored 128x784)
]

for m, n, k, ta, tb in SHAPES:
    a = torch.randn(k, m).t() if ta else torch.randn(m, k)
    b = torch.randn(n, k).t() if tb else torch.randn(k, n)
    c = torch.empty(m, n)
    for _ in range(3): torch.mm(a, b, out=c)
    flops = 2 * m * n * k
    reps = max(3, int(2e10 / flops))
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps): torch.mm(a, b, out=c)
        best = min(best, (time.perf_counter() - t) / reps)
    print(json.dumps({"workload": "gemm", "m": m, "n": n, "k": k, "transA": ta, "transB": tb,
                      "gflops": round(flops / best / 1e9, 1)}), flush=True)
