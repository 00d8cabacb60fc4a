/**
 * The hot loop of `rankRow` (`lib/eval/rank_row.ts`) in WebAssembly: one pass
 * over a row of scores that
 *
 * - counts each column in its (segment, interval) cell, the intervals being
 *   cut by the distinct target scores u₀ > u₁ > …: a bucket table gives the
 *   interval of most columns, and a column in a target score's bucket
 *   (marked −1) is compared with u exactly;
 * - counts a column equal to some uᵣ (a tie) in its (segment, r) tie cell
 *   and, for every target of score uᵣ whose key is smaller (trec_eval's
 *   tie-break), in that target's `before` (and `localBefore` when the column
 *   is in the target's segment);
 * - lists the columns at or above a running threshold (candidates for the
 *   top k); a full list stops the pass, the caller empties it and resumes.
 *
 * Scalar code (no SIMD), one instance per process.
 *
 * @module
 */

import { WasmModule } from "./assembler.ts";

/** Capacity of the candidate list; the pass stops when it is full. */
export const LIST_CAP = 1024;

const HDR = 16; // candidate count
const CAND = 64;
const FREE = CAND + 4 * LIST_CAP;

function compile(): WebAssembly.Module {
  const mod = new WasmModule({ min: 1 });
  const at = (base: string, idx: string) =>
    `local.get ${idx} i32.const 2 i32.shl local.get ${base} i32.add`;
  const inc = (addr: string) =>
    `${addr} local.set $a local.get $a local.get $a i32.load i32.const 1 i32.add i32.store`;
  mod.func("count_pass", {
    params: [
      ["$s", "i32"], // scores (f32)
      ["$keys", "i32"], // tie-break keys (i32)
      ["$j", "i32"],
      ["$end", "i32"],
      ["$sg", "i32"], // the segment of j … end
      ["$cells", "i32"], // this segment's interval cells (i32)
      ["$tcells", "i32"], // this segment's tie cells (i32)
      ["$lo", "f64"],
      ["$scale", "f64"],
      ["$table", "i32"],
      ["$tmax", "i32"],
      ["$thr", "f32"],
      ["$u", "i32"], // distinct target scores, descending (f32)
      ["$umin", "f32"],
      ["$gstart", "i32"], // targets of score u[r]: gstart[r] … gstart[r + 1] (i32)
      ["$tkey", "i32"], // per target (grouped by score): key, segment, before, localBefore
      ["$tseg", "i32"],
      ["$tbefore", "i32"],
      ["$tlocal", "i32"],
    ],
    results: ["i32"],
    locals: [
      ["$v", "f32"],
      ["$b", "i32"],
      ["$iv", "i32"],
      ["$nc", "i32"],
      ["$a", "i32"],
      ["$x", "i32"],
      ["$xe", "i32"],
      ["$kc", "i32"],
    ],
    body: `
      i32.const ${HDR} i32.load local.set $nc
      block $stop
      loop $cols
        local.get $j local.get $end i32.ge_s br_if $stop
        local.get $nc i32.const ${LIST_CAP} i32.ge_s br_if $stop
        ${at("$s", "$j")} f32.load local.set $v
        ;; a candidate for the top k
        local.get $v local.get $thr f32.ge
        if
          local.get $nc i32.const 2 i32.shl i32.const ${CAND} i32.add local.get $j i32.store
          local.get $nc i32.const 1 i32.add local.set $nc
        end
        ;; bucket = clamp(floor((v - lo) * scale), -1, tmax)
        local.get $v f64.promote_f32 local.get $lo f64.sub local.get $scale f64.mul
        f64.floor i32.trunc_sat_f64_s local.set $b
        local.get $b i32.const -1 local.get $b i32.const -1 i32.gt_s select local.set $b
        local.get $b local.get $tmax local.get $b local.get $tmax i32.lt_s select local.set $b
        local.get $b i32.const 2 i32.shl local.get $table i32.add i32.load offset=4 local.set $iv
        local.get $iv i32.const 0 i32.ge_s
        if
          ${inc(at("$cells", "$iv"))}
        else
          ;; a target score's bucket: iv = #{u > v}
          local.get $v local.get $umin f32.ge
          if
            i32.const 0 local.set $iv
            block $found
            loop $scan
              ${at("$u", "$iv")} f32.load local.get $v f32.gt
              i32.eqz br_if $found
              local.get $iv i32.const 1 i32.add local.set $iv
              br $scan
            end
            end
            ${at("$u", "$iv")} f32.load local.get $v f32.eq
            if
              ;; a tie with u[iv]: its cell, and the targets of that score it precedes
              ${inc(at("$tcells", "$iv"))}
              ${at("$keys", "$j")} i32.load local.set $kc
              ${at("$gstart", "$iv")} i32.load local.set $x
              ${at("$gstart", "$iv")} i32.load offset=4 local.set $xe
              block $tdone
              loop $targets
                local.get $x local.get $xe i32.ge_s br_if $tdone
                local.get $kc ${at("$tkey", "$x")} i32.load i32.gt_s
                if
                  ${inc(at("$tbefore", "$x"))}
                  ${at("$tseg", "$x")} i32.load local.get $sg i32.eq
                  if
                    ${inc(at("$tlocal", "$x"))}
                  end
                end
                local.get $x i32.const 1 i32.add local.set $x
                br $targets
              end
              end
            else
              ${inc(at("$cells", "$iv"))}
            end
          end
        end
        local.get $j i32.const 1 i32.add local.set $j
        br $cols
      end
      end
      i32.const ${HDR} local.get $nc i32.store
      local.get $j`,
  });
  return new WebAssembly.Module(mod.bytes());
}

/** Sizes of one row's layout. */
export interface PassSizes {
  /** Scores in the row. */
  n: number;
  /** Cells (segments × (targets' distinct scores + 1)). */
  nCells: number;
  /** Bucket table entries. */
  nTable: number;
  /** Distinct target scores. */
  nU: number;
  /** Targets. */
  m: number;
}

/** Views of one pass's inputs and outputs in the module's memory. */
export interface PassViews {
  /** The row: copy it in before running. */
  scores: Float32Array;
  /** The columns' tie-break keys. */
  keys: Int32Array;
  /** Bucket table: entry b + 1 is bucket b's interval, or −1 (compare exactly). */
  table: Int32Array;
  /** Interval counts (zeroed by `prepare`). */
  cells: Int32Array;
  /** Tie counts, laid out as `cells` (zeroed). */
  tieCells: Int32Array;
  /** The distinct target scores, descending. */
  u: Float32Array;
  /** The targets of score u[r] are `groupStart[r] … groupStart[r + 1]` (nU + 1 entries). */
  groupStart: Int32Array;
  /** Per target in group order: key, segment, and the two tie counts (zeroed). */
  targetKey: Int32Array;
  targetSeg: Int32Array;
  before: Int32Array;
  localBefore: Int32Array;
}

/**
 * The pass, over its own memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CountPass } from "./row_count.ts";
 * const pass = CountPass.shared();
 * // 5 scores in one segment, two target scores 0.7 > 0.2 (the target 0.7 is col 3)
 * const v = pass.prepare({ n: 5, nCells: 3, nTable: 4, nU: 2, m: 1 });
 * v.scores.set([0.1, 0.9, 0.5, 0.7, 0.7]);
 * v.keys.set([0, 1, 2, 3, 4]);
 * v.u.set([0.7, 0.2]);
 * v.groupStart.set([0, 1, 1]);
 * v.targetKey.set([3]);
 * // below 0.2 → cell 2; buckets 0 and 1 hold 0.2 and 0.7 (exact); bucket 2 → cell 0 (above 0.7)
 * v.table.set([2, -1, -1, 0]);
 * const r = pass.run(v, 0, 5, 0, 0, 0.2, 3, 2, 0.8); // bucket = floor((s − 0.2)·3) in [−1, 2]
 * assert.deepEqual([...r.candidates], [1]); // 0.9 ≥ 0.8
 * assert.deepEqual([...v.cells], [1, 1, 1]); // 0.9 above 0.7; 0.5 between; 0.1 below
 * assert.deepEqual([...v.tieCells], [2, 0, 0]); // cols 3 and 4 tie with 0.7
 * assert.deepEqual([...v.before], [1]); // col 4's key is above the target's
 * ```
 */
export class CountPass {
  static #instance: CountPass | null = null;
  #memory = new WebAssembly.Memory({ initial: 1 });
  #fn: (...a: number[]) => number;
  #at: Record<keyof PassViews, number> | null = null;

  private constructor() {
    const instance = new WebAssembly.Instance(compile(), { env: { memory: this.#memory } });
    this.#fn = instance.exports.count_pass as (...a: number[]) => number;
  }

  /** The process's instance. */
  static shared(): CountPass {
    return (CountPass.#instance ??= new CountPass());
  }

  /** Lays out one row; counts are zeroed. The views are valid until the next `prepare`. */
  prepare(size: PassSizes): PassViews {
    const lengths: [keyof PassViews, number][] = [
      ["scores", size.n],
      ["keys", size.n],
      ["table", size.nTable],
      ["cells", size.nCells],
      ["tieCells", size.nCells],
      ["u", size.nU],
      ["groupStart", size.nU + 1],
      ["targetKey", size.m],
      ["targetSeg", size.m],
      ["before", size.m],
      ["localBefore", size.m],
    ];
    const at = {} as Record<keyof PassViews, number>;
    let end = FREE;
    for (const [name, len] of lengths) {
      at[name] = end;
      end += 4 * len;
    }
    const have = this.#memory.buffer.byteLength;
    if (end > have) this.#memory.grow(Math.ceil((end - have) / 65536));
    this.#at = at;
    const b = this.#memory.buffer;
    const views = {} as Record<keyof PassViews, Float32Array | Int32Array>;
    for (const [name, len] of lengths) {
      views[name] = name === "scores" || name === "u"
        ? new Float32Array(b, at[name], len)
        : new Int32Array(b, at[name], len);
    }
    const v = views as unknown as PassViews;
    for (const z of [v.cells, v.tieCells, v.before, v.localBefore]) z.fill(0);
    return v;
  }

  /**
   * Runs the pass over columns `j … end` of segment `sg`, counting into the
   * cells from `cellBase` on; the candidate list starts empty at every call.
   *
   * @param v The views `prepare` returned.
   * @param tmax The highest bucket (the table has `tmax + 2` entries).
   * @param thr Candidate threshold (NaN: none).
   * @returns Where the pass stopped (`end` when it finished) and the
   *   candidates (a view, valid until the next call).
   */
  run(
    v: PassViews,
    j: number,
    end: number,
    sg: number,
    cellBase: number,
    lo: number,
    scale: number,
    tmax: number,
    thr: number,
  ): { stop: number; candidates: Int32Array } {
    const at = this.#at!;
    new Int32Array(this.#memory.buffer, HDR, 1)[0] = 0;
    const umin = v.u.length > 0 ? v.u[v.u.length - 1] : Infinity;
    const stop = this.#fn(
      at.scores,
      at.keys,
      j,
      end,
      sg,
      at.cells + 4 * cellBase,
      at.tieCells + 4 * cellBase,
      lo,
      scale,
      at.table,
      tmax,
      thr,
      at.u,
      umin,
      at.groupStart,
      at.targetKey,
      at.targetSeg,
      at.before,
      at.localBefore,
    );
    const count = new Int32Array(this.#memory.buffer, HDR, 1)[0];
    return { stop, candidates: new Int32Array(this.#memory.buffer, CAND, count) };
  }
}
