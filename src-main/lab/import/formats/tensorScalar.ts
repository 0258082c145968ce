/**
 * The value of a one-element TensorProto, as TF2's `tf.summary.scalar` writes it: either in the typed
 * `*_val` list or as raw little-endian bytes in `tensor_content`. Anything with more than one element,
 * or a non-numeric dtype, is not a scalar (undefined).
 */
import { DT, int64ToNumber, type TensorMessage } from './eventProto';

function elementCount(t: TensorMessage): number {
  if (t.tensor_shape?.unknown_rank) return NaN;
  return (t.tensor_shape?.dim ?? []).reduce((n, d) => n * int64ToNumber(d.size), 1);
}

/** IEEE 754 half precision bits to a number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}

/**
 * The shortest decimal that rounds to the same float32: event files store 0.4742 as the float32
 * 0.474200010299..., and the user logged 0.4742.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  const f = Math.fround(value);
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

type Reader = (view: DataView) => number;

/** How each dtype sits in `tensor_content` (little-endian) and in its typed list. */
const DTYPES: Record<number, { bytes: number; read: Reader; list: (t: TensorMessage) => number | undefined }> = {
  [DT.FLOAT]: {
    bytes: 4,
    read: (v) => shortestFloat32(v.getFloat32(0, true)),
    list: (t) => (t.float_val?.length ? shortestFloat32(t.float_val[0]) : undefined),
  },
  [DT.DOUBLE]: { bytes: 8, read: (v) => v.getFloat64(0, true), list: (t) => t.double_val?.[0] },
  [DT.INT32]: { bytes: 4, read: (v) => v.getInt32(0, true), list: (t) => t.int_val?.[0] },
  [DT.INT16]: { bytes: 2, read: (v) => v.getInt16(0, true), list: (t) => t.int_val?.[0] },
  [DT.INT8]: { bytes: 1, read: (v) => v.getInt8(0), list: (t) => t.int_val?.[0] },
  [DT.UINT8]: { bytes: 1, read: (v) => v.getUint8(0), list: (t) => t.int_val?.[0] },
  [DT.UINT16]: { bytes: 2, read: (v) => v.getUint16(0, true), list: (t) => t.int_val?.[0] },
  [DT.UINT32]: { bytes: 4, read: (v) => v.getUint32(0, true), list: (t) => t.uint32_val?.[0] },
  [DT.INT64]: {
    bytes: 8,
    read: (v) => Number(v.getBigInt64(0, true)),
    list: (t) => (t.int64_val?.length ? int64ToNumber(t.int64_val[0]) : undefined),
  },
  [DT.UINT64]: {
    bytes: 8,
    read: (v) => Number(v.getBigUint64(0, true)),
    list: (t) => (t.uint64_val?.length ? int64ToNumber(t.uint64_val[0]) : undefined),
  },
  [DT.BOOL]: {
    bytes: 1,
    read: (v) => v.getUint8(0),
    list: (t) => (t.bool_val?.length ? Number(t.bool_val[0]) : undefined),
  },
  [DT.HALF]: {
    bytes: 2,
    read: (v) => halfToNumber(v.getUint16(0, true)),
    list: (t) => (t.half_val?.length ? halfToNumber(t.half_val[0]) : undefined),
  },
  [DT.BFLOAT16]: {
    bytes: 2,
    read: (v) => bfloat16ToNumber(v.getUint16(0, true)),
    list: (t) => (t.half_val?.length ? bfloat16ToNumber(t.half_val[0]) : undefined),
  },
};

export function tensorScalar(t: TensorMessage): number | undefined {
  const spec = DTYPES[t.dtype];
  if (!spec || elementCount(t) !== 1) return undefined;
  const content = t.tensor_content;
  if (content && content.length >= spec.bytes) {
    return spec.read(new DataView(content.buffer, content.byteOffset, spec.bytes));
  }
  return spec.list(t);
}
