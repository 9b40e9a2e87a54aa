import type { TensorInfo } from './document';

/**
 * What a PyTorch checkpoint's pickles were found to do, from reading their opcodes, never from
 * running them. Ordered from best to worst; a file's verdict is the worst one any of its pickles earns.
 *
 * - `safe`: every import is on PyTorch's weights-only allowlist (torch/_weights_only_unpickler.py),
 *   every opcode was understood and the pickle ran to STOP: `torch.load(weights_only=True)` accepts it.
 * - `suspicious`: nothing known to be dangerous, but something weights-only refuses: a class of the
 *   author's (`__main__.MyConfig`), numpy scalars, a TorchScript archive's code, a pickle hidden in a
 *   member that `data.pkl` never references. A full unpickle would import and call it.
 * - `unknown`: the scan could not finish (an unknown opcode, a memo miss, a bound, truncation), so
 *   nothing after that point was seen. Never reported as safe.
 * - `unsafe`: an import known to run code or reach the system (`os.system`, `builtins.eval`…), or a zip bomb.
 */
export type PickleVerdict = 'safe' | 'suspicious' | 'unknown' | 'unsafe';

/** One import's standing: on the allowlist, known dangerous, or neither. */
export type ImportBadge = 'safe' | 'suspicious' | 'unsafe';

/** How the pickle was packaged: torch.save's zip, its legacy stream, a bare pickle, or a TorchScript zip. */
export type PickleContainer = 'zip' | 'legacy' | 'pickle' | 'torchscript';

/** A `module.name` the pickle imports (GLOBAL, STACK_GLOBAL or INST), with how often. */
export interface PickleImport {
  module: string;
  name: string;
  badge: ImportBadge;
  /** Why it is unsafe or suspicious; absent for allow-listed imports. */
  reason?: string;
  count: number;
  /** The pickles (zip members, or `pickle`) it was found in, when not only the main one. */
  foundIn: string[];
}

/** A call the pickle asks for that Loupe recorded and did not perform (it is not on the allowlist). */
export interface PickleCallRecord {
  /** `module.name` of the callable, or a description when the callable is not an import. */
  callable: string;
  /** The opcode that asked for it: REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST or BUILD. */
  opcode: string;
  /** A short rendering of the call, e.g. `os.system('echo pwned')`. */
  description: string;
  /** The pickle it is in (a zip member name, or `pickle`). */
  pickle: string;
  /** Offset of the opcode in that pickle. */
  offset: number;
}

/** The scan report of one PyTorch file, like the Hub's pickle scan. Plain data. */
export interface PickleReport {
  file: string;
  container: PickleContainer;
  /** The protocol of the main pickle (its PROTO opcode); absent for protocols 0 and 1. */
  protocol?: number;
  verdict: PickleVerdict;
  /** Every distinct import, worst badge first. */
  imports: PickleImport[];
  /** Non-performed calls, in file order; at most a bounded number (see `callsOmitted`). */
  calls: PickleCallRecord[];
  /** Calls left out of `calls` by the bound. */
  callsOmitted: number;
  /** Tensors recovered from the pickles. */
  tensorsRecovered: number;
  /** What the scan noticed, in plain sentences: why the verdict is what it is, what was skipped. */
  notes: string[];
  /** Zip member names, for zip containers; bounded (see `membersOmitted`). */
  members?: string[];
  membersOmitted?: number;
}

/** How a PyTorch tensor sits in its storage: torch's strided layout. */
export interface TorchTensorLayout {
  /** Elements to skip per step along each dim. */
  stride: number[];
  /** Elements from the storage's first byte to the tensor's first element. */
  storageOffset: number;
  /** The storage's key in the pickle (`data/{key}` in a zip). */
  storageKey: string;
  /**
   * Whether the elements are stored in row-major order with no gaps. When false, `byteLength` is
   * the span from the first to the last element, and the values must be gathered with the strides.
   */
  contiguous: boolean;
  /** Other tensors in the file that view the same storage (tied weights, views). */
  sharedWith?: string[];
  /** Set for nn.Parameter. */
  parameter?: boolean;
}

/** A tensor recovered from a PyTorch checkpoint: a TensorInfo plus its torch layout. */
export interface PytorchTensorInfo extends TensorInfo {
  torch: TorchTensorLayout;
}
