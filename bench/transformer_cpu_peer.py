"""PyTorch peer of bench/transformer_cpu_bench.ts: loads the same BERT-base-shaped
checkpoint (model.safetensors, BertModel names, random weights written by xlir) into
a float32 PyTorch BERT (post-LN, GELU, learned positions, CLS pooling → normalize as
the folder's modules say: here mean pooling and Normalize) and encodes the same token
ids in the same batches under no_grad, on the threads given.

Run: python3 bench/transformer_cpu_peer.py DIR IDS.json THREADS REPS
Prints one JSON line: load seconds, per-repetition milliseconds, peak RSS, embeddings checksum.
"""
import json
import math
import resource
import struct
import sys
import time

import numpy as np
import torch


def load(d):
    b = open(f"{d}/model.safetensors", "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    head = json.loads(b[8:8 + n])
    w = {}
    for k, v in head.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        s, e = v["data_offsets"]
        w[k] = torch.from_numpy(np.frombuffer(b, np.float32, (e - s) // 4, 8 + n + s).reshape(v["shape"]))
    return w


def encode(cfg, w, ids):
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    B, T = len(ids), max(len(s) for s in ids)
    inp = torch.zeros((B, T), dtype=torch.long)
    mask = torch.zeros(B, T)
    for i, s in enumerate(ids):
        inp[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
    ln = lambda x, n: torch.nn.functional.layer_norm(x, (H,), w[n + ".weight"], w[n + ".bias"], 1e-12)
    lin = lambda x, n: torch.nn.functional.linear(x, w[n + ".weight"], w[n + ".bias"])
    x = w["embeddings.word_embeddings.weight"][inp] + w["embeddings.position_embeddings.weight"][:T] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = ln(x, "embeddings.LayerNorm")
    bias = (1 - mask)[:, None, None, :] * -1e9
    dh = H // nh
    for l in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{l}."
        sh = lambda t: t.view(B, T, nh, dh).transpose(1, 2)
        q, k, v = (sh(lin(x, p + "attention.self." + n)) for n in ["query", "key", "value"])
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + bias, -1) @ v
        x = ln(lin(a.transpose(1, 2).reshape(B, T, H), p + "attention.output.dense") + x,
               p + "attention.output.LayerNorm")
        x = ln(lin(torch.nn.functional.gelu(lin(x, p + "intermediate.dense")), p + "output.dense") + x,
               p + "output.LayerNorm")
    m = mask[:, :, None]
    return torch.nn.functional.normalize((x * m).sum(1) / m.sum(1), dim=1)


def main(d, ids_path, threads, reps):
    torch.set_num_threads(int(threads))
    batches = json.load(open(ids_path))
    t0 = time.perf_counter()
    cfg = json.load(open(f"{d}/config.json"))
    w = load(d)
    load_s = time.perf_counter() - t0
    times, check = [], 0.0
    with torch.no_grad():
        encode(cfg, w, batches[0])  # warm-up
        for _ in range(int(reps)):
            for batch in batches:
                t = time.perf_counter()
                e = encode(cfg, w, batch)
                times.append((time.perf_counter() - t) * 1000)
                check += float(e[0, 0])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "load_s": load_s,
                      "ms": times, "peak_rss": rss, "check": check}))


if __name__ == "__main__":
    main(*sys.argv[1:])
