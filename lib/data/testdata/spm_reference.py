"""SentencePiece reference for xlir's tests (Debian's python3-sentencepiece).

  spm_reference.py train CORPUS PREFIX VOCAB   train a Unigram model (nmt_nfkc, as XLM-R's)
  spm_reference.py tokjson MODEL OUT           write the model as an XLM-R tokenizer.json
                                              (the layout of the Hugging Face hub's xlm-roberta-base)
  spm_reference.py encode MODEL TEXTS OUT      XLM-R ids (fairseq offset: <s> 0, <pad> 1, </s> 2,
                                              <unk> 3, piece i -> i + 1) of each JSON text in TEXTS

The tokenizer.json converter is written here from SentencePiece's model format
(protobuf fields read by hand, no protobuf package), not taken from transformers.
"""
import base64
import json
import sys

import sentencepiece as spm


def _varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return v, i


def _fields(b):
    """(field number, wire type, value) of a protobuf message."""
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 1:
            v, i = b[i:i + 8], i + 8
        elif wt == 2:
            n, i = _varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wt}")
        yield f, wt, v


def precompiled_charsmap(model_bytes):
    # ModelProto.normalizer_spec = 3; NormalizerSpec.precompiled_charsmap = 2
    for f, wt, v in _fields(model_bytes):
        if f == 3 and wt == 2:
            for g, wt2, w in _fields(v):
                if g == 2 and wt2 == 2:
                    return bytes(w)
    return b""


def train(corpus, prefix, vocab):
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=prefix, vocab_size=int(vocab), model_type="unigram",
        character_coverage=0.9995, num_threads=1, seed_sentencepiece_size=200000,
        normalization_rule_name="nmt_nfkc", input_sentence_size=0, shuffle_input_sentence=False,
        minloglevel=2,
    )


def tokjson(model, out):
    sp = spm.SentencePieceProcessor(model_file=model)
    raw = open(model, "rb").read()
    vocab = [["<s>", 0.0], ["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0]]
    for i in range(3, sp.get_piece_size()):
        vocab.append([sp.id_to_piece(i), sp.get_score(i)])
    vocab.append(["<mask>", 0.0])
    mask = len(vocab) - 1
    added = [
        {"id": i, "content": c, "single_word": False, "lstrip": c == "<mask>", "rstrip": False,
         "normalized": False, "special": True}
        for i, c in [(0, "<s>"), (1, "<pad>"), (2, "</s>"), (3, "<unk>"), (mask, "<mask>")]
    ]
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled",
             "precompiled_charsmap": base64.b64encode(precompiled_charsmap(raw)).decode()},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True,
                          "prepend_scheme": "always"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]},
            },
        },
        "decoder": {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True,
                    "prepend_scheme": "always"},
        "model": {"type": "Unigram", "unk_id": 3, "vocab": vocab, "byte_fallback": False},
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)


def encode(model, texts, out):
    sp = spm.SentencePieceProcessor(model_file=model)
    rows = []
    for t in json.load(open(texts, encoding="utf-8")):
        ids = [3 if i == sp.unk_id() else i + 1 for i in sp.encode(t)]
        rows.append([0] + ids + [2])
    json.dump(rows, open(out, "w"))


if __name__ == "__main__":
    {"train": train, "tokjson": tokjson, "encode": encode}[sys.argv[1]](*sys.argv[2:])
