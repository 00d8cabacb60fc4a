/**
 * A small WebAssembly assembler: function bodies written in the flat
 * (unfolded) WebAssembly text format — one instruction after another,
 * `local.get $x`, `v128.load offset=16`, `block $done … end` — are encoded
 * into the binary format, with no toolchain. It knows the instructions xlir's
 * kernels use: control flow, locals, i32/f32/f64 scalar arithmetic, loads and
 * stores, 128-bit SIMD and the relaxed-SIMD fused multiply-adds. Kernels are
 * generated as text by TypeScript (loops unroll register tiles), assembled
 * once per process, and instantiated over an imported memory.
 *
 * @module
 */

/** A WebAssembly value type. */
export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** How an instruction's immediates are written. */
type Imm =
  | "none"
  | "local"
  | "mem"
  | "memlane"
  | "i32"
  | "f32"
  | "f64"
  | "lane"
  | "shuffle"
  | "block"
  | "label"
  | "func"
  | "zero";

interface OpInfo {
  code: number[];
  imm: Imm;
  /** Natural alignment (log2 bytes) of a memory access. */
  align: number;
}

// mnemonic, opcode (hex; "fd:N"/"fc:N": the SIMD/misc prefix and LEB128 N), immediate, natural alignment.
const TABLE = `
unreachable 00 | nop 01 | block 02 block | loop 03 block | if 04 block | else 05 | end 0b
br 0c label | br_if 0d label | return 0f | call 10 func | drop 1a | select 1b
local.get 20 local | local.set 21 local | local.tee 22 local
i32.load 28 mem 2 | f32.load 2a mem 2 | f64.load 2b mem 3
i32.store 36 mem 2 | f32.store 38 mem 2 | f64.store 39 mem 3 | i32.store16 3b mem 1
f32.nearest 90 | i32.trunc_sat_f32_s fc:00 | i32.trunc_sat_f64_s fc:02
memory.size 3f zero | memory.grow 40 zero
i32.const 41 i32 | f32.const 43 f32 | f64.const 44 f64
i32.eqz 45 | i32.eq 46 | i32.ne 47 | i32.lt_s 48 | i32.lt_u 49 | i32.gt_s 4a | i32.gt_u 4b
i32.le_s 4c | i32.le_u 4d | i32.ge_s 4e | i32.ge_u 4f
f32.eq 5b | f32.ne 5c | f32.lt 5d | f32.gt 5e | f32.le 5f | f32.ge 60
f64.eq 61 | f64.ne 62 | f64.lt 63 | f64.gt 64 | f64.le 65 | f64.ge 66
i32.popcnt 69 | i32.add 6a | i32.sub 6b | i32.mul 6c | i32.div_s 6d | i32.div_u 6e | i32.rem_s 6f | i32.rem_u 70
i32.and 71 | i32.or 72 | i32.xor 73 | i32.shl 74 | i32.shr_s 75 | i32.shr_u 76
f32.abs 8b | f32.neg 8c | f32.sqrt 91 | f32.add 92 | f32.sub 93 | f32.mul 94 | f32.div 95
f32.min 96 | f32.max 97
f64.abs 99 | f64.neg 9a | f64.floor 9c | f64.sqrt 9f | f64.add a0 | f64.sub a1 | f64.mul a2 | f64.div a3
f64.min a4 | f64.max a5
f32.convert_i32_s b2 | f32.demote_f64 b6 | f64.convert_i32_s b7 | f64.promote_f32 bb
v128.load fd:00 mem 4 | v128.load32_splat fd:09 mem 2 | v128.load64_splat fd:0a mem 3
v128.store fd:0b mem 4 | i8x16.shuffle fd:0d shuffle
f32x4.splat fd:13 | f64x2.splat fd:14 | i32x4.splat fd:11
i32x4.extract_lane fd:1b lane | f32x4.extract_lane fd:1f lane | f32x4.replace_lane fd:20 lane
f64x2.extract_lane fd:21 lane | f64x2.replace_lane fd:22 lane
f32x4.eq fd:41 | f32x4.ne fd:42 | f32x4.lt fd:43 | f32x4.gt fd:44 | f32x4.le fd:45 | f32x4.ge fd:46
f64x2.eq fd:47 | f64x2.ne fd:48 | f64x2.lt fd:49 | f64x2.gt fd:4a | f64x2.le fd:4b | f64x2.ge fd:4c
v128.not fd:4d | v128.and fd:4e | v128.andnot fd:4f | v128.or fd:50 | v128.xor fd:51
v128.bitselect fd:52 | v128.any_true fd:53
v128.load32_lane fd:56 memlane 2 | v128.load64_lane fd:57 memlane 3
v128.store32_lane fd:5a memlane 2 | v128.store64_lane fd:5b memlane 3
v128.load32_zero fd:5c mem 2 | v128.load64_zero fd:5d mem 3
f32x4.demote_f64x2_zero fd:5e | f64x2.promote_low_f32x4 fd:5f
i32x4.bitmask fd:a4
f32x4.abs fd:e0 | f32x4.neg fd:e1 | f32x4.sqrt fd:e3 | f32x4.add fd:e4 | f32x4.sub fd:e5
f32x4.mul fd:e6 | f32x4.div fd:e7 | f32x4.min fd:e8 | f32x4.max fd:e9
f64x2.abs fd:ec | f64x2.neg fd:ed | f64x2.sqrt fd:ef | f64x2.add fd:f0 | f64x2.sub fd:f1
f64x2.mul fd:f2 | f64x2.div fd:f3 | f64x2.min fd:f4 | f64x2.max fd:f5
f32x4.relaxed_madd fd:105 | f32x4.relaxed_nmadd fd:106
f64x2.relaxed_madd fd:107 | f64x2.relaxed_nmadd fd:108
i32x4.dot_i16x8_s fd:ba | i32x4.add fd:ae | i32x4.sub fd:b1
f32x4.nearest fd:6a | i32x4.trunc_sat_f32x4_s fd:f8 | f32x4.convert_i32x4_s fd:fa
i16x8.narrow_i32x4_s fd:85
`;

function uleb(n: number, out: number[] = []): number[] {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number, out: number[] = []): number[] {
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const OPS: Map<string, OpInfo> = (() => {
  const ops = new Map<string, OpInfo>();
  for (const entry of TABLE.split(/[|\n]/)) {
    const f = entry.trim().split(/\s+/);
    if (f[0] === "") continue;
    const [name, hex, imm = "none", align = "0"] = f;
    // "fd:N" / "fc:N": the SIMD / misc prefix and LEB128 N.
    const prefixed = /^(fd|fc):/.test(hex);
    const code = prefixed
      ? [parseInt(hex.slice(0, 2), 16), ...uleb(parseInt(hex.slice(3), 16))]
      : [parseInt(hex, 16)];
    ops.set(name, { code, imm: imm as Imm, align: Number(align) });
  }
  return ops;
})();

/** The instruction names the assembler knows. */
export const MNEMONICS: readonly string[] = [...OPS.keys()];

/** A function's signature, locals and body. */
export interface FuncSpec {
  /** Parameters, `[name, type]` (names start with `$`). */
  params?: [string, ValType][];
  /** Result types. */
  results?: ValType[];
  /** Further locals, `[name, type]`. */
  locals?: [string, ValType][];
  /** The body: flat WebAssembly text (`;;` comments allowed), without the final `end`. */
  body: string;
}

/** Memory options of a {@linkcode WasmModule}: an imported `env.memory`. */
export interface MemorySpec {
  /** Minimum size in 64 KiB pages. */
  min: number;
  /** Maximum size in pages (required for shared memory). */
  max?: number;
  /** A shared memory (`SharedArrayBuffer`-backed, usable by several workers). */
  shared?: boolean;
}

function utf8(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** Thrown for a body the assembler cannot encode, naming the function and the token. */
export class AssemblyError extends Error {
  override name = "AssemblyError";
}

/**
 * Encodes a flat instruction sequence.
 *
 * @param fname The function's name (for messages).
 * @param text The instructions.
 * @param locals Local names → indices.
 * @param funcs Names of the functions defined so far → indices (for `call`).
 * @returns The encoded instructions (without the final `end`).
 */
function encodeBody(
  fname: string,
  text: string,
  locals: Map<string, number>,
  funcs: Map<string, number>,
): number[] {
  const tokens = text.replace(/;;[^\n]*/g, " ").split(/\s+/).filter((t) => t !== "");
  const out: number[] = [];
  const labels: (string | null)[] = []; // innermost last
  let i = 0;
  const fail = (msg: string): never => {
    throw new AssemblyError(`${fname}: ${msg} (token ${i} of the body)`);
  };
  const next = (what: string): string => {
    if (i >= tokens.length) fail(`expected ${what}, got the end of the body`);
    return tokens[i++];
  };
  const num = (what: string): number => {
    const t = next(what);
    const v = Number(t);
    if (!Number.isFinite(v)) fail(`expected ${what}, got "${t}"`);
    return v;
  };
  while (i < tokens.length) {
    const name = tokens[i++];
    const op = OPS.get(name);
    if (!op) fail(`unknown instruction "${name}"`);
    out.push(...op!.code);
    switch (op!.imm) {
      case "none":
        if (name === "end") {
          if (labels.length === 0) fail("`end` without an open block");
          labels.pop();
        }
        break;
      case "zero":
        out.push(0);
        break;
      case "local": {
        const t = next("a local");
        const idx = t.startsWith("$") ? locals.get(t) : Number(t);
        if (idx === undefined || !Number.isInteger(idx)) fail(`unknown local "${t}"`);
        uleb(idx!, out);
        break;
      }
      case "mem":
      case "memlane": {
        let offset = 0, align = op!.align;
        while (i < tokens.length && /^(offset|align)=/.test(tokens[i])) {
          const [k, v] = tokens[i++].split("=");
          const n = Number(v);
          if (!Number.isInteger(n) || n < 0) fail(`bad ${k}=${v}`);
          if (k === "offset") offset = n;
          else align = Math.log2(n);
        }
        uleb(align, out);
        uleb(offset, out);
        if (op!.imm === "memlane") out.push(num("a lane index"));
        break;
      }
      case "i32":
        sleb(num("an i32"), out);
        break;
      case "f32":
      case "f64": {
        const t = next("a float");
        const v = t === "inf" ? Infinity : t === "-inf" ? -Infinity : t === "nan" ? NaN : Number(t);
        if (Number.isNaN(v) && t !== "nan") fail(`expected a float, got "${t}"`);
        const b = op!.imm === "f32" ? new Float32Array([v]) : new Float64Array([v]);
        out.push(...new Uint8Array(b.buffer));
        break;
      }
      case "lane":
        out.push(num("a lane index"));
        break;
      case "shuffle":
        for (let k = 0; k < 16; k++) out.push(num("a shuffle lane"));
        break;
      case "block": {
        let label: string | null = null;
        if (i < tokens.length && tokens[i].startsWith("$")) label = tokens[i++];
        if (i < tokens.length && tokens[i] === "(result") {
          i++;
          const t = next("a result type").replace(/\)$/, "") as ValType;
          if (!(t in VALTYPE)) fail(`unknown result type "${t}"`);
          out.push(VALTYPE[t]);
        } else out.push(0x40);
        labels.push(label);
        break;
      }
      case "func": {
        const t = next("a function");
        const idx = funcs.get(t);
        if (idx === undefined) fail(`unknown function "${t}" (define it before calling it)`);
        uleb(idx!, out);
        break;
      }
      case "label": {
        const t = next("a label");
        let depth: number;
        if (t.startsWith("$")) {
          const at = labels.lastIndexOf(t);
          if (at < 0) fail(`unknown label "${t}"`);
          depth = labels.length - 1 - at;
        } else depth = Number(t);
        uleb(depth, out);
        break;
      }
    }
  }
  if (labels.length !== 0) fail(`${labels.length} block(s) not closed with \`end\``);
  return out;
}

/**
 * A module under construction: an imported memory `env.memory` and exported
 * functions.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WasmModule } from "./assembler.ts";
 * const mod = new WasmModule({ min: 1 });
 * mod.func("sum4", {
 *   params: [["$p", "i32"]],
 *   results: ["f32"],
 *   body: `local.get $p v128.load
 *          local.get $p v128.load offset=0
 *          f32x4.add f32x4.extract_lane 3`,
 * });
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * new Float32Array(memory.buffer).set([1, 2, 3, 4]);
 * const { exports } = new WebAssembly.Instance(new WebAssembly.Module(mod.bytes()), { env: { memory } });
 * assert((exports.sum4 as (p: number) => number)(0) === 8);
 * ```
 */
export class WasmModule {
  #memory: MemorySpec;
  #types: string[] = [];
  #typeBytes: number[][] = [];
  #funcs: { name: string; type: number; code: number[] }[] = [];

  /** @param memory The imported memory's limits. */
  constructor(memory: MemorySpec) {
    this.#memory = memory;
  }

  /**
   * Adds an exported function.
   *
   * @param name Export name.
   * @param spec Signature, locals and body.
   * @returns This module.
   * @throws {AssemblyError} for an unknown instruction, local or label, or an unbalanced block.
   */
  func(name: string, spec: FuncSpec): this {
    const params = spec.params ?? [], results = spec.results ?? [], extra = spec.locals ?? [];
    const sig = [
      0x60,
      ...vec(params.map(([, t]) => [VALTYPE[t]])),
      ...vec(results.map((t) => [VALTYPE[t]])),
    ];
    const key = sig.join(",");
    let type = this.#types.indexOf(key);
    if (type < 0) {
      type = this.#types.push(key) - 1;
      this.#typeBytes.push(sig);
    }
    const names = new Map<string, number>();
    [...params, ...extra].forEach(([n], idx) => {
      if (names.has(n)) throw new AssemblyError(`${name}: local "${n}" declared twice`);
      names.set(n, idx);
    });
    const funcs = new Map(this.#funcs.map((f, idx) => [`$${f.name}`, idx]));
    const body = encodeBody(name, spec.body, names, funcs);
    const localDecls = extra.map(([, t]) => [1, VALTYPE[t]]);
    const code = [...vec(localDecls), ...body, 0x0b];
    this.#funcs.push({ name, type, code: [...uleb(code.length), ...code] });
    return this;
  }

  /** The module's binary encoding. */
  bytes(): Uint8Array<ArrayBuffer> {
    const m = this.#memory;
    const flags = m.shared ? 0x03 : m.max !== undefined ? 0x01 : 0x00;
    const limits = [flags, ...uleb(m.min), ...(m.max !== undefined ? uleb(m.max) : [])];
    const memImport = [...utf8("env"), ...utf8("memory"), 0x02, ...limits];
    return new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, vec(this.#typeBytes)),
      ...section(2, vec([memImport])),
      ...section(3, vec(this.#funcs.map((f) => uleb(f.type)))),
      ...section(7, vec(this.#funcs.map((f, idx) => [...utf8(f.name), 0x00, ...uleb(idx)]))),
      ...section(10, vec(this.#funcs.map((f) => f.code))),
    ]);
  }
}

/**
 * Whether this engine validates the relaxed-SIMD fused multiply-add
 * (`f32x4.relaxed_madd`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasRelaxedSimd } from "./assembler.ts";
 * assert(typeof hasRelaxedSimd() === "boolean");
 * ```
 */
export function hasRelaxedSimd(): boolean {
  const mod = new WasmModule({ min: 0 }).func("f", {
    params: [["$a", "v128"]],
    results: ["v128"],
    body: "local.get $a local.get $a local.get $a f32x4.relaxed_madd",
  });
  return WebAssembly.validate(mod.bytes());
}
