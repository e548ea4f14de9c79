// Settings: language, subtitles by default, autoplay of the next highlight, voice
// guidance. OK (or Left/Right) changes the focused setting; it is saved at once
// (SDK Storage) and the page redraws in the new language.
import { Lightning } from '@lightningjs/sdk';
import { setVoiceGuidance } from '../app/voice-guidance.ts';
import { COLOR, FONT, SAFE, STAGE, TYPE } from '../ui/theme.ts';
import { preferences } from '../app/services.ts';
import { setLanguage, t, type MessageKey } from '../i18n/index.ts';
import { setTestId } from '../ui/test-id.ts';
import type { Preferences } from '../settings/preferences.ts';

type Loose = Lightning.Component.TemplateSpecLoose;

type SettingKey = keyof Preferences;

const SETTINGS: { key: SettingKey; label: MessageKey }[] = [
  { key: 'language', label: 'settings.language' },
  { key: 'subtitles', label: 'settings.subtitles' },
  { key: 'autoplayNextHighlight', label: 'settings.autoplay' },
  { key: 'voiceGuidance', label: 'settings.voice' },
];

const ROW = { w: 1200, h: 104, gap: 16 } as const;

function valueLabel(prefs: Preferences, key: SettingKey): string {
  if (key === 'language') return prefs.language === 'fr' ? t('lang.fr') : t('lang.en');
  return prefs[key] ? t('settings.on') : t('settings.off');
}

class SettingRow extends Lightning.Component<Loose> {
  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: ROW.w,
      h: ROW.h,
      rect: true,
      color: COLOR.surface,
      shader: { type: Lightning.shaders.RoundedRectangle, radius: 14 },
      Label: {
        x: 40,
        y: ROW.h / 2 + 2,
        mountY: 0.5,
        text: { text: '', fontFace: FONT.semibold, fontSize: TYPE.heading, textColor: COLOR.text },
      },
      Value: {
        x: ROW.w - 40,
        y: ROW.h / 2 + 2,
        mountX: 1,
        mountY: 0.5,
        text: { text: '', fontFace: FONT.bold, fontSize: TYPE.heading, textColor: COLOR.text },
      },
    };
  }
  set setting({ id, label, value }: { id: string; label: string; value: string }) {
    setTestId(this, `setting-${id}`);
    this.tag('Label').text.text = label;
    this.tag('Value').text.text = `‹ ${value} ›`;
  }
  get announce(): string {
    return `${this.tag('Label').text.text as string}, ${this.tag('Value').text.text as string}`;
  }
  override _focus(): void {
    this.color = COLOR.focus;
    this.tag('Label').text.textColor = 0xff000000;
    this.tag('Value').text.textColor = 0xff000000;
  }
  override _unfocus(): void {
    this.color = COLOR.surface;
    this.tag('Label').text.textColor = COLOR.text;
    this.tag('Value').text.textColor = COLOR.text;
  }
}

export class SettingsPage extends Lightning.Component<Loose> {
  private index = 0;

  static override _template(): Lightning.Component.Template<Loose> {
    return {
      w: STAGE.w,
      h: STAGE.h,
      Title: {
        x: SAFE.x,
        y: SAFE.y,
        text: { text: '', fontFace: FONT.bold, fontSize: TYPE.title, textColor: COLOR.text },
      },
      Rows: { x: SAFE.x, y: SAFE.y + 110 },
    };
  }

  set nav(_navigator: unknown) {
    // Settings never navigates: Back (handled by the App) leaves it.
  }

  override _init(): void {
    setTestId(this, 'page-settings');
    this.tag('Rows').children = SETTINGS.map((_, i) => ({ type: SettingRow, y: i * (ROW.h + ROW.gap) }));
    this.render();
  }

  private render(): void {
    const prefs = preferences.get();
    this.tag('Title').text.text = t('settings.title');
    SETTINGS.forEach((s, i) => {
      (this.tag('Rows').children[i] as SettingRow).setting = {
        id: s.key,
        label: t(s.label),
        value: valueLabel(prefs, s.key),
      };
    });
  }

  private change(): void {
    const setting = SETTINGS[this.index];
    if (!setting) return;
    const prefs = preferences.get();
    const patch: Partial<Preferences> =
      setting.key === 'language'
        ? { language: prefs.language === 'fr' ? 'en' : 'fr' }
        : { [setting.key]: !prefs[setting.key] };
    const next = preferences.update(patch);
    setLanguage(next.language);
    setVoiceGuidance(next.voiceGuidance);
    this.render();
  }

  override _handleEnter(): void {
    this.change();
  }
  override _handleLeft(): void {
    this.change();
  }
  override _handleRight(): void {
    this.change();
  }
  override _handleUp(): void {
    this.index = Math.max(0, this.index - 1);
    this._refocus();
  }
  override _handleDown(): void {
    this.index = Math.min(SETTINGS.length - 1, this.index + 1);
    this._refocus();
  }

  override _getFocused(): Lightning.Component | undefined {
    return this.tag('Rows').children[this.index] as Lightning.Component | undefined;
  }
}
