#!/usr/bin/env python3
"""Idle RSS of `kubectl-app run-controller`, taken as ../shared/peers/bench.py takes it.

bench.py starts the controller restricted to a fresh namespace (--namespace NS --workers 4,
/metrics and /readyz on free loopback ports), waits for /readyz, sleeps 10 s and reads VmRSS
from /proc/PID/status: that is the "idle RSS" of its table. This script does exactly that,
RUNS times on the cluster of $KUBECONFIG (CRDs installed), and also reports what the number
is made of: VmHWM, RssAnon / RssFile, Pss from smaps_rollup, threads, and with --maps the
resident size of each mapping (shared libraries, the binary, malloc arenas, thread stacks).

  bench/idle_rss.py [--bin build/kubectl-app] [--runs 5] [--maps] [--env K=V ...]

Prints one line per run and the median of each measure. Only the processes it started are
signalled, by pid. It creates one namespace and deletes it at the end.
"""
import argparse
import collections
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def status(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    kib = lambda k: int(fields.get(k, "0 kB").split()[0])  # noqa: E731
    out = {k: kib(k) for k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}
    out["Threads"] = int(fields["Threads"])
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Pss", "Pss_Anon", "Pss_File"):
                out[k] = int(v.split()[0])
    return out


MAP_RE = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$")


def mappings(pid):
    """Resident KiB by what is mapped: each file, [heap], thread stacks, malloc arenas."""
    maps, cur = [], None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            m = MAP_RE.match(line)
            if m:
                size = (int(m.group(2), 16) - int(m.group(1), 16)) // 1024
                cur = {"size": size, "perm": m.group(3), "name": m.group(4) or "", "rss": 0,
                       "pss": 0, "anon": 0}
                maps.append(cur)
            elif cur is not None:
                k, _, v = line.partition(":")
                if k in ("Rss", "Pss", "Anonymous"):
                    cur[k.lower() if k != "Anonymous" else "anon"] = int(v.split()[0])
    agg = collections.defaultdict(lambda: [0, 0, 0, 0])
    for i, x in enumerate(maps):
        name = x["name"]
        if not name:
            # an 8 MiB (or smaller) rw mapping after a 4 KiB guard page is a thread stack; an
            # rw mapping followed by its ---p reserve of the same 64 MiB heap is a malloc arena
            prev = maps[i - 1] if i else None
            nxt = maps[i + 1] if i + 1 < len(maps) else None
            if prev and prev["perm"] == "---p" and prev["size"] == 4 and not prev["name"]:
                name = "[thread stacks]"
            elif nxt and nxt["perm"] == "---p" and not nxt["name"] and x["size"] + nxt["size"] == 65536:
                name = "[malloc arenas]"
            else:
                name = "[other anonymous]"
        a = agg[name]
        a[0] += x["rss"]
        a[1] += x["pss"]
        a[2] += x["anon"]
        a[3] += 1 if x["rss"] else 0
    return agg


def wait_ready(proc, port, deadline_s=90):
    end = time.monotonic() + deadline_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError("controller exited rc=%s during start-up" % proc.returncode)
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % port, timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        if time.monotonic() > end:
            raise RuntimeError("no /readyz within %d s" % deadline_s)
        time.sleep(0.2)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def one_run(args, ns, env):
    mport, hport = free_port(), free_port()
    cmd = [args.bin, "run-controller", "--namespace", ns, "--workers", str(args.workers),
           "--metrics-bind-address", "127.0.0.1:%d" % mport,
           "--health-probe-bind-address", "127.0.0.1:%d" % hport]
    with open(os.devnull, "w") as devnull:
        proc = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        try:
            wait_ready(proc, hport)
            time.sleep(args.settle)
            st = status(proc.pid)
            maps = mappings(proc.pid) if args.maps else None
        finally:
            stop(proc)
    return st, maps


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.path.join(ROOT, "build", "kubectl-app"))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--workers", type=int, default=4, help="per controller (bench.py: 4)")
    p.add_argument("--settle", type=float, default=10, help="seconds after /readyz (bench.py: 10)")
    p.add_argument("--maps", action="store_true", help="resident KiB of each mapping (median run)")
    p.add_argument("--env", action="append", default=[], help="K=V for the controller, e.g. MALLOC_ARENA_MAX=1")
    args = p.parse_args()
    if "KUBECONFIG" not in os.environ:
        sys.exit("set KUBECONFIG (a cluster with the CRDs installed: kubectl app install)")
    env = dict(os.environ)
    env.update(kv.split("=", 1) for kv in args.env)
    ns = "idle-rss-%d-%s" % (os.getpid(), time.strftime("%H%M%S"))
    subprocess.run(["kubectl", "create", "namespace", ns], check=True, stdout=subprocess.DEVNULL)
    runs = []
    try:
        for i in range(args.runs):
            st, maps = one_run(args, ns, env)
            runs.append((st, maps))
            print("run %d: VmRSS %d KiB (%.1f MiB), VmHWM %d, RssAnon %d, RssFile %d, Pss %d "
                  "(anon %d, file %d), threads %d" % (
                      i + 1, st["VmRSS"], st["VmRSS"] / 1024, st["VmHWM"], st["RssAnon"], st["RssFile"],
                      st["Pss"], st["Pss_Anon"], st["Pss_File"], st["Threads"]), flush=True)
    finally:
        subprocess.run(["kubectl", "delete", "namespace", ns, "--wait=false"], stdout=subprocess.DEVNULL)
    keys = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Pss", "Pss_Anon", "Pss_File", "Threads")
    med = {k: statistics.median(r[0][k] for r in runs) for k in keys}
    print("median of %d: %s" % (len(runs), ", ".join("%s %g" % (k, med[k]) for k in keys)))
    print("median VmRSS: %.1f MiB (%.1f MB)" % (med["VmRSS"] / 1024, med["VmRSS"] * 1.024 / 1000))
    if args.maps:
        # the run whose VmRSS is the median
        st, maps = sorted(runs, key=lambda r: r[0]["VmRSS"])[len(runs) // 2]
        print("\n| mapping | Rss KiB | Pss KiB | anonymous KiB |\n| --- | ---: | ---: | ---: |")
        for name, (rss, pss, anon, _) in sorted(maps.items(), key=lambda kv: -kv[1][0]):
            if rss:
                print("| %s | %d | %d | %d |" % (os.path.basename(name) if name.startswith("/") else name,
                                                 rss, pss, anon))


if __name__ == "__main__":
    main()
