// The root component: a stack of pages (Back pops one and the page below gets its
// focus back exactly where it was), the opaque background hidden under the player,
// the key-repeat gate, and the keys that work everywhere (digits → channels).
import { Lightning } from '@lightningjs/sdk';
import { COLOR, STAGE } from '../ui/theme.ts';
import { createKeyRepeatGate } from '../navigation/key-repeat.ts';
import type { Navigator, Route } from './routes.ts';
import { HomePage } from '../pages/HomePage.ts';
import { PlayerPage } from '../pages/PlayerPage.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

interface StackEntry {
  route: Route;
  page: Lightning.Component;
}

export class App extends Lightning.Component<Loose> implements Navigator {
  private readonly stack: StackEntry[] = [];
  private readonly keyGate = createKeyRepeatGate(120);

  static getFonts(): { family: string; url: string }[] {
    return __FONTS__.map(([family, file]) => ({ family, url: `fonts/${file}` }));
  }

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w, h: STAGE.h,
      Background: {
        w: STAGE.w, h: STAGE.h, rect: true,
        colorTop: COLOR.background, colorBottom: 0xff05070d,
      },
      Pages: {},
    };
  }

  override _init(): void {
    this.open({ name: 'home' });
  }

  open(route: Route): void {
    const page = this.createPage(route);
    const previous = this.stack[this.stack.length - 1];
    this.stack.push({ route, page });
    // The page below stays alive (its focus memory is in it) but invisible: its
    // textures are no longer drawn and the texture manager may free them.
    if (previous) previous.page.visible = false;
    this.updateBackground();
    this._refocus();
  }

  back(): void {
    if (this.stack.length <= 1) return;
    const top = this.stack.pop()!;
    if (top.page instanceof PlayerPage) top.page.stop();
    this.tag('Pages').childList.remove(top.page);
    const below = this.stack[this.stack.length - 1]!;
    below.page.visible = true;
    this.updateBackground();
    this._refocus();
    this.stage.gc();
  }

  private createPage(route: Route): Lightning.Component {
    const pages = this.tag('Pages');
    switch (route.name) {
      case 'player':
        return pages.childList.a({ type: PlayerPage, nav: this, route }) as Lightning.Component;
      case 'home':
      default:
        return pages.childList.a({ type: HomePage, nav: this }) as Lightning.Component;
    }
  }

  private updateBackground(): void {
    const top = this.stack[this.stack.length - 1];
    this.tag('Background').visible = !(top && (top.page as { showsVideo?: boolean }).showsVideo);
  }

  /** Drops key repeats beyond one per 120 ms (no queue of moves after a long press). */
  override _captureKey(event: KeyboardEvent): boolean {
    const accepted = this.keyGate.accept(String(event.keyCode), event.repeat, performance.now());
    return !accepted; // true = consumed (dropped), false = let it through
  }

  override _captureKeyRelease(event: KeyboardEvent): boolean {
    this.keyGate.release(String(event.keyCode));
    return false;
  }

  override _handleBack(): boolean | void {
    if (this.stack.length > 1) this.back();
    else return false; // Home: the Application asks to close
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.stack[this.stack.length - 1]?.page;
  }
}
