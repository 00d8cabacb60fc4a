/**
 * `deno task readme [--results DIR]` — rewrites the README's results, study
 * and performance sections (between `<!-- RESULTS:BEGIN -->` / `<!-- RESULTS:END -->`,
 * `<!-- STUDY:… -->` and `<!-- PERF:… -->`) from the committed tables in
 * `results/` (made by `deno task reproduce`), `results/study/` (`deno task
 * study`) and `results/bench/bench.json` (`deno task bench`), so that no number
 * in the README is typed by hand.
 *
 * @module
 */

import { join } from "node:path";
import { readStudyTable } from "../lib/report/study_table.ts";
import { studyFinding } from "../lib/report/findings.ts";
import { signed } from "../lib/report/tables.ts";
import { writeTextFileAtomic } from "../lib/util/atomic.ts";
import { parseFlags, runMain } from "../lib/util/cli.ts";
import { InputError } from "../lib/util/errors.ts";
import { readOptionalJson } from "../lib/util/json.ts";
import { ROOT } from "../lib/util/root.ts";
import type { Row } from "../lib/util/row.ts";

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new InputError(
      `Cannot read ${path}: ${(err as Error).message} (run deno task reproduce / bench first)`,
    );
  }
}

const f3 = (x: unknown) => (typeof x === "number" ? x.toFixed(3) : "");
const ci = (
  x: unknown,
  c: unknown,
) => (typeof x === "number"
  ? `${x.toFixed(3)}${typeof c === "number" ? ` ± ${c.toFixed(3)}` : ""}`
  : "");

function replaceBlock(text: string, name: string, body: string): string {
  const begin = `<!-- ${name}:BEGIN -->`, end = `<!-- ${name}:END -->`;
  const i = text.indexOf(begin), j = text.indexOf(end);
  if (i < 0 || j < i) throw new InputError(`README.md has no ${begin} … ${end} block`);
  return text.slice(0, i + begin.length) + "\n" + body.trim() + "\n" + text.slice(j);
}

/** A table that older results may lack: its rows, or null. */
async function readOptionalTable(path: string): Promise<Row[] | null> {
  return (await readOptionalJson(path, "results table") as Row[] | undefined) ?? null;
}

/** A finding that older results may lack: its text, or null. */
async function readOptionalText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new InputError(`Cannot read ${path}: ${(err as Error).message}`);
  }
}

const sign = (x: unknown) => (typeof x === "number" ? signed(x) : "—");
const cell = (x: unknown) => String(x ?? "—").replaceAll("|", "\\|");

async function resultsBlock(dir: string): Promise<string> {
  const manifest = await readJson<Record<string, unknown>>(join(dir, "manifest.json"));
  const t1 = await readJson<Row[]>(join(dir, "tables/table1_map.json"));
  const t2 = await readJson<Row[]>(join(dir, "tables/table2_language_bias.json"));
  const claims = await readJson<Row[]>(join(dir, "tables/claims.json"));
  const beir = await readJson<Row[]>(join(dir, "tables/beir_efficiency.json"));
  const bias = new Map(t2.map((r) => [`${r.finetune}|${r.dataset}|${r.base}|${r.strategy}`, r]));
  const lines = [
    `## Results (${String(manifest.command).replace(/^deno task/, "npx deno task")}, ${
      String(manifest.created).slice(0, 10)
    }, revision ${String(manifest.git_revision).slice(0, 10)})`,
    "",
    "mAP per setting, mean over seeds ± 95% interval, and language bias (mean rank distance in the",
    "multilingual pool, tie-aware ranks, lower is better) — generated from `results/tables/` by",
    "`npx deno task readme` — with the paper's values for the counterpart base (unaligned → XLM-R,",
    "aligned → LaBSE; `data/paper/elmahdy2024.json`). The stand-in models and training data differ from",
    "the paper's (see below), so absolute numbers are not comparable with it; the effect sizes between",
    "strategies are the point, and they are only interpretable where the premise holds (next table).",
    "",
    "| protocol | dataset | base | strategy | mono mAP | cross mAP | multi mAP | paper mono / cross / multi | language bias | paper bias |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of t1) {
    const b = bias.get(`${r.finetune}|${r.dataset}|${r.base}|${r.strategy}`);
    const paper = typeof r.paper_mono === "number"
      ? `${f3(r.paper_mono)} / ${f3(r.paper_cross)} / ${f3(r.paper_multi)}`
      : "";
    lines.push(
      `| ${r.finetune} | ${r.dataset} | ${r.base} | ${r.strategy} | ${ci(r.mono, r.mono_ci)} | ${
        ci(r.cross, r.cross_ci)
      } | ${ci(r.multi, r.multi_ci)} | ${paper} | ${
        b && typeof b.bias === "number" ? b.bias.toFixed(0) : ""
      } | ${b && typeof b.paper_bias === "number" ? b.paper_bias : ""} |`,
    );
  }
  const lengths = await readOptionalText(join(dir, "findings/data_text_lengths.md"));
  if (lengths) {
    lines.push(
      "",
      `Evaluation texts (notebook 00, table \`data_text_lengths\`; dense models are cut at the experiment's \`eval.maxLength\`, BM25 reads every text whole): ${lengths.trim()}`,
    );
  }
  const regime = await readOptionalTable(join(dir, "tables/table1_regime.json"));
  if (regime) {
    lines.push(
      "",
      "The premise of every comparative verdict, per cell (regime check, table `table1_regime`): at least 5",
      "seeds, X-Y − X-X monolingual mAP below zero with its 95% interval excluding zero, and fine-tuning",
      "moving some setting over the base by at least the paper's scale (margin).",
      "",
      "| protocol | dataset | base | seeds | X-Y − X-X mono [95% CI] | paper | largest fine-tuning move | margin | premise |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const r of regime) {
      lines.push(
        `| ${r.finetune} | ${r.dataset} | ${r.base} | ${r.seeds} | ${sign(r.trade_off)} [${
          sign(r.trade_off_lo)
        }, ${sign(r.trade_off_hi)}] | ${sign(r.paper_trade_off)} | ${cell(r.best_move)} ${
          sign(r.best_move_diff)
        } | ${typeof r.margin === "number" ? r.margin.toFixed(3) : "—"} | **${
          r.passes ? "holds" : "fails"
        }** |`,
      );
    }
  }
  const runs = await readJson<Row[]>(join(dir, "tables/training_runs.json"));
  lines.push(
    "",
    "Training time on this machine (2 CPU cores; from each model's `run.json`, table `training_runs`):",
    "",
  );
  lines.push(
    "| what | models | steps (mean) | seconds (mean) | seconds (total) | pairs/s (mean) |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  const groups = new Map<string, Row[]>();
  for (const r of runs) {
    const key = r.finetune === "—" ? String(r.model) : `${r.finetune} fine-tuning`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [what, rs] of groups) {
    const mean = (k: string) => rs.reduce((t, r) => t + Number(r[k]), 0) / rs.length;
    lines.push(
      `| ${what} | ${rs.length} | ${mean("steps").toFixed(0)} | ${mean("seconds").toFixed(1)} | ${
        (mean("seconds") * rs.length).toFixed(0)
      } | ${mean("pairs_per_s").toFixed(0)} |`,
    );
  }
  const workers = Number(manifest.workers ?? 1);
  lines.push(
    `\nThe whole \`${manifest.command}\` took ${
      (Number(manifest.seconds) / 60).toFixed(1)
    } minutes (notebooks in sequence${
      workers > 1
        ? `, the experiment grid's steps in ${workers} worker processes side by side, so each training's seconds above are on its share of the cores`
        : ""
    }; cached steps are reused when present)${
      Array.isArray(manifest.rerun)
        ? ` — the sum of each notebook's latest run: ${
          (manifest.rerun as string[]).join(", ")
        } ran again alone afterwards (\`--only\`), its seconds replacing those of the full run`
        : ""
    }.`,
  );
  lines.push("", "BEIR SciFact (notebook 04; each model in its own process, this machine):", "");
  lines.push(
    "| model | nDCG@10 | R@100 | docs/s | index MB | p50 ms | p95 ms | queries/s | peak RSS MB |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of beir) {
    lines.push(
      `| ${r.model} | ${f3(r.ndcg_cut_10)} | ${
        f3(r.recall_100)
      } | ${r.corpus_docs_per_s} | ${r.index_mb} | ${r.p50_ms} | ${r.p95_ms} | ${r.batched_qps} | ${r.peak_rss_mb} |`,
    );
  }
  lines.push(
    "",
    "The seed report's claims (notebook 06, `data/paper/seed_claims.json`): descriptive claims are checks",
    "of the data, the implementation or the paper's text; comparative claims are judged only where the",
    "premise holds, and are _not testable here_ where it fails.",
    "",
    "| claim | kind | verdict | regime | outcome |",
    "| --- | --- | --- | --- | --- |",
  );
  for (const c of claims) {
    lines.push(
      `| ${cell(c.claim)} | ${cell(c.kind)} | **${cell(c.verdict)}** | ${cell(c.regime)} | ${
        cell(c.outcome)
      } |`,
    );
  }
  lines.push(
    "",
    "Full tables, figures, executed notebooks and `manifest.json` (sha256, config, seeds, backend and git revision of every artifact) are in `results/`.",
  );
  return lines.join("\n");
}

/** The stand-in study's table and finding (`deno task study` → `results/study/`), or a line saying it is absent. */
async function studyBlock(dir: string): Promise<string> {
  const rows = await readStudyTable(join(dir, "study"));
  if (!rows) {
    return "_`results/study/` is absent: run `npx deno task study` to write it and this table._";
  }
  const meta = await readJson<{ created: string; git_revision: string; seconds: number }>(
    join(dir, "study/study.json"),
  );
  const lines = [
    `Generated by \`deno task study\` (${meta.created.slice(0, 10)}, revision ${
      meta.git_revision.slice(0, 10)
    }, ${Math.round(meta.seconds / 60)} minutes) from \`results/study/\` by \`deno task readme\`:`,
    "mAP per setting and language bias of each model, seed 1: the lexical baselines, bases without",
    "fine-tuning (`init`: the initialisation alone; `trained`: after pre-training) and P2 fine-tunings",
    "of the aligned base (evaluated on the dataset they were not trained on).",
    "",
    "| model | kind | XQuAD-R mono | cross | multi | bias | MLQA-R mono | cross | multi | bias |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const v = (d: string, k: string) => {
      const x = r[`${d} ${k}`];
      return typeof x === "number" ? (k === "bias" ? x.toFixed(0) : x.toFixed(3)) : "";
    };
    lines.push(
      `| ${cell(r.model)} | ${cell(r.kind)} | ${
        ["mono", "cross", "multi", "bias"].map((k) => v("xquad-r", k)).join(" | ")
      } | ${["mono", "cross", "multi", "bias"].map((k) => v("mlqa-r", k)).join(" | ")} |`,
    );
  }
  lines.push("", studyFinding(rows));
  return lines.join("\n");
}

interface Side {
  name: string;
  perSecond: number;
  medianMs: number;
}

async function perfBlock(path: string): Promise<string> {
  const b = await readJson<Record<string, unknown>>(path);
  const machine = b.machine as Record<string, unknown> | undefined;
  const comparisons = (b.comparisons ?? []) as {
    name: string;
    unit: string;
    goal: number;
    ratio: number;
    best: string;
    xlir: Side;
    peers: Side[];
    check: { passed: boolean };
  }[];
  const lines = [
    `\`npx deno task bench\` on ${machine?.cpu ?? "?"} (${machine?.cores ?? "?"} cores), ${
      String(b.date ?? "").slice(0, 10)
    }, revision ${
      String(b.revision ?? "").slice(0, 10)
    }; ratio = xlir throughput / the fastest peer's (higher is better), medians of alternating rounds, results checked against the peer. Generated from \`results/bench/bench.json\` by \`npx deno task readme\`; method and per-change history in \`bench/README.md\`.`,
    "",
    "| comparison | ratio | goal | xlir | fastest peer | all peers | check |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  for (const c of comparisons) {
    const best = c.peers.find((p) => p.name === c.best) ?? c.peers[0];
    lines.push(
      `| ${c.name} | **${c.ratio.toFixed(2)}** | ≥ ${c.goal} | ${
        n(c.xlir.perSecond)
      } ${c.unit} | ${best.name}: ${n(best.perSecond)} | ${
        c.peers.map((p) => `${p.name} ${n(p.perSecond)}`).join(", ")
      } | ${c.check.passed ? "passed" : "FAILED"} |`,
    );
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseFlags(
    Deno.args,
    { results: { type: "string" } },
    "Usage: deno task readme [--results DIR]",
  );
  const dir = values.results ?? join(ROOT, "results");
  const readmePath = join(ROOT, "README.md");
  let text = await Deno.readTextFile(readmePath);
  text = replaceBlock(text, "RESULTS", await resultsBlock(dir));
  text = replaceBlock(text, "STUDY", await studyBlock(dir));
  text = replaceBlock(text, "PERF", await perfBlock(join(dir, "bench/bench.json")));
  await writeTextFileAtomic(readmePath, text);
  console.error(`readme: updated ${readmePath}`);
}

if (import.meta.main) await runMain(main);
