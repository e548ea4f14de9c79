// Every word the phone page shows, in French. The server's refusals come with their own sentence
// (contributions/refusals.ts), shown as they are.
export const words = {
  sent: 'Envoyé ! Il sera peut-être bientôt sur l’écran géant',
  sending: (percent: number) => `Envoi… ${percent} %`,
  send: 'Envoyer',
  retryIn: (seconds: number) => `Réessayer dans ${seconds} s`,
  needPhoto: 'Ajoutez une photo.',
  needName: 'Indiquez votre prénom.',
  needTerms: 'Cochez la case pour accepter que la chaîne montre votre photo.',
  tooLong: (max: number) => `Message trop long : ${max} caractères au plus.`,
  counter: (n: number, max: number) => `${n} / ${max}`,
  network: 'Pas de réseau ou connexion coupée : réessayez.',
  unknownEvent: 'Cet événement n’existe pas (vérifiez l’adresse).',
  notOpen: 'Les envois ne sont pas ouverts pour cet événement.',
  opensAt: (when: string) => `Les envois ouvrent le ${when}. À tout à l’heure !`,
  closedAt: (when: string) => `Les envois sont fermés. Merci d’avoir participé !${when ? ` (depuis le ${when})` : ''}`,
  deleted: 'Votre photo est supprimée.',
  confirmDelete: 'Supprimer votre photo ? Elle ne sera plus montrée.',
} as const;
