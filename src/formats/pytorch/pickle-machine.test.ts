import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import { buildPickle, type PicklePart } from '../../../test/builders/build-pickle';
import { ByteWindow } from './byte-window';
import { PickleMachine } from './pickle-machine';
import { PICKLE_OPCODES as OP } from './pickle-opcodes';

/** Runs the machine on `bytes` placed after `padding` bytes of something else, as in a legacy torch file. */
function runAt(bytes: Uint8Array<ArrayBuffer>, padding = 0) {
  const all = new Uint8Array(padding + bytes.length);
  all.set(bytes, padding);
  const source = new FileByteSource(new Blob([all]), 'test.pkl');
  return new PickleMachine(new ByteWindow(source, padding, all.length), undefined).run(padding);
}

const global = (module: string, name: string): PicklePart[] => [OP.GLOBAL, `${module}\n${name}\n`];
const tuple = (...items: PicklePart[][]): PicklePart[] => [OP.MARK, ...items.flat(), OP.TUPLE];
const int = (n: number): PicklePart[] => [OP.BININT1, n];
const FROM_TYPE = global('torch._tensor', '_rebuild_from_type_v2');
const TENSOR = global('torch', 'Tensor');

/** `_rebuild_from_type_v2` wrapped `depth` times around `torch.Size((2, 3))`, reduced at the top. */
function nestedRebuild(depth: number): Uint8Array<ArrayBuffer> {
  let args = tuple(global('torch', 'Size'), TENSOR, tuple(tuple(int(2), int(3))), [OP.NONE]);
  for (let k = 0; k < depth; k++) args = tuple(FROM_TYPE, TENSOR, args, [OP.NONE]);
  return buildPickle(OP.PROTO, 2, ...FROM_TYPE, ...args, OP.REDUCE, OP.STOP);
}

describe('PickleMachine', () => {
  it('makes calls from inside rebuilds, up to four deep', async () => {
    const run = await runAt(nestedRebuild(3));
    expect(run.complete).toBe(true);
    expect(run.value).toEqual({ kind: 'tuple', items: [2, 3] });
    expect(run.uncertain).toEqual([]);
  });

  it('keeps an inert object, and says so, past four nested rebuild calls', async () => {
    const run = await runAt(nestedRebuild(4));
    expect(run.complete).toBe(true);
    expect(run.value).toMatchObject({ kind: 'object', performed: true, label: 'torch._tensor._rebuild_from_type_v2' });
    expect(run.uncertain).toEqual([
      'torch._tensor._rebuild_from_type_v2 was called with arguments Loupe does not understand (rebuild calls nested too deeply); what it builds is not known',
    ]);
  });

  it("counts offsets from the pickle's own start", async () => {
    const run = await runAt(buildPickle(OP.PROTO, 2, OP.NONE, OP.TUPLE2, OP.STOP), 100);
    expect(run.start).toBe(100);
    expect(run.problem).toBe('stack underflow (at byte 3 of the pickle)');
    expect(run.end).toBe(104);
  });

  it('POP with nothing above the last MARK discards the MARK, as pickle.py load_pop does', async () => {
    const run = await runAt(buildPickle(OP.PROTO, 2, OP.NONE, OP.MARK, OP.POP, OP.STOP));
    expect(run.complete).toBe(true);
    expect(run.value).toBeNull();
  });

  it("MEMOIZE stores at the memo's size; GET and BINGET read it back", async () => {
    const run = await runAt(buildPickle(OP.PROTO, 4, OP.NEWTRUE, OP.MEMOIZE, OP.NONE, OP.MEMOIZE, OP.BINGET, 0, OP.GET, '1\n', OP.TUPLE2, OP.STOP));
    expect(run.value).toEqual({ kind: 'tuple', items: [true, null] });
  });
});
