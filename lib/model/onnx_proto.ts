/**
 * A minimal writer of ONNX models: the protobuf wire format (varints,
 * length-delimited fields, fixed32 floats) and the few messages of
 * `onnx.proto` a graph needs — `ModelProto`, `GraphProto`, `NodeProto`,
 * `AttributeProto`, `TensorProto` (inline `raw_data` or `external_data`),
 * `ValueInfoProto` with symbolic dimensions. Field numbers are onnx.proto's
 * (IR version 8). Repeated scalars are written unpacked, as proto2 defines them.
 *
 * @module
 */

/** ONNX element types (`TensorProto.DataType`). */
export const ONNX_FLOAT = 1;
/** `TensorProto.DataType.INT64`. */
export const ONNX_INT64 = 7;

/** A protobuf message being written: fields appended in order. */
class Writer {
  #parts: Uint8Array[] = [];
  #size = 0;

  #push(b: Uint8Array): void {
    this.#parts.push(b);
    this.#size += b.length;
  }

  #varint(v: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement (10 bytes).
    let x = BigInt.asUintN(64, v);
    const out: number[] = [];
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) byte |= 0x80;
      out.push(byte);
    } while (x !== 0n);
    this.#push(Uint8Array.from(out));
  }

  #tag(field: number, wire: number): void {
    this.#varint(BigInt((field << 3) | wire));
  }

  /** An int32/int64/enum field. */
  int(field: number, v: number | bigint): this {
    this.#tag(field, 0);
    this.#varint(BigInt(v));
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, v: number): this {
    this.#tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#push(b);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, b: Uint8Array): this {
    this.#tag(field, 2);
    this.#varint(BigInt(b.length));
    this.#push(b);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** An embedded message. */
  message(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#size);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** An attribute value: a float, an int, ints, or a string. */
export type OnnxAttr = number | bigint | number[] | string | { float: number };

/** A graph node. */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, OnnxAttr>;
  /** Operator domain; default the standard one. */
  domain?: string;
}

/** An initializer: inline bytes, or `length` bytes at `offset` of a file beside the model. */
export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian values. */
  raw?: Uint8Array;
  /** External data: the file (relative to the model's folder), offset and length in bytes. */
  external?: { location: string; offset: number; length: number };
}

/** A graph input or output: element type and dimensions (a string: symbolic). */
export interface OnnxValue {
  name: string;
  dataType: number;
  dims: (number | string)[];
}

/** A whole graph. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

function attribute(name: string, v: OnnxAttr): Writer {
  const w = new Writer().string(1, name);
  // AttributeProto.type: FLOAT 1, INT 2, STRING 3, INTS 7.
  if (typeof v === "object" && !Array.isArray(v)) return w.float(2, v.float).int(20, 1);
  if (typeof v === "number" && !Number.isInteger(v)) return w.float(2, v).int(20, 1);
  if (typeof v === "number" || typeof v === "bigint") return w.int(3, v).int(20, 2);
  if (typeof v === "string") return w.string(4, v).int(20, 3);
  for (const x of v) w.int(8, x);
  return w.int(20, 7);
}

function tensor(t: OnnxTensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType).string(8, t.name);
  if (t.external) {
    const entry = (k: string, v: string) => new Writer().string(1, k).string(2, v);
    w.message(13, entry("location", t.external.location));
    w.message(13, entry("offset", String(t.external.offset)));
    w.message(13, entry("length", String(t.external.length)));
    w.int(14, 1); // data_location: EXTERNAL
  } else {
    w.bytes(9, t.raw ?? new Uint8Array(0));
  }
  return w;
}

function valueInfo(v: OnnxValue): Writer {
  const shape = new Writer();
  for (const d of v.dims) {
    shape.message(1, typeof d === "string" ? new Writer().string(2, d) : new Writer().int(1, d));
  }
  const tensorType = new Writer().int(1, v.dataType).message(2, shape);
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensorType));
}

/**
 * Serialises a graph as an ONNX `ModelProto` (IR version 8, the default
 * operator set at `opset`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeOnnxModel, ONNX_FLOAT } from "./onnx_proto.ts";
 * const bytes = encodeOnnxModel({
 *   name: "g",
 *   nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }],
 *   initializers: [],
 *   inputs: [{ name: "x", dataType: ONNX_FLOAT, dims: ["n"] }],
 *   outputs: [{ name: "y", dataType: ONNX_FLOAT, dims: ["n"] }],
 * });
 * assert.deepEqual([...bytes.subarray(0, 2)], [0x08, 8]); // field 1 (ir_version) = 8
 * ```
 */
export function encodeOnnxModel(graph: OnnxGraph, opset = 17): Uint8Array {
  const g = new Writer();
  for (const n of graph.nodes) {
    const w = new Writer();
    for (const i of n.inputs) w.string(1, i);
    for (const o of n.outputs) w.string(2, o);
    w.string(4, n.op);
    for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, attribute(k, v));
    if (n.domain) w.string(7, n.domain);
    g.message(1, w);
  }
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensor(t));
  for (const v of graph.inputs) g.message(11, valueInfo(v));
  for (const v of graph.outputs) g.message(12, valueInfo(v));
  const opsetId = new Writer().string(1, "").int(2, opset);
  return new Writer()
    .int(1, 8)
    .string(2, "xlir")
    .message(7, g)
    .message(8, opsetId)
    .finish();
}
