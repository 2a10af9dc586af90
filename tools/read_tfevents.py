#!/usr/bin/env python3
"""Independent reader for TensorBoard event files: checks the TFRecord framing (both masked CRC32Cs, with the
`crc32c` module of Debian's python3-crc32c), parses each record as a tensorboard.Event (Debian's python3-protobuf
and the modules in tools/tensorboard_protos/), and prints one JSON object per event. PNG images are checked and
decoded with zlib (signature, chunk CRCs, IHDR, filters) and their pixels printed as hex.

Usage: /usr/bin/python3 tools/read_tfevents.py FILE [FILE ...]
Exit codes: 0 ok, 2 a file is unreadable, truncated, corrupt or not made of Events (one `error:` line on stderr).
"""
import json
import math
import struct
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tensorboard_protos"))

import crc32c  # noqa: E402  (python3-crc32c)
from google.protobuf import json_format  # noqa: E402  (python3-protobuf)
from google.protobuf.message import DecodeError  # noqa: E402
from tensorboard.compat.proto import event_pb2, types_pb2  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2 as hparams_pb2  # noqa: E402
from tensorboard.plugins.text import plugin_data_pb2 as text_pb2  # noqa: E402


class FormatError(Exception):
    pass


def masked_crc(data: bytes) -> int:
    crc = crc32c.crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path: str):
    """Yields (offset, data) for each TFRecord, verifying both CRCs."""
    with open(path, "rb") as f:
        blob = f.read()
    offset = 0
    while offset < len(blob):
        header = blob[offset:offset + 12]
        if len(header) < 12:
            raise FormatError(f"{path}: truncated record header at byte offset {offset}")
        length, length_crc = struct.unpack("<QI", header)
        if length_crc != masked_crc(header[:8]):
            raise FormatError(f"{path}: length CRC mismatch at byte offset {offset}")
        data = blob[offset + 12:offset + 12 + length]
        footer = blob[offset + 12 + length:offset + 16 + length]
        if len(data) < length or len(footer) < 4:
            raise FormatError(f"{path}: truncated record data at byte offset {offset}")
        if struct.unpack("<I", footer)[0] != masked_crc(data):
            raise FormatError(f"{path}: data CRC mismatch at byte offset {offset}")
        yield offset, data
        offset += 16 + length


def number(x: float):
    """JSON has no NaN/Infinity: write them as the strings .NET's named-literal number handling reads."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(png: bytes) -> dict:
    """Checks and decodes an 8-bit non-interlaced PNG (what summary images use)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise FormatError("image is not a PNG (bad signature)")
    pos, chunks = 8, []
    while pos < len(png):
        if pos + 8 > len(png):
            raise FormatError("truncated PNG chunk header")
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        ctype = png[pos + 4:pos + 8]
        body = png[pos + 8:pos + 8 + length]
        if len(body) < length or pos + 12 + length > len(png):
            raise FormatError(f"truncated PNG chunk {ctype!r}")
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        if crc != zlib.crc32(ctype + body) & 0xFFFFFFFF:
            raise FormatError(f"PNG chunk {ctype!r} fails its CRC")
        chunks.append((ctype, body))
        pos += 12 + length
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise FormatError("PNG does not start with IHDR and end with IEND")
    width, height, depth, color, comp, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    channels = {0: 1, 4: 2, 2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None or comp or filt or interlace:
        raise FormatError(f"unsupported PNG: depth {depth}, color type {color}, interlace {interlace}")
    raw = zlib.decompress(b"".join(body for ctype, body in chunks if ctype == b"IDAT"))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise FormatError(f"PNG image data has {len(raw)} bytes, expected {height * (stride + 1)}")
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], (prev[i - channels] if i >= channels else 0)
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                line[i] = (line[i] + paeth(a, b, c)) & 0xFF
            elif ftype != 0:
                raise FormatError(f"unknown PNG filter type {ftype} in row {y}")
        out += line
        prev = line
    return {"width": width, "height": height, "channels": channels, "pixels_hex": out.hex()}


def tensor_shape(t) -> list:
    return [d.size for d in t.tensor_shape.dim]


def describe_value(v) -> dict:
    out = {"tag": v.tag}
    plugin = v.metadata.plugin_data.plugin_name if v.HasField("metadata") else ""
    if plugin:
        out["plugin"] = plugin
    kind = v.WhichOneof("value")
    if kind == "simple_value":
        out.update(type="scalar", value=number(v.simple_value))
    elif kind == "histo":
        h = v.histo
        out.update(type="histogram", min=number(h.min), max=number(h.max), num=number(h.num), sum=number(h.sum),
                   sum_squares=number(h.sum_squares), bucket_limit=[number(x) for x in h.bucket_limit],
                   bucket=[number(x) for x in h.bucket])
    elif kind == "image":
        im = v.image
        out.update(type="image", height=im.height, width=im.width, colorspace=im.colorspace,
                   png=decode_png(im.encoded_image_string))
    elif kind == "tensor":
        t = v.tensor
        out.update(dtype=types_pb2.DataType.Name(t.dtype), shape=tensor_shape(t))
        if plugin == "text":
            text_pb2.TextPluginData.FromString(v.metadata.plugin_data.content)  # must parse
            out.update(type="text", text=[s.decode("utf-8") for s in t.string_val])
        elif plugin == "hparams":
            data = hparams_pb2.HParamsPluginData.FromString(v.metadata.plugin_data.content)
            out.update(type="hparams", plugin_data=json_format.MessageToDict(data, preserving_proto_field_name=True))
        elif plugin == "scalars":
            vals = list(t.float_val) or list(t.double_val)
            out.update(type="scalar", value=number(vals[0]) if vals else None)
        else:
            out.update(type="tensor")
    else:
        out["type"] = kind or "empty"
    return out


def describe_event(offset: int, data: bytes, path: str) -> dict:
    try:
        e = event_pb2.Event.FromString(data)
    except DecodeError as ex:
        raise FormatError(f"{path}: the record at byte offset {offset} is not an Event: {ex}") from ex
    out = {"offset": offset, "wall_time": number(e.wall_time), "step": e.step}
    what = e.WhichOneof("what")
    if what == "file_version":
        out["file_version"] = e.file_version
    elif what == "summary":
        try:
            out["summary"] = [describe_value(v) for v in e.summary.value]
        except (FormatError, zlib.error, DecodeError, struct.error, UnicodeDecodeError) as ex:
            raise FormatError(f"{path}: event at byte offset {offset}: {ex}") from ex
    elif what:
        out["what"] = what
    return out


def main(argv) -> int:
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    try:
        for path in argv[1:]:
            for offset, data in records(path):
                print(json.dumps(describe_event(offset, data, path), ensure_ascii=False))
    except (FormatError, OSError) as ex:
        print(f"error: {ex}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
