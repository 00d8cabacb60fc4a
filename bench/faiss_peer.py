"""faiss peer of `deno task bench`: exact top-k by inner product with
`faiss.IndexFlatIP`, on the float32 vectors the xlir side wrote.

Answers one JSON command per stdin line with one JSON line on stdout, so
that the bench can alternate rounds of xlir and of this peer. Adding the
vectors to the index is not timed; warm-up searches are not timed.

Run by bench/compare/peer.ts with /usr/bin/python3 (Debian's python3-faiss).
"""

import json
import sys
import time

import faiss
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits


class Peer:
    def setup(self, c):
        return {"threads": faiss.omp_get_max_threads(), "faiss": faiss.__version__,
                "numpy": np.__version__, "blas": threadpool_info()}

    def load(self, c):
        d = c["dim"]
        base = np.fromfile(c["base"], dtype="<f4").reshape(-1, d)
        self.queries = np.fromfile(c["queries"], dtype="<f4").reshape(-1, d)
        self.index = faiss.IndexFlatIP(d)
        self.index.add(base)
        return {"n": self.index.ntotal, "queries": len(self.queries)}

    def search(self, c):
        times = []
        for i in range(c["warmup"] + c["reps"]):
            t0 = time.perf_counter()
            _, ids = self.index.search(self.queries, c["k"])
            elapsed = time.perf_counter() - t0
            if i >= c["warmup"]:
                times.append(elapsed * 1000)
        if c.get("out"):
            ids.astype("<i4").tofile(c["out"])
        return {"ms": times}


def set_threads(n):
    """Threads of faiss's OpenMP loops and of the BLAS it calls (its matrix products)."""
    faiss.omp_set_num_threads(n)
    threadpool_limits(n)


def main():
    peer = Peer()
    for line in sys.stdin:
        command = json.loads(line)
        try:
            if "threads" in command:
                set_threads(command["threads"])
            reply = getattr(peer, command["cmd"])(command)
        except Exception as err:  # report to the bench, keep serving
            reply = {"error": f"{type(err).__name__}: {err}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
