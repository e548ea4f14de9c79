// Every word the lower third shows besides the spectators' own, in French.
export const words = {
  label: 'Sur l’écran géant',
} as const;
