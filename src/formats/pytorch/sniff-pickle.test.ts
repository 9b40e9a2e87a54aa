import { describe, expect, it } from 'vitest';
import { FileByteSource } from '../../bytes/file-byte-source';
import { SNIFF_BYTES } from '../format-module';
import { parsePytorch } from './parse-pytorch';
import { pytorchFormat } from './pytorch-format';
import { checkPickleHead, sniffPickle } from './sniff-pickle';

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Bytes written by CPython 3's `pickle.dumps(value, protocol=N)`, copied verbatim. */
const DICT = {
  0: latin1('(dp0\nVweight\np1\n(lp2\nF1.5\naI2\nasVname\np3\nVx\np4\ns.'),
  1: latin1('}q\x00(X\x06\x00\x00\x00weightq\x01]q\x02(G?\xf8\x00\x00\x00\x00\x00\x00K\x02eX\x04\x00\x00\x00nameq\x03X\x01\x00\x00\x00xq\x04u.'),
  2: latin1('\x80\x02}q\x00(X\x06\x00\x00\x00weightq\x01]q\x02(G?\xf8\x00\x00\x00\x00\x00\x00K\x02eX\x04\x00\x00\x00nameq\x03X\x01\x00\x00\x00xq\x04u.'),
};
/** `pickle.dumps` of an object whose `__reduce__` returns `(os.system, ('echo pwned',))`, on Linux. */
const SYSTEM = {
  0: latin1('cposix\nsystem\np0\n(Vecho pwned\np1\ntp2\nRp3\n.'),
  1: latin1('cposix\nsystem\nq\x00(X\n\x00\x00\x00echo pwnedq\x01tq\x02Rq\x03.'),
  2: latin1('\x80\x02cposix\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.'),
};
/** The hand-written protocol 0 payload of the report: GLOBAL, MARK, STRING, TUPLE, REDUCE, STOP. */
const HAND_WRITTEN = latin1("cos\nsystem\n(S'echo pwned'\ntR.");

const sniff = (bytes: Uint8Array, name: string) => sniffPickle(bytes.subarray(0, SNIFF_BYTES), name, bytes.length);

describe('sniffPickle', () => {
  it.each([0, 1, 2] as const)('recognizes protocol %i pickles with and without a pickle extension', (protocol) => {
    for (const bytes of [DICT[protocol], SYSTEM[protocol]]) {
      expect(sniff(bytes, 'model.pkl')).toBe(true);
      expect(sniff(bytes, 'model')).toBe(true);
      expect(sniff(bytes, 'weights.data')).toBe(true);
    }
  });

  it('recognizes the hand-written protocol 0 payload under every pickle extension and none', () => {
    for (const name of ['model.pkl', 'a.pickle', 'a.pt', 'a.pth', 'a.bin', 'a.ckpt', 'a.joblib', 'model', 'notes.txt'])
      expect(sniff(HAND_WRITTEN, name)).toBe(true);
  });

  it('recognizes a pickle longer than the head from its first opcodes', () => {
    const long = latin1(`(lp0\n${Array.from({ length: 40 }, (_, i) => `I${i}\na`).join('')}.`);
    expect(long.length).toBeGreaterThan(SNIFF_BYTES);
    expect(sniff(long, 'model.pkl')).toBe(true);
    expect(sniff(long, 'model')).toBe(true);
  });

  it('does not claim text, JSON, markdown or binary noise', () => {
    const texts = [
      '# Model card\n\nSome text.',
      '---\nlicense: mit\n---\n',
      '{"architectures": ["X"]}',
      'Note: this is text',
      'cat\ndog\n',
      'Ideas\n',
      'I12\n',
      'hello world',
      '(see below)',
      '',
    ];
    for (const text of texts) {
      expect(sniff(latin1(text), 'README')).toBe(false);
      expect(sniff(latin1(text), 'README.md')).toBe(false);
    }
    expect(
      sniff(
        Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff),
        'blob',
      ),
    ).toBe(false);
    expect(sniff(new Uint8Array([0x80, 0x09, 0x4e, 0x2e]), 'a.pkl')).toBe(false); // PROTO 9 does not exist
  });

  it('needs a STOP when the head is the whole file, and more than one opcode without an extension', () => {
    expect(sniff(latin1('(dp0\nVa\n'), 'a.pkl')).toBe(false);
    expect(sniff(latin1('N.'), 'a.pkl')).toBe(true);
    expect(sniff(latin1('N.'), 'a')).toBe(true);
    const cut = latin1(`]${'N'.repeat(200)}`);
    expect(sniff(cut, 'a.pkl')).toBe(true);
    expect(sniff(latin1(']'), 'a.pkl')).toBe(false);
  });

  it('checks the stack: an opcode that pops more than was pushed ends the check', () => {
    expect(checkPickleHead(latin1('Nota'))).toMatchObject({ valid: false }); // OBJ with no MARK
    expect(checkPickleHead(latin1('R.'))).toMatchObject({ valid: false, opcodes: 0 });
    expect(checkPickleHead(HAND_WRITTEN)).toEqual({ valid: true, opcodes: 6, stopped: true });
  });
});

describe('protocol 0, 1 and 2 pickles through the PyTorch format', () => {
  const cases = [
    ['hand-written', HAND_WRITTEN],
    ['protocol 0', SYSTEM[0]],
    ['protocol 1', SYSTEM[1]],
    ['protocol 2', SYSTEM[2]],
  ] as const;
  it.each(cases)('%s os.system pickle, named model.pkl or model: sniffed, and its verdict is unsafe', async (_, bytes) => {
    for (const name of ['model.pkl', 'model']) {
      const source = new FileByteSource(new Blob([bytes.slice()]), name);
      expect(pytorchFormat.sniff(bytes.subarray(0, SNIFF_BYTES), source)).toBe(true);
      const { report } = await parsePytorch(source);
      expect(report.verdict).toBe('unsafe');
      expect(report.imports.map((i) => `${i.module}.${i.name}`)).toEqual([expect.stringMatching(/^(os|posix)\.system$/)]);
    }
  });
});
