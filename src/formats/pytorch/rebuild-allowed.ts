import { latin1Bytes } from './python-literals';
import { describeValue, inertObject, intList, isKind, newDict, setItem, toIndex, typeLabel, type PickleTensor, type PickleValue } from './pickle-value';
import type { AllowedKind } from './scan-imports';
import { torchDtype } from './torch-dtype';

/**
 * Makes a call from inside a rebuild (`_rebuild_from_type_v2` wraps one), through the interpreter
 * so that it is allow-listed or recorded like any other; undefined when calls nest too deeply.
 */
export type NestedCall = (callable: PickleValue, args: PickleValue[], opcode: string) => PickleValue | undefined;

/**
 * The value of a call to an allow-listed global (scan-imports.ts ALLOWED_GLOBALS, PyTorch's
 * weights-only set), built as plain data the way torch would build it: dicts, sizes, bytes, and
 * tensors from torch._utils' `_rebuild_tensor_v2` and friends. Returns why, when the arguments do
 * not fit; the caller then keeps an inert object. Nothing is executed.
 */
export function rebuildAllowed(kind: AllowedKind, label: string, args: PickleValue[], opcode: string, callNested: NestedCall): PickleValue | string {
  const [a0, a1, a2, a3] = args;
  switch (kind) {
    case 'dict': {
      const dict = newDict();
      if (args.length === 0) return dict;
      if (isKind(a0, 'dict')) {
        for (let i = 0; i < a0.keys.length; i++) setItem(dict, a0.keys[i] as PickleValue, a0.values[i] as PickleValue);
        return dict;
      }
      if (isKind(a0, 'list') || isKind(a0, 'tuple')) {
        for (const pair of a0.items) {
          if (!(isKind(pair, 'tuple') || isKind(pair, 'list')) || pair.items.length !== 2) return 'items are not pairs';
          setItem(dict, pair.items[0] as PickleValue, pair.items[1] as PickleValue);
        }
        return dict;
      }
      return `a dict from ${typeLabel(a0)}`;
    }
    case 'parameter':
    case 'rebuild-parameter':
    case 'rebuild-parameter-with-state':
      if (opcode === 'NEWOBJ' && args.length === 0) return inertObject({ kind: 'global', module: 'torch.nn.parameter', name: 'Parameter' }, [], true, label);
      if (!isKind(a0, 'tensor')) return `data is ${typeLabel(a0)}`;
      return { ...a0, parameter: true, requiresGrad: typeof a1 === 'boolean' ? a1 : true };
    case 'size': {
      if (args.length === 0) return { kind: 'tuple', items: [] };
      const dims = intList(a0);
      return dims ? { kind: 'tuple', items: dims } : `size from ${typeLabel(a0)}`;
    }
    case 'codecs-encode': {
      // Protocol 2 pickles bytes as `_codecs.encode(text, 'latin1')`.
      if (typeof a0 !== 'string') return `encode of ${typeLabel(a0)}`;
      const encoding = typeof a1 === 'string' ? a1.toLowerCase().replace(/[-_]/g, '') : 'utf8';
      const bytes = encoding === 'latin1' || encoding === 'iso88591' ? latin1Bytes(a0) : new TextEncoder().encode(a0);
      return bytes ? { kind: 'bytes', length: bytes.length, bytes } : 'text outside latin-1';
    }
    case 'bytearray':
      if (args.length === 0) return { kind: 'bytes', length: 0, bytes: new Uint8Array(0) };
      if (isKind(a0, 'bytes')) return a0;
      return inertObject({ kind: 'global', module: 'builtins', name: 'bytearray' }, args, true, label);
    case 'set':
      if (args.length === 0) return { kind: 'set', frozen: false, items: [] };
      if (isKind(a0, 'list') || isKind(a0, 'tuple') || isKind(a0, 'set')) return { kind: 'set', frozen: false, items: [...a0.items] };
      return `a set from ${typeLabel(a0)}`;
    case 'rebuild-tensor':
    case 'rebuild-tensor-v2':
    case 'rebuild-tensor-v3':
    case 'rebuild-qtensor': {
      if (!isKind(a0, 'storage')) return `storage is ${typeLabel(a0)}`;
      const offset = toIndex(a1);
      const shape = intList(a2);
      const stride = intList(a3);
      if (offset === undefined || !shape || !stride || shape.length !== stride.length) return 'offset, size and stride do not fit';
      let dtypeName = a0.dtypeName;
      if (kind === 'rebuild-tensor-v3') {
        // (storage, offset, size, stride, requires_grad, hooks, dtype, metadata): the UntypedStorage era.
        const dtype = args[6];
        if (!isKind(dtype, 'global') || dtype.module !== 'torch') return `dtype is ${typeLabel(dtype)}`;
        dtypeName = dtype.name;
      }
      const requiresGrad = kind === 'rebuild-tensor' ? false : kind === 'rebuild-qtensor' ? args[5] === true : args[4] === true;
      const tensor: PickleTensor = {
        kind: 'tensor',
        storage: a0,
        dtypeName,
        dtype: dtypeName === undefined ? undefined : torchDtype(dtypeName),
        shape,
        stride,
        storageOffset: offset,
        requiresGrad,
        parameter: false,
      };
      if (kind === 'rebuild-qtensor') tensor.note = 'quantized: the values are the integer representation, without scale and zero point';
      if (a0.view) tensor.unreadable = 'it views a legacy storage view, which Loupe does not resolve';
      if (tensor.dtype === undefined) tensor.unreadable = `torch dtype ${dtypeName ?? '(none)'} has no Loupe equivalent`;
      return tensor;
    }
    case 'rebuild-meta':
    case 'rebuild-wrapper-subclass': {
      // (dtype, size, stride, requires_grad) and (cls, dtype, size, stride, storage_offset, layout, device, requires_grad).
      const [dtype, size, stride] = kind === 'rebuild-meta' ? [a0, a1, a2] : [a1, a2, a3];
      const shape = intList(size);
      const strides = intList(stride);
      if (!isKind(dtype, 'global') || !shape || !strides) return 'dtype, size and stride do not fit';
      return {
        kind: 'tensor',
        dtypeName: dtype.name,
        dtype: torchDtype(dtype.name),
        shape,
        stride: strides,
        storageOffset: 0,
        requiresGrad: false,
        parameter: false,
        unreadable: kind === 'rebuild-meta' ? 'a meta tensor: saved without data' : 'a tensor subclass saved without its data',
      };
    }
    case 'rebuild-from-cpu':
      return isKind(a0, 'tensor') ? a0 : `data is ${typeLabel(a0)}`;
    case 'rebuild-from-numpy':
      if (!isKind(a1, 'global')) return `dtype is ${typeLabel(a1)}`;
      return {
        kind: 'tensor',
        dtypeName: a1.name,
        dtype: torchDtype(a1.name),
        shape: [],
        stride: [],
        storageOffset: 0,
        requiresGrad: false,
        parameter: false,
        unreadable: 'its data is a numpy array, which Loupe does not rebuild',
      };
    case 'rebuild-sparse': {
      const layout = isKind(a0, 'object') ? a0.label : typeof a0 === 'string' ? a0 : 'sparse';
      if (!isKind(a1, 'tuple')) return `sparse data is ${typeLabel(a1)}`;
      const roles = ['indices', 'values', 'size'];
      return { kind: 'sparse', layout, parts: a1.items.map((item, i): [string, PickleValue] => [roles[i] ?? String(i), item]) };
    }
    case 'rebuild-from-type-v2': {
      // (func, new_type, args, state): func(*args), then the state is set on the result.
      if (!isKind(a2, 'tuple')) return `args are ${typeLabel(a2)}`;
      const value = callNested(a0 as PickleValue, a2.items, opcode);
      if (value === undefined) return 'rebuild calls nested too deeply';
      if (isKind(value, 'tensor') && isKind(a1, 'global') && a1.name !== 'Tensor' && a1.name !== 'Parameter') {
        return { ...value, note: `a tensor subclass ${a1.module}.${a1.name}` };
      }
      return value;
    }
    case 'layout':
    case 'device':
    case 'complex':
    case 'tensor-class':
    case 'dtype':
    case 'storage':
    case 'qscheme':
      return inertObject(
        { kind: 'global', module: label.slice(0, label.lastIndexOf('.')), name: label.slice(label.lastIndexOf('.') + 1) },
        args,
        true,
        `${label}(${args.map((a) => describeValue(a, 30)).join(', ')})`,
      );
  }
}
