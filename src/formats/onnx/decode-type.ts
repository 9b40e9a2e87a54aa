import type { Dim } from '../../model/document';
import type { ElemType, TypeInfo } from '../../model/graph';
import { append, enter, leave, readString, takeString, type DecodeContext } from './decode-context';
import { elemTypeFromOnnx } from './onnx-data-type';
import { FIELD_HEADER_BYTES, WIRE_VARINT, type Pull } from './wire-reader';

/** Shown for a dimension with no value and no name. */
export const UNKNOWN_DIM = '?';

/**
 * Decodes a TypeProto (onnx.proto, message TypeProto): its `value` oneof is tensor_type (1),
 * sequence_type (4), map_type (5), opaque_type (7, ONNX-ML), sparse_tensor_type (8) or
 * optional_type (9); denotation is 6. When several members appear, the last wins.
 */
export function* decodeType(ctx: DecodeContext, end: number): Pull<TypeInfo> {
  const r = ctx.reader;
  let type: TypeInfo = { kind: 'unknown' };
  let denotation: string | undefined;
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    const field = r.tag(end);
    switch (field) {
      case 1:
      case 8: {
        // Tensor / SparseTensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
        const name = field === 1 ? 'tensor_type' : 'sparse_tensor_type';
        const subEnd = enter(ctx, end, name);
        let elemType: ElemType = 'UNDEFINED';
        let shape: Dim[] | undefined;
        while (r.pos < subEnd) {
          if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
          const member = r.tag(subEnd);
          if (member === 1) {
            r.expect(WIRE_VARINT, 'elem_type');
            elemType = elemTypeFromOnnx(r.int32(subEnd));
          } else if (member === 2) {
            const shapeEnd = enter(ctx, subEnd, 'shape');
            shape = yield* decodeShape(ctx, shapeEnd);
            leave(ctx, shapeEnd);
          } else r.skip(subEnd);
        }
        leave(ctx, subEnd);
        type = field === 1 ? { kind: 'tensor', elemType } : { kind: 'sparse_tensor', elemType };
        if (shape) type.shape = shape;
        break;
      }
      case 4:
      case 9: {
        // Sequence / Optional { TypeProto elem_type = 1; }
        const name = field === 4 ? 'sequence_type' : 'optional_type';
        const subEnd = enter(ctx, end, name);
        let elemType: TypeInfo = { kind: 'unknown' };
        while (r.pos < subEnd) {
          if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
          if (r.tag(subEnd) === 1) {
            const elemEnd = enter(ctx, subEnd, 'elem_type');
            elemType = yield* decodeType(ctx, elemEnd);
            leave(ctx, elemEnd);
          } else r.skip(subEnd);
        }
        leave(ctx, subEnd);
        type = field === 4 ? { kind: 'sequence', elemType } : { kind: 'optional', elemType };
        break;
      }
      case 5: {
        // Map { int32 key_type = 1; TypeProto value_type = 2; }
        const subEnd = enter(ctx, end, 'map_type');
        let keyType: ElemType = 'UNDEFINED';
        let valueType: TypeInfo = { kind: 'unknown' };
        while (r.pos < subEnd) {
          if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
          const member = r.tag(subEnd);
          if (member === 1) {
            r.expect(WIRE_VARINT, 'key_type');
            keyType = elemTypeFromOnnx(r.int32(subEnd));
          } else if (member === 2) {
            const valueEnd = enter(ctx, subEnd, 'value_type');
            valueType = yield* decodeType(ctx, valueEnd);
            leave(ctx, valueEnd);
          } else r.skip(subEnd);
        }
        leave(ctx, subEnd);
        type = { kind: 'map', keyType, valueType };
        break;
      }
      case 7: {
        // Opaque { string domain = 1; string name = 2; } (onnx-ml.proto)
        const subEnd = enter(ctx, end, 'opaque_type');
        let domain = '';
        let name = '';
        while (r.pos < subEnd) {
          if (r.lacks(FIELD_HEADER_BYTES, subEnd)) yield FIELD_HEADER_BYTES;
          const member = r.tag(subEnd);
          if (member === 1) domain = takeString(ctx, subEnd, 'domain') ?? (yield* readString(ctx, subEnd, 'domain'));
          else if (member === 2) name = takeString(ctx, subEnd, 'name') ?? (yield* readString(ctx, subEnd, 'name'));
          else r.skip(subEnd);
        }
        leave(ctx, subEnd);
        type = { kind: 'opaque', domain, name };
        break;
      }
      case 6:
        denotation = takeString(ctx, end, 'denotation') ?? (yield* readString(ctx, end, 'denotation'));
        break;
      default:
        r.skip(end);
    }
  }
  if (denotation) type.denotation = denotation;
  return type;
}

/**
 * TensorShapeProto { repeated Dimension dim = 1; } with Dimension's oneof dim_value (1) |
 * dim_param (2), and denotation (3). No value, an empty name or a negative value read as '?'.
 */
function* decodeShape(ctx: DecodeContext, end: number): Pull<Dim[]> {
  const r = ctx.reader;
  const dims: Dim[] = [];
  while (r.pos < end) {
    if (r.lacks(FIELD_HEADER_BYTES, end)) yield FIELD_HEADER_BYTES;
    if (r.tag(end) !== 1) {
      r.skip(end);
      continue;
    }
    const index = dims.length;
    const dimEnd = enter(ctx, end, 'dim', index);
    let dim: Dim = UNKNOWN_DIM;
    while (r.pos < dimEnd) {
      if (r.lacks(FIELD_HEADER_BYTES, dimEnd)) yield FIELD_HEADER_BYTES;
      const member = r.tag(dimEnd);
      if (member === 1) {
        r.expect(WIRE_VARINT, 'dim_value');
        const value = r.int64(dimEnd);
        if (typeof value !== 'number') throw r.error(`dimension ${value} is beyond 2^53`, 'dim_value');
        dim = value < 0 ? UNKNOWN_DIM : value;
      } else if (member === 2) {
        const param = takeString(ctx, dimEnd, 'dim_param') ?? (yield* readString(ctx, dimEnd, 'dim_param'));
        dim = param === '' ? UNKNOWN_DIM : param;
      } else r.skip(dimEnd);
    }
    leave(ctx, dimEnd, index);
    append(ctx, dims, dim, 'dim');
  }
  return dims;
}
