#!/usr/bin/env python3
"""Regenerates tools/tensorboard_protos/ (Python modules for the TensorBoard protos) from the .proto files
that Tessera.Training compiles, with the protoc shipped in the Grpc.Tools NuGet package.

Usage (from the repository root, after a `dotnet restore` has put Grpc.Tools in the NuGet cache):
    /usr/bin/python3 tools/make_tensorboard_protos.py

The generated modules are committed so tools/read_tfevents.py runs without a build. protoc 35 writes a runtime
version gate (`runtime_version.ValidateProtobufRuntimeVersion`) that Debian's python3-protobuf (3.21) does not
have; the modules only use the descriptor-pool builder API that it does have, so the gate is removed.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

GRPC_TOOLS_VERSION = "2.85.0"  # keep in step with Directory.Packages.props

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "src" / "Tessera.Training" / "TensorBoard" / "Protos"
OUT = ROOT / "tools" / "tensorboard_protos"


def find_grpc_tools() -> Path:
    cache = Path(os.environ.get("NUGET_PACKAGES", Path.home() / ".nuget" / "packages"))
    tools = cache / "grpc.tools" / GRPC_TOOLS_VERSION
    if not tools.is_dir():
        sys.exit(f"error: {tools} not found; run `dotnet restore src/Tessera.Training` first")
    return tools


def main() -> None:
    tools = find_grpc_tools()
    protoc = tools / "tools" / "linux_x64" / "protoc"
    include = tools / "build" / "native" / "include"  # google/protobuf/struct.proto
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    subprocess.run([str(protoc), f"-I{PROTO_ROOT}", f"-I{include}", f"--python_out={OUT}", *protos], check=True)

    gate = re.compile(r"^from google\.protobuf import runtime_version as _runtime_version\n"
                      r"|^_runtime_version\.ValidateProtobufRuntimeVersion\(\n(?:.*\n)*?\)\n", re.MULTILINE)
    for module in sorted(OUT.rglob("*_pb2.py")):
        text = module.read_text()
        stripped, n = gate.subn("", text)
        if n != 2:
            sys.exit(f"error: expected the runtime version import and check in {module}, found {n} of them")
        module.write_text(stripped)
    for folder in [OUT, *sorted(p for p in OUT.rglob("*") if p.is_dir())]:
        if folder != OUT:
            (folder / "__init__.py").touch()
    version = subprocess.run([str(protoc), "--version"], check=True, capture_output=True, text=True).stdout.strip()
    (OUT / "README.md").write_text(
        "# Generated: do not edit\n\n"
        f"Python modules for the TensorBoard protos, made by `tools/make_tensorboard_protos.py` with {version}\n"
        f"(Grpc.Tools {GRPC_TOOLS_VERSION}) from `src/Tessera.Training/TensorBoard/Protos/`. Used by\n"
        "`tools/read_tfevents.py` and `tools/write_tfevents_fixture.py`.\n")
    print(f"wrote {len(protos)} modules under {OUT.relative_to(ROOT)} with {version}")


if __name__ == "__main__":
    main()
