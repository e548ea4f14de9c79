// The TV store packages, from the one build in dist/ (npm run build -w tv-app first):
//   node scripts/package.mjs [--service-url https://tv.example.fr/] [--dist dir] [--out dir]
//                            [--webos-tv-js path/to/webOSTV.js]
//   dist-packages/tizen/         Samsung Tizen widget: config.xml, icon, the app
//   dist-packages/CiteTV.wgt     that folder zipped, unsigned (sign it with Samsung's certificate)
//   dist-packages/webos/         LG webOS app: appinfo.json, icons, the app (ares-package makes the .ipk)
//   dist-packages/hosted/        launchers for RDK/WPE and Android TV WebView: the app stays on the edge
// The packaged page is a local file on the TV: the edge it talks to (catalog, HLS, images) is the
// one value given here (--service-url, or CITE_TV_SERVICE_URL), written into its index.html as
// <meta name="cite-tv-service"> (src/platform/service-base.ts) and into config.xml's access origin.
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLBuilder } from 'fast-xml-parser';
import { zipSync } from 'fflate';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const store = JSON.parse(readFileSync(join(app, 'store', 'store.json'), 'utf8'));

function arg(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const DEV_EDGE = 'http://127.0.0.1:8080/';
const serviceInput = arg('service-url') ?? process.env.CITE_TV_SERVICE_URL;
if (!serviceInput)
  console.warn(`package: no --service-url / CITE_TV_SERVICE_URL, packaging for npm start's edge ${DEV_EDGE}`);
const service = new URL(serviceInput ?? DEV_EDGE);
if (service.protocol !== 'https:' && service.protocol !== 'http:')
  throw new Error(`package: ${service} is not http(s)`);
if (!service.pathname.endsWith('/')) service.pathname += '/';
const dist = arg('dist') ?? join(app, 'dist');
const out = arg('out') ?? join(app, 'dist-packages');
const webOSTvJs = arg('webos-tv-js');
if (!existsSync(join(dist, 'index.html'))) throw new Error(`package: no build in ${dist} (npm run build -w tv-app)`);

function escapeAttr(value) {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** The build's index.html with the edge's address (and, for webOS, LG's webOSTV.js before the app). */
function packagedIndex(extraHead = '') {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const meta = `<meta name="cite-tv-service" content="${escapeAttr(service.href)}">`;
  if (!html.includes('<meta charset="utf-8">')) throw new Error('package: index.html has no <meta charset>');
  return html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n${meta}${extraHead}`);
}

/** The build, less esbuild's metafile (the packages carry only what the TV loads). */
function copyApp(to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(dist)) {
    if (entry === 'meta.json' || entry === 'index.html') continue;
    cpSync(join(dist, entry), join(to, entry), { recursive: true });
  }
}

function filesUnder(dir) {
  const files = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else files.push(path);
  }
  return files.sort();
}

// ---- Samsung Tizen ------------------------------------------------------------------------

const xml = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
});

function tizenConfig() {
  const t = store.tizen;
  return xml.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    widget: {
      '@_xmlns': 'http://www.w3.org/ns/widgets',
      '@_xmlns:tizen': 'http://tizen.org/ns/widgets',
      '@_id': t.widgetId,
      '@_version': store.version,
      '@_viewmodes': 'maximized',
      'tizen:application': {
        '@_id': `${t.packageId}.${t.appName}`,
        '@_package': t.packageId,
        '@_required_version': t.requiredVersion,
      },
      'tizen:profile': { '@_name': 'tv-samsung' },
      name: store.name,
      description: store.description,
      author: { '@_href': store.vendorUrl, '#text': store.vendor },
      icon: { '@_src': 'icon.png' },
      content: { '@_src': 'index.html' },
      feature: { '@_name': 'http://tizen.org/feature/screen.size.all' },
      // The one network origin the app talks to (W3C widget access requests).
      access: { '@_origin': service.origin, '@_subdomains': 'false' },
      'tizen:privilege': [
        { '@_name': 'http://tizen.org/privilege/internet' },
        // registerKey for the media, colour and digit keys (platform/platform.ts).
        { '@_name': 'http://tizen.org/privilege/tv.inputdevice' },
      ],
      'tizen:setting': {
        '@_screen-orientation': 'landscape',
        '@_context-menu': 'disable',
        '@_background-support': 'disable',
        '@_encryption': 'disable',
        '@_install-location': 'auto',
        '@_hwkey-event': 'enable',
      },
    },
  });
}

function packageTizen() {
  const dir = join(out, 'tizen');
  copyApp(dir);
  writeFileSync(join(dir, 'index.html'), packagedIndex());
  copyFileSync(join(app, 'store', store.tizen.icon), join(dir, 'icon.png'));
  writeFileSync(join(dir, 'config.xml'), tizenConfig());
  // A .wgt is a zip with config.xml at its root; signing adds author-signature.xml and
  // signature1.xml (Tizen Studio's `tizen package -t wgt -s <profile>`, see README).
  const entries = {};
  for (const file of filesUnder(dir)) entries[relative(dir, file).split('\\').join('/')] = readFileSync(file);
  const wgt = join(out, `${store.tizen.appName}.wgt`);
  writeFileSync(wgt, zipSync(entries, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
  return wgt;
}

// ---- LG webOS -----------------------------------------------------------------------------

function packageWebOS() {
  const w = store.webos;
  const dir = join(out, 'webos');
  copyApp(dir);
  let extraHead = '';
  if (webOSTvJs) {
    // LG's library from the webOS TV SDK (not redistributed here): webOS.platformBack() etc.
    // Without it the app uses the engine's PalmSystem, which the library wraps.
    copyFileSync(webOSTvJs, join(dir, 'webOSTV.js'));
    extraHead = '\n<script src="webOSTV.js"></script>';
  }
  writeFileSync(join(dir, 'index.html'), packagedIndex(extraHead));
  copyFileSync(join(app, 'store', w.icon), join(dir, 'icon.png'));
  copyFileSync(join(app, 'store', w.largeIcon), join(dir, 'largeIcon.png'));
  const appinfo = {
    id: w.id,
    version: store.version,
    vendor: store.vendor,
    type: 'web',
    main: 'index.html',
    title: store.name,
    icon: 'icon.png',
    largeIcon: 'largeIcon.png',
    bgColor: w.bgColor,
    resolution: '1920x1080',
    disallowScrollingInMainFrame: true,
    // Back (461) comes to the app, whose page stack handles it (not the page history).
    disableBackHistoryAPI: true,
  };
  writeFileSync(join(dir, 'appinfo.json'), `${JSON.stringify(appinfo, null, 2)}\n`);
  return dir;
}

// ---- hosted: RDK/WPE, Android TV WebView -----------------------------------------------------

function hostedUrl(platform) {
  const url = new URL(service.href);
  url.searchParams.set('platform', platform);
  return url.href;
}

function launcher(platform) {
  const url = hostedUrl(platform);
  // Replaces itself (no history entry for Back to land on), in ES5 for any engine.
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>${store.name}</title>
<meta http-equiv="refresh" content="0; url=${escapeAttr(url)}">
<style>html, body { margin: 0; background: #000; }</style>
</head>
<body>
<script>location.replace(${JSON.stringify(url)});</script>
</body>
</html>
`;
}

function packageHosted() {
  const dir = join(out, 'hosted');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rdk.html'), launcher('rdk'));
  writeFileSync(join(dir, 'androidtv.html'), launcher('androidtv'));
  const manifest = {
    name: store.name,
    version: store.version,
    // What a device's browser or WebView opens: the app as the edge serves it.
    urls: { rdk: hostedUrl('rdk'), androidtv: hostedUrl('androidtv') },
    resolution: '1920x1080',
  };
  writeFileSync(join(dir, 'launch.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(app, 'store', store.webos.largeIcon), join(dir, 'icon.png'));
  return dir;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const wgt = packageTizen();
const webos = packageWebOS();
const hosted = packageHosted();
console.log(
  [
    `packages for ${service.href} in ${relative(process.cwd(), out) || '.'}:`,
    `  ${relative(out, wgt)} (unsigned) from tizen/`,
    `  ${relative(out, webos)}/ (ares-package ${relative(process.cwd(), webos)} makes the .ipk)`,
    `  ${relative(out, hosted)}/ (rdk.html, androidtv.html, launch.json)`,
  ].join('\n'),
);
