// The edge's module structure (edge-origin/src/edge/README.md): no import loop between its modules,
// type-only imports included (the context's types live in a leaf, context.ts, so the request path,
// the fills, the tiers and the purge API depend on it and not on each other), and a web-standard
// core: only node/ imports Node's modules, so Deno runs everything else as it is.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { itemAt } from '../../shared/lang/item-at.ts';

const EDGE = fileURLToPath(new URL('../../edge-origin/src/edge', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports, `import type` included. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\('([^']+)'\)/gm),
  ].map((m) => m[1] ?? m[2] ?? itemAt(m, 3));
}

const files = sources(EDGE);
const relative = (file: string) => path.relative(EDGE, file);

test('no module of the edge imports itself back through others (type imports included)', () => {
  const graph = new Map(
    files.map((file) => [
      file,
      specifiers(file)
        .filter((s) => s.startsWith('.'))
        .map((s) => path.resolve(path.dirname(file), s)),
    ]),
  );
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open')
        cycles.push([...stack.slice(stack.indexOf(next)), next].map(relative).join(' → '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of files) if (!state.has(file)) visit(file);
  expect(cycles).toEqual([]);
  // The scan sees the imports it must: the request path does import the context.
  expect(graph.get(path.join(EDGE, 'proxy/handler.ts'))).toContain(path.join(EDGE, 'context.ts'));
});

test("only node/ imports Node's own modules: the core is web-standard", () => {
  const offenders = files
    .filter((file) => !relative(file).startsWith(`node${path.sep}`))
    .filter((file) => specifiers(file).some((s) => s.startsWith('node:')));
  expect(offenders.map(relative)).toEqual([]);
  expect(specifiers(path.join(EDGE, 'node/start-edge-node.ts'))).toContain('node:http');
});
