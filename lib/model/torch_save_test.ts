import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeTorchStateDict } from "./torch_save.ts";
import { writeDenseModule } from "./st_modules.ts";
import { exists, skipUnless } from "../util/testing.ts";

const PY = "/usr/bin/python3";
const torchReady = await new Deno.Command(PY, {
  args: ["-c", "import torch"],
  stdout: "null",
  stderr: "null",
}).output().then((r) => r.success, () => false);
const ST_SRC = Deno.env.get("XLIR_ST_SRC") ?? "";
const stCode = ST_SRC !== "" && exists(join(ST_SRC, "sentence_transformers", "models", "Dense.py"));

async function python(code: string, env: Record<string, string> = {}): Promise<unknown> {
  const r = await new Deno.Command(PY, { args: ["-c", code], env }).output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
  return JSON.parse(new TextDecoder().decode(r.stdout));
}

Deno.test({
  name: "torch.load reads a state dict written by encodeTorchStateDict: names, shapes, values",
  ignore: skipUnless(torchReady, "python3-torch"),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const w = Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5);
      const b = Float32Array.of(1e-8, -3.25, 65504);
      await Deno.writeFile(
        join(dir, "m.bin"),
        encodeTorchStateDict({
          "linear.weight": { shape: [3, 4], data: w },
          "linear.bias": { shape: [3], data: b },
        }),
      );
      const got = await python(
        `import json, torch; d = torch.load(${JSON.stringify(join(dir, "m.bin"))}); ` +
          `print(json.dumps({k: [list(v.shape), str(v.dtype), v.flatten().tolist()] for k, v in d.items()}))`,
      ) as Record<string, [number[], string, number[]]>;
      assert.deepEqual(Object.keys(got), ["linear.weight", "linear.bias"]);
      assert.deepEqual(got["linear.weight"].slice(0, 2), [[3, 4], "torch.float32"]);
      assert.deepEqual(got["linear.weight"][2], [...w]);
      assert.deepEqual(got["linear.bias"][2], [...b]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

// Needs a sentence-transformers 2.2.2 checkout (XLIR_ST_SRC), which no package installs.
Deno.test({
  name:
    "sentence-transformers 2.2.2's Dense.load reads a Dense module written by xlir (pytorch_model.bin)",
  ignore: !torchReady || !stCode,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const weight = Float32Array.of(0.5, -1, 2, 0.25, 0, 1);
      const bias = Float32Array.of(0.1, -0.2);
      const spec = { inFeatures: 3, outFeatures: 2, bias: true, activation: "tanh" as const };
      const entry = await writeDenseModule(dir, 2, { spec, weight, bias });
      const testdata = new URL("./testdata", import.meta.url).pathname;
      const y = await python(
        `import sys, json, torch; sys.path.insert(0, ${JSON.stringify(testdata)}); ` +
          `from st_code import load_st_classes; D = load_st_classes(${
            JSON.stringify(ST_SRC)
          })["Dense"]; ` +
          `m = D.load(${JSON.stringify(join(dir, entry.path))}); ` +
          `print(json.dumps(m({"sentence_embedding": torch.tensor([[1.0, 2.0, 3.0]])})["sentence_embedding"].tolist()))`,
        { XLIR_ST_SRC: ST_SRC },
      ) as number[][];
      const want = [0, 1].map((o) =>
        Math.tanh(weight[o * 3] + 2 * weight[o * 3 + 1] + 3 * weight[o * 3 + 2] + bias[o])
      );
      y[0].forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${v} vs ${want[i]}`));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
