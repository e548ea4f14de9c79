// Start-up: detect the platform and its remote, attach the inspector in test builds,
// launch the Lightning app on a transparent 1920×1080 stage over the <video>.
import { Launch, Lightning } from '@lightningjs/sdk';
import { App } from './app/App.ts';
import { currentPlatform, exitApp, setUpRemote } from './platform/platform.ts';
import { prefetchHome } from './app/services.ts';
import { venueEventOf, platformLaunchParams } from './app/deep-link.ts';
import { parallelFontLoader, startFonts } from './startup/fonts.ts';

async function start(): Promise<void> {
  // The cold start's critical requests go first, side by side: the home's data (not on a
  // venue's wall, which has no home) and the fonts (cold start-up: tv-app/README.md).
  if (!venueEventOf(location.search, platformLaunchParams())) prefetchHome();
  startFonts(App.getFonts()).catch(() => undefined);
  const family = currentPlatform();
  const keys = setUpRemote(family);

  if (__TEST_BUILD__) {
    // Mirrors the render tree into the DOM so browser tests can read focus, test ids and text.
    await import('@lightningjs/core/inspector');
    (window as unknown as { attachInspector(lng: unknown): void }).attachInspector(Lightning);
  }

  const appSettings = {
    id: 'cite-tv',
    stage: { clearColor: 0x00000000 },
    keys,
    debug: false,
    enablePointer: false,
  };
  const platformSettings = {
    id: 'cite-tv',
    log: false,
    showVersion: false,
    onClose: () => exitApp(family),
    fontLoader: parallelFontLoader,
  };
  const app = Launch(App, appSettings, platformSettings);
  document.body.appendChild(app.stage.getCanvas());
}

void start();
