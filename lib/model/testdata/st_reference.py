"""An independent PyTorch reference of the sentence-transformers pipeline xlir runs.

Written here from the published architectures (BERT; XLM-R's RoBERTa position ids) and
sentence-transformers' module semantics (Pooling's modes concatenated in its order, Dense,
Normalize, max_seq_length, do_lower_case, prompts); no transformers/sentence-transformers code.

  st_reference.py make DIR labse|xlmr [SPM_DIR]   random tiny checkpoint in the real layout
  st_reference.py embed DIR TEXTS OUT PROMPT [IDS] embeddings (.npy float32) of the JSON texts;
                                                   PROMPT: none|query|passage; IDS: token ids
                                                   (JSON) for a WordPiece model, else
                                                   SentencePiece tokenizes (sentencepiece.bpe.model)
"""
import json
import math
import os
import shutil
import struct
import sys

import numpy as np
import torch

DT = {"F32": np.float32, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    head = json.loads(b[8:8 + n])
    out = {}
    for k, v in head.items():
        if k == "__metadata__":
            continue
        s, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(b[8 + n + s:8 + n + e], DT[v["dtype"]]).reshape(v["shape"]).copy())
    return out


def write_safetensors(path, tensors):
    head, blobs, off = {}, [], 0
    for k, t in tensors.items():
        a = t.detach().numpy().astype(np.float32)
        head[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
        blobs.append(a.tobytes())
        off += a.nbytes
    h = json.dumps(head).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def make(d, kind, spm_dir=None):
    g = torch.Generator().manual_seed(7 if kind == "labse" else 11)
    xlmr = kind == "xlmr"
    if xlmr:
        vocab = len(json.load(open(os.path.join(spm_dir, "tokenizer.json")))["model"]["vocab"])
        shutil.copy(os.path.join(spm_dir, "tokenizer.json"), d)
        shutil.copy(os.path.join(spm_dir, "xlmr.model"), os.path.join(d, "sentencepiece.bpe.model"))
    else:
        vocab = json.load(open(os.path.join(d, "tokenizer.json")))["model"]["vocab"]
        vocab = max(vocab.values()) + 1
    H, L, I, heads = 32, 2, 48, 4
    P = 40 + (2 if xlmr else 0)
    cfg = {"architectures": ["XLMRobertaModel" if xlmr else "BertModel"],
           "model_type": "xlm-roberta" if xlmr else "bert", "vocab_size": vocab, "hidden_size": H,
           "num_hidden_layers": L, "num_attention_heads": heads, "intermediate_size": I,
           "hidden_act": "gelu", "max_position_embeddings": P, "type_vocab_size": 1 if xlmr else 2,
           "layer_norm_eps": 1e-5 if xlmr else 1e-12, "pad_token_id": 1 if xlmr else 0}
    json.dump(cfg, open(os.path.join(d, "config.json"), "w"))
    r = lambda *s: torch.randn(*s, generator=g) * 0.5
    t = {"embeddings.word_embeddings.weight": r(vocab, H),
         "embeddings.position_embeddings.weight": r(P, H),
         "embeddings.token_type_embeddings.weight": r(cfg["type_vocab_size"], H),
         "embeddings.LayerNorm.weight": 1 + r(H) * 0.2, "embeddings.LayerNorm.bias": r(H) * 0.2}
    for l in range(L):
        p = f"encoder.layer.{l}."
        for n, (o, i) in {"attention.self.query": (H, H), "attention.self.key": (H, H),
                          "attention.self.value": (H, H), "attention.output.dense": (H, H),
                          "intermediate.dense": (I, H), "output.dense": (H, I)}.items():
            t[p + n + ".weight"] = r(o, i) / math.sqrt(i) * 2
            t[p + n + ".bias"] = r(o) * 0.2
        for n in ["attention.output.LayerNorm", "output.LayerNorm"]:
            t[p + n + ".weight"] = 1 + r(H) * 0.2
            t[p + n + ".bias"] = r(H) * 0.2
    t["pooler.dense.weight"], t["pooler.dense.bias"] = r(H, H), r(H)
    write_safetensors(os.path.join(d, "model.safetensors"), t)
    mods = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    os.makedirs(os.path.join(d, "1_Pooling"), exist_ok=True)
    pool = {"word_embedding_dimension": H, "pooling_mode_cls_token": not xlmr,
            "pooling_mode_mean_tokens": xlmr, "pooling_mode_max_tokens": xlmr,
            "pooling_mode_mean_sqrt_len_tokens": False}
    json.dump(pool, open(os.path.join(d, "1_Pooling", "config.json"), "w"))
    if xlmr:
        # Transformer -> Pooling(mean + max) -> Dense(2H -> 24, no bias, identity); no Normalize
        os.makedirs(os.path.join(d, "2_Dense"), exist_ok=True)
        json.dump({"in_features": 2 * H, "out_features": 24, "bias": False,
                   "activation_function": "torch.nn.modules.linear.Identity"},
                  open(os.path.join(d, "2_Dense", "config.json"), "w"))
        write_safetensors(os.path.join(d, "2_Dense", "model.safetensors"),
                          {"linear.weight": r(24, 2 * H) / math.sqrt(2 * H)})
        mods.append({"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"})
        st = {"max_seq_length": 24, "do_lower_case": True}
        json.dump({"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None},
                  open(os.path.join(d, "config_sentence_transformers.json"), "w"))
    else:
        # LaBSE: Transformer -> Pooling(cls) -> Dense(H -> H, tanh; pytorch_model.bin) -> Normalize
        os.makedirs(os.path.join(d, "2_Dense"), exist_ok=True)
        json.dump({"in_features": H, "out_features": H, "bias": True,
                   "activation_function": "torch.nn.modules.activation.Tanh"},
                  open(os.path.join(d, "2_Dense", "config.json"), "w"))
        lin = torch.nn.Linear(H, H)
        with torch.no_grad():
            lin.weight.copy_(r(H, H) / math.sqrt(H) * 2)
            lin.bias.copy_(r(H) * 0.3)
        torch.save({"linear.weight": lin.weight.detach().clone(), "linear.bias": lin.bias.detach().clone()},
                   os.path.join(d, "2_Dense", "pytorch_model.bin"))
        os.makedirs(os.path.join(d, "3_Normalize"), exist_ok=True)
        mods += [{"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
                 {"idx": 3, "name": "3", "path": "3_Normalize", "type": "sentence_transformers.models.Normalize"}]
        st = {"max_seq_length": 24, "do_lower_case": False}
    json.dump(mods, open(os.path.join(d, "modules.json"), "w"))
    json.dump(st, open(os.path.join(d, "sentence_bert_config.json"), "w"))


def gelu(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def forward(d, ids):
    cfg = json.load(open(os.path.join(d, "config.json")))
    w = {k: v.double() for k, v in read_safetensors(os.path.join(d, "model.safetensors")).items()}
    xlmr = cfg["model_type"] == "xlm-roberta"
    pad = cfg["pad_token_id"]
    B, T = len(ids), max(len(s) for s in ids)
    inp = torch.full((B, T), pad, dtype=torch.long)
    mask = torch.zeros(B, T)
    for i, s in enumerate(ids):
        inp[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
    if xlmr:  # RoBERTa: cumulative sum over non-pad tokens, offset by the padding index
        m = (inp != pad).long()
        pos = torch.cumsum(m, 1) * m + pad
    else:
        pos = torch.arange(T).expand(B, T)
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    eps = cfg["layer_norm_eps"]
    ln = lambda x, n: torch.nn.functional.layer_norm(x, (H,), w[n + ".weight"], w[n + ".bias"], eps)
    lin = lambda x, n: x @ w[n + ".weight"].T + w[n + ".bias"]
    x = w["embeddings.word_embeddings.weight"][inp] + w["embeddings.position_embeddings.weight"][pos] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = ln(x, "embeddings.LayerNorm")
    bias = (1 - mask.double())[:, None, None, :] * -1e30
    dh = H // nh
    for l in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{l}."
        sh = lambda t: t.view(B, T, nh, dh).transpose(1, 2)
        q, k, v = (sh(lin(x, p + "attention.self." + n)) for n in ["query", "key", "value"])
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + bias, -1) @ v
        a = a.transpose(1, 2).reshape(B, T, H)
        x = ln(lin(a, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        x = ln(lin(gelu(lin(x, p + "intermediate.dense")), p + "output.dense") + x, p + "output.LayerNorm")
    return x, mask


def embed(d, texts_path, out, prompt, ids_path=None):
    texts = json.load(open(texts_path, encoding="utf-8"))
    mods = sorted(json.load(open(os.path.join(d, "modules.json"))), key=lambda m: m["idx"])
    st = json.load(open(os.path.join(d, "sentence_bert_config.json")))
    prompts = {}
    if os.path.exists(os.path.join(d, "config_sentence_transformers.json")):
        prompts = json.load(open(os.path.join(d, "config_sentence_transformers.json"))).get("prompts") or {}
    pre = "" if prompt == "none" else prompts.get(prompt, "")
    maxlen = st["max_seq_length"]
    if ids_path:
        ids = json.load(open(ids_path))
    else:
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=os.path.join(d, "sentencepiece.bpe.model"))
        ids = []
        for t in texts:
            t = pre + t
            if st.get("do_lower_case"):
                t = t.lower()
            body = [3 if i == sp.unk_id() else i + 1 for i in sp.encode(t)]
            ids.append([0] + body[:maxlen - 2] + [2])
    x, mask = forward(d, ids)
    e = None
    for m in mods[1:]:
        kind = m["type"].rsplit(".", 1)[1]
        md = os.path.join(d, m["path"])
        if kind == "Pooling":
            c = json.load(open(os.path.join(md, "config.json")))
            me = mask[:, :, None].double()
            parts = []
            if c.get("pooling_mode_cls_token"):
                parts.append(x[:, 0])
            if c.get("pooling_mode_max_tokens"):
                parts.append(torch.where(me > 0, x, torch.tensor(-1e9, dtype=x.dtype)).max(1)[0])
            if c.get("pooling_mode_mean_tokens"):
                parts.append((x * me).sum(1) / me.sum(1).clamp(min=1e-9))
            if c.get("pooling_mode_mean_sqrt_len_tokens"):
                parts.append((x * me).sum(1) / me.sum(1).clamp(min=1e-9).sqrt())
            e = torch.cat(parts, 1)
        elif kind == "Dense":
            c = json.load(open(os.path.join(md, "config.json")))
            f = os.path.join(md, "model.safetensors")
            sd = read_safetensors(f) if os.path.exists(f) else torch.load(os.path.join(md, "pytorch_model.bin"))
            e = e @ sd["linear.weight"].double().T
            if c.get("bias", True):
                e = e + sd["linear.bias"].double()
            act = c["activation_function"].rsplit(".", 1)[1]
            e = {"Tanh": torch.tanh, "Identity": lambda z: z, "ReLU": torch.relu}[act](e)
        elif kind == "Normalize":
            e = torch.nn.functional.normalize(e, p=2, dim=1)
    np.save(out, e.float().numpy())


if __name__ == "__main__":
    {"make": make, "embed": embed}[sys.argv[1]](*sys.argv[2:])
