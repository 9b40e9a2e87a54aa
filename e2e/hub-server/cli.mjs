#!/usr/bin/env node
// Starts the Hub test server until interrupted, and prints its addresses as one JSON line:
//   node e2e/hub-server/cli.mjs [--port N] [--cdn-port N] [--host H] [--page-size N] [--latency MS]
import { parseArgs } from 'node:util';
import { startHubServer } from './server.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'cdn-port': { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'page-size': { type: 'string', default: '20' },
    latency: { type: 'string', default: '0' },
  },
});

const server = await startHubServer({
  port: Number(values.port),
  cdnPort: Number(values['cdn-port']),
  host: values.host,
  pageSize: Number(values['page-size']),
  latencyMs: Number(values.latency),
});
console.log(JSON.stringify({ endpoint: server.endpoint, cdnOrigin: server.cdnOrigin }));

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
