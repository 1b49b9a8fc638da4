#!/usr/bin/env python3
"""../shared/peers/bench.py as compare.sh runs it: each run on a control plane of its own.

  bench/harness.py run|floor ARGS...  bench.py's run and floor, except that
                                      - the run's namespace is left in place: compare.sh throws
                                        the whole cluster away instead. bench.py deletes the
                                        namespace and waits until it is gone, which took 107 to
                                        163 s a run at N = 1,000 (4,000 pods and the rest to
                                        delete), 10.5 of make bench's 47.5 min;
                                      - the once-a-second poll until convergence reads the
                                        collection a watch keeps (watch.py), not a LIST by a new
                                        kubectl each second. The poll, its one-second period and
                                        what it checks are bench.py's; what it costs the machine
                                        does not, so absolute times are not comparable with
                                        bench.py run alone (ratios within a run are);
                                      - bench.py's other reads (`kubectl get --raw`, before and
                                        after a run: a dozen LISTs at N = 1,000) are GETs of its
                                        own: the same JSON, no kubectl process per read.
  bench/harness.py report DIR         bench.py's report, where a run held with --steady 0 says
                                      "no steady window" rather than counting zero requests.

Everything else (what is measured, how, the tables) is bench.py's own; BENCH_PEERS is the
folder that holds it (default: ../shared/peers beside the project).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("BENCH_PEERS", os.path.join(HERE, "..", "..", "shared", "peers")))
import bench  # noqa: E402 - bench.py is found through the path above
import watch  # noqa: E402 - beside this file

NO_STEADY = {"requests": None}  # the controller counters of a run without a steady window


def keep_namespace(ns, deadline_s=900):
    """bench.delete_namespace's place: the cluster goes with everything in it."""
    bench.log("%s: left in place (compare.sh stops this cluster)" % ns)


NO_STEADY_TEXT = "— (no steady window)"


def own_requests(d, counted=bench.own_requests):
    if d is NO_STEADY:
        return NO_STEADY_TEXT, None, None
    return counted(d)


def load(paths):
    """The results under PATHS, ordered as bench.py's report orders them."""
    results = []
    for p in paths:
        names = sorted(x for x in os.listdir(p) if x.startswith("n") and x.endswith(".json"))
        for name in names:
            with open(os.path.join(p, name)) as f:
                r = bench.json.load(f)
            if "error" not in r:
                results.append(r)
    results.sort(key=lambda r: (r["n"], {"floor": 2}.get(r["controller"], 0), r.get("started", "")))
    return results


def report(paths):
    results = load(paths)
    for r in results:
        if r.get("steady_s") == 0:  # the header then takes its window from a run that held one
            del r["steady_s"]
            r["steady"].update(writes=None, cpu_s=None, controller=NO_STEADY, relevant_by_verb={},
                               cluster_cpu_s={})
    bench.own_requests = own_requests
    # The steady table's other columns of such a run say "none": not zero, not measured.
    lines = bench.report(results).split("\n")
    lines = [line.replace("| none |", "| — |") if NO_STEADY_TEXT in line else line
             for line in lines]
    if not any("steady_s" in r for r in results):  # bench.py's headers would say /120s
        lines = [line.replace(" /120s", " (no steady window)") for line in lines]
    print("\n".join(lines))


# The collections bench.py polls until convergence: a run's Applications, the floor's Deployments.
POLLED = re.compile(r"^/apis/(kubectl-app\.io/v1alpha1/namespaces/[^/?]+/applications"
                    r"|apps/v1/namespaces/[^/?]+/deployments)$")


class Poll:
    """bench.py's convergence poll served from watches.

    A run (and the floor) takes an API-server snapshot just before its poll starts and another
    just after it ends; between the two, a polled collection is read from a watch."""

    def __init__(self):
        self.snapshots, self.watches, self.cluster = 0, {}, None

    def reset(self):
        self.stop()
        self.snapshots = 0

    def stop(self):
        for w in self.watches.values():
            w.stop()
        self.watches = {}

    def get_raw(self, path, timeout=60):
        """bench.get_raw: the poll's collection from its watch, any other read by a GET."""
        self.cluster = self.cluster or watch.Cluster(bench.KUBECONFIG)
        if self.snapshots != 1 or not POLLED.match(path):
            return self.cluster.get(path, timeout)
        if path not in self.watches:
            self.watches[path] = watch.Watched(self.cluster, path, bench.log)
        return self.watches[path].list(timeout)

    def snapshot(self, take=bench.apiserver_snapshot):
        self.stop()  # before the snapshot that ends the poll: its watch is closed by then
        self.snapshots += 1
        return take()

    def around(self, run):
        def measured(*args, **kwargs):
            self.reset()
            try:
                return run(*args, **kwargs)
            finally:
                self.stop()
        return measured


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "report":
        report(sys.argv[2:])
        return
    bench.delete_namespace = keep_namespace
    poll = Poll()
    bench.get_raw, bench.apiserver_snapshot = poll.get_raw, poll.snapshot
    bench.run_controller, bench.run_floor = poll.around(bench.run_controller), poll.around(bench.run_floor)
    bench.main()


if __name__ == "__main__":
    main()
