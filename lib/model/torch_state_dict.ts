/**
 * Reads a PyTorch `state_dict` saved by `torch.save` (the zip format of
 * PyTorch ≥ 1.6: `ARCHIVE/data.pkl` plus one `ARCHIVE/data/KEY` file per
 * storage), as sentence-transformers 2.x writes `pytorch_model.bin` for a Dense
 * module. Only what a state dict needs is unpickled: dicts, tuples, lists,
 * strings, numbers, `collections.OrderedDict` and
 * `torch._utils._rebuild_tensor_v2` over float32/float16/int64/int32 storages.
 * Nothing is executed: any other global is refused.
 *
 * @module
 */

import { unzipSync } from "fflate";
import { InputError } from "../util/errors.ts";
import type { NamedTensor } from "./safetensors.ts";

/** Storage classes → element decoding. */
const STORAGES: Record<string, "F32" | "F16" | "I64" | "I32"> = {
  FloatStorage: "F32",
  HalfStorage: "F16",
  LongStorage: "I64",
  IntStorage: "I32",
};

interface Storage {
  kind: "F32" | "F16" | "I64" | "I32";
  key: string;
}

interface Global {
  global: string;
}

class Reduced {
  constructor(readonly fn: string, readonly args: unknown[]) {}
}

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Unpickles `data.pkl` (protocol 2–5 opcodes a state dict uses). */
function unpickle(bytes: Uint8Array, where: string): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder();
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const fail = (msg: string): never => {
    throw new InputError(`${where}: ${msg} at byte ${pos}, expected a PyTorch state dict`);
  };
  const u8 = () => bytes[pos++];
  const u32 = () => {
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const str = (n: number) => {
    const s = dec.decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };
  const line = () => {
    const end = bytes.indexOf(10, pos);
    const s = dec.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const popMark = () => {
    const m = marks.pop() ?? fail("MARK missing");
    return stack.splice(m);
  };
  const makeGlobal = (mod: string, name: string): Global => {
    const full = `${mod}.${name}`;
    const allowed = full === "collections.OrderedDict" ||
      full === "torch._utils._rebuild_tensor_v2" ||
      (mod === "torch" && name in STORAGES);
    if (!allowed) fail(`global ${full} is not allowed`);
    return { global: full };
  };
  const reduce = (fn: unknown, args: unknown[]): unknown => {
    const g = (fn as Global).global;
    if (g === "collections.OrderedDict") return new Map();
    if (g === "torch._utils._rebuild_tensor_v2") return new Reduced(g, args);
    return fail(`cannot call ${g}`);
  };
  while (pos < bytes.length) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        pos++;
        break;
      case 0x95: // FRAME
        pos += 8;
        break;
      case 0x2e: // STOP
        return stack.pop();
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push(stack.splice(-1));
        break;
      case 0x86: // TUPLE2
        stack.push(stack.splice(-2));
        break;
      case 0x87: // TUPLE3
        stack.push(stack.splice(-3));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), stack.at(-1));
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), stack.at(-1));
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, stack.at(-1));
        break;
      case 0x68: // BINGET
        stack.push(memo.get(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memo.get(u32()));
        break;
      case 0x58: // BINUNICODE
        stack.push(str(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(str(u8()));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(str(u8()));
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(view.getUint16(pos, true));
        pos += 2;
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(pos, true));
        pos += 4;
        break;
      case 0x8a: { // LONG1
        const n = u8();
        let v = 0;
        for (let k = n - 1; k >= 0; k--) v = v * 256 + bytes[pos + k];
        if (n > 0 && bytes[pos + n - 1] & 0x80) v -= 2 ** (8 * n);
        pos += n;
        stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x63: { // GLOBAL
        const mod = line(), name = line();
        stack.push(makeGlobal(mod, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = stack.pop() as string, mod = stack.pop() as string;
        stack.push(makeGlobal(mod, name));
        break;
      }
      case 0x52: { // REDUCE
        const args = stack.pop() as unknown[], fn = stack.pop();
        stack.push(reduce(fn, args));
        break;
      }
      case 0x51: { // BINPERSID
        const pid = stack.pop() as unknown[];
        if (!Array.isArray(pid) || pid[0] !== "storage") fail("unknown persistent id");
        const cls = (pid[1] as Global).global.replace(/^torch\./, "");
        stack.push({ kind: STORAGES[cls], key: String(pid[2]) } satisfies Storage);
        break;
      }
      case 0x62: // BUILD (state of an OrderedDict / tensor: ignored)
        stack.pop();
        break;
      case 0x73: { // SETITEM
        const v = stack.pop(), k = stack.pop();
        (stack.at(-1) as Map<unknown, unknown>).set(k, v);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        const d = stack.at(-1) as Map<unknown, unknown>;
        for (let k = 0; k < items.length; k += 2) d.set(items[k], items[k + 1]);
        break;
      }
      case 0x61: { // APPEND
        const v = stack.pop();
        (stack.at(-1) as unknown[]).push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        (stack.at(-1) as unknown[]).push(...items);
        break;
      }
      default:
        fail(`pickle opcode 0x${op.toString(16)} is not supported`);
    }
  }
  return fail("no STOP opcode");
}

/**
 * Reads the tensors of a `torch.save`d state dict.
 *
 * @param path The `.bin`/`.pt` file.
 * @returns Tensors by name (F32 and F16 as Float32Array, integers as Int32Array).
 * @throws {InputError} naming the file when it is missing, not a zip, or holds something else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTorchStateDict } from "./torch_state_dict.ts";
 * await assert.rejects(() => readTorchStateDict("/nonexistent/pytorch_model.bin"), /Cannot read/);
 * ```
 */
export async function readTorchStateDict(path: string): Promise<Record<string, NamedTensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new InputError(`Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (err) {
    throw new InputError(
      `${path} is not a zip file (the format of torch.save since PyTorch 1.6): ${
        (err as Error).message
      }`,
    );
  }
  const pkl = Object.keys(files).find((n) => n.endsWith("/data.pkl") || n === "data.pkl");
  if (!pkl) throw new InputError(`${path}: no data.pkl in the archive`);
  const root = pkl.slice(0, pkl.length - "data.pkl".length);
  const top = unpickle(files[pkl], path);
  if (!(top instanceof Map)) throw new InputError(`${path}: the pickle is not a dict of tensors`);
  const out: Record<string, NamedTensor> = {};
  for (const [name, value] of top) {
    if (!(value instanceof Reduced)) continue;
    const [storage, offset, size, stride] = value.args as [Storage, number, number[], number[]];
    const raw = files[`${root}data/${storage.key}`];
    if (!raw) throw new InputError(`${path}: storage ${storage.key} of "${name}" is missing`);
    const n = size.reduce((a, b) => a * b, 1);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const read = (i: number): number => {
      switch (storage.kind) {
        case "F32":
          return dv.getFloat32(4 * i, true);
        case "F16":
          return f16(dv.getUint16(2 * i, true));
        case "I32":
          return dv.getInt32(4 * i, true);
        case "I64":
          return Number(dv.getBigInt64(8 * i, true));
      }
    };
    const data = storage.kind === "F32" || storage.kind === "F16"
      ? new Float32Array(n)
      : new Int32Array(n);
    const idx = new Array(size.length).fill(0);
    for (let k = 0; k < n; k++) {
      let at = offset;
      for (let d = 0; d < size.length; d++) at += idx[d] * stride[d];
      data[k] = read(at);
      for (let d = size.length - 1; d >= 0; d--) {
        if (++idx[d] < size[d]) break;
        idx[d] = 0;
      }
    }
    out[String(name)] = {
      dtype: data instanceof Float32Array ? "F32" : "I32",
      shape: [...size],
      data,
    };
  }
  return out;
}
