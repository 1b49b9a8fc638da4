#!/usr/bin/python3
"""Plots bench.py's results: convergence and controller peak RSS against N.

Usage: bench/plot.py RAW_DIR OUT.png   (RAW_DIR holds bench.py's n*-{a,b,floor}-r*.json)
The floor has no controller, so it appears on the convergence plot only.
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after the backend is chosen

SERIES = [("a", "kubectl-app", "tab:blue", "o"), ("b", "controller-runtime peer", "tab:orange", "s"),
          ("floor", "floor (children applied directly)", "tab:gray", "^")]


def load(raw):
    runs = []
    for name in sorted(os.listdir(raw)):
        if name.startswith("n") and name.endswith(".json"):
            with open(os.path.join(raw, name)) as f:
                r = json.load(f)
            if "error" not in r:
                runs.append(r)
    return runs


def points(runs, which, value):
    pts = sorted((r["n"], value(r)) for r in runs if r["controller"] == which and value(r) is not None)
    return [p[0] for p in pts], [p[1] for p in pts]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: plot.py RAW_DIR OUT.png")
    runs = load(sys.argv[1])
    if not runs:
        sys.exit("plot.py: no results in %s" % sys.argv[1])
    fig, (conv, rss) = plt.subplots(1, 2, figsize=(11, 4.2))
    for which, label, colour, marker in SERIES:
        xs, ys = points(runs, which, lambda r: r.get("convergence_s") if r.get("converged") else None)
        if xs:
            conv.plot(xs, ys, marker=marker, color=colour, label=label)
        if which != "floor":
            xs, ys = points(runs, which, lambda r: r["end"]["hwm_kib"] / 1024 if "end" in r else None)
            if xs:
                rss.plot(xs, ys, marker=marker, color=colour, label=label)
    ns = sorted({r["n"] for r in runs})
    for ax, title, unit in ((conv, "Convergence (all Applications Running)", "seconds"),
                            (rss, "Controller peak RSS (VmHWM)", "MiB")):
        ax.set_title(title)
        ax.set_xlabel("N Applications (4 components each)")
        ax.set_ylabel(unit)
        ax.set_xticks(ns)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("kubectl-app vs controller-runtime peer, one run, each on a control plane of its own")
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=100)


if __name__ == "__main__":
    main()
