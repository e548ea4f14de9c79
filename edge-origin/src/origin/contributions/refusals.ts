// Every refusal a spectator (or the staff) can get from the participative screen, in French, in
// one place: its HTTP status, a stable code for programs and a sentence for people. The phone page
// shows the sentence as it is.
import type { Context } from 'hono';
import { apiError } from '../http/api-errors.ts';

export type RefusalStatus = 400 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503 | 507;

export class ContributionError extends Error {
  constructor(
    readonly status: RefusalStatus,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Seconds before trying again (429, 503 busy): sent as Retry-After. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} Mo`;
const frTime = (iso: string) =>
  new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
const wait = (seconds: number) =>
  seconds >= 120 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconde${seconds > 1 ? 's' : ''}`;

export const refuse = {
  unknownEvent: () => new ContributionError(404, 'unknown_event', 'Cet événement n’existe pas (vérifiez l’adresse).'),
  noWindow: () => new ContributionError(403, 'window_closed', 'Les envois ne sont pas ouverts pour cet événement.'),
  notYetOpen: (opensAt: string) =>
    new ContributionError(403, 'window_closed', `Les envois ouvrent le ${frTime(opensAt)}. À tout à l’heure !`),
  closed: (closesAt: string) =>
    new ContributionError(
      403,
      'window_closed',
      `Les envois sont fermés depuis le ${frTime(closesAt)}. Merci d’avoir participé !`,
    ),
  notMultipart: () =>
    new ContributionError(415, 'not_multipart', 'Formulaire attendu (multipart/form-data) avec une photo.', 'body'),
  missingPhoto: () => new ContributionError(400, 'missing_photo', 'Ajoutez une photo.', 'photo'),
  emptyPhoto: () => new ContributionError(400, 'missing_photo', 'La photo est vide.', 'photo'),
  tooHeavy: (size: number, max: number) =>
    new ContributionError(413, 'too_large', `Photo trop lourde (${mb(size)}) : ${mb(max)} au plus.`, 'photo'),
  tooManyPixels: (width: number, height: number, max: number) =>
    new ContributionError(
      413,
      'too_many_pixels',
      `Photo trop grande (${width} × ${height} pixels) : ${Math.round(max / 1e6)} millions de pixels au plus.`,
      'photo',
    ),
  notAnImage: () =>
    new ContributionError(415, 'unsupported_image', 'Ce fichier n’est pas une photo JPEG, PNG, WebP ou HEIC.', 'photo'),
  heicUnsupported: () =>
    new ContributionError(
      415,
      'unsupported_image',
      'Les photos HEIC ne sont pas encore acceptées : choisissez « Le plus compatible » (JPEG) dans les réglages de l’appareil photo, ou envoyez une capture d’écran.',
      'photo',
    ),
  unreadable: () =>
    new ContributionError(
      422,
      'unreadable_image',
      'Photo illisible (fichier abîmé ou incomplet) : réessayez avec une autre.',
      'photo',
    ),
  missingName: () => new ContributionError(400, 'missing_name', 'Indiquez votre prénom.', 'firstName'),
  nameTooLong: (max: number) =>
    new ContributionError(400, 'name_too_long', `Prénom trop long : ${max} caractères au plus.`, 'firstName'),
  messageTooLong: (max: number) =>
    new ContributionError(400, 'message_too_long', `Message trop long : ${max} caractères au plus.`, 'message'),
  termsNotAccepted: () =>
    new ContributionError(
      400,
      'terms_not_accepted',
      'Cochez la case pour accepter que la chaîne montre votre photo à l’écran et à l’antenne.',
      'terms',
    ),
  badDevice: () =>
    new ContributionError(400, 'invalid_device', 'Identifiant d’appareil manquant : rechargez la page.', 'deviceId'),
  banned: () =>
    new ContributionError(403, 'device_banned', 'Cet appareil ne peut plus envoyer de photos pour cet événement.'),
  deviceRate: (retryAfter: number) =>
    new ContributionError(
      429,
      'rate_limited',
      `Vous avez beaucoup envoyé depuis ce téléphone : réessayez dans ${wait(retryAfter)}.`,
      undefined,
      retryAfter,
    ),
  addressRate: (retryAfter: number) =>
    new ContributionError(
      429,
      'rate_limited',
      `Trop d’envois depuis ce réseau : réessayez dans ${wait(retryAfter)}.`,
      undefined,
      retryAfter,
    ),
  eventFull: () =>
    new ContributionError(
      409,
      'event_full',
      'L’écran a reçu toutes les photos qu’il peut montrer pour cet événement. Merci !',
    ),
  storageFull: () =>
    new ContributionError(
      507,
      'storage_full',
      'Plus de place pour de nouvelles photos pour le moment : réessayez plus tard.',
    ),
  busy: (retryAfter: number) =>
    new ContributionError(
      503,
      'busy',
      `Beaucoup de photos arrivent en même temps : rien n’a été envoyé, réessayez dans ${wait(retryAfter)}.`,
      undefined,
      retryAfter,
    ),
  storeUnavailable: () =>
    new ContributionError(
      503,
      'store_unavailable',
      'Service momentanément indisponible : rien n’a été enregistré, réessayez.',
    ),
  unknownCode: () =>
    new ContributionError(404, 'unknown_code', 'Code inconnu (ou contribution déjà supprimée).', 'code'),
  notApproved: () => new ContributionError(409, 'not_approved', 'Seule une contribution approuvée peut être épinglée.'),
  unknownContribution: () => new ContributionError(404, 'unknown_contribution', 'Contribution inconnue.'),
  badWindow: () =>
    new ContributionError(400, 'invalid_window', 'La fermeture doit venir après l’ouverture.', 'closesAt'),
  conflict: () =>
    new ContributionError(409, 'conflict', 'Modifié en même temps par quelqu’un d’autre : rechargez et recommencez.'),
} as const;

/** What the phone page shows once sent. */
export const SENT_MESSAGE = 'Envoyé ! Il sera peut-être bientôt sur l’écran géant';

export function contributionErrorResponse(c: Context, error: ContributionError): Response {
  c.header('Cache-Control', 'no-store');
  if (error.retryAfter !== undefined) c.header('Retry-After', String(error.retryAfter));
  return apiError(c, error.status, error.code, error.message, error.field);
}
