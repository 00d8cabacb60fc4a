"""PyTorch peer of `deno task bench`: the static embedding encoder as
sentence-transformers' static-embedding recipe builds it.

    nn.EmbeddingBag(V, d, mode="mean")  ->  F.normalize  ->  in-batch InfoNCE
    (cross-entropy over q @ p.T / temperature)  ->  AdamW (dense variant)
                                                    or SparseAdam (sparse=True)

It reads the same initial weights, token-id batches and texts that the xlir
side wrote (raw little-endian files), and answers one JSON command per stdin
line with one JSON line on stdout, so that the bench can alternate rounds of
xlir and of this peer on identical work. Timings exclude warm-up steps.

Run by bench/compare/peer.ts with /usr/bin/python3 (Debian's python3-torch).
"""

import json
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
import torch
import torch.nn as nn
import torch.nn.functional as F


class StaticEncoder(nn.Module):
    """Mean of a text's token embeddings, L2-normalised."""

    def __init__(self, weights: torch.Tensor, sparse: bool):
        super().__init__()
        self.bag = nn.EmbeddingBag.from_pretrained(
            weights.clone(), freeze=False, mode="mean", sparse=sparse
        )

    def forward(self, ids, offsets=None):
        return F.normalize(self.bag(ids, offsets), dim=-1)


def info_nce(model, batch, temperature):
    """In-batch InfoNCE, one direction (query -> passage), as MultipleNegativesRankingLoss."""
    q, p = model(batch[0]), model(batch[1])
    scores = q @ p.T / temperature
    return F.cross_entropy(scores, torch.arange(len(q)))


def make_optimizer(model, variant, lr, weight_decay):
    if variant == "sparse":  # SparseAdam has no weight decay
        return torch.optim.SparseAdam(model.parameters(), lr=lr)
    return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)


class Peer:
    def __init__(self):
        self.weights = None
        self.batches = None
        self.models = {}

    def setup(self, c):
        return {"threads": torch.get_num_threads(), "torch": torch.__version__,
                "numpy": np.__version__, "blas": threadpool_info()}

    def load_weights(self, c):
        v, d = c["vocab"], c["dim"]
        self.weights = torch.from_numpy(np.fromfile(c["weights"], dtype="<f4").reshape(v, d))
        self.models = {}
        return {"shape": list(self.weights.shape)}

    def load_batches(self, c):
        ids = np.fromfile(c["batches"], dtype="<i4").astype(np.int64)
        self.batches = torch.from_numpy(ids).reshape(-1, 2, c["batch"], c["length"])  # [n][q/p][B][L]
        self.temperature = c["temperature"]
        self.models = {}
        return {"batches": len(self.batches)}

    def model(self, variant, c):
        if variant not in self.models:
            m = StaticEncoder(self.weights, sparse=variant == "sparse")
            self.models[variant] = (m, make_optimizer(m, variant, c["lr"], c["weight_decay"]), [0])
        return self.models[variant]

    def check(self, c):
        """Loss on batch 0 from the initial weights, and again after one step on it."""
        m = StaticEncoder(self.weights, sparse=c["variant"] == "sparse")
        opt = make_optimizer(m, c["variant"], c["lr"], c["weight_decay"])
        loss = info_nce(m, self.batches[0], self.temperature)
        loss.backward()
        opt.step()
        with torch.no_grad():
            after = info_nce(m, self.batches[0], self.temperature)
        return {"loss": loss.item(), "loss_after_step": after.item()}

    def train(self, c):
        m, opt, cursor = self.model(c["variant"], c)
        times, losses = [], []
        for i in range(c["warmup"] + c["steps"]):
            batch = self.batches[cursor[0] % len(self.batches)]
            cursor[0] += 1
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = info_nce(m, batch, self.temperature)
            loss.backward()
            opt.step()
            elapsed = time.perf_counter() - t0
            if i >= c["warmup"]:
                times.append(elapsed * 1000)
                losses.append(loss.item())
        return {"ms": times, "losses": losses}

    def encode(self, c):
        """Embeds the texts (flat ids + offsets) with the initial weights, no gradients."""
        if "ids" in c:
            self.texts = (
                torch.from_numpy(np.fromfile(c["ids"], dtype="<i4").astype(np.int64)),
                torch.from_numpy(np.fromfile(c["offsets"], dtype="<i4").astype(np.int64)),
            )
            self.encoder = StaticEncoder(self.weights, sparse=False)
        ids, offsets = self.texts
        times = []
        with torch.no_grad():
            for i in range(c["warmup"] + c["reps"]):
                t0 = time.perf_counter()
                out = self.encoder(ids, offsets)
                elapsed = time.perf_counter() - t0
                if i >= c["warmup"]:
                    times.append(elapsed * 1000)
        if c.get("out"):
            out.numpy().astype("<f4").tofile(c["out"])
        return {"ms": times}


def set_threads(n):
    """Threads of PyTorch's own loops and of the BLAS it calls."""
    torch.set_num_threads(n)
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
