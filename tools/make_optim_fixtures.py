#!/usr/bin/python3
"""Generate PyTorch 1.13 parity fixtures for Tessera.Optim.

Usage (from the repository root):

    /usr/bin/python3 tools/make_optim_fixtures.py   # writes tests/fixtures/optim/optim.json

One JSON file (Python's float repr round-trips doubles exactly):

    problem     X (8, 3), Y (8, 2) and the initial float64 parameters w1 (4, 3), b1 (4), w2 (2, 4), b2 (2)
                of the fixed 2-layer net  loss = mean((tanh(X w1^T + b1) w2^T + b2 - Y)^2)
    optimizers  list of {name, optimizer, options, groups, steps, final}: `options` are the optimizer's
                keyword arguments (PyTorch names), `groups` (optional) splits the parameters into groups
                [{"params": [indices], "options": {...overrides}}], `final` the 4 parameters (flattened,
                row-major) after `steps` steps of zero_grad / forward / backward / step
    schedulers  list of {name, scheduler, lr, options, lrs}: lrs[0] is get_last_lr() after construction,
                lrs[k] after the k-th optimizer.step(); scheduler.step() pair; one param group with lr
    plateau     list of {name, lr, options, metrics, lrs}: lrs[k] is the lr after step(metrics[k])
    clip        list of {name, grads (list of {shape, data}), max_norm, norm_type, total_norm, clipped}
    clip_value  list of {name, grads, clip_value, clipped}

The warmup-cosine schedule is Tessera's own (no PyTorch class): its expected values are computed here
with the same formula as WarmupCosineLR (see that class's docs).
"""

import json
import math
import os

import torch

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "optim")

X = torch.randn(8, 3)
Y = torch.randn(8, 2)
INIT = [torch.randn(4, 3) * 0.5, torch.randn(4) * 0.1, torch.randn(2, 4) * 0.5, torch.randn(2) * 0.1]
NAMES = ["w1", "b1", "w2", "b2"]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def make_params():
    return [p.clone().requires_grad_(True) for p in INIT]


def loss_fn(ps):
    w1, b1, w2, b2 = ps
    h = torch.tanh(X @ w1.t() + b1)
    out = h @ w2.t() + b2
    return ((out - Y) ** 2).mean()


OPT = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}

OPT_CASES = [
    ("sgd_plain", "sgd", {"lr": 0.1}, None),
    ("sgd_momentum", "sgd", {"lr": 0.05, "momentum": 0.9}, None),
    ("sgd_dampening_wd", "sgd", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01}, None),
    ("sgd_nesterov", "sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.001}, None),
    ("sgd_maximize", "sgd", {"lr": 0.01, "momentum": 0.5, "maximize": True}, None),
    ("sgd_groups", "sgd", {"lr": 0.1, "momentum": 0.9},
     [{"params": [0, 1], "options": {}}, {"params": [2, 3], "options": {"lr": 0.02, "weight_decay": 0.05}}]),
    ("adam_default", "adam", {"lr": 0.01}, None),
    ("adam_wd", "adam", {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1}, None),
    ("adam_amsgrad", "adam", {"lr": 0.01, "amsgrad": True}, None),
    ("adam_maximize", "adam", {"lr": 0.005, "maximize": True}, None),
    ("adamw_default", "adamw", {"lr": 0.01}, None),
    ("adamw_amsgrad_wd", "adamw", {"lr": 0.02, "weight_decay": 0.3, "amsgrad": True, "betas": [0.85, 0.95]}, None),
    ("rmsprop_default", "rmsprop", {"lr": 0.01}, None),
    ("rmsprop_momentum_wd", "rmsprop", {"lr": 0.005, "alpha": 0.9, "momentum": 0.7, "weight_decay": 0.01}, None),
    ("rmsprop_centered", "rmsprop", {"lr": 0.005, "centered": True, "eps": 1e-6}, None),
    ("rmsprop_centered_momentum", "rmsprop", {"lr": 0.002, "centered": True, "momentum": 0.9}, None),
    ("adagrad_default", "adagrad", {"lr": 0.1}, None),
    ("adagrad_all", "adagrad", {"lr": 0.1, "lr_decay": 0.05, "weight_decay": 0.02, "initial_accumulator_value": 0.1, "eps": 1e-8}, None),
]

STEPS = 20


def run_opt(kind, options, groups):
    ps = make_params()
    kw = dict(options)
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    if groups is None:
        opt = OPT[kind](ps, **kw)
    else:
        opt = OPT[kind]([dict(params=[ps[i] for i in g["params"]], **g["options"]) for g in groups], **kw)
    for _ in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(ps)
        loss.backward()
        opt.step()
    return [flat(p) for p in ps]


def sched_lrs(make, lr, n=30):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    s = make(opt)
    lrs = [s.get_last_lr()[0]]
    for _ in range(n):
        opt.step()
        s.step()
        lrs.append(s.get_last_lr()[0])
    return lrs


def warmup_cosine(base, epoch, warmup, total, min_lr):
    # Same expression order as Tessera.Optim.Schedulers.WarmupCosineLR.ComputeLr.
    if epoch < warmup:
        return base * (epoch + 1) / warmup
    span = total - warmup
    if span < 1:
        span = 1
    progress = (epoch - warmup) / span
    if progress > 1.0:
        progress = 1.0
    return min_lr + (base - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))


SCHED_CASES = [
    ("step", "StepLR", 0.1, {"step_size": 7, "gamma": 0.5}),
    ("multistep", "MultiStepLR", 0.1, {"milestones": [3, 8, 8, 20], "gamma": 0.3}),
    ("exponential", "ExponentialLR", 0.2, {"gamma": 0.93}),
    ("linear", "LinearLR", 0.1, {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 10}),
    ("linear_decay", "LinearLR", 0.3, {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 17}),
    ("cosine", "CosineAnnealingLR", 0.1, {"T_max": 10, "eta_min": 0.001}),
    ("cosine_long", "CosineAnnealingLR", 0.05, {"T_max": 40, "eta_min": 0.0}),
]


def make_sched(cls, options):
    def f(opt):
        return getattr(torch.optim.lr_scheduler, cls)(opt, **options)
    return f


PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.95, 0.9, 0.89999, 0.91, 0.92, 0.93, 0.8, 0.85, 0.85, 0.85, 0.85,
                   0.85, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]

PLATEAU_CASES = [
    ("min_rel", 0.1, {"mode": "min", "factor": 0.5, "patience": 2}),
    ("min_abs_cooldown", 0.1, {"mode": "min", "factor": 0.3, "patience": 1, "threshold": 0.02,
                               "threshold_mode": "abs", "cooldown": 2, "min_lr": 0.004}),
    ("max_rel", 0.1, {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.01}),
    ("max_abs_eps", 1e-6, {"mode": "max", "factor": 0.5, "patience": 0, "threshold_mode": "abs", "eps": 1e-7}),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    doc = {
        "torch": torch.__version__,
        "generator": "tools/make_optim_fixtures.py",
        "problem": {
            "X": {"shape": list(X.shape), "data": flat(X)},
            "Y": {"shape": list(Y.shape), "data": flat(Y)},
            "params": [{"name": n, "shape": list(p.shape), "data": flat(p)} for n, p in zip(NAMES, INIT)],
        },
        "optimizers": [],
        "schedulers": [],
        "plateau": [],
        "clip": [],
        "clip_value": [],
    }
    for name, kind, options, groups in OPT_CASES:
        doc["optimizers"].append({"name": name, "optimizer": kind, "options": options, "groups": groups,
                                  "steps": STEPS, "final": run_opt(kind, options, groups)})
    for name, cls, lr, options in SCHED_CASES:
        doc["schedulers"].append({"name": name, "scheduler": cls, "lr": lr, "options": options,
                                  "lrs": sched_lrs(make_sched(cls, options), lr)})
    for warmup, total, min_lr, lr in [(5, 25, 0.001, 0.1), (3, 10, 0.0, 0.5)]:
        lrs = [warmup_cosine(lr, e, warmup, total, min_lr) for e in range(31)]
        doc["schedulers"].append({"name": f"warmup_cosine_{warmup}_{total}", "scheduler": "WarmupCosineLR", "lr": lr,
                                  "options": {"warmup_steps": warmup, "total_steps": total, "min_lr": min_lr},
                                  "lrs": lrs})
    for name, lr, options in PLATEAU_CASES:
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=lr)
        s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **options)
        lrs = []
        for m in PLATEAU_METRICS:
            opt.step()
            s.step(m)
            lrs.append(opt.param_groups[0]["lr"])
        doc["plateau"].append({"name": name, "lr": lr, "options": options, "metrics": PLATEAU_METRICS, "lrs": lrs})
    shapes = [(3, 4), (5,), (2, 2, 2)]
    for max_norm, norm_type in [(1.0, 2.0), (100.0, 2.0), (0.5, 1.0), (0.3, float("inf")), (0.7, 3.0), (10.0, float("inf"))]:
        ps = [torch.zeros(s, requires_grad=True) for s in shapes]
        for p in ps:
            p.grad = torch.randn(p.shape)
        grads = [{"shape": list(p.shape), "data": flat(p.grad)} for p in ps]
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        doc["clip"].append({"name": f"norm_{max_norm}_{norm_type}", "grads": grads, "max_norm": max_norm,
                            "norm_type": "inf" if math.isinf(norm_type) else norm_type,
                            "total_norm": float(total), "clipped": [flat(p.grad) for p in ps]})
    for clip_value in [0.5, 2.0]:
        ps = [torch.zeros(s, requires_grad=True) for s in shapes]
        for p in ps:
            p.grad = torch.randn(p.shape)
        grads = [{"shape": list(p.shape), "data": flat(p.grad)} for p in ps]
        torch.nn.utils.clip_grad_value_(ps, clip_value)
        doc["clip_value"].append({"name": f"value_{clip_value}", "grads": grads, "clip_value": clip_value,
                                  "clipped": [flat(p.grad) for p in ps]})
    path = os.path.join(OUT, "optim.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
