import type { ByteSource } from '../../model/byte-source';
import type { FormatModule } from '../format-module';
import { parsePytorch, type PytorchParse } from './parse-pytorch';
import { worseVerdict } from './scan-imports';
import { HIGHEST_PROTOCOL, OPCODE_NAMES, PICKLE_OPCODES } from './pickle-opcodes';
import { sniffPickle } from './sniff-pickle';

const ZIP_NAME_OFFSET = 30;
/**
 * What torch writes inside an archive's folder, any of which may come first: torch.save starts with
 * `data.pkl`, torch.jit.save with `data/0` (or `constants.pkl`, `code/…` when there is no data);
 * newer versions also write `.data/…`, `byteorder` and `version`.
 */
const TORCH_RECORD =
  /^[^/]+\/(data\.pkl|constants\.pkl|version|byteorder|\.data\/.*|\.format_version|\.storage_alignment|data\/\d+|constants\/\d+|code\/.*|extra\/.*)$/;

/**
 * Whether the head looks like a PyTorch file: a zip whose first member is one of torch's records, or
 * a pickle of protocol 2 to 5 (which covers the legacy format, whose first pickle is the magic number).
 *
 * The zip check reads the first local header's name from the head (SNIFF_BYTES = 64 leaves 34 bytes
 * of name after the 30-byte header). A name cut off by the head is accepted when what is visible is
 * `folder/` followed by the start of one of torch's record names. Protocol 0 and 1 pickles start
 * with printable opcodes, like many text files; `sniffPickle` tells them apart by parsing them.
 */
export function sniffPytorch(head: Uint8Array): boolean {
  if (head.length >= 3 && head[0] === PICKLE_OPCODES.PROTO) {
    const protocol = head[1] as number;
    return protocol >= 2 && protocol <= HIGHEST_PROTOCOL && OPCODE_NAMES.has(head[2] as number);
  }
  if (head.length < ZIP_NAME_OFFSET + 3 || head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 0x03 || head[3] !== 0x04) return false;
  const nameLength = (head[26] as number) | ((head[27] as number) << 8);
  const visible = head.subarray(ZIP_NAME_OFFSET, Math.min(head.length, ZIP_NAME_OFFSET + nameLength));
  const name = String.fromCharCode(...visible);
  if (visible.length === nameLength) return TORCH_RECORD.test(name);
  const slash = name.indexOf('/');
  if (slash <= 0) return /^[^/]+$/.test(name); // only the folder name is visible
  const rest = name.slice(slash + 1);
  return [
    'data.pkl',
    'constants.pkl',
    'version',
    'byteorder',
    '.data/',
    '.format_version',
    '.storage_alignment',
    'data/',
    'constants/',
    'code/',
    'extra/',
  ].some((record) => record.startsWith(rest) || rest.startsWith(record));
}

/** PyTorch checkpoints, read opcode by opcode and never executed. */
export const pytorchFormat: FormatModule<PytorchParse> = {
  id: 'pytorch',
  label: 'PyTorch',
  describe: 'PyTorch checkpoints (.bin, .pt, .pth, .ckpt: scanned, never executed)',
  readme: {
    input: 'PyTorch `*.bin`, `*.pt`, `*.pth`, `*.ckpt`',
    reads:
      "the pickle's opcodes, interpreted by an allow-listing reader that never executes anything: every import with a safe / suspicious / unsafe badge, a verdict, and the tensors recovered; a safe checkpoint converts to safetensors in the page",
  },
  extensions: ['.bin', '.pt', '.pth', '.ckpt'],
  role: 'weights',
  sniff(head: Uint8Array, source: ByteSource): boolean {
    return sniffPytorch(head) || sniffPickle(head, source.name, source.size);
  },
  parse: parsePytorch,
  contribute(parsed, source, draft) {
    const { document } = draft;
    draft.addTensors(parsed.tensors);
    document.warnings.push(...parsed.warnings);
    document.files.push({ format: 'pytorch', path: source.name, report: parsed.report });
    document.pickle = {
      verdict: worseVerdict(document.pickle?.verdict ?? 'safe', parsed.report.verdict),
      reports: [...(document.pickle?.reports ?? []), parsed.report],
    };
    if (parsed.report.verdict === 'unsafe') {
      const culprits = parsed.report.imports.filter((i) => i.badge === 'unsafe').map((i) => `${i.module}.${i.name}`);
      document.warnings.push({
        severity: 'error',
        code: 'pickle-unsafe',
        file: source.name,
        message: `${source.name} is unsafe: it would run ${culprits.join(', ') || 'code'} when loaded with torch.load. Loupe never executes it; do not load it in Python.`,
      });
    }
  },
};
