// Constants esbuild defines at build time (see tv-app/build.mjs).
declare const __TEST_BUILD__: boolean;
/** [family, woff2 file name] of the bundled fonts, copied to `fonts/` next to the bundle. */
declare const __FONTS__: [string, string][];
/** True in the Chrome-38-class build (dist-legacy/): no ES modules, hls.js as a plain script. */
declare const __LEGACY_BUILD__: boolean;
