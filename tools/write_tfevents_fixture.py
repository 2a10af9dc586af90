#!/usr/bin/env python3
"""Writes the TensorBoard fixture the C# EventFileReader test reads, independently of Tessera: TFRecord framing
with `crc32c` (Debian's python3-crc32c), Events built with python3-protobuf and tools/tensorboard_protos/, the
histogram made by PyTorch's `make_histogram` rule (numpy.histogram over TensorFlow's default exponential edges),
the image PNG-encoded with zlib.

Usage (from the repository root): /usr/bin/python3 tools/write_tfevents_fixture.py
Writes tests/fixtures/tensorboard/events.out.tfevents.1700000000.fixture-host.4242.0 and expected.json beside it
(what the file holds, plus the histograms' input values). Deterministic: the same bytes on every run.
"""
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent / "tensorboard_protos"))

import crc32c  # noqa: E402
from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2  # noqa: E402
from tensorboard.plugins.hparams import api_pb2, plugin_data_pb2  # noqa: E402
from tensorboard.plugins.text import plugin_data_pb2 as text_pb2  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tensorboard"
FILE_NAME = "events.out.tfevents.1700000000.fixture-host.4242.0"
T0 = 1700000000.0


def masked_crc(data: bytes) -> int:
    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc(header)) + data + struct.pack("<I", masked_crc(data))


def default_edges() -> list:
    # torch.utils.tensorboard.SummaryWriter.default_bins
    v, buckets, neg = 1e-12, [], []
    while v < 1e20:
        buckets.append(v)
        neg.append(-v)
        v *= 1.1
    return neg[::-1] + [0] + buckets


def make_histogram(values: np.ndarray, bins) -> summary_pb2.HistogramProto:
    # torch.utils.tensorboard.summary.make_histogram without max_bins
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    cum_counts = np.cumsum(np.greater(counts, 0).astype(np.int32))
    start, end = np.searchsorted(cum_counts, [0, cum_counts[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    return summary_pb2.HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                                      sum_squares=values.dot(values), bucket_limit=limits.tolist(),
                                      bucket=counts.tolist())


def histogram_json(tag: str, step: int, values: np.ndarray, h: summary_pb2.HistogramProto) -> dict:
    # The proto itself is in the event file; the C# test rebuilds it from the values and compares.
    return {"tag": tag, "step": step, "values": values.tolist(), "buckets": len(h.bucket)}


def png(pixels: bytes, height: int, width: int, channels: int) -> bytes:
    color = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    stride = width * channels
    raw = b"".join(b"\x00" + pixels[y * stride:(y + 1) * stride] for y in range(height))  # filter None

    def chunk(ctype: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def summary_event(step: int, *values) -> event_pb2.Event:
    return event_pb2.Event(wall_time=T0 + step * 0.5, step=step, summary=summary_pb2.Summary(value=list(values)))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    events = [event_pb2.Event(wall_time=T0, file_version="brain.Event:2")]
    scalars = []

    for step, loss in enumerate([2.5, 1.25, 0.625, 0.3125]):
        events.append(summary_event(step, summary_pb2.Summary.Value(tag="train/loss", simple_value=loss)))
        scalars.append(["train/loss", step, loss, T0 + step * 0.5])
    # Two values in one event.
    events.append(summary_event(4, summary_pb2.Summary.Value(tag="train/loss", simple_value=0.25),
                                summary_pb2.Summary.Value(tag="val/acc", simple_value=0.8125)))
    scalars += [["train/loss", 4, 0.25, T0 + 2.0], ["val/acc", 4, 0.8125, T0 + 2.0]]
    # A new-style scalar: rank-0 float tensor, plugin "scalars".
    lr_meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"),
                                          data_class=summary_pb2.DATA_CLASS_SCALAR)
    events.append(summary_event(5, summary_pb2.Summary.Value(
        tag="lr", metadata=lr_meta, tensor=tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[0.015625]))))
    scalars.append(["lr", 5, 0.015625, T0 + 2.5])

    # Histograms: normal values plus ones on bucket edges (0, ±1e-12, an interior edge); and a few values with one
    # beyond the last edge (1e20), which numpy's counting drops but min/max/num/sum include.
    edges = default_edges()
    values = np.concatenate([np.random.RandomState(0).normal(0.0, 1.0, 200),
                             [0.0, 1e-12, -1e-12, edges[800], edges[800], 3.0]])
    histo = make_histogram(values, edges)
    wide_values = np.array([1.0, -2.0, 1e21])
    wide = make_histogram(wide_values, edges)
    events.append(summary_event(6, summary_pb2.Summary.Value(tag="weights", histo=histo),
                                summary_pb2.Summary.Value(tag="wide", histo=wide)))

    text = "**Epoch 1**: loss 1.25 — ünïcode ✓"
    text_meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
        plugin_name="text", content=text_pb2.TextPluginData(version=0).SerializeToString()))
    text_tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, string_val=[text.encode("utf-8")],
                                         tensor_shape=tensor_shape_pb2.TensorShapeProto(
                                             dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=1)]))
    events.append(summary_event(7, summary_pb2.Summary.Value(tag="notes", metadata=text_meta, tensor=text_tensor)))

    height, width, channels = 3, 4, 3
    pixels = bytes((17 * i + 5) % 256 for i in range(height * width * channels))
    image = summary_pb2.Summary.Image(height=height, width=width, colorspace=3,
                                      encoded_image_string=png(pixels, height, width, channels))
    events.append(summary_event(8, summary_pb2.Summary.Value(tag="sample", image=image)))

    hparams = {"lr": 0.01, "optimizer": "sgd", "augment": True}
    experiment = api_pb2.Experiment(
        hparam_infos=[api_pb2.HParamInfo(name="augment", type=api_pb2.DATA_TYPE_BOOL),
                      api_pb2.HParamInfo(name="lr", type=api_pb2.DATA_TYPE_FLOAT64),
                      api_pb2.HParamInfo(name="optimizer", type=api_pb2.DATA_TYPE_STRING)],
        metric_infos=[api_pb2.MetricInfo(name=api_pb2.MetricName(tag="val/acc"))])
    start = plugin_data_pb2.SessionStartInfo(start_time_secs=T0)
    start.hparams["lr"].number_value = 0.01
    start.hparams["optimizer"].string_value = "sgd"
    start.hparams["augment"].bool_value = True
    null_tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, tensor_shape=tensor_shape_pb2.TensorShapeProto(
        dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=0)]))

    def hp_value(tag, data):
        meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name="hparams", content=data.SerializeToString()))
        return summary_pb2.Summary.Value(tag=tag, metadata=meta, tensor=null_tensor)

    events.append(event_pb2.Event(wall_time=T0, step=0, summary=summary_pb2.Summary(value=[
        hp_value("_hparams_/experiment", plugin_data_pb2.HParamsPluginData(experiment=experiment)),
        hp_value("_hparams_/session_start_info", plugin_data_pb2.HParamsPluginData(session_start_info=start))])))

    (OUT / FILE_NAME).write_bytes(b"".join(frame(e.SerializeToString()) for e in events))
    expected = {
        "file": FILE_NAME,
        "events": len(events),
        "file_version": "brain.Event:2",
        "first_wall_time": T0,
        "scalars": scalars,
        "histograms": [histogram_json(tag, 6, v, h) for tag, v, h in [("weights", values, histo), ("wide", wide_values, wide)]],
        "text": {"tag": "notes", "step": 7, "text": text},
        "image": {"tag": "sample", "step": 8, "height": height, "width": width, "channels": channels,
                  "pixels_hex": pixels.hex()},
        "hparams": {"values": hparams, "metrics": ["val/acc"]},
    }
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT / FILE_NAME} ({len(events)} events) and expected.json")


if __name__ == "__main__":
    main()
