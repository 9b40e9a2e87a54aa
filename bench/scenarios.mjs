// Bench scenarios. Each has a name, the metrics it reports (loupe:* measures, and values its
// `run` returns), optional units (ms unless said) and targets, an optional `prepare` (generates its
// input once; never committed), an optional `measure` (a reference in Node) and a `run(page)`.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { runnerImport } from 'vite';
import { INFERENCE_SCENARIOS } from './inference-scenarios.mjs';
import { loupeFirstGraph, NETRON_FIGURES } from './first-graph.mjs';
import { netronFirstGraph, startNetron } from './peer-netron.mjs';

/** JS heap plus ArrayBuffers (where a whole-file read lands), in bytes. */
const heapAndBuffers = (m) => m.heapUsed + m.arrayBuffers;

/** The ONNX generators are TypeScript (they reuse the tests' protobuf writer); Vite loads them. */
async function onnxModels() {
  const { module } = await runnerImport(join(import.meta.dirname, 'onnx-models.ts'));
  return module;
}

async function waitReady(page) {
  await page.waitForSelector('[data-testid="doc-status"][data-state="ready"], [data-testid="doc-status"][data-state="error"]', { timeout: 120_000 });
  const state = await page.getAttribute('[data-testid="doc-status"]', 'data-state');
  if (state !== 'ready') throw new Error(`open failed: ${await page.textContent('[data-testid="error"]')}`);
  // loupe:parse is measured on the frame after the ready document paints.
  await page.waitForFunction(() => performance.getEntriesByName('loupe:parse').length > 0);
}

/**
 * Writes a safetensors file whose data section is a hole in a sparse file: real header,
 * zero data, so a 3 GB checkpoint takes no time or disk to make.
 */
function writeSparseSafetensors(path, tensors) {
  const header = {};
  let offset = 0;
  for (const { name, dtype, shape, bytesPerElement } of tensors) {
    const length = shape.reduce((a, b) => a * b, 1) * bytesPerElement;
    header[name] = { dtype, shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  writeSync(fd, json);
  ftruncateSync(fd, 8 + json.length + offset);
  closeSync(fd);
}

/** Opens an ONNX model straight into the Graph view, waits for the first diagram, then expands one scope. */
/** A byte-level BPE tokenizer.json the size of Qwen's: `n` tokens, as many merges, and the special tokens. */
function largeBpeTokenizer(n) {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const word = (i) => {
    let text = '';
    for (let k = i + 1; k > 0; k = Math.floor(k / 26)) text += letters[k % 26];
    return text;
  };
  const vocab = {};
  const merges = [];
  for (let i = 0; i < n; i++) {
    const left = `Ġ${word(i)}${word(i * 31 + 7)}${word(i * 13 + 11)}`;
    const right = `${word(i * 17 + 5)}${word(i * 7 + 3)}${i % 3 === 0 ? 'ing' : i % 3 === 1 ? 'ness' : 'ed'}`;
    vocab[left + right] = i;
    merges.push(`${left} ${right}`);
  }
  const specials = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'].map((content, k) => ({
    id: n + k,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    added_tokens: specials,
    normalizer: { type: 'NFC' },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: "'s|'t| ?\\p{L}+| ?\\p{N}+" }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      ],
    },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

async function graphRun(page, path) {
  await page.goto(`${page.url()}?view=graph`);
  await page.setInputFiles('[data-testid="file-input"]', path);
  await waitReady(page);
  await page.waitForFunction(() => performance.getEntriesByName('loupe:graph:first').length > 0, null, { timeout: 60_000 });
  const box = page.locator('[data-testid="graph"] svg [data-kind="scope"], [data-testid="graph"] svg [data-kind="fold"]').first();
  await box.click({ position: { x: 6, y: 6 } });
  await page.waitForFunction(() => performance.getEntriesByName('loupe:graph:expand').length > 0, null, { timeout: 60_000 });
  return { rendered: Number(await page.getAttribute('[data-testid="graph"]', 'data-rendered-count')) };
}

function graphScenario(name, layers, perLayer) {
  return {
    name,
    metrics: ['loupe:graph:first', 'loupe:graph:expand'],
    memoryMetrics: [],
    targets: { 'loupe:graph:first': '< 1 s', 'loupe:graph:expand': '< 300 ms' },
    async prepare({ outDir }) {
      const path = join(outDir, `graph-${layers}x${perLayer}.onnx`);
      (await onnxModels()).writeWideGraphModel(path, layers, perLayer);
      return { path, cleanup: () => rmSync(path, { force: true }) };
    },
    run: (page, { path }) => graphRun(page, path),
  };
}

/**
 * One row of the "graph first view, wall clock" group: the model is generated (or is a committed
 * torch export), timed from the file input's change to the first boxes painted, and printed beside
 * Netron's figure from issue 17 with the ratio (below 1.00: Loupe paints first).
 */
function wallClockScenario(name, netron, target, model) {
  // With NETRON_DIR (a Netron checkout), Netron is timed too, in the same run and the same way.
  const live = process.env.NETRON_DIR ? ['Netron (this run)', 'Loupe / Netron (this run)'] : [];
  return {
    name: `graph first view, wall clock: ${name}`,
    metrics: ['wall clock', 'Netron (issue 17)', 'Loupe / Netron', ...live, 'boxes drawn'],
    units: { 'Loupe / Netron': '×', 'Loupe / Netron (this run)': '×', 'boxes drawn': 'count' },
    memoryMetrics: [],
    targets: { 'wall clock': target, 'Loupe / Netron': '< 1.00' },
    async prepare({ outDir }) {
      const peer = process.env.NETRON_DIR ? await startNetron(process.env.NETRON_DIR) : undefined;
      if (typeof model === 'string') return { path: join(import.meta.dirname, '..', model), peer, cleanup: () => peer?.close() };
      const path = join(outDir, `wall-clock-${name.replace(/[^a-z0-9]+/gi, '-')}.onnx`);
      await model(await onnxModels(), path);
      return { path, peer, cleanup: () => (rmSync(path, { force: true }), peer?.close()) };
    },
    async run(page, { path, peer }) {
      const { ms, rendered } = await loupeFirstGraph(page, path);
      const result = { 'wall clock': ms, 'Netron (issue 17)': NETRON_FIGURES[netron], 'Loupe / Netron': ms / NETRON_FIGURES[netron], 'boxes drawn': rendered };
      if (!peer) return result;
      const netronMs = (await netronFirstGraph(page.context().browser(), peer.url, path)).ms;
      return { ...result, 'Netron (this run)': netronMs, 'Loupe / Netron (this run)': ms / netronMs };
    },
  };
}

const WALL_CLOCK_SCENARIOS = [
  wallClockScenario('MLP, 25 residual blocks (100 nodes)', 'mlp100', '≤ 150 ms', (m, path) => m.writeResidualMlpModel(path, 25)),
  wallClockScenario('tiny BERT (torch export)', 'bert', '≤ 250 ms', 'e2e/models/tiny-bert/model.onnx'),
  wallClockScenario('tiny Llama (torch export)', 'llama', '≤ 500 ms', 'e2e/models/tiny-llama-onnx/model.onnx'),
  wallClockScenario('MLP, 250 blocks (1,000 nodes)', 'mlp1000', '≤ 600 ms', (m, path) => m.writeResidualMlpModel(path, 250)),
  wallClockScenario('MLP, 2,500 blocks (10,000 nodes)', 'mlp10000', '≤ 1,000 ms', (m, path) => m.writeResidualMlpModel(path, 2500)),
  wallClockScenario('a 20,001-node chain', 'chain20001', '≤ 1,000 ms', (m, path) => m.writeChainModel(path, 20001)),
];

export const SCENARIOS = [
  {
    name: 'example (tiny-llama, 3 files)',
    metrics: ['loupe:parse'],
    async run(page) {
      await page.click('[data-testid="open-example"]');
      await waitReady(page);
    },
  },
  {
    name: 'safetensors 3 GB, 301 tensors',
    metrics: ['loupe:parse'],
    targets: { 'loupe:parse': '< 300 ms', heap: '< 50 MB' },
    prepare({ outDir }) {
      const path = join(outDir, 'big-3gb.safetensors');
      const tensors = [{ name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [128256, 2048], bytesPerElement: 2 }];
      for (let layer = 0; layer < 30; layer++) {
        for (const part of [
          'q_proj',
          'k_proj',
          'v_proj',
          'o_proj',
          'gate_proj',
          'up_proj',
          'down_proj',
          'input_layernorm',
          'post_attention_layernorm',
          'rotary',
        ]) {
          const shape = part.endsWith('norm') || part === 'rotary' ? [2048] : [2048, 2816];
          tensors.push({ name: `model.layers.${layer}.${part}.weight`, dtype: 'BF16', shape, bytesPerElement: 2 });
        }
      }
      writeSparseSafetensors(path, tensors);
      return { path, cleanup: () => rmSync(path, { force: true }) };
    },
    async run(page, { path }) {
      await page.setInputFiles('[data-testid="file-input"]', path);
      await waitReady(page);
    },
  },
  {
    name: 'tokenizer.json: 150,000-token BPE (10 MB+)',
    metrics: ['loupe:parse'],
    prepare({ outDir }) {
      const path = join(outDir, 'tokenizer-150k.json');
      writeFileSync(path, JSON.stringify(largeBpeTokenizer(150_000)));
      const size = statSync(path).size;
      if (size < 10_000_000) throw new Error(`the generated tokenizer.json is ${size} bytes, under 10 MB`);
      return { path, cleanup: () => rmSync(path, { force: true }) };
    },
    async run(page, { path }) {
      await page.setInputFiles('[data-testid="file-input"]', path);
      await waitReady(page);
    },
  },
  {
    name: 'safetensors 100,000 tiny tensors',
    metrics: ['loupe:parse'],
    prepare({ outDir }) {
      const path = join(outDir, 'tiny-100k.safetensors');
      const tensors = Array.from({ length: 100_000 }, (_, i) => ({
        name: `blocks.${Math.floor(i / 100)}.param_${i % 100}.weight`,
        dtype: 'F32',
        shape: [2, 2],
        bytesPerElement: 4,
      }));
      writeSparseSafetensors(path, tensors);
      return { path, cleanup: () => rmSync(path, { force: true }) };
    },
    async run(page, { path }) {
      await page.setInputFiles('[data-testid="file-input"]', path);
      await waitReady(page);
    },
  },
  {
    name: 'onnx 1 GB inline weights',
    metrics: ['loupe:parse'],
    targets: { 'loupe:parse': '< 1 s', heap: '< 100 MB' },
    async prepare({ outDir }) {
      const path = join(outDir, 'inline-1gb.onnx');
      (await onnxModels()).writeInlineWeightsModel(path, 1);
      return { path, cleanup: () => rmSync(path, { force: true }) };
    },
    async run(page, { path }) {
      await page.setInputFiles('[data-testid="file-input"]', path);
      await waitReady(page);
    },
  },
  {
    name: 'onnx 20,000-node graph',
    metrics: ['loupe:parse'],
    targets: { 'loupe:parse': '< 500 ms' },
    async prepare({ outDir }) {
      const path = join(outDir, 'graph-20k.onnx');
      (await onnxModels()).writeWideGraphModel(path, 40, 500);
      return { path, cleanup: () => rmSync(path, { force: true }) };
    },
    async run(page, { path }) {
      await page.setInputFiles('[data-testid="file-input"]', path);
      await waitReady(page);
    },
  },
  {
    name: 'reference: onnx-proto full decode of the 1 GB model (Node)',
    metrics: ['decode'],
    memoryMetrics: ['memory'],
    async prepare({ outDir }) {
      const path = join(outDir, 'inline-1gb-ref.onnx');
      (await onnxModels()).writeInlineWeightsModel(path, 1);
      const { onnx } = (await import('onnx-proto')).default ?? (await import('onnx-proto'));
      return { path, onnx, cleanup: () => rmSync(path, { force: true }) };
    },
    async measure({ path, onnx }) {
      globalThis.gc?.();
      const before = process.memoryUsage();
      const start = performance.now();
      const model = onnx.ModelProto.decode(readFileSync(path));
      const decode = performance.now() - start;
      const after = process.memoryUsage();
      if (model.graph.initializer.length === 0) throw new Error('decode found no initializers');
      return { decode, memory: heapAndBuffers(after) - heapAndBuffers(before) };
    },
  },
  {
    name: 'loupe parseOnnx of the 1 GB model (Node, file-backed)',
    metrics: ['decode'],
    memoryMetrics: ['memory'],
    async prepare({ outDir }) {
      const path = join(outDir, 'inline-1gb-loupe.onnx');
      (await onnxModels()).writeInlineWeightsModel(path, 1);
      const { module: parse } = await runnerImport(join(import.meta.dirname, '..', 'src', 'formats', 'onnx', 'parse-onnx.ts'));
      const { module: files } = await runnerImport(join(import.meta.dirname, '..', 'test', 'node', 'node-file-source.ts'));
      return { path, parse, files, cleanup: () => rmSync(path, { force: true }) };
    },
    async measure({ path, parse, files }) {
      globalThis.gc?.();
      const before = process.memoryUsage();
      const start = performance.now();
      const source = new files.NodeFileSource(path);
      const model = await parse.parseOnnx(source);
      const decode = performance.now() - start;
      const after = process.memoryUsage();
      await source.close();
      if (model.initializers.length === 0) throw new Error('parse found no initializers');
      return { decode, memory: heapAndBuffers(after) - heapAndBuffers(before) };
    },
  },
  {
    name: 'hub: 70B-shaped repo, 30 shards (local test Hub)',
    metrics: ['loupe:hub:open'],
    memoryMetrics: ['heap', 'transferred'],
    targets: { 'loupe:hub:open': '< 1.5 s', transferred: '< 4 MiB' },
    async prepare() {
      const { startHubServer } = await import('../e2e/hub-server/server.mjs');
      const { TEST_REPOS } = await import('../e2e/hub-server/repos.mjs');
      // Fixed ports: the build's Content-Security-Policy allows them (see the bench script in package.json).
      const server = await startHubServer({ port: 5190, cdnPort: 5191, host: '127.0.0.1' });
      return { server, repo: TEST_REPOS.virtual70b, cleanup: () => server.close() };
    },
    async run(page, { server, repo }) {
      server.reset();
      await page.goto(`${page.url()}?endpoint=${encodeURIComponent(server.endpoint)}&repo=${encodeURIComponent(repo)}`);
      await page.waitForSelector('[data-testid="doc-status"][data-state="ready"]', { timeout: 60_000 });
      await page.waitForFunction(() => performance.getEntriesByName('loupe:hub:open').length > 0);
      const s = server.stats();
      return { transferred: s.hub.bytes + s.cdn.bytes };
    },
  },
  {
    name: 'gguf: 150k-token tokenizer, 5 MB header',
    metrics: ['loupe:parse'],
    targets: { 'loupe:parse': '< 300 ms', heap: '< 64 MB' },
    async prepare({ outDir }) {
      // The GGUF fixtures are TypeScript (the tests' writer); Vite loads them.
      const { module } = await runnerImport(join(import.meta.dirname, '..', 'test', 'fixtures', 'gguf-fixtures.ts'));
      const path = join(outDir, 'large-tokenizer.gguf');
      const fd = openSync(path, 'w');
      writeSync(fd, module.largeTokenizerGguf().bytes);
      closeSync(fd);
      return { path, cleanup: () => rmSync(path, { force: true }) };
    },
    async run(page, { path }) {
      await page.setInputFiles('[data-testid="file-input"]', path);
      await waitReady(page);
    },
  },
  {
    name: 'hub: gguf 70B Q4_K_M split in two (local test Hub)',
    metrics: ['loupe:hub:open'],
    memoryMetrics: ['heap', 'transferred beyond the headers'],
    targets: { 'loupe:hub:open': '< 1.5 s', 'transferred beyond the headers': '< 4 MiB' },
    async prepare() {
      const { startHubServer } = await import('../e2e/hub-server/server.mjs');
      const { TEST_REPOS, VIRTUAL_70B_GGUF, buildRepos } = await import('../e2e/hub-server/repos.mjs');
      const headers = buildRepos()
        .get(TEST_REPOS.virtual70bGguf)
        .files.filter((f) => VIRTUAL_70B_GGUF.parts.includes(f.path))
        .reduce((n, f) => n + f.prefix.length, 0);
      const server = await startHubServer({ port: 5190, cdnPort: 5191, host: '127.0.0.1' });
      return { server, headers, repo: TEST_REPOS.virtual70bGguf, cleanup: () => server.close() };
    },
    async run(page, { server, repo, headers }) {
      server.reset();
      await page.goto(`${page.url()}?endpoint=${encodeURIComponent(server.endpoint)}&repo=${encodeURIComponent(repo)}`);
      await page.waitForSelector('[data-testid="doc-status"][data-state="ready"]', { timeout: 60_000 });
      await page.waitForFunction(() => performance.getEntriesByName('loupe:hub:open').length > 0);
      const s = server.stats();
      return { 'transferred beyond the headers': s.hub.bytes + s.cdn.bytes - headers };
    },
  },
  {
    // The timings the unit tests no longer assert (they bound the work instead): pure functions, in Node.
    name: 'pure functions (Node): 5 MB card render, 20,000-node search and first view',
    metrics: ['renderCard', 'searchGraph', 'buildView'],
    memoryMetrics: [],
    async prepare() {
      const load = async (...path) => (await runnerImport(join(import.meta.dirname, '..', ...path))).module;
      const [card, synthetic, scopes, search, view] = await Promise.all([
        load('src', 'card', 'render-card.ts'),
        load('test', 'builders', 'synthetic-graph.ts'),
        load('src', 'graph', 'build-scope-tree.ts'),
        load('src', 'graph', 'search-graph.ts'),
        load('src', 'graph', 'build-view.ts'),
      ]);
      const prose = '## Results on a benchmark\n\nThe model was evaluated on many tasks; see the table, and **the paper** for more. '.repeat(5) + '\n\n';
      const table = `| Task | Metric | Value |\n|---|---|---|\n${'| hellaswag | acc | 0.81 |\n'.repeat(100)}\n`;
      let markdown = '';
      while (markdown.length < 5_000_000) markdown += prose + table;
      const { graph, initializers } = synthetic.syntheticTransformer(40, 500);
      return { card, scopes, search, view, markdown, graph, initializers };
    },
    async measure({ card, scopes, search, view, markdown, graph, initializers }) {
      const time = (work) => {
        const start = performance.now();
        work();
        return performance.now() - start;
      };
      const renderCard = time(() => card.renderCard(markdown, { allowRemoteImages: false }));
      const tree = scopes.buildScopeTree(graph, initializers);
      const searchGraph = time(() => search.searchGraph(tree, '/layers\\.1\\d\\/mlp\\/Mul/'));
      const buildView = time(() => view.buildView(tree, '', { expanded: view.defaultExpanded(tree) }));
      return { renderCard, searchGraph, buildView };
    },
  },
  {
    name: 'compare: two 70B-shaped Hub repos by headers (local test Hub)',
    metrics: ['loupe:diff'],
    memoryMetrics: ['heap', 'transferred'],
    targets: { 'loupe:diff': '< 2 s', transferred: '< 16 MiB' },
    async prepare() {
      const { startHubServer } = await import('../e2e/hub-server/server.mjs');
      const { TEST_REPOS, TEST_TOKENS } = await import('../e2e/hub-server/repos.mjs');
      const server = await startHubServer({ port: 5190, cdnPort: 5191, host: '127.0.0.1' });
      return { server, a: TEST_REPOS.virtual70b, b: TEST_REPOS.llama70bGated, token: TEST_TOKENS.granted, cleanup: () => server.close() };
    },
    async run(page, { server, a, b, token }) {
      server.reset();
      // The second repo is gated: the remembered token opens it (sent to the test Hub only).
      await page.evaluate((t) => localStorage.setItem('loupe:hub-token', t), token);
      await page.goto(`${page.url()}?endpoint=${encodeURIComponent(server.endpoint)}&repo=${encodeURIComponent(a)}&compare=${encodeURIComponent(b)}&view=diff`);
      await page.waitForSelector('[data-testid="diff-summary"]', { timeout: 60_000 });
      await page.waitForFunction(() => performance.getEntriesByName('loupe:diff').length > 0);
      const same = Number(await page.getAttribute('[data-testid="diff-summary"]', 'data-same'));
      if (same !== 723) throw new Error(`expected the two 70B repos to match tensor for tensor, got ${same} same`);
      const s = server.stats();
      return { transferred: s.hub.bytes + s.cdn.bytes };
    },
  },
  {
    name: 'zenodo: 5 GiB safetensors record (local test Zenodo, no Range)',
    metrics: ['loupe:zenodo:open'],
    memoryMetrics: ['heap', 'written'],
    targets: { 'loupe:zenodo:open': '< 1.5 s', written: '< 16 MiB' },
    async prepare() {
      const { startZenodoServer } = await import('../e2e/zenodo-server/server.mjs');
      const { TEST_RECORDS } = await import('../e2e/zenodo-server/records.mjs');
      // A fixed port: the build's Content-Security-Policy allows it (see the bench script in package.json).
      const server = await startZenodoServer({ port: 5192, host: '127.0.0.1', rateLimit: 10_000 });
      return { server, record: TEST_RECORDS.big, cleanup: () => server.close() };
    },
    async run(page, { server, record }) {
      server.reset();
      await page.goto(`${page.url()}?zenodo-endpoint=${encodeURIComponent(server.endpoint)}&zenodo=${record}`);
      await page.waitForSelector('[data-testid="doc-status"][data-state="ready"]', { timeout: 60_000 });
      await page.waitForFunction(() => performance.getEntriesByName('loupe:zenodo:open').length > 0);
      // The bytes the server wrote before Loupe hung up on the 5 GiB body.
      return { written: server.stats().bytes };
    },
  },
  ...INFERENCE_SCENARIOS,
  graphScenario('graph view: 1,000-node model', 10, 100),
  graphScenario('graph view: 20,000-node model', 40, 500),
  ...WALL_CLOCK_SCENARIOS,
];
