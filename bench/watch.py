"""A collection's current items kept by one LIST and a WATCH, as an informer keeps them.

harness.py serves bench.py's once-a-second poll of the Applications (or the floor's Deployments)
from it: the API server then sends each change once instead of serializing the whole collection
every second (at N = 1,000 the floor's poll was a 4,000-Deployment LIST, about 14 MB of JSON, a
second), and no kubectl process starts per poll. Python's standard library only, as bench.py.
"""
import base64
import contextlib
import http.client
import json
import os
import ssl
import subprocess
import tempfile
import threading
import urllib.parse


class Cluster:
    """Where the API server is and how to authenticate, from `kubectl config view --raw`."""

    def __init__(self, kubeconfig):
        out = subprocess.run(["kubectl", "config", "view", "--raw", "--minify", "-o", "json"],
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, KUBECONFIG=kubeconfig)).stdout
        config = json.loads(out)
        cluster = config["clusters"][0]["cluster"]
        user = config["users"][0]["user"]
        url = urllib.parse.urlsplit(cluster["server"])
        self.host, self.port = url.hostname, url.port or 443
        self.context = ssl.create_default_context()
        if "certificate-authority-data" in cluster:
            self.context.load_verify_locations(
                cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
        elif "certificate-authority" in cluster:
            self.context.load_verify_locations(cafile=cluster["certificate-authority"])
        self.headers = {"Accept": "application/json"}
        if "token" in user:
            self.headers["Authorization"] = "Bearer " + user["token"]
        if "client-certificate-data" in user:
            # ssl loads a client key from a file only: one readable by this user alone, gone at once.
            with tempfile.TemporaryDirectory() as d:
                cert, key = os.path.join(d, "cert"), os.path.join(d, "key")
                for path, field in ((cert, "client-certificate-data"), (key, "client-key-data")):
                    with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
                        f.write(base64.b64decode(user[field]))
                self.context.load_cert_chain(cert, key)
        elif "client-certificate" in user:
            self.context.load_cert_chain(user["client-certificate"], user["client-key"])

    def open(self, path, timeout):
        """The response to GET path (its status checked); raises OSError or RuntimeError."""
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=timeout)
        conn.request("GET", path, headers=self.headers)
        resp = conn.getresponse()
        if resp.status != 200:
            body = resp.read(300).decode("utf-8", "replace")
            conn.close()
            raise RuntimeError("GET %s: HTTP %d %s" % (path, resp.status, body))
        return conn, resp

    def get(self, path, timeout=60):
        """GET path, its JSON parsed: what `kubectl get --raw path` prints, without a kubectl."""
        conn, resp = self.open(path, timeout)
        with contextlib.closing(conn):
            return json.loads(resp.read())


class Watched:
    """The items of the collection at PATH, listed once, then kept by a watch in a thread.

    After an error, a silent connection or the watch's end it lists and watches again (one
    second apart); meanwhile list() waits for that list rather than answer from stale items."""

    def __init__(self, cluster, path, log):
        self.cluster, self.path, self.log = cluster, path, log
        self.items, self.lock = {}, threading.Lock()  # the lock also guards conn
        self.synced, self.stopped = threading.Event(), threading.Event()
        self.conn = None  # the open request, for stop() to shut down
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def list(self, timeout=60):
        """{"items": [...]}, as the LIST bench.py would have read; RuntimeError if never synced."""
        if not self.synced.wait(timeout):
            raise RuntimeError("no list of %s within %d s" % (self.path, timeout))
        with self.lock:
            return {"items": list(self.items.values())}

    def stop(self):
        with self.lock:
            self.stopped.set()
            conn = self.conn
        if conn is not None and conn.sock is not None:
            try:
                conn.sock.shutdown(2)  # wakes the thread's blocked read
            except OSError:
                pass
        self.thread.join(10)
        if self.thread.is_alive():
            self.log("watch of %s: still open 10 s after it was stopped" % self.path)

    def _run(self):
        while not self.stopped.is_set():
            try:
                self._list_and_watch()
            except Exception as e:  # noqa: BLE001 - anything: list and watch again
                self.synced.clear()
                if not self.stopped.is_set():
                    self.log("watch of %s: %s; listing again" % (self.path, e))
                    self.stopped.wait(1)

    def _open(self, path, timeout):
        """cluster.open, the connection kept where stop() finds it; None once stopped."""
        conn, resp = self.cluster.open(path, timeout)
        with self.lock:
            if self.stopped.is_set():
                conn.close()
                return None, None
            self.conn = conn
        return conn, resp

    def _list_and_watch(self):
        conn, resp = self._open(self.path, timeout=60)
        if conn is None:
            return
        with contextlib.closing(conn):
            body = json.loads(resp.read())
        with self.lock:
            self.items = {o["metadata"]["name"]: o for o in body["items"]}
        self.synced.set()
        query = urllib.parse.urlencode({"watch": "1", "allowWatchBookmarks": "true",
                                        "resourceVersion": body["metadata"]["resourceVersion"]})
        # The server sends a bookmark about once a minute: two minutes without a line is a
        # dead connection, and the read's timeout starts the list again.
        conn, resp = self._open(self.path + "?" + query, timeout=120)
        if conn is None:
            return
        with contextlib.closing(conn):
            for line in resp:
                if self.stopped.is_set():
                    return
                event = json.loads(line)
                kind, obj = event["type"], event["object"]
                if kind == "ERROR":
                    raise RuntimeError(obj.get("message", "watch error"))
                if kind == "BOOKMARK":
                    continue
                with self.lock:
                    if kind == "DELETED":
                        self.items.pop(obj["metadata"]["name"], None)
                    else:
                        self.items[obj["metadata"]["name"]] = obj
