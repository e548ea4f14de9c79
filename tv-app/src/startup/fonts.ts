// The app's fonts, all fetched at once from the first line of start-up. The SDK's own loader
// fetches them one after the other and only once Launch has run: measured in this machine's
// Chromium, the three fonts took 330 → 905 ms of a cold start, before the home could even ask
// for its data. Started here, they download while Lightning sets up its WebGL stage.

interface FontSpec {
  family: string;
  url: string;
}

let started: { faces: FontFace[]; ready: Promise<unknown> } | null = null;

/** Starts loading every font now (once); later calls return the same loads. */
export function startFonts(fonts: FontSpec[]): Promise<unknown> {
  if (!started) {
    const faces = fonts.map(({ family, url }) => new FontFace(family, `url(${url})`));
    for (const face of faces) document.fonts.add(face);
    started = { faces, ready: Promise.all(faces.map((face) => face.load())) };
  }
  return started.ready;
}

/**
 * The SDK's `platformSettings.fontLoader`: the loads started above (the SDK keeps the faces in
 * `store` to remove them when the app closes).
 */
export function parallelFontLoader(fonts: FontSpec[], store: FontFace[]): Promise<unknown> {
  const ready = startFonts(fonts);
  store.push(...(started?.faces ?? []));
  return ready;
}
