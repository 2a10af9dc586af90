#!/usr/bin/env python3
"""PyTorch CPU reference for conv2d forward+backward at LeNet-5 sizes (batch 64), same keys as `tessera bench conv --json`."""
import json, os, time
import torch
torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(0)
cases = [("lenet_conv1", 64, 1, 28, 28, 6, 5, 2), ("lenet_conv2", 64, 6, 14, 14, 16, 5, 0)]
for name, n, cin, h, w, cout, k, pad in cases:
    x = torch.randn(n, cin, h, w, requires_grad=True)
    wt = torch.randn(cout, cin, k, k, requires_grad=True)
    b = torch.randn(cout, requires_grad=True)
    def step():
        x.grad = wt.grad = b.grad = None  # as ConvBench does: fresh gradients every step
        y = torch.nn.functional.conv2d(x, wt, b, padding=pad)
        y.backward(torch.ones_like(y))
    warm, i = time.perf_counter(), 0
    while i < 10 or time.perf_counter() - warm < 0.3:  # same warm-up and rounds as ConvBench.Run
        step(); i += 1
    best = float("inf")
    for _ in range(30):
        reps = 5
        t = time.perf_counter()
        for _ in range(reps): step()
        best = min(best, (time.perf_counter() - t) / reps)
    print(json.dumps({"workload": "conv2d", "case": name, "us": round(best * 1e6, 1)}), flush=True)
