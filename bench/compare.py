#!/usr/bin/env python3
"""Runs Tessera's benchmarks and the PyTorch reference scripts side by side, in one session, and
prints the ratio tessera/torch for each workload (higher is better for Tessera): best against best, and the
median over rounds of the ratio within each alternation pair.
Needs Debian's python3-torch; run with /usr/bin/python3 bench/compare.py [--rounds N] [--threads T]."""
import argparse, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")

def lines(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--suites", default="gemm,gemm-training,elementwise,conv", help="comma-separated subset")
    args = ap.parse_args()
    env = dict(os.environ, THREADS=str(args.threads))
    subprocess.run(["dotnet", "build", "-c", "Release", os.path.join(ROOT, "src/Tessera.Cli"), "-v", "q", "-nologo"], check=True, capture_output=True)
    cli = ["dotnet", os.path.join(ROOT, "src/Tessera.Cli/bin/Release/net10.0/Tessera.Cli.dll"), "bench"]
    t = ["--threads", str(args.threads), "--json"]
    torch_gemm = os.path.join(SHARED, "torch_gemm.py") if os.path.exists(os.path.join(SHARED, "torch_gemm.py")) else None
    suites = [
        ("gemm", lambda r: (r["n"],), "gflops", True, cli + ["gemm"] + t, [sys.executable, torch_gemm] if torch_gemm else None),
        ("gemm-training", lambda r: (r["m"], r["n"], r["k"], r["transA"], r["transB"]), "gflops", True,
         cli + ["gemm", "--shapes", "training"] + t, [sys.executable, os.path.join(HERE, "torch_gemm_shapes.py")]),
        ("elementwise", lambda r: (r["op"],), "us", False, cli + ["elementwise"] + t, [sys.executable, os.path.join(HERE, "torch_elementwise.py")]),
        ("conv", lambda r: (r["case"],), "us", False, cli + ["conv"] + t, [sys.executable, os.path.join(HERE, "torch_conv.py")]),
    ]
    for name, key, metric, higher, ours_cmd, torch_cmd in suites:
        if torch_cmd is None or name not in args.suites.split(","):
            continue
        rounds_ours, rounds_torch = [], []
        for _ in range(args.rounds):  # alternate so both see the same machine conditions
            rounds_ours.append({key(r): r[metric] for r in lines(ours_cmd)})
            rounds_torch.append({key(r): r[metric] for r in lines(torch_cmd, env)})
        pick = max if higher else min
        for k in rounds_ours[0]:
            if k not in rounds_torch[0]:
                continue
            o = pick(r[k] for r in rounds_ours)
            p = pick(r[k] for r in rounds_torch)
            ratio = o / p if higher else p / o
            # The ratio within each alternation pair, then their median: robust to one side
            # catching a lucky or an unlucky round.
            per_round = sorted((ro[k] / rt[k]) if higher else (rt[k] / ro[k]) for ro, rt in zip(rounds_ours, rounds_torch))
            median = per_round[len(per_round) // 2] if len(per_round) % 2 else (per_round[len(per_round) // 2 - 1] + per_round[len(per_round) // 2]) / 2
            print(json.dumps({"suite": name, "case": "x".join(map(str, k)), "tessera": o, "torch": p, "metric": metric,
                              "speedup_vs_torch": round(ratio, 2), "median_round_speedup": round(median, 2)}), flush=True)

if __name__ == "__main__":
    main()
