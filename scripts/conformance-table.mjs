// Prints the README's ONNX conformance tables from the committed ratchet (e2e/conformance-ratchet.json),
// so the numbers in the README are the ones the test enforces. Paste the output into README.md.
//   node scripts/conformance-table.mjs
import { readFileSync } from 'node:fs';

const ratchet = JSON.parse(readFileSync(new URL('../e2e/conformance-ratchet.json', import.meta.url), 'utf8'));
const RUNTIMES = ['onnxruntime-node', 'onnxruntime-web'];

/** Reasons by kind, first match wins; a reason that matches none is shown as it is. */
const KINDS = [
  [/preview\.training/, 'training operators of `ai.onnx.preview.training` (`Adagrad`, `Adam`, `Momentum`, `Gradient`)'],
  [/no kernel for|Could not find an implementation/, 'no kernel for the op at that opset with those types'],
  [/data type: 16/, 'bfloat16 (`Cast`/`CastLike` to or from it): ORT has no bfloat16 tensor'],
  [/layout|batchwise/i, 'batchwise recurrent layout (`layout = 1` in `GRU`, `LSTM`, `RNN`)'],
  [/non-tensor inputs or outputs|sequence, map or optional/, "inputs or outputs that are sequences or optionals (ORT's JavaScript API takes tensors only)"],
  [/non-tensor typed value/, '`If` returning a sequence or optional: ORT cannot read non-tensor outputs'],
  [/string_normalizer|Locale/, '`StringNormalizer` needs a locale this machine lacks'],
];
const RANDOM = /bernoulli|training_dropout/;

function kindOf(name, failure) {
  if (failure.outcome === 'differs') {
    if (RANDOM.test(name)) return 'outputs differ: random operators (`Bernoulli`, training `Dropout`)';
    if (/_STRING/.test(name)) return 'outputs differ: floats printed as strings with other digits';
    return 'outputs differ: known ORT differences (`DFT`, `STFT`, `MaxUnpool` with output shape, `Resize` with align_corners)';
  }
  const kind = KINDS.find(([pattern]) => pattern.test(failure.reason));
  return `cannot run: ${kind ? kind[1] : failure.reason}`;
}

const fmt = (n) => n.toLocaleString('en-US');
const rows = [];
const totals = { cases: 0, ...Object.fromEntries(RUNTIMES.map((r) => [r, { match: 0, differs: 0, cannot: 0 }])) };
for (const [folder, entry] of Object.entries(ratchet.folders)) {
  const cells = [folder, fmt(entry.cases)];
  totals.cases += entry.cases;
  for (const runtime of RUNTIMES) {
    const failures = Object.values(entry[runtime]);
    const differs = failures.filter((f) => f.outcome === 'differs').length;
    const cannot = failures.length - differs;
    const match = entry.cases - failures.length;
    Object.assign(totals[runtime], {
      match: totals[runtime].match + match,
      differs: totals[runtime].differs + differs,
      cannot: totals[runtime].cannot + cannot,
    });
    cells.push(fmt(match), fmt(differs), fmt(cannot));
  }
  rows.push(`| ${cells.join(' | ')} |`);
}
const bold = (v) => `**${v}**`;
rows.push(
  `| ${[bold('all'), bold(fmt(totals.cases)), ...RUNTIMES.flatMap((r) => [totals[r].match, totals[r].differs, totals[r].cannot].map((n) => bold(fmt(n))))].join(' | ')} |`,
);

const kinds = new Map();
for (const entry of Object.values(ratchet.folders)) {
  for (const runtime of RUNTIMES) {
    for (const [name, failure] of Object.entries(entry[runtime])) {
      const kind = kindOf(name, failure);
      const counts = kinds.get(kind) ?? { 'onnxruntime-node': 0, 'onnxruntime-web': 0 };
      counts[runtime]++;
      kinds.set(kind, counts);
    }
  }
}
const reasonRows = [...kinds.entries()]
  .sort(([, a], [, b]) => b['onnxruntime-web'] + b['onnxruntime-node'] - (a['onnxruntime-web'] + a['onnxruntime-node']))
  .map(([kind, counts]) => `| ${counts['onnxruntime-node']} | ${counts['onnxruntime-web']} | ${kind} |`);

console.log(
  [
    `Tolerance: rtol ${ratchet.tolerance.rtol}, atol ${ratchet.tolerance.atol}. Generated from \`e2e/conformance-ratchet.json\` by \`node scripts/conformance-table.mjs\`.`,
    '',
    '| folder | cases | node matches | node differs | node cannot run | web matches | web differs | web cannot run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    "Why a case does not pass, by runtime (the ratchet lists each case with its runtime's own message):",
    '',
    '| node | web | reason |',
    '| --- | --- | --- |',
    ...reasonRows,
  ].join('\n'),
);
