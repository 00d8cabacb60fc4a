/**
 * The WebAssembly module behind the `wasm` score kernel: inner products of
 * document rows with packed query panels, in float32, register-blocked.
 *
 * Layout. Documents are row-major `nDocs × dim` at any byte address (rows are
 * read as scalars, so no alignment or padding is needed). Queries are packed
 * once per block into panels of {@linkcode PANEL} queries: panel `p` holds, for
 * each dimension `t`, the `t`-th entries of queries `8p … 8p+7` side by side
 * (`dim × 8` floats; queries past the end are zero). A tile of
 * {@linkcode TILE_ROWS} documents × 8 queries keeps its 12 `f32x4`
 * accumulators in registers for the whole dimension loop: per dimension, two
 * panel loads, six broadcast document loads and twelve multiply-adds.
 *
 * Numerics. The score of a (document, query) pair is `Σ_t doc[t]·query[t]`
 * summed in float32 in dimension order from 0, with one multiply-add per term:
 * `f32x4.relaxed_madd` where the engine has it (fused on x86-64 with FMA3 and
 * on arm64, in every tier of V8), else a multiply then an add. Either way the
 * score depends on the two vectors only — never on the tile, the chunk, the
 * thread or the block the pair falls in — so every path gives the same bits.
 *
 * Exports (all byte addresses; rows `[chunk·rows, min(nDocs, (chunk+1)·rows))`
 * of the documents are done by one call, so that threads can share a job by
 * chunks):
 *
 * - `score(docs, nDocs, dim, panels, nPanels, out, ldo, rows, chunk, thread)`:
 *   writes every score, `out[i·ldo + j]` (`ldo` a multiple of 8, ≥ 8·nPanels).
 * - `filter(docs, nDocs, dim, panels, nPanels, nQueries, thr, scratch, cands,
 *   cap, rows, chunk, thread)`: appends the pairs whose score is not below
 *   the query's threshold (`!(s < thr[j])`, float32 thresholds) to the
 *   thread's candidate list — `cands + thread·cap·8` holds `(i·nQueries + j,
 *   score)` pairs (int32, float32), its count at `scratch + thread·256` (it
 *   keeps counting past `cap` without writing: the caller checks).
 *
 * @module
 */

import { hasRelaxedSimd, WasmModule } from "./assembler.ts";

/** Queries per packed panel. */
export const PANEL = 8;
/** Document rows per register tile. */
export const TILE_ROWS = 6;
/** Bytes of per-thread scratch `filter` uses (count, tile buffer). */
export const THREAD_SCRATCH = 256;
/** Dimensions per unrolled step of the inner loop. */
const UNROLL = 4;
const NV = PANEL / 4; // f32x4 vectors per panel row

/** Body text computing the accumulators of an `m`-row tile over all dimensions. */
function dimLoop(m: number, relaxed: boolean): string {
  const L: string[] = [];
  const step = (u: number) => {
    for (let v = 0; v < NV; v++) {
      L.push(`local.get $q v128.load offset=${(u * PANEL + 4 * v) * 4} local.set $q${v}`);
    }
    for (let r = 0; r < m; r++) {
      L.push(`local.get $d${r} v128.load32_splat offset=${u * 4} local.set $b`);
      for (let v = 0; v < NV; v++) {
        const a = `$a${r}_${v}`;
        L.push(
          relaxed
            ? `local.get $b local.get $q${v} local.get ${a} f32x4.relaxed_madd local.set ${a}`
            : `local.get $b local.get $q${v} f32x4.mul local.get ${a} f32x4.add local.set ${a}`,
        );
      }
    }
  };
  for (let r = 0; r < m; r++) {
    for (let v = 0; v < NV; v++) L.push(`f32.const 0 f32x4.splat local.set $a${r}_${v}`);
    L.push(`local.get $row i32.const ${r} local.get $rb i32.mul i32.add local.set $d${r}`);
  }
  L.push("i32.const 0 local.set $t");
  L.push("block $te loop $tl");
  L.push(`local.get $t i32.const ${UNROLL} i32.add local.get $dim i32.gt_u br_if $te`);
  for (let u = 0; u < UNROLL; u++) step(u);
  for (let r = 0; r < m; r++) {
    L.push(`local.get $d${r} i32.const ${4 * UNROLL} i32.add local.set $d${r}`);
  }
  L.push(`local.get $q i32.const ${4 * PANEL * UNROLL} i32.add local.set $q`);
  L.push(`local.get $t i32.const ${UNROLL} i32.add local.set $t br $tl end end`);
  L.push("block $te loop $tl local.get $t local.get $dim i32.ge_u br_if $te");
  step(0);
  for (let r = 0; r < m; r++) L.push(`local.get $d${r} i32.const 4 i32.add local.set $d${r}`);
  L.push(`local.get $q i32.const ${4 * PANEL} i32.add local.set $q`);
  L.push("local.get $t i32.const 1 i32.add local.set $t br $tl end end");
  return L.join("\n");
}

/** Stores an `m`-row tile's accumulators into the output rows. */
function storeTile(m: number): string {
  const L = [
    `local.get $out local.get $i local.get $ldo i32.mul local.get $p i32.const ${PANEL} i32.mul`,
    "i32.add i32.const 4 i32.mul i32.add local.set $o",
  ];
  for (let r = 0; r < m; r++) {
    for (let v = 0; v < NV; v++) {
      L.push(`local.get $o local.get $a${r}_${v} v128.store offset=${v * 16}`);
    }
    L.push("local.get $o local.get $ldo i32.const 4 i32.mul i32.add local.set $o");
  }
  return L.join("\n");
}

/** Compares an `m`-row tile with the thresholds; on any hit, spills it and calls `emit`. */
function filterTile(m: number): string {
  const L = [`local.get $thr local.get $p i32.const ${PANEL * 4} i32.mul i32.add local.set $o`];
  for (let v = 0; v < NV; v++) L.push(`local.get $o v128.load offset=${v * 16} local.set $q${v}`);
  // $b = OR over the tile of "not below the threshold".
  L.push("f32.const 0 f32x4.splat local.set $b");
  for (let r = 0; r < m; r++) {
    for (let v = 0; v < NV; v++) {
      L.push(
        `local.get $b local.get $a${r}_${v} local.get $q${v} f32x4.lt v128.not v128.or local.set $b`,
      );
    }
  }
  L.push("local.get $b v128.any_true if");
  L.push(
    `local.get $scratch local.get $thread i32.const ${THREAD_SCRATCH} i32.mul i32.add local.set $o`,
  );
  for (let r = 0; r < m; r++) {
    for (let v = 0; v < NV; v++) {
      L.push(
        `local.get $o local.get $a${r}_${v} v128.store offset=${16 + (r * PANEL + 4 * v) * 4}`,
      );
    }
  }
  L.push(
    `local.get $o i32.const ${m} local.get $i local.get $p i32.const ${PANEL} i32.mul`,
    "local.get $nq local.get $thr",
    "local.get $cands local.get $thread local.get $cap i32.mul i32.const 8 i32.mul i32.add",
    "local.get $cap call $emit",
    "end",
  );
  return L.join("\n");
}

/** Rows `[i, iEnd)` in tiles of `m` while a whole tile fits; `body` handles one tile and panel. */
function rowLoop(m: number, relaxed: boolean, body: string): string {
  return [
    "block $rd loop $rl",
    `local.get $i i32.const ${m} i32.add local.get $iEnd i32.gt_u br_if $rd`,
    "local.get $docs local.get $i local.get $rb i32.mul i32.add local.set $row",
    "local.get $panels local.set $q i32.const 0 local.set $p",
    "block $pd loop $pl",
    "local.get $p local.get $np i32.ge_u br_if $pd",
    dimLoop(m, relaxed),
    body,
    "local.get $p i32.const 1 i32.add local.set $p br $pl end end",
    `local.get $i i32.const ${m} i32.add local.set $i br $rl end end`,
  ].join("\n");
}

function locals(): [string, "i32" | "v128"][] {
  const out: [string, "i32" | "v128"][] = [
    ["$i", "i32"],
    ["$iEnd", "i32"],
    ["$p", "i32"],
    ["$t", "i32"],
    ["$q", "i32"],
    ["$o", "i32"],
    ["$rb", "i32"],
    ["$row", "i32"],
    ["$b", "v128"],
  ];
  for (let r = 0; r < TILE_ROWS; r++) out.push([`$d${r}`, "i32"]);
  for (let v = 0; v < NV; v++) out.push([`$q${v}`, "v128"]);
  for (let r = 0; r < TILE_ROWS; r++) {
    for (let v = 0; v < NV; v++) out.push([`$a${r}_${v}`, "v128"]);
  }
  return out;
}

const RANGE = [
  "local.get $dim i32.const 4 i32.mul local.set $rb",
  "local.get $chunk local.get $rows i32.mul local.tee $i local.get $rows i32.add local.tee $iEnd",
  "local.get $nd i32.gt_u if local.get $nd local.set $iEnd end",
].join("\n");

/**
 * The scoring module's binary, for an imported shared memory.
 *
 * @param options `relaxed`: use `f32x4.relaxed_madd` (default: when the engine validates it).
 * @returns The module bytes.
 *
 * @example
 * ```ts
 * import { scoreModuleBytes } from "./score_gemm.ts";
 * console.assert(WebAssembly.validate(scoreModuleBytes()));
 * ```
 */
export function scoreModuleBytes(options: { relaxed?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const relaxed = options.relaxed ?? hasRelaxedSimd();
  const mod = new WasmModule({ min: 1, max: 65536, shared: true });
  const i32 = (...names: string[]) => names.map((n) => [n, "i32"] as [string, "i32"]);
  mod.func("emit", {
    params: i32("$tile", "$m", "$i0", "$j0", "$nq", "$thr", "$list", "$cap"),
    locals: [...i32("$r", "$n", "$j", "$k"), ["$s", "f32"]],
    body: `
      block $rd loop $rl
        local.get $r local.get $m i32.ge_u br_if $rd
        i32.const 0 local.set $n
        block $nd loop $nl
          local.get $n i32.const ${PANEL} i32.ge_u br_if $nd
          local.get $j0 local.get $n i32.add local.tee $j local.get $nq i32.lt_u if
            local.get $tile local.get $r i32.const ${PANEL} i32.mul local.get $n i32.add
            i32.const 4 i32.mul i32.add f32.load offset=16 local.tee $s
            local.get $thr local.get $j i32.const 4 i32.mul i32.add f32.load
            f32.lt i32.eqz if
              local.get $tile i32.load local.tee $k local.get $cap i32.lt_u if
                local.get $list local.get $k i32.const 8 i32.mul i32.add
                local.get $i0 local.get $r i32.add local.get $nq i32.mul local.get $j i32.add
                i32.store
                local.get $list local.get $k i32.const 8 i32.mul i32.add local.get $s
                f32.store offset=4
              end
              local.get $tile local.get $k i32.const 1 i32.add i32.store
            end
          end
          local.get $n i32.const 1 i32.add local.set $n br $nl
        end end
        local.get $r i32.const 1 i32.add local.set $r br $rl
      end end`,
  });
  mod.func("score", {
    params: i32(
      "$docs",
      "$nd",
      "$dim",
      "$panels",
      "$np",
      "$out",
      "$ldo",
      "$rows",
      "$chunk",
      "$thread",
    ),
    locals: locals(),
    body: [
      RANGE,
      rowLoop(TILE_ROWS, relaxed, storeTile(TILE_ROWS)),
      rowLoop(1, relaxed, storeTile(1)),
    ]
      .join("\n"),
  });
  mod.func("filter", {
    params: i32(
      "$docs",
      "$nd",
      "$dim",
      "$panels",
      "$np",
      "$nq",
      "$thr",
      "$scratch",
      "$cands",
      "$cap",
      "$rows",
      "$chunk",
      "$thread",
    ),
    locals: locals(),
    body: [
      RANGE,
      rowLoop(TILE_ROWS, relaxed, filterTile(TILE_ROWS)),
      rowLoop(1, relaxed, filterTile(1)),
    ].join("\n"),
  });
  return mod.bytes();
}
