/**
 * A small ONNX graph builder over `onnx-proto`: values are named by strings, `op` appends a
 * node and returns its output name(s). Opset 17 (ReduceMean/ReduceMax take `axes` as an
 * attribute, ReduceSum/Unsqueeze/Squeeze take them as an input).
 */
import onnxProto, { type onnx as P } from "onnx-proto";

const { onnx } = onnxProto;

export type Attr = number | number[] | { f: number };
export type ElemType = "float32" | "int64";

const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;
const elem = (t: ElemType) => (t === "float32" ? DT.FLOAT : DT.INT64);

function valueInfo(name: string, type: ElemType, dims: (number | string)[]): P.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: elem(type),
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: P.INodeProto[] = [];
  private readonly inits: P.ITensorProto[] = [];
  private readonly inputs: P.IValueInfoProto[] = [];
  private readonly outputs: P.IValueInfoProto[] = [];
  private counter = 0;
  private readonly constCache = new Map<string, string>();

  constructor(private readonly name: string) {}

  input(name: string, type: ElemType, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(value: string, name: string, type: ElemType, dims: (number | string)[]): void {
    if (value !== name) this.op("Identity", [value], {}, name);
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A float32 weight stored in the file. */
  init(name: string, data: Float32Array, dims: number[]): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    this.inits.push({ name, dims, dataType: DT.FLOAT, rawData: bytes });
    return name;
  }

  /** A small constant (deduplicated). */
  constF(values: number[], dims: number[] = [values.length]): string {
    const key = `f${dims.join("x")}:${values.join(",")}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = `c${this.counter++}`;
    this.inits.push({ name, dims, dataType: DT.FLOAT, floatData: values });
    this.constCache.set(key, name);
    return name;
  }

  constI(values: number[], dims: number[] = [values.length]): string {
    const key = `i${dims.join("x")}:${values.join(",")}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = `c${this.counter++}`;
    this.inits.push({ name, dims, dataType: DT.INT64, int64Data: values });
    this.constCache.set(key, name);
    return name;
  }

  op(type: string, inputs: string[], attrs: Record<string, Attr> = {}, outName?: string): string {
    const out = outName ?? `${type.toLowerCase()}_${this.counter++}`;
    this.nodes.push(this.node(type, inputs, [out], attrs));
    return out;
  }

  opN(type: string, inputs: string[], nOut: number, attrs: Record<string, Attr> = {}): string[] {
    const outs = Array.from({ length: nOut }, () => `${type.toLowerCase()}_${this.counter++}`);
    this.nodes.push(this.node(type, inputs, outs, attrs));
    return outs;
  }

  private node(type: string, inputs: string[], outputs: string[], attrs: Record<string, Attr>): P.INodeProto {
    const attribute: P.IAttributeProto[] = Object.entries(attrs).map(([name, v]) => {
      if (Array.isArray(v)) return { name, type: AT.INTS, ints: v };
      if (typeof v === "number") return { name, type: AT.INT, i: v };
      return { name, type: AT.FLOAT, f: v.f };
    });
    return { opType: type, input: inputs, output: outputs, attribute, name: `n${this.nodes.length}` };
  }

  // Shorthands for the ops used most.
  add = (a: string, b: string) => this.op("Add", [a, b]);
  sub = (a: string, b: string) => this.op("Sub", [a, b]);
  mul = (a: string, b: string) => this.op("Mul", [a, b]);
  matmul = (a: string, b: string) => this.op("MatMul", [a, b]);
  /** Gemm on 2-D operands: op(a) . op(b) with optional transposes. */
  gemm = (a: string, b: string, transA = 0, transB = 0) => this.op("Gemm", [a, b], { transA, transB });
  reshape = (a: string, shape: number[]) => this.op("Reshape", [a, this.constI(shape)]);
  transpose = (a: string, perm: number[]) => this.op("Transpose", [a], { perm });
  sumAxes = (a: string, axes: number[], keepdims = 1) =>
    this.op("ReduceSum", [a, this.constI(axes)], { keepdims });
  meanAxes = (a: string, axes: number[], keepdims = 1) => this.op("ReduceMean", [a], { axes, keepdims });
  scale = (a: string, s: number) => this.mul(a, this.constF([s], []));

  toBytes(): Uint8Array {
    const model: P.IModelProto = {
      irVersion: 8,
      producerName: "lmresearch-flexolmo",
      opsetImport: [{ domain: "", version: 17 }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.inits,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
