/**
 * The WebAssembly kernels of the static encoder ({@link ../model/static_encoder.ts}),
 * over one unshared memory that holds the embeddings, the AdamW moments and
 * the scratch. Each kernel has a TypeScript twin that is its reference:
 *
 * | export        | does                                                                  | twin (bit-identical)                         |
 * | ------------- | --------------------------------------------------------------------- | -------------------------------------------- |
 * | `embed_f32`   | mean of rows in float32, four rows per add, L2 norm (encoding)        | `meanPoolF32` + `l2NormalizeF32` (pooling.ts) |
 * | `pool_f64`    | mean of rows in float64, four rows per add (training forward)         | `meanPool` (pooling.ts)                      |
 * | `scatter_f64` | adds each sequence's gradient row to its tokens' rows (float32 store) | the loop in `StaticEncoder` backward         |
 * | `adamw_rows`  | lazy AdamW on the touched rows                                        | `sparseAdamWStep` (sparse_adamw.ts)          |
 * | `cosines_mn`  | `Q Pᵀ` in float64 (`n × m`; `cosines`: `n × n`)                       | `cosines` (infonce.ts)                       |
 * | `combine_mn`  | `C X` / `Cᵀ X` in float64, four terms per add (`combine`: square)     | `combine` (infonce.ts)                       |
 *
 * Bit-identical because SIMD lanes only ever hold independent outputs: every
 * output element gets the same float32/float64 operations, in the same order,
 * as in its twin (WebAssembly arithmetic is IEEE-754 with round-to-nearest,
 * like JavaScript's, and no fused multiply-add is used here).
 *
 * All arguments are byte addresses or counts (`i32`), except the AdamW
 * coefficients (`f64`).
 *
 * @module
 */

import { Arena } from "./arena.ts";
import { WasmModule } from "./assembler.ts";
import { RESERVED_BYTES, threadCount, WasmThreadPool } from "./thread_pool.ts";

/** The `eps` of the float32 L2 normalisation (1e-12 rounded to float32). */
export const NORM_EPS_F32: number = Math.fround(1e-12);

type Local = [string, "i32" | "f32" | "f64" | "v128"];
const i32 = (...names: string[]): Local[] => names.map((n) => [n, "i32"]);
const v128 = (...names: string[]): Local[] => names.map((n) => [n, "v128"]);
const range = (n: number) => Array.from({ length: n }, (_, k) => k);

/** `while (!exit) { body }`: `exit` pushes an i32, true to leave. */
function loop(label: string, exit: string, body: string): string {
  return `block $${label}_out loop $${label}
    ${exit} br_if $${label}_out
    ${body}
    br $${label} end end`;
}

/** `local = local + n` (i32). */
const inc = (local: string, n: number | string) =>
  `local.get ${local} ${
    typeof n === "number" ? `i32.const ${n}` : `local.get ${n}`
  } i32.add local.set ${local}`;

/** Byte addresses of four tokens' rows, `$r0 … $r3`, from the row table at token `$t`. */
/**
 * Sums the rows of tokens `[$t0, $t1)` at column byte `$c` into the accumulators
 * `$a0 …` (already zero): four tokens at a time, `acc += (a + b) + (c + e)`,
 * then `acc += a` for the rest. `load(r, k)` pushes vector `k` of the row
 * whose column pointer (row address + `$c`) is in local `r`, in the
 * accumulators' type; `add` is that type's add.
 */
function sumRows(n: number, load: (r: string, k: number) => string, add: string): string {
  const ptr = (u: number) =>
    `local.get $tp i32.load offset=${4 * u} local.get $c i32.add local.set $r${u}`;
  return `
    local.get $rows local.get $t0 i32.const 4 i32.mul i32.add local.set $tp
    local.get $rows local.get $t1 i32.const 4 i32.mul i32.add local.set $te
    ${
    loop(
      "t4",
      "local.get $tp i32.const 16 i32.add local.get $te i32.gt_u",
      `${range(4).map(ptr).join("\n")}
       ${
        range(n).map((k) =>
          `local.get $a${k} ${load("$r0", k)} ${load("$r1", k)} ${add}
           ${load("$r2", k)} ${load("$r3", k)} ${add} ${add} ${add} local.set $a${k}`
        ).join("\n")
      }
       ${inc("$tp", 16)}`,
    )
  }
    ${
    loop(
      "t1",
      "local.get $tp local.get $te i32.ge_u",
      `${ptr(0)}
       ${
        range(n).map((k) => `local.get $a${k} ${load("$r0", k)} ${add} local.set $a${k}`).join("\n")
      }
       ${inc("$tp", 4)}`,
    )
  }`;
}

/** Per sequence `$s`: `$t0`, `$t1` (its tokens), `$row` (its output row, `elem` bytes per value). */
const SEQ_HEAD = (elem: number) => `
    local.get $offs local.get $s i32.const 4 i32.mul i32.add i32.load local.set $t0
    local.get $offs local.get $s i32.const 4 i32.mul i32.add i32.load offset=4 local.set $t1
    local.get $out local.get $s local.get $rb i32.mul ${
  elem === 8 ? "i32.const 2 i32.mul" : ""
} i32.add
    local.set $row`;

const EMBED = (() => {
  // Columns in chunks of 8 vectors (32 floats), then single vectors, then
  // floats. Each chunk's sums are scaled to the mean as they are stored, and
  // their squares added to the lanes of $sv (column order); the norm is
  // (l0 + l1) + (l2 + l3) of those lanes, plus the squares of the float tail.
  const f32v = (r: string, k: number) => `local.get ${r} v128.load offset=${16 * k}`;
  const f32s = (r: string) => `local.get ${r} f32.load`;
  const chunk = (n: number) => `
    ${range(n).map((k) => `f32.const 0 f32x4.splat local.set $a${k}`).join(" ")}
    ${sumRows(n, f32v, "f32x4.add")}
    ${
    range(n).map((k) =>
      `local.get $a${k} local.get $inv f32x4.splat f32x4.mul local.set $v
       local.get $row local.get $c i32.add local.get $v v128.store offset=${16 * k}
       local.get $sv local.get $v local.get $v f32x4.mul f32x4.add local.set $sv`
    ).join("\n")
  }
    ${inc("$c", 16 * n)}`;
  const scalar = `
    f32.const 0 local.set $x
    ${sumRows(1, f32s, "f32.add").replaceAll("$a0", "$x")}
    local.get $x local.get $inv f32.mul local.set $x
    local.get $row local.get $c i32.add local.get $x f32.store
    local.get $ss local.get $x local.get $x f32.mul f32.add local.set $ss
    ${inc("$c", 4)}`;
  const scale = `
    ${
    loop(
      "n1",
      "local.get $c i32.const 16 i32.add local.get $rb i32.gt_u",
      `local.get $row local.get $c i32.add local.get $row local.get $c i32.add v128.load
       local.get $inv f32x4.splat f32x4.mul v128.store
       ${inc("$c", 16)}`,
    )
  }
    ${
    loop(
      "ns",
      "local.get $c local.get $rb i32.ge_u",
      `local.get $row local.get $c i32.add local.get $row local.get $c i32.add f32.load
       local.get $inv f32.mul f32.store
       ${inc("$c", 4)}`,
    )
  }`;
  return `
  local.get $dim i32.const 4 i32.mul local.set $rb
  ${
    loop(
      "seq",
      "local.get $s local.get $count i32.ge_u",
      `${SEQ_HEAD(4)}
    f32.const 1 local.get $t1 local.get $t0 i32.sub f32.convert_i32_s f32.div local.set $inv
    f32.const 0 f32x4.splat local.set $sv
    i32.const 0 local.set $c
    ${loop("c8", "local.get $c i32.const 128 i32.add local.get $rb i32.gt_u", chunk(8))}
    ${loop("c1", "local.get $c i32.const 16 i32.add local.get $rb i32.gt_u", chunk(1))}
    local.get $sv f32x4.extract_lane 0 local.get $sv f32x4.extract_lane 1 f32.add
    local.get $sv f32x4.extract_lane 2 local.get $sv f32x4.extract_lane 3 f32.add
    f32.add local.set $ss
    ${loop("cs", "local.get $c local.get $rb i32.ge_u", scalar)}
    f32.const 1 local.get $ss f32.sqrt f32.const ${NORM_EPS_F32} f32.max f32.div local.set $inv
    i32.const 0 local.set $c
    ${scale}
    ${inc("$s", 1)}`,
    )
  }`;
})();

const POOL_F64 = (() => {
  // Columns in chunks of 8 f64x2 vectors (16 floats), then pairs, then single
  // floats; each float32 promoted to float64 before the adds; finally ·(1/L).
  const f64v = (r: string, k: number) =>
    `local.get ${r} v128.load64_zero offset=${8 * k} f64x2.promote_low_f32x4`;
  const f64s = (r: string) => `local.get ${r} f32.load f64.promote_f32`;
  const chunk = (n: number) => `
    ${range(n).map((k) => `f64.const 0 f64x2.splat local.set $a${k}`).join(" ")}
    ${sumRows(n, f64v, "f64x2.add")}
    ${
    range(n).map((k) =>
      `local.get $row local.get $c i32.const 2 i32.mul i32.add local.get $a${k} local.get $inv f64x2.splat
       f64x2.mul v128.store offset=${16 * k}`
    ).join("\n")
  }
    ${inc("$c", 8 * n)}`;
  return `
  local.get $dim i32.const 4 i32.mul local.set $rb
  ${
    loop(
      "seq",
      "local.get $s local.get $count i32.ge_u",
      `${SEQ_HEAD(8)}
    f64.const 1 local.get $t1 local.get $t0 i32.sub f64.convert_i32_s f64.div local.set $inv
    i32.const 0 local.set $c
    ${loop("c8", "local.get $c i32.const 64 i32.add local.get $rb i32.gt_u", chunk(8))}
    ${loop("c1", "local.get $c i32.const 8 i32.add local.get $rb i32.gt_u", chunk(1))}
    ${
        loop(
          "cs",
          "local.get $c local.get $rb i32.ge_u",
          `f64.const 0 local.set $x
       ${sumRows(1, f64s, "f64.add").replaceAll("$a0", "$x")}
       local.get $row local.get $c i32.const 2 i32.mul i32.add local.get $x local.get $inv f64.mul f64.store
       ${inc("$c", 4)}`,
        )
      }
    ${inc("$s", 1)}`,
    )
  }`;
})();

const SCATTER = `
  local.get $dim i32.const 4 i32.mul local.set $rb
  ${
  loop(
    "seq",
    "local.get $s local.get $count i32.ge_u",
    `
    local.get $starts local.get $s i32.const 4 i32.mul i32.add i32.load local.set $t
    local.get $starts local.get $s i32.const 4 i32.mul i32.add i32.load offset=4 local.set $t1
    local.get $gh local.get $s local.get $rb i32.mul i32.const 2 i32.mul i32.add local.set $h
    ${
      loop(
        "tok",
        "local.get $t local.get $t1 i32.ge_u",
        `local.get $g local.get $offs local.get $t i32.const 4 i32.mul i32.add i32.load i32.add local.set $p
       i32.const 0 local.set $c
       ${
          loop(
            "c2",
            "local.get $c i32.const 8 i32.add local.get $rb i32.gt_u",
            `local.get $p local.get $c i32.add
          local.get $p local.get $c i32.add v128.load64_zero f64x2.promote_low_f32x4
          local.get $h local.get $c i32.const 2 i32.mul i32.add v128.load f64x2.add
          f32x4.demote_f64x2_zero v128.store64_lane 0
          ${inc("$c", 8)}`,
          )
        }
       ${
          loop(
            "cs",
            "local.get $c local.get $rb i32.ge_u",
            `local.get $p local.get $c i32.add
          local.get $p local.get $c i32.add f32.load f64.promote_f32
          local.get $h local.get $c i32.const 2 i32.mul i32.add f64.load f64.add f32.demote_f64 f32.store
          ${inc("$c", 4)}`,
          )
        }
       ${inc("$t", 1)}`,
      )
    }
    ${inc("$s", 1)}`,
  )
}`;

const ADAMW = (() => {
  // One element pair (or one element, with the scalar ops) at byte offset $c of the row.
  const update = (w: "f64x2" | "f64") => {
    const ld = w === "f64x2"
      ? "v128.load64_zero f64x2.promote_low_f32x4"
      : "f32.load f64.promote_f32";
    const st = w === "f64x2"
      ? "f32x4.demote_f64x2_zero v128.store64_lane 0"
      : "f32.demote_f64 f32.store";
    const k = (
      name: string,
    ) => (w === "f64x2" ? `local.get ${name} f64x2.splat` : `local.get ${name}`);
    const [g, m, v, p] = w === "f64x2"
      ? ["$gv", "$mv", "$vv", "$pv"]
      : ["$gs", "$ms", "$vs", "$ps"];
    return `
      local.get $gp local.get $c i32.add ${ld} local.set ${g}
      local.get $mp local.get $c i32.add ${ld} local.set ${m}
      ;; m ← m0 + (1 − β1)(g − m0)
      local.get ${m} ${
      k("$b1c")
    } local.get ${g} local.get ${m} ${w}.sub ${w}.mul ${w}.add local.set ${m}
      ;; v ← β2·v + ((1 − β2)·g)·g
      ${k("$beta2")} local.get $vp local.get $c i32.add ${ld} ${w}.mul
      ${k("$b2c")} local.get ${g} ${w}.mul local.get ${g} ${w}.mul ${w}.add local.set ${v}
      local.get $mp local.get $c i32.add local.get ${m} ${st}
      local.get $vp local.get $c i32.add local.get ${v} ${st}
      ;; θ ← θ·decay − (stepSize·m) / (√v · invSqrtBc2 + ε)
      local.get $pp local.get $c i32.add ${ld} ${k("$decay")} ${w}.mul
      ${k("$rs")} local.get ${m} ${w}.mul
      local.get ${v} ${w}.sqrt ${k("$invSqrtBc2")} ${w}.mul ${k("$eps")} ${w}.add ${w}.div
      ${w}.sub local.set ${p}
      local.get $pp local.get $c i32.add local.get ${p} ${st}
      ${inc("$c", w === "f64x2" ? 8 : 4)}`;
  };
  return `
  local.get $dim i32.const 4 i32.mul local.set $rb
  ${
    loop(
      "row",
      "local.get $s local.get $count i32.ge_u",
      `
    local.get $rows local.get $s i32.const 4 i32.mul i32.add i32.load local.set $c
    ;; the row's step size: stepSize · scales[row] (scales = 0: no per-row scale)
    local.get $scales
    if (result f64)
      local.get $stepSize local.get $scales local.get $c i32.const 4 i32.mul i32.add f32.load f64.promote_f32 f64.mul
    else
      local.get $stepSize
    end
    local.set $rs
    local.get $c local.get $rb i32.mul local.set $c
    local.get $param local.get $c i32.add local.set $pp
    local.get $m local.get $c i32.add local.set $mp
    local.get $v local.get $c i32.add local.set $vp
    local.get $grad local.get $s local.get $rb i32.mul i32.add local.set $gp
    i32.const 0 local.set $c
    ${loop("c2", "local.get $c i32.const 8 i32.add local.get $rb i32.gt_u", update("f64x2"))}
    ${loop("cs", "local.get $c local.get $rb i32.ge_u", update("f64"))}
    ${inc("$s", 1)}`,
    )
  }`;
})();

const COSINES = (() => {
  // pT (dim × mPad, zero column when m is odd), then for each of the n rows i of
  // Q, blocks of 8 f64x2 columns: acc += q[i][k] · pT[k][j…j+1] in k order.
  const block = (n: number) => `
    ${range(n).map((v) => `f64.const 0 f64x2.splat local.set $a${v}`).join(" ")}
    i32.const 0 local.set $k
    local.get $pT local.get $j i32.const 8 i32.mul i32.add local.set $p
    local.get $q local.get $i local.get $dim i32.mul i32.const 8 i32.mul i32.add local.set $qi
    ${
    loop(
      "k",
      "local.get $k local.get $dim i32.ge_u",
      `local.get $qi v128.load64_splat local.set $b
       ${
        range(n).map((v) =>
          `local.get $a${v} local.get $b local.get $p v128.load offset=${
            16 * v
          } f64x2.mul f64x2.add local.set $a${v}`
        ).join("\n")
      }
       ${inc("$qi", 8)}
       local.get $p local.get $np i32.const 8 i32.mul i32.add local.set $p
       ${inc("$k", 1)}`,
    )
  }
    local.get $cos local.get $i local.get $m i32.mul local.get $j i32.add i32.const 8 i32.mul i32.add local.set $o
    ${
    range(n).map((v) =>
      n === 1
        ? `local.get $j i32.const 1 i32.add local.get $m i32.lt_u if
             local.get $o local.get $a0 v128.store
           else local.get $o local.get $a0 v128.store64_lane 0 end`
        : `local.get $o local.get $a${v} v128.store offset=${16 * v}`
    ).join("\n")
  }
    ${inc("$j", 2 * n)}`;
  return `
  local.get $m i32.const 1 i32.add i32.const -2 i32.and local.set $np
  ;; transpose
  ${
    loop(
      "tk",
      "local.get $k local.get $dim i32.ge_u",
      `i32.const 0 local.set $j
     ${
        loop(
          "tj",
          "local.get $j local.get $np i32.ge_u",
          `local.get $pT local.get $k local.get $np i32.mul local.get $j i32.add i32.const 8 i32.mul i32.add
        local.get $j local.get $m i32.lt_u if (result f64)
          local.get $p local.get $j local.get $dim i32.mul local.get $k i32.add i32.const 8 i32.mul i32.add f64.load
        else f64.const 0 end
        f64.store
        ${inc("$j", 1)}`,
        )
      }
     ${inc("$k", 1)}`,
    )
  }
  ${
    loop(
      "i",
      "local.get $i local.get $n i32.ge_u",
      `i32.const 0 local.set $j
    ${loop("j8", "local.get $j i32.const 16 i32.add local.get $m i32.gt_u", block(8))}
    ${loop("j1", "local.get $j local.get $m i32.ge_u", block(1))}
    ${inc("$i", 1)}`,
    )
  }`;
})();

const COMBINE = (() => {
  // out[r][k] = Σ_{j < n} c[r·rs + j·cs]·x[j][k] for r < rows: per group of four j,
  // acc += (c0·x0 + c1·x1) + (c2·x2 + c3·x3); then acc += cj·xj.
  const chunk = (n: number, w: "f64x2" | "f64") => {
    const ld = (j: number, v: number) =>
      w === "f64x2" ? `local.get $x${j} v128.load offset=${16 * v}` : `local.get $x${j} f64.load`;
    const cf = (u: number) => (w === "f64x2" ? `local.get $c${u} f64x2.splat` : `local.get $c${u}`);
    const acc = (v: number) => (w === "f64x2" ? `$a${v}` : "$s");
    const step = w === "f64x2" ? 16 * n : 8;
    return `
    ${
      range(n).map((
        v,
      ) => (w === "f64x2"
        ? `f64.const 0 f64x2.splat local.set $a${v}`
        : "f64.const 0 local.set $s")
      ).join(" ")
    }
    i32.const 0 local.set $j
    local.get $x local.get $kb i32.add local.set $x0
    local.get $cr local.set $cp
    ${
      loop(
        "j4",
        "local.get $j i32.const 4 i32.add local.get $n i32.gt_u",
        `${
          range(4).map((u) =>
            `local.get $cp ${
              u === 0 ? "" : `local.get $cs8 i32.const ${u} i32.mul i32.add`
            } f64.load local.set $c${u}`
          ).join("\n")
        }
       local.get $x0 local.get $row8 i32.add local.set $x1
       local.get $x1 local.get $row8 i32.add local.set $x2
       local.get $x2 local.get $row8 i32.add local.set $x3
       ${
          range(n).map((v) =>
            `local.get ${acc(v)}
           ${cf(0)} ${ld(0, v)} ${w}.mul ${cf(1)} ${ld(1, v)} ${w}.mul ${w}.add
           ${cf(2)} ${ld(2, v)} ${w}.mul ${cf(3)} ${ld(3, v)} ${w}.mul ${w}.add
           ${w}.add ${w}.add local.set ${acc(v)}`
          ).join("\n")
        }
       local.get $x3 local.get $row8 i32.add local.set $x0
       local.get $cp local.get $cs8 i32.const 4 i32.mul i32.add local.set $cp
       ${inc("$j", 4)}`,
      )
    }
    ${
      loop(
        "j1",
        "local.get $j local.get $n i32.ge_u",
        `local.get $cp f64.load local.set $c0
       ${
          range(n).map((v) =>
            `local.get ${acc(v)} ${cf(0)} ${ld(0, v)} ${w}.mul ${w}.add local.set ${acc(v)}`
          ).join("\n")
        }
       ${inc("$x0", "$row8")}
       ${inc("$cp", "$cs8")}
       ${inc("$j", 1)}`,
      )
    }
    ${
      range(n).map((v) =>
        w === "f64x2"
          ? `local.get $or local.get $kb i32.add local.get $a${v} v128.store offset=${16 * v}`
          : "local.get $or local.get $kb i32.add local.get $s f64.store"
      ).join("\n")
    }
    ${inc("$kb", step)}`;
  };
  return `
  local.get $dim i32.const 8 i32.mul local.set $row8
  local.get $cs i32.const 8 i32.mul local.set $cs8
  ${
    loop(
      "r",
      "local.get $r local.get $rows i32.ge_u",
      `local.get $c local.get $r local.get $rs i32.mul i32.const 8 i32.mul i32.add local.set $cr
    local.get $out local.get $r local.get $row8 i32.mul i32.add local.set $or
    i32.const 0 local.set $kb
    ${loop("k4", "local.get $kb i32.const 64 i32.add local.get $row8 i32.gt_u", chunk(4, "f64x2"))}
    ${loop("k1", "local.get $kb i32.const 16 i32.add local.get $row8 i32.gt_u", chunk(1, "f64x2"))}
    ${loop("ks", "local.get $kb local.get $row8 i32.ge_u", chunk(1, "f64"))}
    ${inc("$r", 1)}`,
    )
  }`;
})();

const cached = new Map<boolean, Uint8Array<ArrayBuffer>>();

/**
 * The static encoder's kernel module (imports an unshared `env.memory`).
 *
 * @returns The module bytes (assembled once per process).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { staticModuleBytes } from "./static_kernels.ts";
 * assert(WebAssembly.validate(staticModuleBytes()));
 * ```
 */
export function staticModuleBytes(options: { shared?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const shared = options.shared ?? false;
  const hit = cached.get(shared);
  if (hit) return hit;
  const mod = new WasmModule(shared ? { min: 1, max: 65536, shared: true } : { min: 1 });
  mod.func("embed_f32", {
    params: i32("$rows", "$offs", "$count", "$dim", "$out"),
    locals: [
      ...i32(
        "$s",
        "$t",
        "$t0",
        "$t1",
        "$rb",
        "$c",
        "$row",
        "$r0",
        "$r1",
        "$r2",
        "$r3",
        "$tp",
        "$te",
      ),
      ["$x", "f32"],
      ["$ss", "f32"],
      ["$inv", "f32"],
      ...v128("$v", "$sv"),
      ...v128(...range(8).map((k) => `$a${k}`)),
    ],
    body: EMBED,
  });
  mod.func("pool_f64", {
    params: i32("$rows", "$offs", "$count", "$dim", "$out"),
    locals: [
      ...i32(
        "$s",
        "$t",
        "$t0",
        "$t1",
        "$rb",
        "$c",
        "$row",
        "$r0",
        "$r1",
        "$r2",
        "$r3",
        "$tp",
        "$te",
      ),
      ["$inv", "f64"],
      ["$x", "f64"],
      ...v128(...range(8).map((k) => `$a${k}`)),
    ],
    body: POOL_F64,
  });
  mod.func("scatter_f64", {
    params: i32("$g", "$dim", "$offs", "$starts", "$count", "$gh"),
    locals: i32("$s", "$t", "$t1", "$rb", "$c", "$p", "$h"),
    body: SCATTER,
  });
  mod.func("adamw_rows", {
    params: [
      ...i32("$param", "$m", "$v", "$dim", "$rows", "$count", "$grad", "$scales"),
      ...(["$decay", "$b1c", "$b2c", "$beta2", "$stepSize", "$invSqrtBc2", "$eps"].map((
        n,
      ) => [n, "f64"]) as Local[]),
    ],
    locals: [
      ...i32("$s", "$rb", "$c", "$pp", "$mp", "$vp", "$gp"),
      ...v128("$gv", "$mv", "$vv", "$pv"),
      ["$gs", "f64"],
      ["$ms", "f64"],
      ["$vs", "f64"],
      ["$ps", "f64"],
      ["$rs", "f64"],
    ],
    body: ADAMW,
  });
  mod.func("cosines_mn", {
    params: i32("$q", "$p", "$n", "$m", "$dim", "$cos", "$pT"),
    locals: [
      ...i32("$np", "$i", "$j", "$k", "$qi", "$o"),
      ["$b", "v128"],
      ...v128(...range(8).map((k) => `$a${k}`)),
    ],
    body: COSINES,
  });
  mod.func("cosines", {
    params: i32("$q", "$p", "$n", "$dim", "$cos", "$pT"),
    body: `local.get $q local.get $p local.get $n local.get $n local.get $dim local.get $cos
      local.get $pT call $cosines_mn`,
  });
  mod.func("combine_mn", {
    params: i32("$c", "$rs", "$cs", "$rows", "$n", "$x", "$dim", "$out"),
    locals: [
      ...i32("$r", "$j", "$kb", "$row8", "$cs8", "$cr", "$cp", "$or", "$x0", "$x1", "$x2", "$x3"),
      ...(["$c0", "$c1", "$c2", "$c3", "$s"].map((n) => [n, "f64"]) as Local[]),
      ...v128("$a0", "$a1", "$a2", "$a3"),
    ],
    body: COMBINE,
  });
  mod.func("combine", {
    params: i32("$c", "$rs", "$cs", "$n", "$x", "$dim", "$out"),
    body: `local.get $c local.get $rs local.get $cs local.get $n local.get $n local.get $x
      local.get $dim local.get $out call $combine_mn`,
  });
  mod.func("embed_part", {
    params: i32("$rows", "$offs", "$count", "$dim", "$out", "$per", "$chunk", "$thread"),
    locals: i32("$s0", "$n"),
    body: `
      local.get $chunk local.get $per i32.mul local.set $s0
      local.get $count local.get $s0 i32.sub local.tee $n local.get $per i32.gt_s
      if local.get $per local.set $n end
      local.get $rows local.get $offs local.get $s0 i32.const 4 i32.mul i32.add local.get $n local.get $dim
      local.get $out local.get $s0 local.get $dim i32.mul i32.const 4 i32.mul i32.add
      call $embed_f32`,
  });
  const bytes = mod.bytes();
  cached.set(shared, bytes);
  return bytes;
}

/** The exports of {@linkcode staticModuleBytes} (byte addresses and counts are `i32`). */
export interface StaticExports {
  /**
   * Float32 mean of each sequence's rows and float32 L2 norm, into `out`
   * (`count × dim` f32); `rows[t]` is the byte address of token `t`'s row,
   * sequence `s` has tokens `[offs[s], offs[s + 1])`.
   */
  embed_f32(rows: number, offs: number, count: number, dim: number, out: number): void;
  /** Float64 mean of each sequence's rows, into `out` (`count × dim` f64); as `embed_f32`. */
  pool_f64(rows: number, offs: number, count: number, dim: number, out: number): void;
  /** `g[offs[t]] += gh[s]` (float32 rows, float64 sums) for every token `t` of every sequence `s`. */
  scatter_f64(
    g: number,
    dim: number,
    offs: number,
    starts: number,
    count: number,
    gh: number,
  ): void;
  /** `embed_f32` on sequences `[chunk·per, min(count, (chunk+1)·per))` (for threads). */
  embed_part(
    rows: number,
    offs: number,
    count: number,
    dim: number,
    out: number,
    per: number,
    chunk: number,
    thread: number,
  ): void;
  /**
   * Lazy AdamW on rows `rows[0 … count)` of `param`/`m`/`v` with the compact
   * gradient `grad`; with `scales` ≠ 0 (the byte address of one float32 per
   * row of `param`), row `r`'s step size is `stepSize · scales[r]`.
   */
  adamw_rows(
    param: number,
    m: number,
    v: number,
    dim: number,
    rows: number,
    count: number,
    grad: number,
    scales: number,
    decay: number,
    b1c: number,
    b2c: number,
    beta2: number,
    stepSize: number,
    invSqrtBc2: number,
    eps: number,
  ): void;
  /** `cos = Q Pᵀ` (`n × n` f64), using `pT` (`dim × (n + 1)` f64) as scratch: `cosines_mn` with `m = n`. */
  cosines(q: number, p: number, n: number, dim: number, cos: number, pT: number): void;
  /**
   * `cos = Q Pᵀ` for `n` rows of `Q` and `m` of `P` (`n × m` f64, row-major),
   * using `pT` (`dim × (m + 1)` f64) as scratch.
   */
  cosines_mn(
    q: number,
    p: number,
    n: number,
    m: number,
    dim: number,
    cos: number,
    pT: number,
  ): void;
  /** `out[r] = Σ_{j < n} c[r·rs + j·cs] x[j]` for `r < n` (f64 rows of `dim`): `combine_mn` with `rows = n`. */
  combine(c: number, rs: number, cs: number, n: number, x: number, dim: number, out: number): void;
  /** `out[r] = Σ_{j < n} c[r·rs + j·cs] x[j]` for `r < rows` (f64 rows of `dim`). */
  combine_mn(
    c: number,
    rs: number,
    cs: number,
    rows: number,
    n: number,
    x: number,
    dim: number,
    out: number,
  ): void;
}

const compiled = new Map<boolean, WebAssembly.Module>();

function compiledModule(shared: boolean): WebAssembly.Module {
  let m = compiled.get(shared);
  if (!m) {
    m = new WebAssembly.Module(staticModuleBytes({ shared }));
    compiled.set(shared, m);
  }
  return m;
}

/** The process's shared static memory, and its worker pool once started. */
let sharedState:
  | { wasm: StaticWasm; pool: WasmThreadPool | null; starting: Promise<number> | null }
  | undefined;

/**
 * The static kernels and an {@linkcode Arena} over their memory: either a
 * private (unshared) memory of their own — `new StaticWasm()` — or the
 * process's shared memory — {@linkcode StaticWasm.shared} — which several
 * encoders allocate in and whose kernels can also run on worker threads once
 * {@linkcode startStaticThreads} has started them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StaticWasm } from "./static_kernels.ts";
 * const w = new StaticWasm();
 * const table = w.arena.f32(w.arena.alloc(16), 4);
 * table.set([1, 2, 3, 4]); // two rows of width 2
 * const rows = w.arena.i32(w.arena.alloc(8), 2), offs = w.arena.i32(w.arena.alloc(8), 2);
 * rows.set([table.byteOffset, table.byteOffset + 8]); // the rows' addresses
 * offs.set([0, 2]);
 * const out = w.arena.f64(w.arena.alloc(16), 2);
 * w.fn.pool_f64(rows.byteOffset, offs.byteOffset, 1, 2, out.byteOffset);
 * assert(out[0] === 2 && out[1] === 3);
 * ```
 */
export class StaticWasm {
  /** Allocations in the memory. */
  readonly arena: Arena;
  /** The kernels (on the calling thread). */
  readonly fn: StaticExports;
  /** Whether this is the process's shared memory. */
  readonly shared: boolean;

  /** @param shared Internal: the shared memory's arena and instance. */
  constructor(shared?: { arena: Arena; instance: WebAssembly.Instance }) {
    if (shared) {
      this.arena = shared.arena;
      this.fn = shared.instance.exports as unknown as StaticExports;
      this.shared = true;
      return;
    }
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
    this.arena = new Arena(memory, 64); // address 0 is never handed out
    const instance = new WebAssembly.Instance(compiledModule(false), { env: { memory } });
    this.fn = instance.exports as unknown as StaticExports;
    this.shared = false;
  }

  /** The process's shared static memory (created on first use; at most 4 GiB for all its users). */
  static shared(): StaticWasm {
    if (!sharedState) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
      const arena = new Arena(memory, RESERVED_BYTES);
      const instance = new WebAssembly.Instance(compiledModule(true), { env: { memory } });
      sharedState = { wasm: new StaticWasm({ arena, instance }), pool: null, starting: null };
    }
    return sharedState.wasm;
  }

  /** Threads a {@linkcode StaticWasm.run} can use now, the caller's included. */
  get threads(): number {
    return this.shared ? (sharedState?.pool?.threads ?? 1) : 1;
  }

  /**
   * Calls export `fn(...args, chunk, thread)` for every chunk in `[0, chunks)`:
   * on the worker threads too when this is the shared memory and they are
   * running, else on the calling thread. `beforeWork` runs on the calling
   * thread first (overlapped with the workers' chunks when there are workers).
   */
  run(fn: "embed_part", args: number[], chunks: number, beforeWork?: () => void): void {
    const pool = this.shared ? sharedState?.pool : null;
    if (pool) {
      pool.run(fn, args, chunks, { beforeWork });
      return;
    }
    beforeWork?.();
    const f = this.fn[fn];
    for (let c = 0; c < chunks; c++) {
      f(...(args as [number, number, number, number, number, number]), c, 0);
    }
  }
}

/**
 * Starts the worker threads of the shared static memory (once per process):
 * afterwards large {@linkcode StaticWasm.run} calls — encoding many texts —
 * are shared with `threads − 1` workers. Results do not change: a sequence
 * is always computed by one thread with the same code.
 *
 * @param threads Threads, the caller's included. Default `XLIR_THREADS`, else the cores.
 * @returns The threads in use (1 when workers could not start).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startStaticThreads } from "./static_kernels.ts";
 * assert((await startStaticThreads(1)) === 1);
 * ```
 */
export async function startStaticThreads(threads?: number): Promise<number> {
  const n = threadCount(threads);
  const wasm = StaticWasm.shared();
  const state = sharedState!;
  if (state.pool) return state.pool.threads;
  if (n <= 1) return 1;
  state.starting ??= WasmThreadPool.create(staticModuleBytes({ shared: true }), {
    threads: n,
    memory: { memory: wasm.arena.memory, arena: wasm.arena },
  }).then((pool) => {
    state.pool = pool;
    return pool.threads;
  }).finally(() => (state.starting = null));
  return await state.starting;
}
