"""PyTorch peer of bench/transformer_backend_bench.ts: the same small BERT
(4 post-LayerNorm layers, width 256, 4 heads, FFN 1024, GELU, vocabulary
119,547, learned positions, mean pooling, L2 norm), the same one-directional
InfoNCE over in-batch negatives (temperature 0.05) and AdamW (lr 1e-4, weight
decay 0.01), timed on the same workload: training steps of 64 pairs of 32 ids
(2 warm-up steps, 8 timed) and encoding 8 batches of 128 texts of 64 ids under
no_grad (one warm-up batch). Shapes and operations match; weights and ids do
not, so only the throughput is compared.

Run: python3 bench/transformer_torch_peer.py [cuda|cpu ...]
Prints one JSON line per device.
"""

import json
import sys
import time

import torch
import torch.nn.functional as F

V, D, LAYERS, HEADS, FFN = 119_547, 256, 4, 4, 1024
ENCODE = dict(batches=8, batch=128, length=64)
TRAIN = dict(steps=10, warmup=2, pairs=64, length=32)


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.word = torch.nn.Embedding(V, D, padding_idx=0)
        self.pos = torch.nn.Embedding(512, D)
        self.typ = torch.nn.Embedding(2, D)
        self.norm = torch.nn.LayerNorm(D, eps=1e-12)
        layer = torch.nn.TransformerEncoderLayer(
            D, HEADS, FFN, dropout=0.0, activation="gelu", batch_first=True, norm_first=False
        )
        self.layers = torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1], device=ids.device)
        x = self.word(ids) + self.pos(pos)[None] + self.typ.weight[0]
        x = self.layers(self.norm(x), src_key_padding_mask=ids == 0)
        mask = (ids != 0).unsqueeze(-1).float()
        return F.normalize((x * mask).sum(1) / mask.sum(1), dim=-1)


def ids(gen, n, length, device):
    x = torch.randint(1000, V, (n, length), generator=gen)
    x[:, 0], x[:, -1] = 101, 102
    return x.to(device)


def sync(device):
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def measure(device):
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(1)
    model = Encoder().to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    batches = [
        (ids(gen, TRAIN["pairs"], TRAIN["length"], device),
         ids(gen, TRAIN["pairs"], TRAIN["length"], device))
        for _ in range(TRAIN["steps"])
    ]
    labels = torch.arange(TRAIN["pairs"], device=device)
    timed = 0.0
    for i, (q, p) in enumerate(batches):
        sync(device)
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(q) @ model(p).T / 0.05, labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sync(device)
        if i >= TRAIN["warmup"]:
            timed += time.perf_counter() - t0
    train = TRAIN["pairs"] * (TRAIN["steps"] - TRAIN["warmup"]) / timed
    texts = [ids(gen, ENCODE["batch"], ENCODE["length"], device) for _ in range(ENCODE["batches"])]
    with torch.no_grad():
        model(texts[0]).cpu()
        sync(device)
        t0 = time.perf_counter()
        for t in texts:
            model(t).cpu()
        sync(device)
        encode = ENCODE["batches"] * ENCODE["batch"] / (time.perf_counter() - t0)
    return {
        "peer": f"torch-{device}",
        "torch": torch.__version__,
        "device_name": torch.cuda.get_device_name() if device.startswith("cuda") else "cpu",
        "threads": torch.get_num_threads(),
        "train_pairs_per_s": round(train),
        "encode_texts_per_s": round(encode),
    }


if __name__ == "__main__":
    for dev in sys.argv[1:] or ["cpu"]:
        print(json.dumps(measure(dev)), flush=True)
