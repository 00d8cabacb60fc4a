"""Embeddings of a sentence-transformers StaticEmbedding folder, computed as
sentence-transformers 3.x computes them, for tasks/export_static_test.ts.

  st_static_reference.py DIR IDS.json OUT.npy

modules.json is run in order:
- StaticEmbedding: 0_StaticEmbedding/model.safetensors `embedding.weight` becomes
  nn.EmbeddingBag.from_pretrained(weights, freeze=False) (StaticEmbedding.__init__; mode
  mean), the ids of each text are flattened with offsets = the cumulative lengths
  (StaticEmbedding.tokenize) and bagged (StaticEmbedding.forward). The ids are given:
  the test tokenizes with the folder's tokenizer.json in `tokenizers`' Rust core (its npm
  binding), add_special_tokens=False, as StaticEmbedding.tokenize. StaticEmbedding.py
  itself is not run (it imports safetensors, tokenizers and transformers).
- Dense and Normalize: with XLIR_ST_SRC (a sentence-transformers 2.2.2 checkout), its own
  classes (st_code.py); else nn.Linear and F.normalize.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st_reference import read_safetensors  # noqa: E402


def main(d, ids_path, out):
    ids = json.load(open(ids_path))
    mods = sorted(json.load(open(os.path.join(d, "modules.json"))), key=lambda m: m["idx"])
    st_src = os.environ.get("XLIR_ST_SRC")
    classes = None
    if st_src:
        from st_code import load_st_classes
        classes = load_st_classes(st_src)
    features = {}
    with torch.no_grad():
        for m in mods:
            kind = m["type"].rsplit(".", 1)[1]
            md = os.path.join(d, m["path"])
            if kind == "StaticEmbedding":
                w = read_safetensors(os.path.join(md, "model.safetensors"))["embedding.weight"]
                bag = torch.nn.EmbeddingBag.from_pretrained(w, freeze=False)
                offsets = torch.from_numpy(np.cumsum([0] + [len(s) for s in ids[:-1]]))
                flat = torch.tensor([t for s in ids for t in s], dtype=torch.long)
                features["sentence_embedding"] = bag(flat, offsets)
            elif kind == "Dense":
                if classes:
                    from st_code import load_dense
                    features = load_dense(classes, md, read_safetensors)(features)
                else:
                    c = json.load(open(os.path.join(md, "config.json")))
                    assert c["activation_function"] == "torch.nn.modules.linear.Identity"
                    sd = read_safetensors(os.path.join(md, "model.safetensors"))
                    lin = torch.nn.Linear(c["in_features"], c["out_features"], bias=c["bias"])
                    lin.load_state_dict({k.split(".", 1)[1]: v for k, v in sd.items()})
                    features["sentence_embedding"] = lin(features["sentence_embedding"])
            elif kind == "Normalize":
                if classes:
                    features = classes["Normalize"]()(features)
                else:
                    features["sentence_embedding"] = torch.nn.functional.normalize(
                        features["sentence_embedding"], p=2, dim=1)
            else:
                raise ValueError(f"module {m['type']} is not run here")
    np.save(out, features["sentence_embedding"].float().numpy())


if __name__ == "__main__":
    main(*sys.argv[1:])
