#!/usr/bin/python3
"""Generate PyTorch parity fixtures for Tessera's op tests.

Usage (from the repository root):

    /usr/bin/python3 tools/make_fixtures.py            # writes tests/fixtures/...
    /usr/bin/python3 tools/make_fixtures.py --out DIR  # writes DIR/ops/*.safetensors, DIR/safetensors/*

Writes one safetensors file per op, tests/fixtures/ops/<op>.safetensors. Each file holds several
cases; tensor names are "<case>.<role>":

    in0, in1, ...     inputs in positional order (float64, or int64/bool where the op needs them)
    out / out0, out1  output(s): "out" when the op returns one tensor, "out<i>" for tuples
    gout / gout<i>    upstream gradient used for backward (only for float outputs)
    grad0, grad1, ... gradient wrt input i (only for differentiable float inputs)
    <extra>           op-specific extra outputs (batch_norm: running_mean, running_var after the call)

__metadata__ holds "op" (the op name), "torch" (torch version), "generator" (this script), and one
key per case: the JSON of the non-tensor keyword arguments of the call, as PyTorch names them.

The safetensors bytes are written here with struct + json (there is no safetensors package), laid
out like the reference writer: tensors sorted by dtype (descending alignment order) then name,
__metadata__ first, JSON padded with spaces to a multiple of 8.
"""

import argparse
import json
import os
import struct
import sys
import tempfile

import torch
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------
# safetensors writer
# ---------------------------------------------------------------------------------------------

DTYPE_NAMES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
# The reference enum order ("increasing alignment"); the writer sorts by it, descending.
DTYPE_ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
               "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32",
               "C64", "F64", "I64", "U64"]


def tensor_bytes(t):
    assert sys.byteorder == "little"
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)  # numpy has no bfloat16; the bits are what we want
    return t.numpy().tobytes()


def safetensors_bytes(tensors, metadata):
    items = sorted(tensors.items(),
                   key=lambda kv: (-DTYPE_ORDER.index(DTYPE_NAMES[kv[1].dtype]), kv[0].encode()))
    header = {}
    if metadata:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    blobs, offset = [], 0
    for name, t in items:
        b = tensor_bytes(t)
        header[name] = {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    js = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    js += b" " * (-len(js) % 8)
    return struct.pack("<Q", len(js)) + js + b"".join(blobs)


def write_atomic(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# input specs
# ---------------------------------------------------------------------------------------------

class Spec:
    """How to make one input tensor. grad: whether to record its gradient (float only)."""

    def __init__(self, make, grad):
        self.make, self.grad = make, grad


def R(*shape):
    """Standard normal float64, differentiable."""
    return Spec(lambda: torch.randn(shape), True)


def Pos(*shape, low=0.5, high=2.0):
    """Uniform in [low, high): for log, sqrt, pow bases..."""
    return Spec(lambda: torch.rand(shape) * (high - low) + low, True)


def Away(*shape):
    """Normal, pushed at least 0.5 away from zero (divisors)."""
    def make():
        r = torch.randn(shape)
        return torch.sign(r) * (r.abs() + 0.5)
    return Spec(make, True)


def IntF(*shape, low=-2, high=3):
    """Small integers stored as float64 (so comparisons and max/min see ties)."""
    return Spec(lambda: torch.randint(low, high, shape).to(torch.float64), True)


def Ints(shape, low, high):
    """int64 in [low, high)."""
    return Spec(lambda: torch.randint(low, high, shape), False)


def Bools(*shape):
    return Spec(lambda: torch.rand(shape) < 0.5, False)


def T(values, grad=True):
    """An explicit tensor (float64 unless values are ints/bools)."""
    return Spec(lambda: torch.tensor(values), grad)


def NoGrad(spec):
    return Spec(spec.make, False)


class Case:
    def __init__(self, name, inputs, kwargs=None, fn=None, extras=None):
        assert "." not in name
        self.name, self.inputs, self.kwargs = name, inputs, kwargs or {}
        self.fn = fn          # overrides the op's function for this case
        self.extras = extras  # {role: input index} recorded after the call (in-place updates)


def C(name, *inputs, fn=None, extras=None, **kwargs):
    return Case(name, list(inputs), kwargs, fn, extras)


# ---------------------------------------------------------------------------------------------
# op table: op -> (function called as fn(*inputs, **kwargs), differentiable?, cases)
# ---------------------------------------------------------------------------------------------

def binary_cases(make_b=R):
    return [
        C("same", R(3, 4), make_b(3, 4)),
        C("row", R(3, 4), make_b(4)),
        C("bcast3d", R(2, 1, 4), make_b(3, 1)),
        C("scalar_t", R(), make_b(2, 3)),
        C("odd", R(5, 7), make_b(5, 1)),
        C("empty", R(0, 3), make_b(1, 3)),
    ]


def unary_cases(make=R):
    return [
        C("mat", make(3, 4)),
        C("odd3d", make(2, 3, 5)),
        C("scalar", make()),
        C("empty", make(0, 3)),
    ]


def cmp_cases():
    return [
        C("same", IntF(3, 4), IntF(3, 4)),
        C("bcast", IntF(2, 1, 4), IntF(3, 1)),
        C("scalar_other", IntF(3, 4), other=1.0),
        C("empty", IntF(0, 3), IntF(3)),
    ]


def reduce_cases(extra=None):
    cases = [
        C("full", R(3, 4)),
        C("dim1", R(3, 4), dim=1),
        C("dim_neg_keep", R(2, 3, 4), dim=-1, keepdim=True),
        C("dims02", R(2, 3, 4), dim=[0, 2]),
        C("dims02_keep", R(2, 3, 4), dim=[0, 2], keepdim=True),
        C("size1", R(1, 5), dim=0),
    ]
    return cases + (extra or [])


def var_cases():
    return [
        C("full", R(3, 4)),
        C("full_biased", R(3, 4), unbiased=False),
        C("dim1", R(3, 4), dim=1),
        C("dim0_biased_keep", R(3, 4), dim=0, unbiased=False, keepdim=True),
        C("dims02", R(2, 3, 4), dim=[0, 2]),
        C("dims12_keep", R(2, 3, 4), dim=[1, 2], unbiased=False, keepdim=True),
    ]


def minmax_cases():
    return [
        C("full", R(3, 4)),
        C("dim1", R(3, 4), dim=1),
        C("dim0_keep", R(3, 4), dim=0, keepdim=True),
        C("dim_neg", R(2, 3, 5), dim=-1),
    ]


def arg_cases():
    return [
        C("full", R(3, 4)),
        C("dim1", R(3, 4), dim=1),
        C("dim0_keep", R(3, 4), dim=0, keepdim=True),
        C("dim_neg", R(2, 3, 5), dim=-1),
    ]


def softmax_cases():
    return [
        C("last", R(3, 5), dim=-1),
        C("first", R(3, 5), dim=0),
        C("mid3d", R(2, 3, 4), dim=1),
        C("large", Spec(lambda: torch.randn(2, 4) * 100, True), dim=-1),
        C("empty", R(0, 4), dim=-1),
    ]


OPS = {
    # ---- elementwise binary -------------------------------------------------------------
    "add": (torch.add, True, binary_cases() + [
        C("alpha", R(3, 4), R(4), alpha=2.5),
        C("scalar_other", R(3, 4), other=1.5),
    ]),
    "sub": (torch.sub, True, binary_cases() + [
        C("alpha", R(3, 4), R(4), alpha=-0.5),
        C("scalar_other", R(3, 4), other=1.5),
    ]),
    "mul": (torch.mul, True, binary_cases() + [C("scalar_other", R(3, 4), other=-2.0)]),
    "div": (torch.div, True, binary_cases(Away) + [C("scalar_other", R(3, 4), other=4.0)]),
    "pow": (torch.pow, True, [
        C("sq", R(3, 4), exponent=2.0),
        C("cube", R(3, 4), exponent=3.0),
        C("sqrt", Pos(3, 4), exponent=0.5),
        C("neg_frac", Pos(2, 5), exponent=-1.5),
        C("zero", R(3), exponent=0.0),
        C("tensor", Pos(3, 4), R(3, 4)),
        C("tensor_bcast", Pos(2, 1, 3), R(4, 1)),
    ]),
    "maximum": (torch.maximum, True, [
        C("same", R(3, 4), R(3, 4)),
        C("bcast", R(2, 1, 4), R(3, 1)),
        C("ties", T([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]]), T([[1.0, 0.0, 3.0], [0.0, 2.0, 4.0]])),
    ]),
    "minimum": (torch.minimum, True, [
        C("same", R(3, 4), R(3, 4)),
        C("bcast", R(2, 1, 4), R(3, 1)),
        C("ties", T([[1.0, 2.0, 3.0], [0.0, -1.0, 5.0]]), T([[1.0, 0.0, 3.0], [0.0, 2.0, 4.0]])),
    ]),
    # ---- comparisons (bool output, no grads) ----------------------------------------------
    "eq": (torch.eq, False, cmp_cases()),
    "ne": (torch.ne, False, cmp_cases()),
    "lt": (torch.lt, False, cmp_cases()),
    "le": (torch.le, False, cmp_cases()),
    "gt": (torch.gt, False, cmp_cases()),
    "ge": (torch.ge, False, cmp_cases()),
    "where": (torch.where, True, [
        C("same", Bools(3, 4), R(3, 4), R(3, 4)),
        C("bcast", Bools(3, 1), R(3, 4), R(4)),
        C("bcast_cond", Bools(4), R(2, 3, 1), R(3, 4)),
    ]),
    "masked_fill": (lambda x, mask, value: x.masked_fill(mask, value), True, [
        C("same", R(3, 4), Bools(3, 4), value=0.5),
        C("bcast", R(2, 3, 4), Bools(4), value=-1e9),
        C("bcast_col", R(3, 4), Bools(3, 1), value=0.0),
    ]),
    # ---- elementwise unary ------------------------------------------------------------------
    "neg": (torch.neg, True, unary_cases()),
    "abs": (torch.abs, True, unary_cases() + [C("edge", T([-1.5, 0.0, 2.0, -0.0]))]),
    "exp": (torch.exp, True, unary_cases()),
    "log": (torch.log, True, unary_cases(Pos) + [C("wide", Pos(4, 3, low=1e-3, high=50.0))]),
    "sqrt": (torch.sqrt, True, unary_cases(Pos)),
    "rsqrt": (torch.rsqrt, True, unary_cases(Pos)),
    "clamp": (torch.clamp, True, [
        C("min", R(3, 4), min=-0.5),
        C("max", R(3, 4), max=0.3),
        C("both", R(2, 3, 4), min=-0.5, max=0.5),
        C("edge", T([-1.0, -0.5, 0.0, 0.5, 1.0]), min=-0.5, max=0.5),
    ]),
    # ---- activations -------------------------------------------------------------------------
    "relu": (F.relu, True, unary_cases() + [C("edge", T([-1.0, 0.0, 2.0]))]),
    "leaky_relu": (F.leaky_relu, True, [
        C("default", R(3, 4), negative_slope=0.01),
        C("slope02", R(2, 3, 5), negative_slope=0.2),
        C("empty", R(0, 3), negative_slope=0.2),
    ]),
    "gelu": (F.gelu, True, [
        C("erf", R(3, 4), approximate="none"),
        C("tanh", R(3, 4), approximate="tanh"),
        C("erf_wide", Spec(lambda: torch.linspace(-6, 6, 13), True), approximate="none"),
        C("tanh_wide", Spec(lambda: torch.linspace(-6, 6, 13), True), approximate="tanh"),
    ]),
    "sigmoid": (torch.sigmoid, True, unary_cases() + [C("wide", Spec(lambda: torch.linspace(-40, 40, 9), True))]),
    "tanh": (torch.tanh, True, unary_cases() + [C("wide", Spec(lambda: torch.linspace(-20, 20, 9), True))]),
    "silu": (F.silu, True, unary_cases()),
    "softplus": (F.softplus, True, [
        C("default", R(3, 4), beta=1.0, threshold=20.0),
        C("beta2", R(3, 4), beta=2.0, threshold=20.0),
        C("threshold", Spec(lambda: torch.linspace(-3, 3, 7), True), beta=1.0, threshold=1.0),
        C("wide", Spec(lambda: torch.linspace(-30, 30, 7), True), beta=1.0, threshold=20.0),
    ]),
    # ---- reductions -------------------------------------------------------------------------
    "sum": (torch.sum, True, reduce_cases([C("empty", R(0, 3), dim=0), C("empty_full", R(0, 3))])),
    "mean": (torch.mean, True, reduce_cases()),
    "var": (torch.var, True, var_cases()),
    "std": (torch.std, True, var_cases()),
    "max": (torch.max, True, minmax_cases()),
    "min": (torch.min, True, minmax_cases()),
    "argmax": (torch.argmax, False, arg_cases()),
    "argmin": (torch.argmin, False, arg_cases()),
    "logsumexp": (torch.logsumexp, True, [
        C("dim1", R(3, 4), dim=1),
        C("dim0_keep", R(3, 4), dim=0, keepdim=True),
        C("dims", R(2, 3, 4), dim=[0, 2]),
        C("large", Spec(lambda: torch.randn(3, 4) * 100 + 500, True), dim=1),
    ]),
    # ---- linear algebra -----------------------------------------------------------------
    "matmul": (torch.matmul, True, [
        C("dot", R(4), R(4)),
        C("vec_mat", R(3), R(3, 5)),
        C("mat_vec", R(4, 3), R(3)),
        C("mat_mat", R(2, 3), R(3, 4)),
        C("batched", R(2, 3, 4), R(2, 4, 5)),
        C("bcast", R(2, 1, 3, 4), R(5, 4, 2)),
        C("vec_batched", R(4), R(2, 4, 3)),
        C("batched_vec", R(2, 3, 4), R(4)),
        C("empty_k", R(2, 0), R(0, 3)),
    ]),
    "linear": (F.linear, True, [
        C("bias", R(4, 3), R(5, 3), R(5)),
        C("nobias", R(4, 3), R(5, 3)),
        C("batched", R(2, 3, 4), R(2, 4), R(2)),
        C("vec", R(3), R(2, 3), R(2)),
    ]),
    # ---- softmax & losses -----------------------------------------------------------------
    "softmax": (F.softmax, True, softmax_cases()),
    "log_softmax": (F.log_softmax, True, softmax_cases()),
    "cross_entropy": (F.cross_entropy, True, [
        C("mean", R(4, 5), Ints((4,), 0, 5), reduction="mean"),
        C("sum", R(4, 5), Ints((4,), 0, 5), reduction="sum"),
        C("none", R(4, 5), Ints((4,), 0, 5), reduction="none"),
        C("weight_mean", R(6, 3), Ints((6,), 0, 3), NoGrad(Pos(3)), reduction="mean"),
        C("weight_none", R(6, 3), Ints((6,), 0, 3), NoGrad(Pos(3)), reduction="none"),
        C("ignore_mean", R(5, 4), T([1, 2, 2, 0, 2], grad=False), ignore_index=2, reduction="mean"),
        C("ignore_neg", R(5, 4), T([1, -100, 3, 0, -100], grad=False), ignore_index=-100, reduction="sum"),
        C("smooth_mean", R(4, 5), Ints((4,), 0, 5), label_smoothing=0.1, reduction="mean"),
        C("smooth_weight_ignore", R(5, 4), T([1, 2, 3, 0, 2], grad=False), NoGrad(Pos(4)),
          ignore_index=2, label_smoothing=0.2, reduction="mean"),
        C("spatial", R(2, 3, 4), Ints((2, 4), 0, 3), reduction="mean"),
    ]),
    "mse_loss": (F.mse_loss, True, [
        C("mean", R(3, 4), R(3, 4), reduction="mean"),
        C("sum", R(3, 4), R(3, 4), reduction="sum"),
        C("none", R(2, 3, 4), R(2, 3, 4), reduction="none"),
    ]),
    # ---- convolution & pooling --------------------------------------------------------------
    "conv2d": (F.conv2d, True, [
        C("basic", R(2, 3, 7, 6), R(4, 3, 3, 3), R(4), stride=1, padding=0, dilation=1, groups=1),
        C("stride2_pad1_nobias", R(2, 3, 7, 6), R(4, 3, 3, 3), stride=2, padding=1, dilation=1, groups=1),
        C("asym", R(1, 2, 8, 7), R(3, 2, 2, 3), R(3), stride=[2, 1], padding=[1, 2], dilation=[2, 1], groups=1),
        C("groups2", R(1, 4, 5, 5), R(6, 2, 3, 3), R(6), stride=1, padding=1, dilation=1, groups=2),
        C("depthwise", R(2, 3, 6, 6), R(3, 1, 3, 3), R(3), stride=1, padding=1, dilation=1, groups=3),
        C("depthwise_mult2", R(1, 2, 5, 6), R(4, 1, 3, 3), stride=2, padding=0, dilation=1, groups=2),
        C("pointwise", R(2, 4, 3, 5), R(3, 4, 1, 1), R(3), stride=1, padding=0, dilation=1, groups=1),
        C("same", R(1, 2, 6, 5), R(3, 2, 3, 3), R(3), stride=1, padding="same", dilation=2, groups=1),
    ]),
    "max_pool2d": (F.max_pool2d, True, [
        C("k2", R(2, 3, 6, 6), kernel_size=2),
        C("k3s2p1", R(1, 2, 7, 7), kernel_size=3, stride=2, padding=1),
        C("ceil", R(1, 2, 7, 6), kernel_size=2, stride=2, ceil_mode=True),
        C("asym", R(1, 2, 6, 7), kernel_size=[2, 3], stride=[1, 2], padding=[1, 0]),
        C("dilation", R(1, 1, 7, 7), kernel_size=2, stride=1, dilation=2),
    ]),
    "avg_pool2d": (F.avg_pool2d, True, [
        C("k2", R(2, 3, 6, 6), kernel_size=2),
        C("pad_incl", R(1, 2, 7, 7), kernel_size=3, stride=2, padding=1, count_include_pad=True),
        C("pad_excl", R(1, 2, 7, 7), kernel_size=3, stride=2, padding=1, count_include_pad=False),
        C("ceil_incl", R(1, 2, 7, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=True),
        C("ceil_excl", R(1, 2, 7, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        C("ceil_nopad", R(1, 1, 5, 5), kernel_size=2, stride=2, ceil_mode=True),
        C("divisor", R(1, 2, 4, 4), kernel_size=2, divisor_override=3),
    ]),
    "adaptive_avg_pool2d": (F.adaptive_avg_pool2d, True, [
        C("uneven", R(1, 2, 5, 7), output_size=[3, 4]),
        C("even", R(2, 3, 4, 4), output_size=[2, 2]),
        C("global", R(2, 3, 5, 3), output_size=1),
        C("upsample", R(1, 1, 2, 3), output_size=[3, 5]),
    ]),
    # ---- indexing -----------------------------------------------------------------------------
    "embedding": (F.embedding, True, [
        C("basic", T([[1, 3, 3, 0, 9], [4, 1, 1, 7, 2]], grad=False), R(10, 4)),
        C("padding_idx", T([[1, 0, 3, 0], [2, 2, 0, 5]], grad=False), R(6, 3), padding_idx=0),
        C("padding_idx_mid", T([1, 2, 2, 4, 3], grad=False), R(5, 3), padding_idx=2),
    ]),
    "index_select": (lambda x, index, dim: torch.index_select(x, dim, index), True, [
        C("dim0", R(5, 3), T([4, 0, 0, 2], grad=False), dim=0),
        C("dim1", R(2, 4, 3), T([3, 1, 1], grad=False), dim=1),
        C("dim_neg", R(3, 5), T([0, 4], grad=False), dim=-1),
    ]),
    "gather": (lambda x, index, dim: torch.gather(x, dim, index), True, [
        C("dim0", R(3, 4), T([[0, 1, 2, 0], [2, 2, 1, 0]], grad=False), dim=0),
        C("dim1", R(3, 4), T([[3, 0], [1, 1], [0, 2]], grad=False), dim=1),
        C("smaller", R(4, 5), T([[0, 4, 4], [2, 1, 0]], grad=False), dim=1),
    ]),
    "scatter_add": (lambda x, index, src, dim: torch.scatter_add(x, dim, index, src), True, [
        C("dim0", R(3, 5), T([[0, 1, 2, 0, 1], [2, 2, 0, 0, 1]], grad=False), R(2, 5), dim=0),
        C("dim1", R(2, 4), T([[3, 3, 0], [1, 2, 1]], grad=False), R(2, 3), dim=1),
    ]),
    # ---- joining / splitting ----------------------------------------------------------------
    "cat": (lambda *ts, dim: torch.cat(ts, dim=dim), True, [
        C("dim0", R(2, 3), R(4, 3), dim=0),
        C("dim1", R(2, 3), R(2, 1), R(2, 4), dim=1),
        C("dim_neg", R(2, 2, 3), R(2, 2, 2), dim=-1),
        C("with_empty", R(2, 3), R(0, 3), R(1, 3), dim=0),
    ]),
    "stack": (lambda *ts, dim: torch.stack(ts, dim=dim), True, [
        C("dim0", R(2, 3), R(2, 3), dim=0),
        C("dim1", R(2, 3), R(2, 3), R(2, 3), dim=1),
        C("dim_neg", R(3, 2), R(3, 2), dim=-1),
    ]),
    "split": (torch.split, True, [
        C("size_uneven", R(7, 3), split_size_or_sections=3, dim=0),
        C("sections", R(2, 6), split_size_or_sections=[1, 3, 2], dim=1),
        C("size_dim_neg", R(2, 3, 4), split_size_or_sections=2, dim=-1),
    ]),
    "chunk": (torch.chunk, True, [
        C("uneven", R(7, 2), chunks=3, dim=0),
        C("fewer", R(3, 6), chunks=4, dim=1),
        C("even", R(2, 3, 4), chunks=2, dim=-1),
    ]),
    # ---- normalization ----------------------------------------------------------------------
    "layer_norm": (lambda x, *affine, normalized_shape, eps: F.layer_norm(x, normalized_shape, *affine, eps=eps), True, [
        C("affine", R(3, 5), R(5), R(5), normalized_shape=[5], eps=1e-5),
        C("affine_2d", R(2, 3, 4), R(3, 4), R(3, 4), normalized_shape=[3, 4], eps=1e-5),
        C("plain", R(4, 6), normalized_shape=[6], eps=1e-5),
        C("plain_eps", R(2, 2, 3), normalized_shape=[3], eps=1e-3),
    ]),
    "batch_norm": (F.batch_norm, True, [
        C("train_4d", R(3, 2, 4, 3), NoGrad(R(2)), NoGrad(Pos(2)), R(2), R(2),
          training=True, momentum=0.1, eps=1e-5, extras={"running_mean": 1, "running_var": 2}),
        C("train_2d", R(5, 3), NoGrad(R(3)), NoGrad(Pos(3)), R(3), R(3),
          training=True, momentum=0.3, eps=1e-5, extras={"running_mean": 1, "running_var": 2}),
        C("train_noaffine", R(4, 3, 2, 2), NoGrad(R(3)), NoGrad(Pos(3)),
          training=True, momentum=0.1, eps=1e-5, extras={"running_mean": 1, "running_var": 2}),
        C("eval_4d", R(3, 2, 4, 3), NoGrad(R(2)), NoGrad(Pos(2)), R(2), R(2),
          training=False, momentum=0.1, eps=1e-5),
        C("eval_2d_noaffine", R(5, 3), NoGrad(R(3)), NoGrad(Pos(3)), training=False, momentum=0.1, eps=1e-5),
    ]),
    # ---- views (for view gradients) ---------------------------------------------------------
    "reshape": (torch.reshape, True, [
        C("merge", R(2, 3, 4), shape=[6, 4]),
        C("infer", R(2, 3, 4), shape=[4, -1]),
        C("flatten", R(3, 1, 2), shape=[-1]),
        C("to_scalar", R(1, 1), shape=[]),
    ]),
    "permute": (torch.permute, True, [
        C("p3", R(2, 3, 4), dims=[2, 0, 1]),
        C("p4", R(2, 1, 3, 2), dims=[3, 1, 0, 2]),
        C("neg", R(2, 3, 4), dims=[-1, -3, -2]),
    ]),
    "transpose": (torch.transpose, True, [
        C("mat", R(3, 4), dim0=0, dim1=1),
        C("inner", R(2, 3, 4), dim0=1, dim1=2),
        C("neg", R(2, 3, 4), dim0=-1, dim1=0),
    ]),
    "narrow": (torch.narrow, True, [
        C("dim0", R(5, 3), dim=0, start=1, length=3),
        C("dim1", R(2, 6, 3), dim=1, start=2, length=4),
        C("zero_len", R(4, 3), dim=0, start=2, length=0),
    ]),
    "select": (torch.select, True, [
        C("dim0", R(3, 4), dim=0, index=1),
        C("dim1_neg_idx", R(2, 5, 3), dim=1, index=-1),
        C("last", R(2, 3, 4), dim=-1, index=2),
    ]),
    "squeeze": (torch.squeeze, True, [
        C("all", R(1, 3, 1, 2)),
        C("dim", R(1, 3, 1, 2), dim=2),
        C("dim_noop", R(2, 3), dim=0),
        C("dim_neg", R(3, 1), dim=-1),
    ]),
    "unsqueeze": (torch.unsqueeze, True, [
        C("front", R(3, 4), dim=0),
        C("mid", R(3, 4), dim=1),
        C("neg", R(3, 4), dim=-1),
        C("scalar", R(), dim=0),
    ]),
    "expand": (lambda x, size: x.expand(size), True, [
        C("cols", R(3, 1), size=[3, 4]),
        C("lead", R(1, 4), size=[2, 3, 4]),
        C("infer", R(3, 1), size=[2, -1, 5]),
        C("scalar", R(), size=[2, 3]),
    ]),
}


# ---------------------------------------------------------------------------------------------
# running the cases
# ---------------------------------------------------------------------------------------------

def run_case(fn, differentiable, case, tensors):
    inputs = [s.make() for s in case.inputs]
    grad_idx = []
    for i, (s, t) in enumerate(zip(case.inputs, inputs)):
        tensors[f"{case.name}.in{i}"] = t.detach().clone()
        if differentiable and s.grad and t.is_floating_point():
            t.requires_grad_(True)
            grad_idx.append(i)

    result = (case.fn or fn)(*inputs, **case.kwargs)
    outs = [result] if isinstance(result, torch.Tensor) else list(result)
    single = isinstance(result, torch.Tensor)

    for role, idx in (case.extras or {}).items():
        tensors[f"{case.name}.{role}"] = inputs[idx].detach().clone()

    diff_outs, gouts = [], []
    for k, o in enumerate(outs):
        suffix = "" if single else str(k)
        tensors[f"{case.name}.out{suffix}"] = o.detach().clone()
        if grad_idx and o.requires_grad:
            g = torch.randn(o.shape, dtype=o.dtype)
            tensors[f"{case.name}.gout{suffix}"] = g
            diff_outs.append(o)
            gouts.append(g)

    if grad_idx and diff_outs:
        grads = torch.autograd.grad(diff_outs, [inputs[i] for i in grad_idx], gouts, allow_unused=True)
        for i, g in zip(grad_idx, grads):
            tensors[f"{case.name}.grad{i}"] = torch.zeros_like(inputs[i]) if g is None else g.detach().clone()


def make_op_file(op, out_dir):
    fn, differentiable, cases = OPS[op]
    torch.manual_seed(0)  # per op, so adding an op does not change the others
    tensors = {}
    metadata = {"op": op, "torch": torch.__version__, "generator": "tools/make_fixtures.py"}
    for case in cases:
        assert case.name not in metadata, case.name
        metadata[case.name] = json.dumps(case.kwargs, sort_keys=True)
        run_case(fn, differentiable, case, tensors)
    data = safetensors_bytes(tensors, metadata)
    write_atomic(os.path.join(out_dir, "ops", f"{op}.safetensors"), data)
    return len(data)


def make_sample_file(out_dir):
    """A small multi-dtype file for the safetensors reader test (values are checked in C#)."""
    tensors = {
        "f64": torch.tensor([[0.5, -1.25, 3.0], [1e-300, -0.0, 2.0 ** 60]], dtype=torch.float64),
        "f32": torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1.0,
        "f16": torch.tensor([1.0, -2.5, 65504.0, 0.000061035156], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -2.0, 3.140625], dtype=torch.bfloat16),
        "i64": torch.tensor([-(2 ** 62), -1, 0, 2 ** 40], dtype=torch.int64),
        "i32": torch.tensor([[-7, 8], [2 ** 31 - 1, -(2 ** 31)]], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767, 5], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "mask": torch.tensor([True, False, True], dtype=torch.bool),
        "scalar": torch.tensor(2.75, dtype=torch.float64),
        "empty": torch.zeros(2, 0, dtype=torch.float32),
    }
    data = safetensors_bytes(tensors, {"format": "pt", "source": "tools/make_fixtures.py"})
    write_atomic(os.path.join(out_dir, "safetensors", "python_sample.safetensors"), data)
    return len(data)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(root, "tests", "fixtures"))
    parser.add_argument("ops", nargs="*", help="only these ops (default: all)")
    args = parser.parse_args()
    torch.set_default_dtype(torch.float64)

    total = make_sample_file(args.out)
    for op in args.ops or sorted(OPS):
        n = make_op_file(op, args.out)
        total += n
        print(f"{op:22s} {n:8d} bytes")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
