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
/** Bytes of per-thread scratch `filter`/`filter16` use (count, tile buffer, rescoring queue). */
export const THREAD_SCRATCH = 512;
/**
 * Within a thread's scratch: the count of pairs waiting for exact rescoring,
 * the queue itself (four entries of document row, query panel address, query,
 * pair index) and the four results.
 */
const PENDING = 4, QUEUE = 208, QUEUE_OUT = 272;
/** Tiles with at least this many candidate pairs are recomputed whole in float32 (else pair by pair). */
const DENSE_TILE = 3;
/** Dimensions per unrolled step of the inner loop. */
const UNROLL = 4;
const NV = PANEL / 4; // f32x4 vectors per panel row

/** Body text computing the accumulators of an `m`-row tile over all dimensions. */
function dimLoop(m: number, relaxed: boolean, rowBytes = "$rb", row = "$row"): string {
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
    L.push(
      `local.get ${row} i32.const ${r} local.get ${rowBytes} i32.mul i32.add local.set $d${r}`,
    );
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

// ---- the int16 first pass -----------------------------------------------------

/** Body of the int16 tile loop over all dimension pairs for an `m`-row tile (accumulators $a…). */
function dimLoop16(m: number): string {
  const L: string[] = [];
  const step = (u: number) => {
    for (let v = 0; v < NV; v++) {
      L.push(`local.get $q v128.load offset=${(u * NV + v) * 16} local.set $q${v}`);
    }
    for (let r = 0; r < m; r++) {
      L.push(`local.get $d${r} v128.load32_splat offset=${u * 4} local.set $b`);
      for (let v = 0; v < NV; v++) {
        const a = `$a${r}_${v}`;
        L.push(
          `local.get ${a} local.get $b local.get $q${v} i32x4.dot_i16x8_s i32x4.add local.set ${a}`,
        );
      }
    }
  };
  for (let r = 0; r < m; r++) {
    for (let v = 0; v < NV; v++) L.push(`i32.const 0 i32x4.splat local.set $a${r}_${v}`);
    L.push(`local.get $row local.get $rb i32.const ${r} i32.mul i32.add local.set $d${r}`);
  }
  L.push("i32.const 0 local.set $t");
  L.push("block $te loop $tl");
  L.push(`local.get $t i32.const ${UNROLL} i32.add local.get $pairs i32.gt_u br_if $te`);
  for (let u = 0; u < UNROLL; u++) step(u);
  for (let r = 0; r < m; r++) {
    L.push(`local.get $d${r} i32.const ${4 * UNROLL} i32.add local.set $d${r}`);
  }
  L.push(`local.get $q i32.const ${16 * NV * UNROLL} i32.add local.set $q`);
  L.push(`local.get $t i32.const ${UNROLL} i32.add local.set $t br $tl end end`);
  L.push("block $te loop $tl local.get $t local.get $pairs i32.ge_u br_if $te");
  step(0);
  for (let r = 0; r < m; r++) L.push(`local.get $d${r} i32.const 4 i32.add local.set $d${r}`);
  L.push(`local.get $q i32.const ${16 * NV} i32.add local.set $q`);
  L.push("local.get $t i32.const 1 i32.add local.set $t br $tl end end");
  return L.join("\n");
}

/**
 * Turns an `m`-row int16 tile into approximate scores `int · s_i · u_j`,
 * spills them to the thread's tile buffer and, when one is not below its
 * lowered threshold, calls `emit16` (which rescores such pairs exactly).
 */
function approxTile(m: number, relaxed: boolean): string {
  const L = [
    `local.get $thrQ local.get $p i32.const ${PANEL * 4} i32.mul i32.add local.set $o`,
    "local.get $o v128.load local.set $q0 local.get $o v128.load offset=16 local.set $q1",
    `local.get $uvec local.get $p i32.const ${PANEL * 4} i32.mul i32.add local.set $o`,
    "local.get $o v128.load local.set $u0 local.get $o v128.load offset=16 local.set $u1",
    `local.get $scratch local.get $thread i32.const ${THREAD_SCRATCH} i32.mul i32.add local.set $o`,
    "i32.const 0 local.set $cnt",
  ];
  for (let r = 0; r < m; r++) {
    L.push(
      `local.get $stats local.get $i i32.const ${r} i32.add i32.const 16 i32.mul i32.add f32.load f32x4.splat local.set $b`,
    );
    for (let v = 0; v < NV; v++) {
      const a = `$a${r}_${v}`;
      L.push(
        `local.get ${a} f32x4.convert_i32x4_s local.get $b f32x4.mul local.get $u${v} f32x4.mul local.set ${a}`,
        `local.get $o local.get ${a} v128.store offset=${16 + (r * PANEL + 4 * v) * 4}`,
        `local.get $cnt local.get ${a} local.get $q${v} f32x4.lt v128.not i32x4.bitmask i32.popcnt i32.add local.set $cnt`,
      );
    }
  }
  L.push(
    "local.get $cnt if",
    `local.get $cnt i32.const ${DENSE_TILE} i32.ge_u if`,
    // Many pairs pass: the float32 tile itself (the score kernel's operations), then emit.
    "local.get $q local.set $q16", // the int16 panel pointer, kept
    `local.get $docs local.get $i local.get $dim i32.const 4 i32.mul i32.mul i32.add local.set $row32`,
    `local.get $panels local.get $p local.get $dim i32.mul i32.const ${
      4 * PANEL
    } i32.mul i32.add local.set $q`,
    dimLoop(m, relaxed, "$rb32", "$row32"),
    "local.get $q16 local.set $q",
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
    "else",
    `local.get $o i32.const ${m} local.get $i local.get $p i32.const ${PANEL} i32.mul`,
    "local.get $nq local.get $thrQ local.get $thr local.get $docs local.get $dim local.get $panels",
    "local.get $cands local.get $thread local.get $cap i32.mul i32.const 8 i32.mul i32.add",
    "local.get $cap call $emit16",
    "end",
    "end",
  );
  return L.join("\n");
}

function rowLoop16(m: number, relaxed: boolean): string {
  return [
    "block $rd loop $rl",
    `local.get $i i32.const ${m} i32.add local.get $iEnd i32.gt_u br_if $rd`,
    "local.get $docs16 local.get $i local.get $rb i32.mul i32.add local.set $row",
    "local.get $panels16 local.set $q i32.const 0 local.set $p",
    "block $pd loop $pl",
    "local.get $p local.get $np i32.ge_u br_if $pd",
    dimLoop16(m),
    approxTile(m, relaxed),
    "local.get $p i32.const 1 i32.add local.set $p br $pl end end",
    `local.get $i i32.const ${m} i32.add local.set $i br $rl end end`,
  ].join("\n");
}

/** Adds the int16 first-pass functions (`exact`, `quant16`, `emit16`, `filter16`) to `mod`. */
function addInt16(mod: WasmModule, relaxed: boolean): void {
  const i32 = (...names: string[]) => names.map((n) => [n, "i32"] as [string, "i32"]);
  const f32 = (...names: string[]) => names.map((n) => [n, "f32"] as [string, "f32"]);
  const v128 = (...names: string[]) => names.map((n) => [n, "v128"] as [string, "v128"]);
  // The float32 score of one pair, by the very operations of the tile kernels (lane 0).
  mod.func("exact", {
    params: i32("$d", "$q", "$dim"),
    results: ["f32"],
    locals: [...i32("$t"), ...v128("$a")],
    body: `
      f32.const 0 f32x4.splat local.set $a
      block $te loop $tl
        local.get $t local.get $dim i32.ge_u br_if $te
        local.get $d v128.load32_splat local.get $q v128.load32_splat
        ${relaxed ? "local.get $a f32x4.relaxed_madd" : "f32x4.mul local.get $a f32x4.add"}
        local.set $a
        local.get $d i32.const 4 i32.add local.set $d
        local.get $q i32.const ${4 * PANEL} i32.add local.set $q
        local.get $t i32.const 1 i32.add local.set $t br $tl
      end end
      local.get $a f32x4.extract_lane 0`,
  });
  // Rows of float32 documents → int16 (dim rounded up to even, the pad zero) at scale
  // s = max|x| / L, and per row [s, ‖D‖, ‖x/s − D‖ as computed, ‖x/s‖] (the last three in units of s).
  const hsum = (v: string) =>
    `local.get ${v} f32x4.extract_lane 0 local.get ${v} f32x4.extract_lane 1 f32.add
     local.get ${v} f32x4.extract_lane 2 local.get ${v} f32x4.extract_lane 3 f32.add f32.add`;
  mod.func("quant16", {
    params: [
      ...i32("$docs", "$nd", "$dim"),
      ["$L", "f32"],
      ...i32("$out16", "$stats", "$rows", "$chunk", "$thread"),
    ],
    locals: [
      ...i32("$i", "$iEnd", "$d", "$o", "$c", "$rb", "$rb16"),
      ...f32("$m", "$inv", "$s", "$x", "$D", "$r", "$ssr", "$ssd", "$ssx"),
      ...v128("$mv", "$x0", "$x1", "$D0", "$D1", "$sr", "$sd", "$sx", "$iv"),
    ],
    body: `
      local.get $dim i32.const 4 i32.mul local.set $rb
      local.get $dim i32.const 1 i32.add i32.const -2 i32.and i32.const 2 i32.mul local.set $rb16
      local.get $chunk local.get $rows i32.mul local.tee $i local.get $rows i32.add local.tee $iEnd
      local.get $nd i32.gt_u if local.get $nd local.set $iEnd end
      block $id loop $il
        local.get $i local.get $iEnd i32.ge_u br_if $id
        local.get $docs local.get $i local.get $rb i32.mul i32.add local.set $d
        local.get $out16 local.get $i local.get $rb16 i32.mul i32.add local.set $o
        ;; m = max |x|
        f32.const 0 f32x4.splat local.set $mv
        i32.const 0 local.set $c
        block $md loop $ml
          local.get $c i32.const 16 i32.add local.get $rb i32.gt_u br_if $md
          local.get $mv local.get $d local.get $c i32.add v128.load f32x4.abs f32x4.max local.set $mv
          local.get $c i32.const 16 i32.add local.set $c br $ml
        end end
        local.get $mv f32x4.extract_lane 0 local.get $mv f32x4.extract_lane 1 f32.max
        local.get $mv f32x4.extract_lane 2 local.get $mv f32x4.extract_lane 3 f32.max f32.max local.set $m
        block $sd loop $sl
          local.get $c local.get $rb i32.ge_u br_if $sd
          local.get $m local.get $d local.get $c i32.add f32.load f32.abs f32.max local.set $m
          local.get $c i32.const 4 i32.add local.set $c br $sl
        end end
        f32.const 0 local.set $inv f32.const 0 local.set $s
        local.get $m f32.const 0 f32.gt if
          local.get $L local.get $m f32.div local.set $inv
          local.get $m local.get $L f32.div local.set $s
        end
        local.get $inv f32x4.splat local.set $iv
        f32.const 0 f32x4.splat local.set $sr
        f32.const 0 f32x4.splat local.set $sd
        f32.const 0 f32x4.splat local.set $sx
        i32.const 0 local.set $c
        block $qd loop $ql
          local.get $c i32.const 32 i32.add local.get $rb i32.gt_u br_if $qd
          local.get $d local.get $c i32.add v128.load local.get $iv f32x4.mul local.tee $x0
          f32x4.nearest local.set $D0
          local.get $d local.get $c i32.add v128.load offset=16 local.get $iv f32x4.mul local.tee $x1
          f32x4.nearest local.set $D1
          local.get $o local.get $c i32.const 1 i32.shr_u i32.add
          local.get $D0 i32x4.trunc_sat_f32x4_s local.get $D1 i32x4.trunc_sat_f32x4_s i16x8.narrow_i32x4_s
          v128.store
          local.get $sr local.get $x0 local.get $D0 f32x4.sub local.tee $mv local.get $mv f32x4.mul f32x4.add
          local.get $x1 local.get $D1 f32x4.sub local.tee $mv local.get $mv f32x4.mul f32x4.add local.set $sr
          local.get $sd local.get $D0 local.get $D0 f32x4.mul f32x4.add
          local.get $D1 local.get $D1 f32x4.mul f32x4.add local.set $sd
          local.get $sx local.get $x0 local.get $x0 f32x4.mul f32x4.add
          local.get $x1 local.get $x1 f32x4.mul f32x4.add local.set $sx
          local.get $c i32.const 32 i32.add local.set $c br $ql
        end end
        ${hsum("$sr")} local.set $ssr
        ${hsum("$sd")} local.set $ssd
        ${hsum("$sx")} local.set $ssx
        block $td loop $tl
          local.get $c local.get $rb i32.ge_u br_if $td
          local.get $d local.get $c i32.add f32.load local.get $inv f32.mul local.tee $x
          f32.nearest local.set $D
          local.get $o local.get $c i32.const 1 i32.shr_u i32.add local.get $D i32.trunc_sat_f32_s i32.store16
          local.get $ssr local.get $x local.get $D f32.sub local.tee $r local.get $r f32.mul f32.add local.set $ssr
          local.get $ssd local.get $D local.get $D f32.mul f32.add local.set $ssd
          local.get $ssx local.get $x local.get $x f32.mul f32.add local.set $ssx
          local.get $c i32.const 4 i32.add local.set $c br $tl
        end end
        local.get $dim i32.const 1 i32.and if
          local.get $o local.get $c i32.const 1 i32.shr_u i32.add i32.const 0 i32.store16
        end
        local.get $stats local.get $i i32.const 16 i32.mul i32.add local.tee $c local.get $s f32.store
        local.get $c local.get $ssd f32.sqrt f32.store offset=4
        local.get $c local.get $ssr f32.sqrt f32.store offset=8
        local.get $c local.get $ssx f32.sqrt f32.store offset=12
        local.get $i i32.const 1 i32.add local.set $i br $il
      end end`,
  });
  // Exact float32 scores of four pairs at once (four independent chains; the
  // same operations per pair as the tile kernels): queue entries hold the
  // document row and query panel addresses; results to out[0 … 4).
  const chain = (c: number, u: number) => {
    const loads = `local.get $d${c} v128.load32_splat offset=${4 * u}
       local.get $q${c} v128.load32_splat offset=${4 * PANEL * u}`;
    return relaxed
      ? `${loads} local.get $a${c} f32x4.relaxed_madd local.set $a${c}`
      : `${loads} f32x4.mul local.get $a${c} f32x4.add local.set $a${c}`;
  };
  const advance = (n: number) =>
    [0, 1, 2, 3].map((c) =>
      `local.get $d${c} i32.const ${4 * n} i32.add local.set $d${c}
       local.get $q${c} i32.const ${4 * PANEL * n} i32.add local.set $q${c}`
    ).join("\n");
  mod.func("exact4", {
    params: i32("$queue", "$dim", "$out"),
    locals: [
      ...i32("$t", "$d0", "$d1", "$d2", "$d3", "$q0", "$q1", "$q2", "$q3"),
      ...v128("$a0", "$a1", "$a2", "$a3"),
    ],
    body: `
      ${
      [0, 1, 2, 3].map((c) =>
        `local.get $queue i32.load offset=${16 * c} local.set $d${c}
       local.get $queue i32.load offset=${16 * c + 4} local.set $q${c}
       f32.const 0 f32x4.splat local.set $a${c}`
      ).join("\n")
    }
      block $te loop $tl
        local.get $t i32.const 4 i32.add local.get $dim i32.gt_u br_if $te
        ${[0, 1, 2, 3].map((u) => [0, 1, 2, 3].map((c) => chain(c, u)).join("\n")).join("\n")}
        ${advance(4)}
        local.get $t i32.const 4 i32.add local.set $t br $tl
      end end
      block $te loop $tl
        local.get $t local.get $dim i32.ge_u br_if $te
        ${[0, 1, 2, 3].map((c) => chain(c, 0)).join("\n")}
        ${advance(1)}
        local.get $t i32.const 1 i32.add local.set $t br $tl
      end end
      ${
      [0, 1, 2, 3].map((c) =>
        `local.get $out local.get $a${c} f32x4.extract_lane 0 f32.store offset=${4 * c}`
      ).join("\n")
    }`,
  });
  // Rescores the queued pairs (n of the four; the rest are copies) and lists
  // those at or above their query's threshold, as emit lists pairs.
  mod.func("drain16", {
    params: i32("$ts", "$n", "$thr", "$dim", "$list", "$cap"),
    locals: [...i32("$c", "$k", "$j", "$e"), ...f32("$s")],
    body: `
      local.get $ts i32.const ${QUEUE} i32.add local.get $dim local.get $ts i32.const ${QUEUE_OUT} i32.add
      call $exact4
      block $cd loop $cl
        local.get $c local.get $n i32.ge_u br_if $cd
        local.get $ts local.get $c i32.const 16 i32.mul i32.add local.tee $e
        i32.load offset=${QUEUE + 8} local.set $j
        local.get $ts local.get $c i32.const 4 i32.mul i32.add f32.load offset=${QUEUE_OUT} local.tee $s
        local.get $thr local.get $j i32.const 4 i32.mul i32.add f32.load
        f32.lt i32.eqz if
          local.get $ts i32.load local.tee $k local.get $cap i32.lt_u if
            local.get $list local.get $k i32.const 8 i32.mul i32.add
            local.get $e i32.load offset=${QUEUE + 12} i32.store
            local.get $list local.get $k i32.const 8 i32.mul i32.add local.get $s f32.store offset=4
          end
          local.get $ts local.get $k i32.const 1 i32.add i32.store
        end
        local.get $c i32.const 1 i32.add local.set $c br $cl
      end end
      local.get $ts i32.const 0 i32.store offset=${PENDING}`,
  });
  // The pairs of a tile whose approximate score reaches the lowered threshold
  // join the thread's queue; every four are rescored exactly (drain16).
  mod.func("emit16", {
    params: i32(
      "$ts",
      "$m",
      "$i0",
      "$j0",
      "$nq",
      "$thrQ",
      "$thr",
      "$docs",
      "$dim",
      "$panels",
      "$list",
      "$cap",
    ),
    locals: i32("$r", "$n", "$j", "$e", "$w"),
    body: `
      block $rd loop $rl
        local.get $r local.get $m i32.ge_u br_if $rd
        i32.const 0 local.set $n
        block $nd loop $nl
          local.get $n i32.const ${PANEL} i32.ge_u br_if $nd
          local.get $j0 local.get $n i32.add local.tee $j local.get $nq i32.lt_u if
            local.get $ts local.get $r i32.const ${PANEL} i32.mul local.get $n i32.add
            i32.const 4 i32.mul i32.add f32.load offset=16
            local.get $thrQ local.get $j i32.const 4 i32.mul i32.add f32.load
            f32.lt i32.eqz if
              local.get $ts i32.load offset=${PENDING} local.tee $w
              i32.const 16 i32.mul local.get $ts i32.add local.tee $e
              local.get $docs local.get $i0 local.get $r i32.add local.get $dim i32.mul i32.const 4 i32.mul i32.add
              i32.store offset=${QUEUE}
              local.get $e
              local.get $panels local.get $j i32.const 3 i32.shr_u local.get $dim i32.mul i32.const ${
      4 * PANEL
    } i32.mul i32.add
              local.get $j i32.const 7 i32.and i32.const 4 i32.mul i32.add
              i32.store offset=${QUEUE + 4}
              local.get $e local.get $j i32.store offset=${QUEUE + 8}
              local.get $e local.get $i0 local.get $r i32.add local.get $nq i32.mul local.get $j i32.add
              i32.store offset=${QUEUE + 12}
              local.get $ts local.get $w i32.const 1 i32.add local.tee $w i32.store offset=${PENDING}
              local.get $w i32.const 4 i32.eq if
                local.get $ts i32.const 4 local.get $thr local.get $dim local.get $list local.get $cap
                call $drain16
              end
            end
          end
          local.get $n i32.const 1 i32.add local.set $n br $nl
        end end
        local.get $r i32.const 1 i32.add local.set $r br $rl
      end end`,
  });
  // At the end of a chunk: the queue's remaining pairs (padded with copies of the first).
  mod.func("flush16", {
    params: i32("$ts", "$thr", "$dim", "$list", "$cap"),
    locals: i32("$n", "$c"),
    body: `
      local.get $ts i32.load offset=${PENDING} local.tee $n if
        local.get $n local.set $c
        block $pd loop $pl
          local.get $c i32.const 4 i32.ge_u br_if $pd
          local.get $ts local.get $c i32.const 16 i32.mul i32.add
          local.get $ts v128.load offset=${QUEUE} v128.store offset=${QUEUE}
          local.get $c i32.const 1 i32.add local.set $c br $pl
        end end
        local.get $ts local.get $n local.get $thr local.get $dim local.get $list local.get $cap
        call $drain16
      end`,
  });
  const locals16: [string, "i32" | "v128"][] = [
    ...i32(
      "$i",
      "$iEnd",
      "$p",
      "$t",
      "$q",
      "$o",
      "$rb",
      "$row",
      "$cnt",
      "$rb32",
      "$row32",
      "$q16",
    ),
    ...v128("$b", "$u0", "$u1"),
  ];
  for (let r = 0; r < TILE_ROWS; r++) locals16.push([`$d${r}`, "i32"]);
  for (let v = 0; v < NV; v++) locals16.push([`$q${v}`, "v128"]);
  for (let r = 0; r < TILE_ROWS; r++) {
    for (let v = 0; v < NV; v++) locals16.push([`$a${r}_${v}`, "v128"]);
  }
  mod.func("filter16", {
    params: i32(
      "$docs16",
      "$nd",
      "$pairs",
      "$panels16",
      "$np",
      "$nq",
      "$thrQ",
      "$uvec",
      "$stats",
      "$docs",
      "$dim",
      "$panels",
      "$thr",
      "$scratch",
      "$cands",
      "$cap",
      "$rows",
      "$chunk",
      "$thread",
    ),
    locals: locals16,
    body: [
      "local.get $pairs i32.const 4 i32.mul local.set $rb",
      "local.get $chunk local.get $rows i32.mul local.tee $i local.get $rows i32.add local.tee $iEnd",
      "local.get $nd i32.gt_u if local.get $nd local.set $iEnd end",
      "local.get $dim i32.const 4 i32.mul local.set $rb32",
      rowLoop16(TILE_ROWS, relaxed),
      rowLoop16(1, relaxed),
      `local.get $scratch local.get $thread i32.const ${THREAD_SCRATCH} i32.mul i32.add`,
      "local.get $thr local.get $dim",
      "local.get $cands local.get $thread local.get $cap i32.mul i32.const 8 i32.mul i32.add",
      "local.get $cap call $flush16",
    ].join("\n"),
  });
}

/**
 * The scoring module's binary, for an imported shared memory.
 *
 * @param options `relaxed`: use `f32x4.relaxed_madd` (default: when the engine validates it).
 * @returns The module bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scoreModuleBytes } from "./score_gemm.ts";
 * assert(WebAssembly.validate(scoreModuleBytes()));
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
  addInt16(mod, relaxed);
  return mod.bytes();
}
