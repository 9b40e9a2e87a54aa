import { describe, expect, it } from 'vitest';
import type { PickleGlobal, PickleStorage, PickleTensor, PickleValue } from './pickle-value';
import { rebuildAllowed, type NestedCall } from './rebuild-allowed';

const FLOAT_STORAGE: PickleStorage = { kind: 'storage', key: '0', className: 'torch.FloatStorage', dtypeName: 'float32', location: 'cpu', numel: 6 };
const tuple = (...items: PickleValue[]): PickleValue => ({ kind: 'tuple', items });
const global = (module: string, name: string): PickleGlobal => ({ kind: 'global', module, name });
/** A nested call that must not happen. */
const noCall: NestedCall = () => {
  throw new Error('unexpected nested call');
};

describe('rebuildAllowed: tensors', () => {
  it('_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks) builds a tensor view of the storage', () => {
    const tensor = rebuildAllowed(
      'rebuild-tensor-v2',
      'torch._utils._rebuild_tensor_v2',
      [FLOAT_STORAGE, 0, tuple(2, 3), tuple(3, 1), true, { kind: 'dict', keys: [], values: [], index: new Map() }],
      'REDUCE',
      noCall,
    );
    expect(tensor).toEqual({
      kind: 'tensor',
      storage: FLOAT_STORAGE,
      dtypeName: 'float32',
      dtype: 'F32',
      shape: [2, 3],
      stride: [3, 1],
      storageOffset: 0,
      requiresGrad: true,
      parameter: false,
    });
  });

  it('_rebuild_tensor_v3 takes its dtype from the arguments (UntypedStorage)', () => {
    const untyped: PickleStorage = { kind: 'storage', key: '1', className: 'torch.UntypedStorage', dtypeName: 'uint8', location: 'cpu', numel: 8 };
    const tensor = rebuildAllowed(
      'rebuild-tensor-v3',
      'torch._utils._rebuild_tensor_v3',
      [untyped, 0, tuple(2), tuple(1), false, null, global('torch', 'bfloat16')],
      'REDUCE',
      noCall,
    ) as PickleTensor;
    expect([tensor.dtypeName, tensor.dtype]).toEqual(['bfloat16', 'BF16']);
  });

  it('says why when the arguments do not fit', () => {
    expect(rebuildAllowed('rebuild-tensor-v2', 'x', [1, 0, tuple(2), tuple(1)], 'REDUCE', noCall)).toBe('storage is a number');
    expect(rebuildAllowed('rebuild-tensor-v2', 'x', [FLOAT_STORAGE, 0, tuple(2, 3), tuple(1)], 'REDUCE', noCall)).toBe('offset, size and stride do not fit');
  });

  it("marks a tensor unreadable when torch's dtype has no Loupe equivalent", () => {
    const odd: PickleStorage = { ...FLOAT_STORAGE, dtypeName: 'complex32' };
    expect((rebuildAllowed('rebuild-tensor-v2', 'x', [odd, 0, tuple(1), tuple(1)], 'REDUCE', noCall) as PickleTensor).unreadable).toBe(
      'torch dtype complex32 has no Loupe equivalent',
    );
  });

  it('Parameter wraps a tensor, requires_grad defaulting to True', () => {
    const tensor = rebuildAllowed('rebuild-tensor-v2', 'x', [FLOAT_STORAGE, 0, tuple(6), tuple(1)], 'REDUCE', noCall);
    expect(rebuildAllowed('rebuild-parameter', 'torch._utils._rebuild_parameter', [tensor], 'REDUCE', noCall)).toMatchObject({
      kind: 'tensor',
      parameter: true,
      requiresGrad: true,
    });
    expect(rebuildAllowed('rebuild-parameter', 'torch._utils._rebuild_parameter', [tensor, false], 'REDUCE', noCall)).toMatchObject({
      parameter: true,
      requiresGrad: false,
    });
  });
});

describe('rebuildAllowed: _rebuild_from_type_v2', () => {
  it('calls the wrapped function through the interpreter and notes a tensor subclass', () => {
    const inner: PickleTensor = { kind: 'tensor', shape: [1], stride: [1], storageOffset: 0, requiresGrad: false, parameter: false };
    const calls: PickleValue[][] = [];
    const callNested: NestedCall = (_callable, args) => {
      calls.push(args);
      return inner;
    };
    const built = rebuildAllowed(
      'rebuild-from-type-v2',
      'torch._tensor._rebuild_from_type_v2',
      [global('torch._utils', '_rebuild_tensor_v2'), global('my', 'Sub'), tuple(7, 8), null],
      'REDUCE',
      callNested,
    );
    expect(calls).toEqual([[7, 8]]);
    expect(built).toEqual({ ...inner, note: 'a tensor subclass my.Sub' });
  });

  it('gives up when calls nest too deeply', () => {
    expect(rebuildAllowed('rebuild-from-type-v2', 'x', [null, global('torch', 'Tensor'), tuple(), null], 'REDUCE', () => undefined)).toBe(
      'rebuild calls nested too deeply',
    );
    expect(rebuildAllowed('rebuild-from-type-v2', 'x', [null, global('torch', 'Tensor'), 1, null], 'REDUCE', noCall)).toBe('args are a number');
  });
});

describe('rebuildAllowed: plain data', () => {
  it('OrderedDict from pairs, torch.Size from ints, _codecs.encode to latin-1 bytes', () => {
    expect(rebuildAllowed('dict', 'collections.OrderedDict', [{ kind: 'list', items: [tuple('a', 1), tuple('a', 2)] }], 'REDUCE', noCall)).toMatchObject({
      kind: 'dict',
      keys: ['a'],
      values: [2],
    });
    expect(rebuildAllowed('dict', 'collections.OrderedDict', [{ kind: 'list', items: [tuple('a')] }], 'REDUCE', noCall)).toBe('items are not pairs');
    expect(rebuildAllowed('size', 'torch.Size', [tuple(2, 3)], 'REDUCE', noCall)).toEqual(tuple(2, 3));
    expect(rebuildAllowed('codecs-encode', '_codecs.encode', ['\u00ff\u0000', 'latin1'], 'REDUCE', noCall)).toEqual({
      kind: 'bytes',
      length: 2,
      bytes: Uint8Array.of(0xff, 0),
    });
    expect(rebuildAllowed('codecs-encode', '_codecs.encode', ['\u0100', 'latin-1'], 'REDUCE', noCall)).toBe('text outside latin-1');
  });

  it('devices and dtypes stay inert objects, labelled with their arguments', () => {
    expect(rebuildAllowed('device', 'torch.device', ['cuda', 0], 'REDUCE', noCall)).toMatchObject({
      kind: 'object',
      performed: true,
      label: "torch.device('cuda', 0)",
      callable: global('torch', 'device'),
    });
  });
});
