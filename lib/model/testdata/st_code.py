"""sentence-transformers' own module classes, loaded from a source checkout by path.

The package's __init__ chain imports transformers and huggingface_hub (not installed
here), so the package and its `models` subpackage are registered as bare namespaces and
only the module files are executed: models/Pooling.py, models/Dense.py,
models/Normalize.py, unchanged. Dense.py imports `fullname` and `import_from_string`
from `..util`; those two functions are taken from the checkout's real util.py by its
syntax tree (the rest of util.py imports requests and huggingface_hub).

Written for sentence-transformers 2.2.2 (its Dense reads only pytorch_model.bin and
needs no safetensors package; `load_dense` below reads model.safetensors into the same
class the way its later versions do).
"""
import ast
import importlib
import importlib.util
import os
import sys
import types

import torch


def load_st_classes(src):
    """{"Pooling": cls, "Dense": cls, "Normalize": cls} from the checkout at `src`."""
    pkg = os.path.join(src, "sentence_transformers")
    for name, path in [("sentence_transformers", pkg),
                       ("sentence_transformers.models", os.path.join(pkg, "models"))]:
        if name not in sys.modules:
            m = types.ModuleType(name)
            m.__path__ = [path]
            sys.modules[name] = m
    util_path = os.path.join(pkg, "util.py")
    tree = ast.parse(open(util_path, encoding="utf-8").read())
    keep = [n for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name in ("fullname", "import_from_string")]
    util = types.ModuleType("sentence_transformers.util")
    util.__dict__.update({"importlib": importlib, "sys": sys})
    exec(compile(ast.Module(body=keep, type_ignores=[]), util_path, "exec"), util.__dict__)
    sys.modules["sentence_transformers.util"] = util
    out = {}
    for cls in ("Pooling", "Dense", "Normalize"):
        name = f"sentence_transformers.models.{cls}"
        spec = importlib.util.spec_from_file_location(name, os.path.join(pkg, "models", cls + ".py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        out[cls] = getattr(mod, cls)
    return out


def load_dense(classes, path, read_safetensors):
    """Dense.load(path), or for model.safetensors its steps with that file's tensors."""
    Dense = classes["Dense"]
    st = os.path.join(path, "model.safetensors")
    if not os.path.exists(st):
        return Dense.load(path)
    import json
    config = json.load(open(os.path.join(path, "config.json")))
    config["activation_function"] = sys.modules["sentence_transformers.util"].import_from_string(
        config["activation_function"])()
    model = Dense(**config)
    model.load_state_dict(read_safetensors(st))
    return model


def run_modules(classes, d, mods, features):
    """Runs the modules after the Transformer (Pooling, Dense, Normalize) on `features`
    ({"token_embeddings", "attention_mask"}), in float64, as SentenceTransformer.forward."""
    from st_reference import read_safetensors  # noqa: E402 (same folder)
    for m in mods:
        kind = m["type"].rsplit(".", 1)[1]
        md = os.path.join(d, m["path"])
        if kind == "Pooling":
            module = classes["Pooling"].load(md)
        elif kind == "Dense":
            module = load_dense(classes, md, read_safetensors)
        elif kind == "Normalize":
            module = classes["Normalize"]()
        else:
            raise ValueError(f"module {m['type']} is not run here")
        with torch.no_grad():
            features = module.double()(features)
    return features["sentence_embedding"]
