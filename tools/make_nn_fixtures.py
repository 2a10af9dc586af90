#!/usr/bin/python3
"""Generate PyTorch parity fixtures for Tessera.Nn's losses.

Usage (from the repository root):

    /usr/bin/python3 tools/make_nn_fixtures.py            # writes tests/fixtures/nn/<loss>.safetensors
    /usr/bin/python3 tools/make_nn_fixtures.py --out DIR  # writes DIR/nn/<loss>.safetensors

Same file format as tools/make_fixtures.py (see tests/fixtures/README.md), whose writer and case
runner this script reuses: tensors "<case>.in<i>", "<case>.out", "<case>.gout", "<case>.grad<i>",
one JSON kwargs entry per case in __metadata__. Float64, torch.manual_seed(0) per loss.
"""

import argparse
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402
from make_fixtures import C, R, Pos, Ints  # noqa: E402

# PyTorch 1.13 does not differentiate binary_cross_entropy_with_logits wrt weight or pos_weight, so
# those inputs carry no grad<i>; nor cross_entropy/nll_loss wrt the class weight.


def Logp(*shape):
    """Log-probabilities along the last dim, differentiable."""
    return mf.Spec(lambda: torch.log_softmax(torch.randn(shape), -1), True)


def Prob(*shape, zero_first=False):
    """Probabilities along the last dim; optionally an exact 0 in column 0 (0·log 0 = 0)."""
    def make():
        p = torch.rand(shape) + 0.05
        if zero_first:
            p[..., 0] = 0
        return p / p.sum(-1, keepdim=True)
    return mf.Spec(make, True)


def U01(*shape):
    return mf.Spec(lambda: torch.rand(shape), True)


def bce_pw(x, y, pw, **kw):
    return F.binary_cross_entropy_with_logits(x, y, pos_weight=pw, **kw)


def bce_w_pw(x, y, w, pw, **kw):
    return F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, **kw)


LOSSES = {
    "mse_loss": (F.mse_loss, True, [
        C("mean", R(3, 4), R(3, 4)),
        C("sum", R(5), R(5), reduction="sum"),
        C("none", R(2, 3), R(2, 3), reduction="none"),
    ]),
    "l1_loss": (F.l1_loss, True, [
        C("mean", R(3, 4), R(3, 4)),
        C("sum", R(5), R(5), reduction="sum"),
        C("none", R(2, 3), R(2, 3), reduction="none"),
    ]),
    "huber_loss": (F.huber_loss, True, [
        C("mean", R(4, 5), R(4, 5)),
        C("delta_half_sum", R(4, 5), R(4, 5), delta=0.5, reduction="sum"),
        C("delta_two_none", R(3, 3), R(3, 3), delta=2.0, reduction="none"),
    ]),
    "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits, True, [
        C("mean", R(4, 3), U01(4, 3)),
        C("sum_large_logits", mf.Spec(lambda: torch.randn(3, 3) * 40, True), U01(3, 3), reduction="sum"),
        C("none", R(2, 5), U01(2, 5), reduction="none"),
        C("pos_weight", R(4, 3), U01(4, 3), mf.NoGrad(Pos(3)), fn=bce_pw),
        C("weight_pos_weight_sum", R(4, 3), U01(4, 3), mf.NoGrad(Pos(4, 3)), mf.NoGrad(Pos(3)), fn=bce_w_pw, reduction="sum"),
    ]),
    "kl_div": (F.kl_div, True, [
        C("mean", Logp(3, 4), Prob(3, 4)),
        C("batchmean_zero_target", Logp(3, 4), Prob(3, 4, zero_first=True), reduction="batchmean"),
        C("sum", Logp(2, 5), Prob(2, 5), reduction="sum"),
        C("none", Logp(2, 3), Prob(2, 3), reduction="none"),
        C("log_target_batchmean", Logp(4, 3), Logp(4, 3), reduction="batchmean", log_target=True),
    ]),
    "cross_entropy": (F.cross_entropy, True, [
        C("mean", R(5, 4), Ints((5,), 0, 4)),
        C("weight_ignore_smooth", R(6, 3), mf.T([0, 2, -100, 1, 2, 0], grad=False), mf.NoGrad(Pos(3)),
          fn=lambda x, t, w, **kw: F.cross_entropy(x, t, weight=w, **kw), ignore_index=-100, label_smoothing=0.2),
        C("spatial_sum", R(2, 3, 2, 2), Ints((2, 2, 2), 0, 3), reduction="sum"),
    ]),
    "nll_loss": (F.nll_loss, True, [
        C("mean", Logp(5, 4), Ints((5,), 0, 4)),
        C("weight_sum", Logp(4, 3), Ints((4,), 0, 3), mf.NoGrad(Pos(3)),
          fn=lambda x, t, w, **kw: F.nll_loss(x, t, weight=w, **kw), reduction="sum"),
    ]),
}


def make_loss_file(op, out_dir):
    fn, differentiable, cases = LOSSES[op]
    torch.manual_seed(0)
    tensors = {}
    metadata = {"op": op, "torch": torch.__version__, "generator": "tools/make_nn_fixtures.py"}
    for case in cases:
        metadata[case.name] = json.dumps(case.kwargs, sort_keys=True)
        mf.run_case(fn, differentiable, case, tensors)
    data = mf.safetensors_bytes(tensors, metadata)
    mf.write_atomic(os.path.join(out_dir, "nn", f"{op}.safetensors"), data)
    return len(data)


def make_model_file(out_dir):
    """A small CNN: its state dict ("state.<key>"), an input, eval and train outputs, the parameter
    gradients of the train output against "gout" ("grad.<key>"), the buffers after the train step
    ("after.<key>"), and str(model) in metadata "repr". Checks key names, load_state_dict, layer
    forwards, train/eval behaviour and the printout in one go."""
    import torch.nn as nn
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2)),
        nn.AdaptiveAvgPool2d(3),
        nn.Flatten(),
        nn.Linear(36, 8),
        nn.LayerNorm(8),
        nn.GELU(),
        nn.Linear(8, 3, bias=False),
        nn.Tanh(),
    )
    bn, ln = model[0][1], model[4]
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(4) * 0.1)
        bn.running_var.copy_(torch.rand(4) + 0.5)
        bn.num_batches_tracked.fill_(3)
        for p in (bn.weight, bn.bias, ln.weight, ln.bias):
            p.copy_(p + torch.randn(p.shape) * 0.2)
    tensors = {f"state.{k}": v.detach().clone() for k, v in model.state_dict().items()}
    x = torch.randn(3, 2, 8, 8)
    tensors["x"] = x
    model.eval()
    tensors["out_eval"] = model(x).detach().clone()
    model.train()
    out = model(x)
    tensors["out_train"] = out.detach().clone()
    g = torch.randn(out.shape)
    tensors["gout"] = g
    out.backward(g)
    for k, p in model.named_parameters():
        tensors[f"grad.{k}"] = p.grad.detach().clone()
    for k, b in model.named_buffers():
        tensors[f"after.{k}"] = b.detach().clone()
    metadata = {"torch": torch.__version__, "generator": "tools/make_nn_fixtures.py", "repr": str(model)}
    data = mf.safetensors_bytes(tensors, metadata)
    mf.write_atomic(os.path.join(out_dir, "nn", "model_small_cnn.safetensors"), data)
    return len(data)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(root, "tests", "fixtures"))
    parser.add_argument("ops", nargs="*", help="only these losses (default: all)")
    args = parser.parse_args()
    torch.set_default_dtype(torch.float64)
    total = 0
    for op in args.ops or sorted(LOSSES):
        n = make_loss_file(op, args.out)
        total += n
        print(f"{op:34s} {n:8d} bytes")
    if not args.ops:
        n = make_model_file(args.out)
        total += n
        print(f"{'model_small_cnn':34s} {n:8d} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
