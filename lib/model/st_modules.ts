/**
 * A sentence-transformers model folder, read and written as sentence-transformers
 * does: `modules.json` lists the modules in order — Transformer (its folder
 * holds the Hugging Face files and `sentence_bert_config.json`:
 * `max_seq_length`, `do_lower_case`), Pooling (`config.json`, every
 * `pooling_mode_*`), Dense (`config.json` with `in_features`,
 * `out_features`, `bias`, `activation_function`; weights `linear.weight`
 * `[out, in]` and `linear.bias` in `model.safetensors` or `pytorch_model.bin`),
 * Normalize — and `config_sentence_transformers.json` keeps the `prompts`.
 *
 * A folder without `modules.json` is what sentence-transformers makes of a
 * plain Hugging Face checkpoint: Transformer → mean Pooling, no Normalize.
 *
 * @module
 */

import { join } from "node:path";
import { InputError } from "../util/errors.ts";
import { readJsonObject, readOptionalJsonObject } from "../util/json.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import type { Prompts } from "./encoder.ts";
import { readSafetensors, writeSafetensors } from "./safetensors.ts";
import { readTorchStateDict } from "./torch_state_dict.ts";
import {
  DENSE_ACTIVATIONS,
  type DenseActivation,
  type DenseSpec,
  type PoolingMode,
} from "./sentence_head.ts";

/** A Dense module as read or to be written: its spec and weights (`weight` `[out, in]`). */
export interface DenseModule {
  spec: DenseSpec;
  /** `[out, in]` row-major, as PyTorch stores it. */
  weight: Float32Array;
  /** `[out]`, when the module has a bias. */
  bias?: Float32Array;
}

/** What a folder's modules say. */
export interface StModules {
  /** Whether the folder has a `modules.json` (else the defaults for a plain checkpoint). */
  hasModules: boolean;
  /** The Transformer module's folder (the model folder itself, or e.g. `0_Transformer`). */
  transformerDir: string;
  /** Pooling modes (undefined: no Pooling module given its own config; mean). */
  pooling?: PoolingMode[];
  /** Pooling's `word_embedding_dimension`, to check against the transformer. */
  poolingWidth?: number;
  /** The Dense modules in order. */
  dense: DenseModule[];
  /** Whether a Normalize module ends the chain. */
  normalize: boolean;
  /** `sentence_bert_config.json` `max_seq_length`. */
  maxSeqLength?: number;
  /** `sentence_bert_config.json` `do_lower_case`. */
  doLowerCase: boolean;
  /** `config_sentence_transformers.json` `prompts` (query; passage or document). */
  prompts?: Prompts;
}

const TYPE_PREFIX = "sentence_transformers.models.";

/** Pooling config keys, by mode. */
const POOLING_KEYS: Record<PoolingMode, string> = {
  cls: "pooling_mode_cls_token",
  max: "pooling_mode_max_tokens",
  mean: "pooling_mode_mean_tokens",
  mean_sqrt_len_tokens: "pooling_mode_mean_sqrt_len_tokens",
  weightedmean: "pooling_mode_weightedmean_tokens",
  lasttoken: "pooling_mode_lasttoken",
};

/**
 * Reads a Pooling module's `config.json`: every mode set to true (the
 * `pooling_mode` string form too), in sentence-transformers' order.
 *
 * @throws {InputError} for no mode, an unknown `pooling_mode`, or `include_prompt: false`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { poolingFromConfig } from "./st_modules.ts";
 * const modes = poolingFromConfig({ pooling_mode_mean_tokens: true, pooling_mode_cls_token: true });
 * assert.deepEqual(modes, ["cls", "mean"]);
 * ```
 */
export function poolingFromConfig(
  config: Record<string, unknown>,
  where = "1_Pooling/config.json",
): PoolingMode[] {
  if (config.include_prompt === false) {
    throw new InputError(
      `${where}: include_prompt is false (pooling without the prompt's tokens), which xlir does not support`,
    );
  }
  const named = config.pooling_mode;
  if (named !== undefined && named !== null) {
    const m = String(named).toLowerCase();
    const alias: Record<string, PoolingMode> = {
      mean: "mean",
      max: "max",
      cls: "cls",
      weightedmean: "weightedmean",
      lasttoken: "lasttoken",
      mean_sqrt_len_tokens: "mean_sqrt_len_tokens",
    };
    if (!(m in alias)) {
      throw new InputError(
        `${where}: pooling_mode is ${JSON.stringify(named)}, expected one of ${
          Object.keys(alias).join(", ")
        }`,
      );
    }
    return [alias[m]];
  }
  const modes = (Object.keys(POOLING_KEYS) as PoolingMode[]).filter((m) =>
    config[POOLING_KEYS[m]] === true
  );
  if (modes.length === 0) {
    throw new InputError(`${where}: no pooling_mode_* is true, expected at least one`);
  }
  return modes;
}

/** `prompts` of `config_sentence_transformers.json`, or undefined when it has none. */
function promptsFromConfig(config: Record<string, unknown>, where: string): Prompts | undefined {
  const p = config.prompts;
  if (p === undefined || p === null) return undefined;
  if (typeof p !== "object" || Array.isArray(p)) {
    throw new InputError(`${where}: prompts is ${JSON.stringify(p)}, expected an object`);
  }
  const o = p as Record<string, unknown>;
  const str = (k: string) => {
    const v = o[k];
    if (v !== undefined && typeof v !== "string") {
      throw new InputError(`${where}: prompts.${k} is ${JSON.stringify(v)}, expected a string`);
    }
    return v as string | undefined;
  };
  const query = str("query"), passage = str("passage") ?? str("document");
  if (query === undefined && passage === undefined) return undefined;
  return { query: query ?? "", passage: passage ?? "" };
}

async function readDense(dir: string): Promise<DenseModule> {
  const cfgPath = join(dir, "config.json");
  const cfg = await readJsonObject(cfgPath, "Dense module config");
  const int = (key: string) => {
    const v = cfg[key];
    if (!Number.isInteger(v) || (v as number) < 1) {
      throw new InputError(
        `${cfgPath}: ${key} is ${JSON.stringify(v)}, expected a positive integer`,
      );
    }
    return v as number;
  };
  const inF = int("in_features"), outF = int("out_features");
  const bias = cfg.bias ?? true;
  if (typeof bias !== "boolean") {
    throw new InputError(`${cfgPath}: bias is ${JSON.stringify(bias)}, expected true or false`);
  }
  const actName = cfg.activation_function ?? "torch.nn.modules.activation.Tanh";
  const activation = (DENSE_ACTIVATIONS as Record<string, DenseActivation>)[String(actName)];
  if (!activation) {
    throw new InputError(
      `${cfgPath}: activation_function is ${JSON.stringify(actName)}, expected one of ${
        Object.keys(DENSE_ACTIVATIONS).join(", ")
      }`,
    );
  }
  let where = join(dir, "model.safetensors");
  const haveSafetensors = await Deno.stat(where).then(() => true, () => false);
  if (!haveSafetensors) where = join(dir, "pytorch_model.bin");
  const tensors = haveSafetensors
    ? (await readSafetensors(where)).tensors
    : await readTorchStateDict(where);
  const take = (name: string, shape: number[]) => {
    const t = tensors[name];
    if (!t || !(t.data instanceof Float32Array) || t.shape.join(",") !== shape.join(",")) {
      throw new InputError(
        `${where}: tensor "${name}" is ${
          t ? `${t.dtype} [${t.shape}]` : "missing"
        }, expected F32 [${shape}] from ${cfgPath}`,
      );
    }
    return t.data;
  };
  return {
    spec: { inFeatures: inF, outFeatures: outF, bias, activation },
    weight: take("linear.weight", [outF, inF]),
    bias: bias ? take("linear.bias", [outF]) : undefined,
  };
}

/**
 * Reads what a model folder's sentence-transformers files say (see the module doc).
 *
 * @param dir The model folder.
 * @returns Its modules; a folder without `modules.json` gets Transformer → mean Pooling.
 * @throws {InputError} for a module type xlir does not run, or a malformed file, naming it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readStModules } from "./st_modules.ts";
 * const dir = await Deno.makeTempDir();
 * const m = await readStModules(dir);
 * assert(!m.hasModules && !m.normalize && m.dense.length === 0);
 * ```
 */
export async function readStModules(dir: string): Promise<StModules> {
  const out: StModules = {
    hasModules: false,
    transformerDir: dir,
    dense: [],
    normalize: false,
    doLowerCase: false,
  };
  const listPath = join(dir, "modules.json");
  let list: unknown;
  try {
    list = JSON.parse(await Deno.readTextFile(listPath));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      throw new InputError(`Cannot read ${listPath}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (list !== undefined) {
    if (!Array.isArray(list)) throw new InputError(`${listPath} is not a JSON array of modules`);
    out.hasModules = true;
    const sorted = [...list].sort((a, b) => (a?.idx ?? 0) - (b?.idx ?? 0));
    let seenTransformer = false;
    for (const [i, m] of sorted.entries()) {
      const type = String(m?.type ?? "");
      const path = String(m?.path ?? "");
      const where = `${listPath}: module ${i} (${type || "no type"})`;
      const short = type.startsWith(TYPE_PREFIX) ? type.slice(TYPE_PREFIX.length) : type;
      const mdir = join(dir, path);
      if (short === "Transformer" || short === "models.Transformer") {
        if (seenTransformer || i !== 0) {
          throw new InputError(`${where}: expected one Transformer module, first`);
        }
        seenTransformer = true;
        out.transformerDir = mdir;
      } else if (short === "Pooling") {
        if (out.pooling || out.dense.length > 0 || out.normalize) {
          throw new InputError(
            `${where}: expected one Pooling module, right after the Transformer`,
          );
        }
        const cfgPath = join(mdir, "config.json");
        const cfg = await readJsonObject(cfgPath, "Pooling module config");
        out.pooling = poolingFromConfig(cfg, cfgPath);
        if (typeof cfg.word_embedding_dimension === "number") {
          out.poolingWidth = cfg.word_embedding_dimension;
        }
      } else if (short === "Dense") {
        if (!out.pooling || out.normalize) {
          throw new InputError(
            `${where}: a Dense module must come after Pooling and before Normalize`,
          );
        }
        out.dense.push(await readDense(mdir));
      } else if (short === "Normalize") {
        if (!out.pooling) throw new InputError(`${where}: Normalize before Pooling`);
        out.normalize = true;
      } else {
        throw new InputError(
          `${where}: xlir runs Transformer, Pooling, Dense and Normalize modules, not ${
            JSON.stringify(type)
          }`,
        );
      }
    }
    if (!seenTransformer) {
      throw new InputError(`${listPath}: no sentence_transformers.models.Transformer module`);
    }
  }
  for (const base of new Set([out.transformerDir, dir])) {
    const stPath = join(base, "sentence_bert_config.json");
    const st = await readOptionalJsonObject(stPath, "model file");
    if (!st) continue;
    if (st.max_seq_length !== undefined && st.max_seq_length !== null) {
      if (!Number.isInteger(st.max_seq_length) || (st.max_seq_length as number) < 1) {
        throw new InputError(
          `${stPath}: max_seq_length is ${
            JSON.stringify(st.max_seq_length)
          }, expected a positive integer`,
        );
      }
      out.maxSeqLength = st.max_seq_length as number;
    }
    if (st.do_lower_case !== undefined && typeof st.do_lower_case !== "boolean") {
      throw new InputError(
        `${stPath}: do_lower_case is ${JSON.stringify(st.do_lower_case)}, expected true or false`,
      );
    }
    out.doLowerCase = st.do_lower_case === true;
    break;
  }
  const cfgPath = join(dir, "config_sentence_transformers.json");
  const cfg = await readOptionalJsonObject(cfgPath, "model file");
  if (cfg) out.prompts = promptsFromConfig(cfg, cfgPath);
  return out;
}

/** What {@linkcode writeStModules} writes. */
export interface StModulesToWrite {
  /** Transformer width (Pooling's `word_embedding_dimension`). */
  hiddenSize: number;
  pooling: readonly PoolingMode[];
  dense: readonly DenseModule[];
  normalize: boolean;
  maxSeqLength: number;
  doLowerCase: boolean;
  prompts: Prompts;
}

/** The `torch.nn` class name of an activation (the inverse of `DENSE_ACTIVATIONS`). */
function activationClass(a: DenseActivation): string {
  return Object.entries(DENSE_ACTIVATIONS).find(([, v]) => v === a)![0];
}

/**
 * Writes a model folder's sentence-transformers files (the Transformer module
 * is the folder itself): `modules.json`, `sentence_bert_config.json`,
 * `1_Pooling/config.json`, `K_Dense/{config.json, model.safetensors}`,
 * `K_Normalize/`, `config_sentence_transformers.json`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readStModules, writeStModules } from "./st_modules.ts";
 * const dir = await Deno.makeTempDir();
 * await writeStModules(dir, { hiddenSize: 4, pooling: ["cls"], dense: [], normalize: true,
 *   maxSeqLength: 16, doLowerCase: false, prompts: { query: "q: ", passage: "" } });
 * const m = await readStModules(dir);
 * assert.deepEqual(m.pooling, ["cls"]);
 * assert(m.normalize && m.prompts?.query === "q: " && m.maxSeqLength === 16);
 * ```
 */
export async function writeStModules(dir: string, m: StModulesToWrite): Promise<void> {
  const modules: Record<string, unknown>[] = [
    { idx: 0, name: "0", path: "", type: `${TYPE_PREFIX}Transformer` },
    { idx: 1, name: "1", path: "1_Pooling", type: `${TYPE_PREFIX}Pooling` },
  ];
  // The four keys every sentence-transformers version reads; the newer modes only when used
  // (2.2.2's Pooling rejects keys it does not know).
  const pooling: Record<string, unknown> = { word_embedding_dimension: m.hiddenSize };
  for (const [mode, key] of Object.entries(POOLING_KEYS)) {
    const on = m.pooling.includes(mode as PoolingMode);
    if (on || !["weightedmean", "lasttoken"].includes(mode)) pooling[key] = on;
  }
  await writeJsonAtomic(join(dir, "1_Pooling", "config.json"), pooling);
  for (const d of m.dense) {
    const idx = modules.length, path = `${idx}_Dense`;
    modules.push({ idx, name: String(idx), path, type: `${TYPE_PREFIX}Dense` });
    await writeJsonAtomic(join(dir, path, "config.json"), {
      in_features: d.spec.inFeatures,
      out_features: d.spec.outFeatures,
      bias: d.spec.bias,
      activation_function: activationClass(d.spec.activation),
    });
    const tensors: Record<string, { dtype: string; shape: number[]; data: Float32Array }> = {
      "linear.weight": {
        dtype: "F32",
        shape: [d.spec.outFeatures, d.spec.inFeatures],
        data: d.weight,
      },
    };
    if (d.bias) {
      tensors["linear.bias"] = { dtype: "F32", shape: [d.spec.outFeatures], data: d.bias };
    }
    await writeSafetensors(join(dir, path, "model.safetensors"), tensors, { format: "pt" });
  }
  if (m.normalize) {
    const idx = modules.length, path = `${idx}_Normalize`;
    modules.push({ idx, name: String(idx), path, type: `${TYPE_PREFIX}Normalize` });
    await Deno.mkdir(join(dir, path), { recursive: true });
  }
  await writeJsonAtomic(join(dir, "sentence_bert_config.json"), {
    max_seq_length: m.maxSeqLength,
    do_lower_case: m.doLowerCase,
  });
  await writeJsonAtomic(join(dir, "config_sentence_transformers.json"), {
    prompts: { query: m.prompts.query, passage: m.prompts.passage },
    default_prompt_name: null,
    similarity_fn_name: "cosine",
  });
  await writeJsonAtomic(join(dir, "modules.json"), modules);
}
