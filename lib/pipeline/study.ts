/**
 * The stand-in study behind issue "a stand-in in which the method can be
 * tested": base models built different ways (initialisation, pre-training,
 * parallel text), each evaluated zero-shot without fine-tuning on XQuAD-R and
 * MLQA-R beside BM25 and BM25 with dictionary query translation. Every variant
 * is a training config (a file plus a patch); `"initOnly": true` evaluates the
 * initialisation itself (no training step). Steps are the cached ones of the
 * experiment (`runs.ts`), so a rerun with nothing changed recomputes nothing.
 *
 * The config (`configs/study.json`):
 *
 * ```json
 * {
 *   "variants": [
 *     { "name": "PPMI-SVD init", "config": "configs/base_aligned.json", "initOnly": true },
 *     { "name": "PPMI-SVD init + pre-training", "config": "configs/base_aligned.json" }
 *   ],
 *   "eval": { "maxQueries": 0, "mlqaSource": "lareqa" }
 * }
 * ```
 *
 * @module
 */

import { resolveDataDir } from "../data/data_dir.ts";
import { loadConfig, resolveConfig, type TrainConfig } from "../train/config.ts";
import { deepMerge } from "../util/deep_merge.ts";
import { InputError } from "../util/errors.ts";
import { readJsonObject } from "../util/json.ts";
import { fromRoot } from "../util/root.ts";
import type { Row } from "../util/row.ts";
import {
  BM25_DICT,
  type EvalRecord,
  type EvalSettings,
  evaluateCached,
  initCached,
  type LexicalModel,
  trainCached,
  type TrainedModel,
} from "./runs.ts";

/** One base model of the study. */
export interface StudyVariant {
  name: string;
  /** A training config file (from the checkout root). */
  config: string;
  /** Merged over the file (objects deeply). */
  patch?: Record<string, unknown>;
  /** Evaluate the initialisation, without the config's training. */
  initOnly?: boolean;
  /** Start from the model of this (earlier) variant: its `model.initFrom`. */
  from?: string;
  /** Datasets to evaluate on (default both; a P2 model only on the one it was not trained on). */
  evaluate?: ("xquad-r" | "mlqa-r")[];
}

/** The study's config. */
export interface StudyConfig {
  variants: StudyVariant[];
  eval: EvalSettings;
  /** Where it was read from. */
  source: string;
}

type Json = Record<string, unknown>;

/**
 * Reads a study config.
 *
 * @throws {InputError} naming the file and the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadStudy } from "./study.ts";
 * const study = await loadStudy("configs/study.json");
 * assert.ok(study.variants.length >= 2);
 * ```
 */
export async function loadStudy(path: string): Promise<StudyConfig> {
  const raw = await readJsonObject(fromRoot(path), "the study config");
  const variants = raw.variants;
  if (!Array.isArray(variants) || variants.length === 0) {
    throw new InputError(`${path}: "variants" must be a non-empty list`);
  }
  const names = new Set<string>();
  variants.forEach((v, i) => {
    const where = `${path}: variants[${i}]`;
    if (typeof v !== "object" || v === null) throw new InputError(`${where} must be an object`);
    const { name, config, patch, initOnly } = v as Json;
    if (typeof name !== "string" || name === "") {
      throw new InputError(`${where}.name must be a non-empty string`);
    }
    if (names.has(name)) throw new InputError(`${where}.name "${name}" is given twice`);
    if (typeof config !== "string") throw new InputError(`${where}.config must be a path`);
    if (patch !== undefined && (typeof patch !== "object" || patch === null)) {
      throw new InputError(`${where}.patch must be an object`);
    }
    if (initOnly !== undefined && typeof initOnly !== "boolean") {
      throw new InputError(`${where}.initOnly must be true or false`);
    }
    const { from, evaluate } = v as Json;
    if (from !== undefined && (typeof from !== "string" || !names.has(from))) {
      throw new InputError(
        `${where}.from must name an earlier variant, got ${JSON.stringify(from)}`,
      );
    }
    if (
      evaluate !== undefined &&
      (!Array.isArray(evaluate) || evaluate.length === 0 ||
        evaluate.some((d) => d !== "xquad-r" && d !== "mlqa-r"))
    ) {
      throw new InputError(`${where}.evaluate must list "xquad-r" and/or "mlqa-r"`);
    }
    names.add(name);
  });
  const ev = (raw.eval ?? { maxQueries: 0, mlqaSource: "lareqa" }) as EvalSettings;
  return { variants: variants as StudyVariant[], eval: ev, source: path };
}

/** The resolved training config of a variant (`initFrom`: the model `from` names, when given). */
export async function variantConfig(v: StudyVariant, fromDir?: string): Promise<TrainConfig> {
  const base = await loadConfig(fromRoot(v.config));
  const patch = fromDir ? deepMerge(v.patch ?? {}, { model: { initFrom: fromDir } }) : v.patch;
  return resolveConfig(deepMerge(base as unknown as Json, patch ?? {}), v.config);
}

/** One evaluated row of the study. */
export interface StudyResult {
  name: string;
  /** `"init"`, `"trained"`, `"fine-tuned"` (from another variant) or `"lexical"`. */
  kind: string;
  /** The variant a fine-tuned model starts from, else `null`. */
  from: string | null;
  /** The fine-tuning's α (the share of X-X batches), else `null`. */
  alpha: number | null;
  model: TrainedModel | null;
  evals: Record<string, EvalRecord>;
}

const DATASETS = ["xquad-r", "mlqa-r"] as const;

/**
 * Builds (or loads) every variant and evaluates it, then the lexical
 * baselines.
 */
export async function runStudy(
  study: StudyConfig,
  dataDir: string = resolveDataDir(),
  say: (line: string) => void = () => {},
): Promise<StudyResult[]> {
  const out: StudyResult[] = [];
  for (const [name, model] of [["BM25", "bm25"], ["BM25 + dictionary", BM25_DICT]] as const) {
    const evals: Record<string, EvalRecord> = {};
    for (const d of DATASETS) {
      say(`study: ${name} on ${d}`);
      evals[d] = await evaluateCached(model as LexicalModel, d, study.eval, dataDir);
    }
    out.push({ name, kind: "lexical", from: null, alpha: null, model: null, evals });
  }
  const models = new Map<string, TrainedModel>();
  for (const v of study.variants) {
    say(`study: ${v.name}`);
    const config = await variantConfig(v, v.from ? models.get(v.from)!.modelDir : undefined);
    const model = v.initOnly
      ? await initCached(config, dataDir)
      : await trainCached(config, dataDir);
    models.set(v.name, model);
    const evals: Record<string, EvalRecord> = {};
    for (const d of v.evaluate ?? DATASETS) {
      evals[d] = await evaluateCached(model, d, study.eval, dataDir);
    }
    const kind = v.initOnly ? "init" : v.from ? "fine-tuned" : "trained";
    const from = v.from ?? null;
    out.push({
      name: v.name,
      kind,
      from,
      alpha: from ? config.sampling.alpha : null,
      model,
      evals,
    });
  }
  return out;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The study's table: one row per model, its kind, the variant a fine-tuned
 * model starts from and its α, mAP in the three settings and the language
 * bias on both datasets, and the seconds its training took.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { studyTable } from "./study.ts";
 * const s = { mono: { map: 0.5 }, cross: { map: 0.1 }, multi: { map: 0.2, languageBias: 900 } };
 * const ev = { key: "k", summary: s, perQuery: {} } as never;
 * const rows = studyTable([{ name: "x", kind: "init", from: null, alpha: null, model: null, evals: { "xquad-r": ev, "mlqa-r": ev } }]);
 * assert.equal(rows[0]["xquad-r cross"], 0.1);
 * ```
 */
export function studyTable(results: readonly StudyResult[]): Row[] {
  return results.map((r) => {
    const row: Row = { model: r.name, kind: r.kind, from: r.from, alpha: r.alpha };
    for (const d of DATASETS) {
      const s = r.evals[d]?.summary;
      row[`${d} mono`] = s ? r3(s.mono.map) : null;
      row[`${d} cross`] = s ? r3(s.cross.map) : null;
      row[`${d} multi`] = s ? r3(s.multi.map) : null;
      row[`${d} bias`] = s ? Math.round(s.multi.languageBias) : null;
    }
    const seconds = r.model?.run.result.seconds;
    row.seconds = seconds === undefined ? null : Math.round(seconds);
    return row;
  });
}
