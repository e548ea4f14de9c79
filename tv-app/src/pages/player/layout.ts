// Where the player's parts sit: the bar and the panels share the title-safe width, and the
// panels (tracks, chapters) the same dark rounded background, reaching 40 px past it.
import { Lightning } from '@lightningjs/sdk';
import { SAFE, STAGE } from '../../ui/theme.ts';

/** The progress bar's width, and the panels' content width. */
export const BAR_W = STAGE.w - 2 * SAFE.x;

/** A panel's background, `h` high, behind content laid out from (0, 0). */
export function panelBackground(h: number): Lightning.Element.PatchTemplate<Lightning.Element.TemplateSpecLoose> {
  return {
    x: -40,
    y: -30,
    w: BAR_W + 80,
    h,
    rect: true,
    color: 0xe6101522,
    shader: { type: Lightning.shaders.RoundedRectangle, radius: 20 },
  };
}
