// `npm run edge`: the edge on Node. Config: defaults < JSON file (EDGE_CONFIG_FILE) < environment
// (EDGE_PORT, EDGE_HOST, UPSTREAM_URL, EDGE_MEMORY_BYTES, ... see edge/config.ts).
import { readFileSync } from 'node:fs';
import { loadEdgeConfig, EdgeConfigError } from '../edge/config.ts';
import { startEdgeNode } from '../edge/node/start-edge-node.ts';

async function main(): Promise<void> {
  let config;
  try {
    const file = process.env.EDGE_CONFIG_FILE;
    const fileJson = file ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
    config = loadEdgeConfig({ env: process.env, fileJson });
  } catch (error) {
    console.error(error instanceof EdgeConfigError || error instanceof SyntaxError ? `edge: ${error.message}` : error);
    process.exit(2);
  }
  const running = await startEdgeNode(config);
  console.log(`edge: listening on ${running.url} → upstream ${config.upstreamUrl}`);
  const stop = (signal: string) => {
    console.log(`edge: ${signal}, finishing responses in progress`);
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

void main();
