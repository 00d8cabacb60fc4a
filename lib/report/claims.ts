/**
 * The claims under test and their verdicts. The claims are data
 * (`data/paper/seed_claims.json`, committed and imported with this module,
 * so a fresh clone has them): one record per claim of the seed report's
 * section 5, with a stable id, its text exactly as the report gives it (cut
 * at 120 characters there: `truncated`), the report's own verification, its
 * kind and the id of the rule that judges it (`claim_rules.ts`). Claims are
 * joined to everything by id, never by position.
 *
 * @module
 */

import RAW from "../../data/paper/seed_claims.json" with { type: "json" };
import type { Statistics } from "../pipeline/effects.ts";
import { InputError } from "../util/errors.ts";
import {
  COMPARATIVE_RULES,
  DESCRIPTIVE_RULES,
  type DescriptiveEvidence,
  judgeComparative,
  type VerdictTest,
} from "./claim_rules.ts";
import type { RegimeCheck } from "./regime.ts";
import type { Row } from "./tables.ts";

/** Where the claims live in the checkout. */
export const CLAIMS_PATH = "data/paper/seed_claims.json";

/** One claim under test. */
export interface Claim {
  /** Stable id, e.g. `"hybrid-reduces-language-bias"`. */
  id: string;
  /** The text as the seed report gives it. */
  text: string;
  /** The report cut the text (at 120 characters). */
  truncated: boolean;
  /** The report's own verification (`✓` or `×`) and confidence. */
  seedVerified: string;
  seedConfidence: number;
  /** `descriptive`: a check of the data, the implementation or the paper's text; `comparative`: a claim about the method. */
  kind: "descriptive" | "comparative";
  /** What a descriptive claim checks. */
  checks?: string;
  /** The id of the rule that judges it. */
  rule: string;
}

/**
 * Validates the claims' data: unique ids, a known kind, and a rule of that
 * kind for every claim.
 *
 * @throws {InputError} naming the file, the claim and the field.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadClaims } from "./claims.ts";
 * const claims = loadClaims();
 * assert.equal(claims.length, 11);
 * assert.equal(claims.filter((c) => c.kind === "comparative").length, 4);
 * ```
 */
export function loadClaims(raw: unknown = RAW, source = CLAIMS_PATH): Claim[] {
  const list = (raw as { claims?: unknown })?.claims;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InputError(`${source}: "claims" must be a non-empty array`);
  }
  const seen = new Set<string>();
  list.forEach((c: Record<string, unknown>, i) => {
    const at = `${source}: claims[${i}]${typeof c.id === "string" ? ` (${c.id})` : ""}`;
    for (const k of ["id", "text", "rule", "seedVerified"]) {
      if (typeof c[k] !== "string" || c[k] === "") {
        throw new InputError(`${at}.${k} must be a non-empty string`);
      }
    }
    if (seen.has(c.id as string)) throw new InputError(`${at}: the id is used twice`);
    seen.add(c.id as string);
    if (c.kind !== "descriptive" && c.kind !== "comparative") {
      throw new InputError(
        `${at}.kind is ${JSON.stringify(c.kind)}, expected descriptive or comparative`,
      );
    }
    const rules = c.kind === "comparative" ? COMPARATIVE_RULES : DESCRIPTIVE_RULES;
    if (!((c.rule as string) in rules)) {
      throw new InputError(
        `${at}.rule is "${c.rule}", expected one of the ${c.kind} rules: ${
          Object.keys(rules).join(", ")
        }`,
      );
    }
    if (c.kind === "descriptive" && typeof c.checks !== "string") {
      throw new InputError(`${at}.checks must say what a descriptive claim checks`);
    }
    if (typeof c.truncated !== "boolean" || typeof c.seedConfidence !== "number") {
      throw new InputError(`${at}: truncated must be a boolean and seedConfidence a number`);
    }
  });
  return list as Claim[];
}

/** The claims, validated once. */
export const CLAIMS: readonly Claim[] = loadClaims();

/**
 * A claim's text for tables: a truncated text ends at its last whole word,
 * with an ellipsis (never cut mid-word).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { claimText } from "./claims.ts";
 * assert.equal(claimText({ text: "Models use pair b", truncated: true }), "Models use pair …");
 * assert.equal(claimText({ text: "Done.", truncated: false }), "Done.");
 * ```
 */
export function claimText(c: Pick<Claim, "text" | "truncated">): string {
  if (!c.truncated) return c.text;
  const cut = c.text.slice(0, c.text.lastIndexOf(" ")).replace(/[\s,;:]+$/, "");
  return `${cut} …`;
}

/** A claim's verdict, as a table row (`claims.json`). */
export interface ClaimVerdict extends Row {
  id: string;
  claim: string;
  kind: string;
  verdict: string;
  /** Comparative: how many cells pass the regime check; descriptive: what it is a check of. */
  regime: string;
  /** Comparative: supports / contradicts / inconclusive per testable cell; descriptive: `—`. */
  outcome: string;
  evidence: string;
  rule: string;
  seed_verified: string;
  seed_confidence: number;
}

/** A verdict with the tests it used (for the data file beside the table). */
export interface ClaimDetail {
  id: string;
  verdict: string;
  tests: VerdictTest[];
}

/** What every verdict is computed from. */
export interface ClaimInputs {
  stats: Statistics;
  regime: readonly RegimeCheck[];
  descriptive: DescriptiveEvidence;
}

/**
 * The verdict on every claim, by its rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { computeStatistics } from "../pipeline/effects.ts";
 * import { syntheticResults } from "../pipeline/_synthetic.ts";
 * import { judgeClaims } from "./claims.ts";
 * import { regimeChecks } from "./regime.ts";
 * const stats = computeStatistics(syntheticResults({ value: (p) => (p.setting === "bias" ? 900 : 0.5) }), { iterations: 100 });
 * const descriptive = {
 *   datasets: [{ dataset: "xquad-r", languages: 11, monoPairs: 11, crossPairs: 110, parallel: true }],
 *   overlap: [{ finetune: "P1", dataset: "xquad-r", overlapping: 0, trainingTexts: 100 }],
 *   xxShare: { alpha: 0.5, share: 0.52, batches: 200 },
 *   miraclCorpus: false,
 * };
 * const { rows } = judgeClaims({ stats, regime: regimeChecks(stats), descriptive });
 * assert.equal(rows.find((r) => r.id === "hybrid-reduces-language-bias")!.verdict, "not testable here");
 * assert.equal(rows.find((r) => r.id === "language-pair-counts")!.verdict, "consistent");
 * ```
 */
export function judgeClaims(
  inputs: ClaimInputs,
  claims: readonly Claim[] = CLAIMS,
): { rows: ClaimVerdict[]; details: ClaimDetail[] } {
  const rows: ClaimVerdict[] = [];
  const details: ClaimDetail[] = [];
  for (const c of claims) {
    const base = {
      id: c.id,
      claim: claimText(c),
      seed_verified: c.seedVerified,
      seed_confidence: c.seedConfidence,
    };
    if (c.kind === "comparative") {
      const o = judgeComparative(c.rule, inputs.stats, inputs.regime);
      rows.push({
        ...base,
        kind: "comparative",
        verdict: o.verdict,
        regime: o.regime,
        outcome: o.outcome,
        evidence: o.evidence,
        rule: COMPARATIVE_RULES[c.rule].description,
      });
      details.push({ id: c.id, verdict: o.verdict, tests: o.tests });
    } else {
      const rule = DESCRIPTIVE_RULES[c.rule];
      const o = rule.judge(inputs.descriptive);
      rows.push({
        ...base,
        kind: `descriptive (a check of ${c.checks})`,
        verdict: o.verdict,
        regime: "—",
        outcome: "—",
        evidence: o.evidence,
        rule: rule.description,
      });
      details.push({ id: c.id, verdict: o.verdict, tests: [] });
    }
  }
  return { rows, details };
}
