/**
 * A BERT/XLM-R encoder body as an ONNX graph whose weights stay in the
 * checkpoint: every initializer is external data pointing at its bytes in
 * `model.safetensors` (offset and length from the header), so ONNX Runtime
 * reads the weights from that file and nothing is converted or copied here.
 * Linear layers are `Gemm` with `transB` (PyTorch's `[out, in]` layout as
 * stored); F16/BF16 weights are cast to float once, when the session is made.
 *
 * Inputs: `input_ids` (int64 `[batch, seq]`, padded), `position_ids` (int64
 * `[1, seq]`), `mask_bias` (float `[batch, 1, 1, seq]`: 0 at tokens, −1e9 at
 * padding). Output: `hidden` (float `[batch, seq, hidden]`), the last layer's
 * token states — the same post-LN layers as `transformer.ts` (attention with
 * the padding mask, GELU feed-forward, LayerNorm after each residual).
 *
 * @module
 */

import { InputError } from "../util/errors.ts";
import type { TensorLocation } from "./safetensors.ts";
import { hfParamNames } from "./hf_checkpoint.ts";
import type { TransformerConfig } from "./transformer_config.ts";
import {
  ONNX_FLOAT,
  ONNX_INT64,
  type OnnxAttr,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
} from "./onnx_proto.ts";

/** ONNX element types of the safetensors dtypes a weight may have. */
const WEIGHT_TYPES: Record<string, number> = { F32: ONNX_FLOAT, F16: 10, BF16: 16 };

/** Little-endian int64 bytes. */
function int64s(values: number[]): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setBigInt64(8 * i, BigInt(v), true));
  return out;
}

function float32s(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

/**
 * The encoder body's graph (see the module doc).
 *
 * @param config The architecture (`configFromHf`).
 * @param header The checkpoint's tensor locations (`readSafetensorsHeader`).
 * @param location The checkpoint's path as the graph names it (relative to the model file).
 * @param where The checkpoint's path, for error messages.
 * @returns The graph.
 * @throws {InputError} naming a missing tensor, one of the wrong shape or dtype, or an activation ONNX lacks here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bertOnnxGraph } from "./onnx_bert.ts";
 * import { encoderParamShapes, transformerConfig } from "./transformer_config.ts";
 * const c = transformerConfig({ vocabSize: 8, hiddenSize: 4, numLayers: 1, numHeads: 2, intermediateSize: 8, maxPositions: 6 });
 * let at = 0;
 * const header = Object.fromEntries(encoderParamShapes(c).map(([n, s]) => {
 *   const shape = /(query|key|value|dense)\.weight$/.test(n) ? [s[1], s[0]] : s;
 *   const length = 4 * shape.reduce((a, b) => a * b, 1);
 *   return [n, { dtype: "F32", shape, offset: (at += length) - length, length }];
 * }));
 * const g = bertOnnxGraph(c, header, "model.safetensors");
 * assert.equal(g.initializers.filter((t) => t.external).length, 21);
 * assert.deepEqual(g.outputs.map((o) => o.name), ["hidden"]);
 * ```
 */
export function bertOnnxGraph(
  config: TransformerConfig,
  header: Record<string, TensorLocation>,
  location: string,
  where = location,
): OnnxGraph {
  const { names } = hfParamNames(header, config, where);
  const h = config.hiddenSize, nh = config.numHeads, dh = h / nh;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let counter = 0;
  const node = (op: string, inputs: string[], attrs?: Record<string, OnnxAttr>): string => {
    const out = `${op.toLowerCase()}_${counter++}`;
    nodes.push({ op, inputs, outputs: [out], attrs });
    return out;
  };
  const constant = (name: string, dataType: number, dims: number[], raw: Uint8Array): string => {
    initializers.push({ name, dataType, dims, raw });
    return name;
  };
  const weight = (name: string): string => {
    const file = names[name], t = header[file];
    const dataType = WEIGHT_TYPES[t.dtype];
    if (dataType === undefined) {
      throw new InputError(`${where}: tensor "${file}" is ${t.dtype}, expected F32, F16 or BF16`);
    }
    initializers.push({
      name,
      dataType,
      dims: t.shape,
      external: { location, offset: t.offset, length: t.length },
    });
    return dataType === ONNX_FLOAT ? name : node("Cast", [name], { to: ONNX_FLOAT });
  };
  const eps = { float: config.layerNormEps };
  const layerNorm = (x: string, p: string) =>
    node("LayerNormalization", [x, weight(`${p}.weight`), weight(`${p}.bias`)], {
      axis: -1,
      epsilon: eps,
    });
  const linear = (x: string, p: string) =>
    node("Gemm", [x, weight(`${p}.weight`), weight(`${p}.bias`)], { transB: 1 });

  const flat = constant("shape_flat", ONNX_INT64, [2], int64s([-1, h]));
  const bl = node("Shape", ["input_ids"]);
  const heads = node("Concat", [bl, constant("shape_heads", ONNX_INT64, [2], int64s([nh, dh]))], {
    axis: 0,
  });
  const outShape = node("Concat", [bl, constant("shape_h", ONNX_INT64, [1], int64s([h]))], {
    axis: 0,
  });
  const zero = constant("type_id", ONNX_INT64, [], int64s([0]));
  const scale = constant("attn_scale", ONNX_FLOAT, [], float32s([1 / Math.sqrt(dh)]));
  const half = constant("half", ONNX_FLOAT, [], float32s([0.5]));
  const one = constant("one", ONNX_FLOAT, [], float32s([1]));
  const sqrt2 = constant("sqrt2", ONNX_FLOAT, [], float32s([Math.SQRT2]));
  const activation = (x: string): string => {
    switch (config.hiddenAct) {
      case "gelu": {
        // 0.5 x (1 + erf(x / √2)), which ONNX Runtime fuses into its Gelu kernel.
        const e = node("Erf", [node("Div", [x, sqrt2])]);
        return node("Mul", [node("Mul", [x, node("Add", [e, one])]), half]);
      }
      case "gelu_new":
      case "gelu_pytorch_tanh": {
        // 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))
        const c = constant(`gelu_c${counter}`, ONNX_FLOAT, [], float32s([Math.sqrt(2 / Math.PI)]));
        const k = constant(`gelu_k${counter}`, ONNX_FLOAT, [], float32s([0.044715]));
        const cube = node("Mul", [node("Mul", [node("Mul", [x, x]), x]), k]);
        const t = node("Tanh", [node("Mul", [node("Add", [x, cube]), c])]);
        return node("Mul", [node("Mul", [x, node("Add", [t, one])]), half]);
      }
      case "relu":
        return node("Relu", [x]);
      default:
        throw new InputError(
          `hidden_act "${config.hiddenAct}": the ONNX graph has gelu, gelu_new and relu, not this one`,
        );
    }
  };

  let x = node("Add", [
    node("Add", [
      node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"]),
      node("Gather", [weight("embeddings.position_embeddings.weight"), "position_ids"]),
    ]),
    node("Gather", [weight("embeddings.token_type_embeddings.weight"), zero]),
  ]);
  x = node("Reshape", [layerNorm(x, "embeddings.LayerNorm"), flat]);
  for (let l = 0; l < config.numLayers; l++) {
    const p = `encoder.layer.${l}.`;
    const split = (t: string, perm: number[]) =>
      node("Transpose", [node("Reshape", [t, heads])], { perm });
    const q = split(linear(x, `${p}attention.self.query`), [0, 2, 1, 3]);
    const kT = split(linear(x, `${p}attention.self.key`), [0, 2, 3, 1]);
    const v = split(linear(x, `${p}attention.self.value`), [0, 2, 1, 3]);
    const scores = node("Add", [node("Mul", [node("MatMul", [q, kT]), scale]), "mask_bias"]);
    const ctx = node("MatMul", [node("Softmax", [scores], { axis: -1 }), v]);
    const merged = node("Reshape", [node("Transpose", [ctx], { perm: [0, 2, 1, 3] }), flat]);
    const attn = linear(merged, `${p}attention.output.dense`);
    x = layerNorm(node("Add", [attn, x]), `${p}attention.output.LayerNorm`);
    const inter = activation(linear(x, `${p}intermediate.dense`));
    x = layerNorm(node("Add", [linear(inter, `${p}output.dense`), x]), `${p}output.LayerNorm`);
  }
  nodes.push({ op: "Reshape", inputs: [x, outShape], outputs: ["hidden"] });
  return {
    name: "xlir_encoder",
    nodes,
    initializers,
    inputs: [
      { name: "input_ids", dataType: ONNX_INT64, dims: ["batch", "seq"] },
      { name: "position_ids", dataType: ONNX_INT64, dims: [1, "seq"] },
      { name: "mask_bias", dataType: ONNX_FLOAT, dims: ["batch", 1, 1, "seq"] },
    ],
    outputs: [{ name: "hidden", dataType: ONNX_FLOAT, dims: ["batch", "seq", h] }],
  };
}
