// Voice guidance: the SDK Announcer works out what to read when focus moves (the focused
// components' `announce` / `title`, debounced); this module makes it speak in the app's
// language (the SDK's speech defaults to en-US, which mangles French titles).
import { Accessibility } from '@lightningjs/sdk';
import { getLanguage } from '../i18n/index.ts';

const VOICE_LANG = { fr: 'fr-FR', en: 'en-GB' } as const;

function speak(text: string | string[]): void {
  const synth = window.speechSynthesis;
  if (!synth || typeof SpeechSynthesisUtterance !== 'function') return;
  synth.cancel(); // the newest focus wins: never a backlog of old titles
  for (const phrase of ([] as string[]).concat(text).filter(Boolean)) {
    const utterance = new SpeechSynthesisUtterance(phrase);
    utterance.lang = VOICE_LANG[getLanguage()];
    synth.speak(utterance);
  }
}

export function setVoiceGuidance(enabled: boolean): void {
  const announcer = Accessibility.Announcer;
  announcer.speak = speak;
  announcer.enabled = enabled;
  if (!enabled) window.speechSynthesis?.cancel();
}

/**
 * Reads out something that is not a focus change (a dialog's question, the network banner, the
 * player's state), when voice guidance is on.
 */
export function announce(text: string): void {
  if (Accessibility.Announcer.enabled && text.trim()) speak(text);
}
