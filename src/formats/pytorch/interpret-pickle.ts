import type { ByteSource } from '../../model/byte-source';
import { ByteWindow } from './byte-window';
import { PickleMachine, type PickleRun } from './pickle-machine';

export {
  MAX_IMPORTS,
  MAX_INLINE_BYTES,
  MAX_LINE_BYTES,
  MAX_LONG_BYTES,
  MAX_MARK_DEPTH,
  MAX_MEMO_ENTRIES,
  MAX_OPCODES,
  MAX_RECORDED_CALLS,
  MAX_STACK_DEPTH,
  MAX_STRING_BYTES,
  type PickleRun,
  type RecordedCall,
} from './pickle-machine';
export {
  describeValue,
  isKind,
  type PickleBytes,
  type PickleDict,
  type PickleGlobal,
  type PickleList,
  type PickleObject,
  type PickleSet,
  type PickleSparse,
  type PickleStorage,
  type PickleTensor,
  type PickleTuple,
  type PickleValue,
} from './pickle-value';

export interface InterpretOptions {
  /** Absolute offset where the pickle starts (default 0). */
  start?: number;
  /** Absolute offset past which it may not read (default: the end of the source). */
  end?: number;
  signal?: AbortSignal;
}

/**
 * Interprets a pickle's opcodes (protocols 0 to 5, every opcode of CPython's pickletools) without
 * executing anything. GLOBAL, STACK_GLOBAL and INST push inert `{module, name}` references. REDUCE,
 * NEWOBJ, NEWOBJ_EX, OBJ and INST on an allow-listed callable (ALLOWED_GLOBALS, PyTorch's
 * weights-only set) build plain data; on anything else the call is recorded and an inert object
 * pushed. Persistent ids `('storage', StorageType, key, location, numel)` become storage references.
 *
 * Never throws for bad input: it stops with `problem` set (and `complete` false). Only
 * CancelledError and read errors of the source propagate.
 */
export async function interpretPickle(source: ByteSource, options: InterpretOptions = {}): Promise<PickleRun> {
  const start = options.start ?? 0;
  const machine = new PickleMachine(new ByteWindow(source, start, options.end ?? source.size, options.signal), options.signal);
  return machine.run(start);
}
