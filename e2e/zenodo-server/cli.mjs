#!/usr/bin/env node
// Starts the Zenodo test server until interrupted, and prints its address as one JSON line:
//   node e2e/zenodo-server/cli.mjs [--port N] [--host H] [--rate-limit N] [--rate-limit-window S] [--latency MS]
import { parseArgs } from 'node:util';
import { startZenodoServer } from './server.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'rate-limit': { type: 'string', default: '60' },
    'rate-limit-window': { type: 'string', default: '60' },
    latency: { type: 'string', default: '0' },
  },
});

const server = await startZenodoServer({
  port: Number(values.port),
  host: values.host,
  rateLimit: Number(values['rate-limit']),
  rateLimitWindowSeconds: Number(values['rate-limit-window']),
  latencyMs: Number(values.latency),
});
console.log(JSON.stringify({ endpoint: server.endpoint }));

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
