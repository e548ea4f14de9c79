// The site's knobs as an operator writes them in the environment: the cluster's nodes, and a peer
// listener other machines reach, which the edge refuses to open without the site's token or
// without an address the siblings can use.
import { loadEdgeConfig } from '../../edge-origin/src/edge/config.ts';

const load = (env: Record<string, string>) =>
  loadEdgeConfig({ env: { UPSTREAM_URL: 'http://127.0.0.1:8081', ...env } });

it('reads the cluster nodes as a list of host:port and refuses anything else', () => {
  expect(load({ EDGE_REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7000,10.0.0.3:7000' }).redisClusterNodes).toEqual([
    '10.0.0.1:7000',
    '10.0.0.2:7000',
    '10.0.0.3:7000',
  ]);
  expect(() => load({ EDGE_REDIS_CLUSTER_NODES: 'redis://10.0.0.1:7000' })).toThrow(/EDGE_REDIS_CLUSTER_NODES/);
});

it('keeps the peer listener on loopback by default, and wants a token and an address to open it wider', () => {
  expect(load({}).peerListen).toBe('127.0.0.1:0');
  expect(() => load({ EDGE_PEER_LISTEN: '10.0.0.5:7400' })).toThrow(/EDGE_PEER_TOKEN/);
  expect(() => load({ EDGE_PEER_LISTEN: '0.0.0.0:7400', EDGE_PEER_TOKEN: 's' })).toThrow(/EDGE_PEER_ADVERTISE/);
  const config = load({
    EDGE_PEER_LISTEN: '0.0.0.0:7400',
    EDGE_PEER_TOKEN: 's',
    EDGE_PEER_ADVERTISE: 'http://10.0.0.5:7400',
  });
  expect([config.peerListen, config.peerAdvertise, config.peerToken]).toEqual([
    '0.0.0.0:7400',
    'http://10.0.0.5:7400',
    's',
  ]);
  expect(() => load({ EDGE_PEER_ADVERTISE: 'http://10.0.0.5/peer' })).toThrow(/EDGE_PEER_ADVERTISE/);
  // Each worker has its own listener: a fixed port would make the second one fail to bind.
  expect(() => load({ EDGE_WORKERS: '2', EDGE_PEER_LISTEN: '127.0.0.1:7400' })).toThrow(/port 0/);
  expect(load({ EDGE_WORKERS: '2', EDGE_PEER_LISTEN: '127.0.0.1:0' }).workers).toBe(2);
});
