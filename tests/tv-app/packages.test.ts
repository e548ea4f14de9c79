// The TV store packages (tv-app/scripts/package.mjs) from a real production build, checked the
// way a store's intake would: Tizen's config.xml read with an XML parser (root and namespaces,
// the application id's format, privileges, content and icon in the package), the .wgt as a zip
// with config.xml at its root, webOS's appinfo.json against a schema of LG's documented fields,
// and the hosted launchers. The packaged app talks to the edge given at package time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { z } from 'zod';
import { itemAt } from '../../shared/lang/item-at.ts';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tv-app');
const SERVICE = 'https://tv.cite.example/';
const BUDGET_GZIP = 150 * 1024;

let OUT = '';
let PKG = '';

beforeAll(() => {
  OUT = mkdtempSync(join(tmpdir(), 'cite-tv-packages-'));
  PKG = join(OUT, 'packages');
  execFileSync(process.execPath, [join(APP, 'build.mjs'), '--out', OUT], { stdio: 'pipe' });
  execFileSync(
    process.execPath,
    [join(APP, 'scripts', 'package.mjs'), '--dist', join(OUT, 'dist'), '--out', PKG, '--service-url', SERVICE],
    { stdio: 'pipe' },
  );
}, 180_000);

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((entry) => {
      const path = join(d, entry);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return walk(dir)
    .map((p) => relative(dir, p))
    .sort();
}

/** Width and height from a PNG's signature and IHDR chunk (throws when it is not a PNG). */
function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!b.subarray(0, 8).equals(signature) || b.toString('latin1', 12, 16) !== 'IHDR')
    throw new Error(`${file}: not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** The scripts a packaged index.html loads (its loader's modern and ES5 bundles, any tag). */
function scriptsOf(dir: string): string[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  return [...html.matchAll(/load\('\.\/([^']+)'|<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? m[2] ?? '');
}

function expectTheAppInside(dir: string): void {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  expect(html).toContain(`<meta name="cite-tv-service" content="${SERVICE}">`);
  const scripts = scriptsOf(dir);
  expect(scripts.some((s) => /^main-.+\.js$/.test(s))).toBe(true);
  expect(scripts.some((s) => /^app-.+\.js$/.test(s))).toBe(true);
  for (const s of scripts) expect(existsSync(join(dir, s))).toBe(true);
  // The ES5 path adds hls.js's ES5 build by its page-relative name; the fonts ship too.
  expect(existsSync(join(dir, 'hls.min.js'))).toBe(true);
  expect(filesUnder(join(dir, 'fonts')).length).toBe(3);
  expect(existsSync(join(dir, 'meta.json'))).toBe(false);
}

// ---- Samsung Tizen ---------------------------------------------------------------------------

const TIZEN_PACKAGE_ID = /^[0-9a-zA-Z]{10}$/;
const TIZEN_APP_ID = /^[0-9a-zA-Z]{10}\.[0-9a-zA-Z]{1,52}$/;

type XmlNode = Record<string, unknown>;
function tizenConfig(): XmlNode {
  const xml = readFileSync(join(PKG, 'tizen', 'config.xml'), 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (name) => ['tizen:privilege', 'access', 'icon', 'content', 'tizen:application'].includes(name),
  });
  const doc = parser.parse(xml) as XmlNode;
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  expect(roots).toEqual(['widget']);
  return doc.widget as XmlNode;
}

function attr(node: unknown, name: string): string {
  const value = (node as XmlNode)[`@${name}`];
  if (typeof value !== 'string') throw new Error(`no ${name} attribute`);
  return value;
}

test('Tizen config.xml: a W3C widget with the Tizen namespace, a valid application id and version', () => {
  const widget = tizenConfig();
  expect(attr(widget, 'xmlns')).toBe('http://www.w3.org/ns/widgets');
  expect(attr(widget, 'xmlns:tizen')).toBe('http://tizen.org/ns/widgets');
  expect(() => new URL(attr(widget, 'id'))).not.toThrow(); // a widget id is an IRI
  expect(attr(widget, 'version')).toMatch(/^\d{1,3}\.\d{1,3}\.\d{1,5}$/);
  const apps = widget['tizen:application'] as XmlNode[];
  expect(apps).toHaveLength(1);
  const application = itemAt(apps, 0);
  expect(attr(application, 'id')).toMatch(TIZEN_APP_ID);
  expect(attr(application, 'package')).toMatch(TIZEN_PACKAGE_ID);
  expect(attr(application, 'id').startsWith(`${attr(application, 'package')}.`)).toBe(true);
  expect(attr(application, 'required_version')).toMatch(/^\d+\.\d+$/);
  expect(attr(widget['tizen:profile'], 'name')).toBe('tv-samsung');
  expect(typeof widget.name).toBe('string');
  // The format check itself rejects what Tizen's installer rejects.
  expect('CiteTv.app').not.toMatch(TIZEN_APP_ID);
  expect('CiteTvApp1.Cite-TV').not.toMatch(TIZEN_APP_ID);
});

test('Tizen config.xml: the remote-key privilege, settings, the edge as the one access origin, content and icon in the package', () => {
  const widget = tizenConfig();
  const privileges = (widget['tizen:privilege'] as XmlNode[]).map((p) => attr(p, 'name'));
  expect(privileges).toContain('http://tizen.org/privilege/tv.inputdevice');
  expect(privileges).toContain('http://tizen.org/privilege/internet');
  expect(attr(widget['tizen:setting'], 'screen-orientation')).toBe('landscape');
  expect(attr(widget['tizen:setting'], 'hwkey-event')).toBe('enable');
  const access = (widget.access as XmlNode[]).map((a) => attr(a, 'origin'));
  expect(access).toEqual([new URL(SERVICE).origin]);

  const dir = join(PKG, 'tizen');
  const [content] = widget.content as XmlNode[];
  expect(existsSync(join(dir, attr(content, 'src')))).toBe(true);
  const [icon] = widget.icon as XmlNode[];
  expect(pngSize(join(dir, attr(icon, 'src')))).toEqual({ width: 512, height: 423 });
  expectTheAppInside(dir);
});

test('Tizen .wgt: a valid zip, config.xml at its root, exactly the files of the package folder', () => {
  const wgt = readFileSync(join(PKG, 'CiteTV.wgt'));
  expect(wgt.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  const entries = unzipSync(new Uint8Array(wgt)); // throws on a damaged archive
  expect(Object.keys(entries)).toContain('config.xml');
  const dir = join(PKG, 'tizen');
  expect(Object.keys(entries).sort()).toEqual(filesUnder(dir));
  for (const name of ['config.xml', 'index.html', 'icon.png']) {
    const entry = entries[name];
    expect(entry && Buffer.from(entry).equals(readFileSync(join(dir, name)))).toBe(true);
  }
  // Debian's unzip, when installed, agrees it is sound.
  if (existsSync('/usr/bin/unzip'))
    expect(execFileSync('/usr/bin/unzip', ['-tq', join(PKG, 'CiteTV.wgt')], { encoding: 'utf8' })).toMatch(
      /No errors detected/,
    );
});

// ---- LG webOS --------------------------------------------------------------------------------

/** appinfo.json as LG documents it for a web app (strict: a misspelt key would be ignored by the TV). */
const WEBOS_RESERVED = /^(com\.palm|com\.webos|com\.lge|com\.palmdts)(\.|$)/;
const webOSVersionPart = '(0|[1-9]\\d{0,8})';
const AppInfo = z
  .object({
    id: z
      .string()
      // LG's CLI: lowercase letters, digits, + - and periods; reverse DNS: at least two labels.
      .regex(/^[a-z0-9][a-z0-9+-]*(\.[a-z0-9][a-z0-9+-]*)+$/, 'reverse-DNS: lowercase letters, digits, + - and .')
      .refine((id) => !WEBOS_RESERVED.test(id), 'reserved prefix'),
    version: z.string().regex(new RegExp(`^${webOSVersionPart}\\.${webOSVersionPart}\\.${webOSVersionPart}$`)),
    vendor: z.string().min(1),
    type: z.literal('web'),
    main: z.string().min(1),
    title: z.string().min(1),
    icon: z.string().min(1),
    largeIcon: z.string().min(1),
    bgColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/)
      .optional(),
    resolution: z.enum(['1920x1080', '1280x720']),
    disallowScrollingInMainFrame: z.boolean(),
    disableBackHistoryAPI: z.boolean().optional(),
  })
  .strict();

test('webOS appinfo.json: valid against the documented fields; main, icons (80 and 130 px PNG) in the folder', () => {
  const dir = join(PKG, 'webos');
  const appinfo = AppInfo.parse(JSON.parse(readFileSync(join(dir, 'appinfo.json'), 'utf8')));
  expect(appinfo.resolution).toBe('1920x1080');
  expect(appinfo.disallowScrollingInMainFrame).toBe(true);
  // Back (461) reaches the app's page stack instead of the page history.
  expect(appinfo.disableBackHistoryAPI).toBe(true);
  expect(existsSync(join(dir, appinfo.main))).toBe(true);
  expect(pngSize(join(dir, appinfo.icon))).toEqual({ width: 80, height: 80 });
  expect(pngSize(join(dir, appinfo.largeIcon))).toEqual({ width: 130, height: 130 });
  expectTheAppInside(dir);
  // The schema refuses what the store refuses.
  expect(AppInfo.safeParse({ ...appinfo, id: 'Cite TV' }).success).toBe(false);
  expect(AppInfo.safeParse({ ...appinfo, id: 'com.lge.citetv' }).success).toBe(false);
  expect(AppInfo.safeParse({ ...appinfo, version: '1.0' }).success).toBe(false);
  expect(AppInfo.safeParse({ ...appinfo, resolution: '1920X1080' }).success).toBe(false);
});

// ---- hosted, and the one build --------------------------------------------------------------

test('hosted launchers open the edge with the platform named (RDK/WPE, Android TV WebView)', () => {
  const dir = join(PKG, 'hosted');
  for (const platform of ['rdk', 'androidtv']) {
    const html = readFileSync(join(dir, `${platform}.html`), 'utf8');
    const target = `${SERVICE}?platform=${platform}`;
    expect(html).toContain(`location.replace(${JSON.stringify(target)})`);
    expect(html).toContain(`<meta http-equiv="refresh" content="0; url=${target}">`);
  }
  const launch = JSON.parse(readFileSync(join(dir, 'launch.json'), 'utf8')) as { urls: Record<string, string> };
  expect(launch.urls).toEqual({ rdk: `${SERVICE}?platform=rdk`, androidtv: `${SERVICE}?platform=androidtv` });
});

test('every package carries the one build unchanged, and its initial JS stays within 150 KB gzipped', () => {
  const dist = join(OUT, 'dist');
  const built = filesUnder(dist).filter((f) => f !== 'index.html' && f !== 'meta.json');
  for (const dir of ['tizen', 'webos']) {
    for (const f of built) expect(readFileSync(join(PKG, dir, f)).equals(readFileSync(join(dist, f)))).toBe(true);
  }
  const main = itemAt(
    scriptsOf(join(PKG, 'tizen')).filter((s) => s.startsWith('main-')),
    0,
  );
  const code = readFileSync(join(PKG, 'tizen', main), 'utf8');
  const statics = [...code.matchAll(/(?:^|[;\s])import\s*(?:[^'"]*?from\s*)?"(\.\/chunks\/[^"]+)"/g)].map((m) =>
    itemAt(m, 1),
  );
  const size = [main, ...statics].reduce((sum, f) => sum + gzipSync(readFileSync(join(PKG, 'tizen', f))).length, 0);
  expect(size).toBeLessThanOrEqual(BUDGET_GZIP);
});
