#!/usr/bin/env python3
"""Runs Tessera's benchmarks and the reference scripts beside it side by side, in one session, and
prints the ratio tessera/peer for each workload (higher is better for Tessera): best against best, and the
median over rounds of the ratio within each alternation round.

Peers: PyTorch (the scripts in this folder; needs Debian's python3-torch) and, with --torchsharp, the
TorchSharp build of bench/torchsharp (gemm, mlp, lenet; build it first, see bench/torchsharp/README.md).
mlp and lenet train one epoch of Fashion-MNIST (/usr/share/datasets/fashion-mnist, Debian's
dataset-fashion-mnist, or $FMNIST for the peers and --data for Tessera).

  /usr/bin/python3 bench/compare.py [--rounds N] [--threads T] [--suites gemm,conv,...] [--torchsharp [DLL]]

One JSON line per (suite, case, metric): "tessera", "torch", "speedup_vs_torch", "median_round_speedup",
and with --torchsharp also "torchsharp", "speedup_vs_torchsharp", "median_round_speedup_vs_torchsharp" (likewise
"baseline" with --baseline DIR: the same benchmarks from another checkout, to show a change's effect)."""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TORCHSHARP_DLL = os.path.join(HERE, "torchsharp", "bin", "Release", "net10.0", "TorchSharpBench.dll")
ALL_SUITES = "gemm,gemm-training,elementwise,conv,mlp,lenet"

def lines(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]

def table(rows, key, metric):
    """{case key: value} for the rows that carry the metric (progress or info lines are skipped)."""
    out = {}
    for r in rows:
        try:
            out[key(r)] = r[metric]
        except KeyError:
            continue
    return out

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--suites", default=ALL_SUITES, help="comma-separated subset of " + ALL_SUITES)
    ap.add_argument("--data", default=None, help="Fashion-MNIST folder for Tessera's mlp/lenet (the peers read $FMNIST)")
    ap.add_argument("--torchsharp", nargs="?", const=TORCHSHARP_DLL, default=None, metavar="DLL",
                    help="also run the TorchSharp peer (default: " + os.path.relpath(TORCHSHARP_DLL, ROOT) + ")")
    ap.add_argument("--baseline", default=None, metavar="DIR",
                    help="also run another checkout of Tessera (built with dotnet build -c Release src/Tessera.Cli), e.g. a "
                         "git worktree of the commit before a change: its figures appear as the peer 'baseline'")
    args = ap.parse_args()
    if args.torchsharp and not os.path.exists(args.torchsharp):
        sys.exit(f"TorchSharp peer not built: {args.torchsharp} is missing (see bench/torchsharp/README.md)")
    env = dict(os.environ, THREADS=str(args.threads))
    subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(ROOT, "src/Tessera.Cli"), "-v", "q", "-nologo"], check=True, capture_output=True)
    cli = ["dotnet", os.path.join(ROOT, "src/Tessera.Cli/bin/Release/net10.0/Tessera.Cli.dll"), "bench"]
    t = ["--threads", str(args.threads), "--json"]
    data = ["--data", args.data] if args.data else []
    py = [sys.executable]
    ts = ["dotnet", args.torchsharp] if args.torchsharp else None
    by_workload = lambda r: (r["workload"],)
    train_metrics = [("train_samples_per_s", True), ("test_acc", True), ("infer_b1_us", False), ("infer_b256_samples_per_s", True)]
    # (name, case key, [(metric, higher is better)], tessera command, {peer: command})
    suites = [
        ("gemm", lambda r: (r["n"],), [("gflops", True)], cli + ["gemm"] + t,
         {"torch": py + [os.path.join(HERE, "torch_gemm.py")], "torchsharp": ts and ts + ["gemm", "--no-warmup"]}),
        ("gemm-training", lambda r: (r["m"], r["n"], r["k"], r["transA"], r["transB"]), [("gflops", True)],
         cli + ["gemm", "--shapes", "training"] + t, {"torch": py + [os.path.join(HERE, "torch_gemm_shapes.py")]}),
        ("elementwise", lambda r: (r["op"],), [("us", False)], cli + ["elementwise"] + t,
         {"torch": py + [os.path.join(HERE, "torch_elementwise.py")]}),
        ("conv", lambda r: (r["case"],), [("us", False)], cli + ["conv"] + t, {"torch": py + [os.path.join(HERE, "torch_conv.py")]}),
        ("mlp", by_workload, train_metrics, cli + ["mlp"] + t + data,
         {"torch": py + [os.path.join(HERE, "torch_seed_workloads.py"), "mlp"], "torchsharp": ts and ts + ["mlp", "--no-warmup"]}),
        ("lenet", by_workload, train_metrics, cli + ["lenet"] + t + data,
         {"torch": py + [os.path.join(HERE, "torch_seed_workloads.py"), "lenet"], "torchsharp": ts and ts + ["lenet", "--no-warmup"]}),
    ]
    if args.baseline:
        base_dll = os.path.join(args.baseline, "src/Tessera.Cli/bin/Release/net10.0/Tessera.Cli.dll")
        if not os.path.exists(base_dll):
            sys.exit(f"baseline not built: {base_dll} is missing")
        for _, _, _, ours_cmd, peer_cmds in suites:
            peer_cmds["baseline"] = ["dotnet", base_dll, "bench"] + ours_cmd[len(cli):]
    wanted = args.suites.split(",")
    for name, key, metrics, ours_cmd, peer_cmds in suites:
        if name not in wanted:
            continue
        peers = {p: c for p, c in peer_cmds.items() if c}
        ours_rounds, peer_rounds = [], {p: [] for p in peers}
        for _ in range(args.rounds):  # alternate so every side sees the same machine conditions
            ours_rounds.append(lines(ours_cmd))
            for p, c in peers.items():
                peer_rounds[p].append(lines(c, env))
        for metric, higher in metrics:
            ours = [table(r, key, metric) for r in ours_rounds]
            pick = max if higher else min
            for k in ours[0]:
                line = {"suite": name, "case": "x".join(map(str, k)), "metric": metric, "tessera": pick(r[k] for r in ours)}
                for p in peers:
                    theirs = [table(r, key, metric) for r in peer_rounds[p]]
                    if k not in theirs[0]:
                        continue
                    o, q = line["tessera"], pick(r[k] for r in theirs)
                    # The ratio within each alternation round, then their median: robust to one side
                    # catching a lucky or an unlucky round.
                    per_round = [(a[k] / b[k]) if higher else (b[k] / a[k]) for a, b in zip(ours, theirs)]
                    line[p] = q
                    line["speedup_vs_" + p] = round(o / q if higher else q / o, 2)
                    line["median_round_speedup" + ("" if p == "torch" else "_vs_" + p)] = round(median(per_round), 2)
                print(json.dumps(line), flush=True)

if __name__ == "__main__":
    main()
