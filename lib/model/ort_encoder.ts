/**
 * Inference for loaded BERT/XLM-R checkpoints on ONNX Runtime's CPU kernels
 * (`onnxruntime-node`, whose native library ships in the npm package): the
 * encoder body is an ONNX graph built here at load time (`onnx_bert.ts`)
 * whose weights ONNX Runtime reads straight from `model.safetensors`; the
 * sentence-transformers head (pooling, Dense, Normalize) is `applyHead` on
 * the tfjs backend, as in `transformer.ts`. Encoding only: training stays on
 * tfjs (`TransformerEncoder`).
 *
 * The session runs synchronously (the binding's own `run`; the package's
 * `InferenceSession` wraps the same call in a promise), so `embedIds` is
 * synchronous like every other encoder's.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import * as ort from "onnxruntime-node";
import { binding, initOrt } from "onnxruntime-node/binding";
import { dirname, join } from "node:path";
import { InputError } from "../util/errors.ts";
import type { TextTokenizer } from "../data/tokenizer.ts";
import type { Encoder, Prompts } from "./encoder.ts";
import { ensureBackend, tensorFromValues } from "./backend.ts";
import { readSafetensorsHeader } from "./safetensors.ts";
import { bertOnnxGraph } from "./onnx_bert.ts";
import { encodeOnnxModel } from "./onnx_proto.ts";
import { applyHead, denseParamNames, poolingModes } from "./sentence_head.ts";
import { outputDim, type TransformerConfig } from "./transformer_config.ts";
import { transpose2d } from "./hf_checkpoint.ts";
import { type LoadTransformerOptions, readTransformerFolder } from "./load_encoder.ts";

/** Options of {@linkcode loadOrtTransformer}. */
export interface OrtOptions
  extends Pick<LoadTransformerOptions, "pooling" | "prompts" | "maxLength"> {
  /** ONNX Runtime's intra-op threads; default its own (the physical cores). */
  threads?: number;
  /** Sequences per forward pass. Default 32. */
  batchSize?: number;
  /** Let idle ONNX Runtime threads spin (its default; faster on a machine of one's own). Default false. */
  spin?: boolean;
}

/** The binding's synchronous session. */
type Session = InstanceType<typeof binding.InferenceSession>;

/**
 * A loaded checkpoint encoding on ONNX Runtime (see the module doc). Build it
 * with {@linkcode loadOrtTransformer}.
 */
export class OrtTransformerEncoder implements Encoder {
  /** Always `"transformer"`. */
  readonly architecture = "transformer" as const;
  readonly dim: number;
  readonly maxLength: number;
  readonly tokenizer: TextTokenizer;
  readonly prompts: Prompts;
  /** The architecture and head. */
  readonly config: Readonly<TransformerConfig>;
  /** The folder it was loaded from. */
  readonly source: string;
  readonly #batch: number;
  #session: Session | null;
  #params = new Map<string, tf.Tensor>();

  /** Use {@linkcode loadOrtTransformer}. */
  constructor(
    source: string,
    session: Session,
    config: TransformerConfig,
    tokenizer: TextTokenizer,
    head: Record<string, Float32Array>,
    options: { maxLength: number; prompts: Prompts; batchSize: number },
  ) {
    this.source = source;
    this.#session = session;
    this.config = Object.freeze({ ...config });
    this.tokenizer = tokenizer;
    this.dim = outputDim(config);
    this.maxLength = options.maxLength;
    this.prompts = Object.freeze({ ...options.prompts });
    this.#batch = options.batchSize;
    config.dense.forEach((d, k) => {
      const n = denseParamNames(k);
      this.#params.set(
        n.weight,
        tf.keep(tensorFromValues(head[n.weight], [d.inFeatures, d.outFeatures])),
      );
      if (d.bias) {
        this.#params.set(n.bias, tf.keep(tensorFromValues(head[n.bias], [d.outFeatures])));
      }
    });
  }

  #run(seqs: Int32Array[], index: number[], unit: boolean): Float32Array {
    const c = this.config, v = c.vocabSize;
    let l = 0;
    for (const [i, s] of seqs.entries()) {
      if (s.length === 0) throw new InputError(`embedIds: sequence ${index[i]} is empty`);
      if (s.length > this.maxLength) {
        throw new InputError(
          `embedIds: sequence ${
            index[i]
          } has ${s.length} ids, more than maxLength ${this.maxLength}`,
        );
      }
      l = Math.max(l, s.length);
    }
    const b = seqs.length;
    const ids = new BigInt64Array(b * l).fill(BigInt(c.padId));
    const maskBias = new Float32Array(b * l).fill(-1e9);
    const poolMask = new Float32Array(b * l);
    seqs.forEach((s, i) => {
      for (let j = 0; j < s.length; j++) {
        const id = s[j];
        if (!(id >= 0 && id < v)) {
          throw new InputError(
            `embedIds: sequence ${
              index[i]
            }, position ${j}: token id ${id} is outside the vocabulary 0..${v - 1}`,
          );
        }
        ids[i * l + j] = BigInt(id);
        maskBias[i * l + j] = 0;
        poolMask[i * l + j] = 1;
      }
    });
    const pos = new BigInt64Array(l);
    for (let j = 0; j < l; j++) pos[j] = BigInt(c.positionOffset + j);
    const out = this.#session!.run(
      {
        input_ids: new ort.Tensor("int64", ids, [b, l]),
        position_ids: new ort.Tensor("int64", pos, [1, l]),
        mask_bias: new ort.Tensor("float32", maskBias, [b, 1, 1, l]),
      },
      { hidden: null },
      {},
    );
    const hidden = out.hidden as ort.Tensor;
    try {
      return tf.tidy(() => {
        const states = tensorFromValues(hidden.data as Float32Array, [b, l, c.hiddenSize]);
        const lengths = seqs.map((s) => s.length);
        const e = applyHead(
          { hidden: states, poolMask, lengths },
          poolingModes(c.pooling),
          c.dense,
          (n) => this.#params.get(n)!,
          unit || c.normalize,
        );
        return e.dataSync() as Float32Array;
      });
    } finally {
      hidden.dispose();
    }
  }

  #embed(seqs: Int32Array[], unit: boolean): Float32Array {
    if (this.#session === null) throw new Error("OrtTransformerEncoder: used after dispose()");
    const d = this.dim, out = new Float32Array(seqs.length * d);
    // Sorted by length, so that each batch pads little; written back in input order.
    const order = [...seqs.keys()].sort((a, b) => seqs[a].length - seqs[b].length || a - b);
    for (let start = 0; start < order.length; start += this.#batch) {
      const idx = order.slice(start, start + this.#batch);
      const vecs = this.#run(idx.map((i) => seqs[i]), idx, unit);
      idx.forEach((i, r) => out.set(vecs.subarray(r * d, r * d + d), i * d));
    }
    return out;
  }

  /**
   * Embeds token-id sequences (prompt and special tokens in them), unit rows.
   *
   * @throws {InputError} for an empty or too long sequence or an id outside the vocabulary.
   */
  embedIds(seqs: Int32Array[]): Float32Array {
    return this.#embed(seqs, true);
  }

  /** What sentence-transformers' `encode` returns: normalised only with a Normalize module. */
  sentenceEmbeddings(seqs: Int32Array[]): Float32Array {
    return this.#embed(seqs, false);
  }

  /** Copies the folder it was loaded from (the model is not changed by encoding). */
  async save(dir: string): Promise<void> {
    await copyTree(this.source, dir);
  }

  /** Releases the session and the head's tensors. */
  dispose(): void {
    this.#session?.dispose();
    this.#session = null;
    for (const t of this.#params.values()) t.dispose();
    this.#params.clear();
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(join(from, e.name), join(to, e.name));
    else if (e.isFile) await Deno.copyFile(join(from, e.name), join(to, e.name));
  }
}

/**
 * Loads a BERT-family folder (as `loadTransformer` reads it: modules.json,
 * Pooling, Dense, Normalize, `max_seq_length`, `do_lower_case`, prompts) for
 * encoding on ONNX Runtime.
 *
 * @param dir The model folder.
 * @param options Overrides of the folder's pooling, prompts, maximum length; threads, batch size.
 * @returns The encoder.
 * @throws {InputError} for a missing or malformed file or tensor.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadOrtTransformer } from "./ort_encoder.ts";
 * import { createTransformer } from "./transformer.ts";
 * import { tinyTokenizer } from "./_testing.ts";
 * const dir = await Deno.makeTempDir();
 * const tf = await createTransformer(
 *   { numLayers: 1, hiddenSize: 8, numHeads: 2, intermediateSize: 16, maxPositions: 32 },
 *   await tinyTokenizer(),
 * );
 * await tf.save(dir);
 * const ort = await loadOrtTransformer(dir, { threads: 1 });
 * const ids = [Int32Array.of(2, 7, 3)];
 * const a = ort.embedIds(ids), b = tf.embedIds(ids);
 * assert.ok(a.every((x, i) => Math.abs(x - b[i]) < 1e-5));
 * ort.dispose();
 * tf.dispose();
 * ```
 */
export async function loadOrtTransformer(
  dir: string,
  options: OrtOptions = {},
): Promise<OrtTransformerEncoder> {
  const f = await readTransformerFolder(dir, options);
  const header = await readSafetensorsHeader(f.weightsPath);
  const graph = bertOnnxGraph(f.config, header, "model.safetensors", f.weightsPath);
  const bytes = encodeOnnxModel(graph);
  initOrt();
  const session = new binding.InferenceSession();
  try {
    session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
      // The weights are the checkpoint's own bytes, named relative to its folder.
      extra: {
        session: {
          model_external_initializers_file_folder_path: dirname(f.weightsPath),
          // Prepacking the GEMM weights takes seconds and a second copy of them for no
          // measurable gain at these shapes; threads that spin while idle take cores from
          // whatever else runs (a shared machine, the tokenizer).
          disable_prepacking: "1",
          intra_op: { allow_spinning: options.spin ? "1" : "0" },
        },
      },
      graphOptimizationLevel: "all",
      executionProviders: [{ name: "cpu" }],
      ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (err) {
    throw new InputError(
      `ONNX Runtime cannot load ${f.weightsPath}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const head: Record<string, Float32Array> = {};
  f.dense.forEach((d, k) => {
    const n = denseParamNames(k);
    head[n.weight] = transpose2d(d.weight, d.spec.outFeatures, d.spec.inFeatures);
    if (d.bias) head[n.bias] = d.bias;
  });
  await ensureBackend();
  const posMax = f.config.maxPositions - f.config.positionOffset;
  const maxLength = f.maxLength ?? posMax;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > posMax) {
    session.dispose();
    throw new InputError(`maxLength is ${maxLength}, expected an integer in 1..${posMax}`);
  }
  return new OrtTransformerEncoder(dir, session, f.config, f.tokenizer, head, {
    maxLength,
    prompts: f.prompts,
    batchSize: Math.max(1, options.batchSize ?? 32),
  });
}
