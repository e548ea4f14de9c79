// The SDK ships no types for the parts below (FIELD-NOTES): declared here as far as the app uses them.
import '@lightningjs/sdk';

declare module '@lightningjs/sdk' {
  export const Accessibility: {
    Announcer: {
      enabled: boolean;
      debug: boolean;
      speak: (text: string | string[], options?: { append?: boolean; notification?: boolean }) => unknown;
      cancel(): void;
      onFocusChange(focusPath: unknown[]): void;
    };
  };
}
