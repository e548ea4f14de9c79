// The venue screen's stand-in in the App's page stack while its chunk loads (VenuePage.ts:
// the sofa app's initial JS does not carry it, nor the QR code's library).
import { Lightning } from '@lightningjs/sdk';
import { STAGE } from '../ui/theme.ts';
import { loadVenuePage } from './venue-loader.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

/** A chunk that could not be fetched (the venue PC's network not up yet) is asked again. */
const RETRY_MS = 5_000;

export class VenueHost extends Lightning.Component<Loose> {
  readonly showsVideo = true;
  private page: Lightning.Component | null = null;

  static override _template(): Lightning.Component.Template<Loose> {
    return { w: STAGE.w, h: STAGE.h };
  }

  set eventId(id: string) {
    void this.attach(id);
  }

  private async attach(id: string): Promise<void> {
    try {
      const { VenuePage } = await loadVenuePage();
      this.page = this.childList.a({ type: VenuePage, eventId: id }) as Lightning.Component;
      this._refocus();
    } catch {
      setTimeout(() => void this.attach(id), RETRY_MS);
    }
  }

  override _handleKey(): boolean {
    return true;
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.page ?? this;
  }
}
