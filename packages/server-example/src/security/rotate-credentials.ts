import type { CredentialCipher } from './credential-cipher';

/** A kind of sealed text the users' store holds, paged by user id and replaced by compare-and-set. */
interface SealedRows {
  page(afterUserId: string | null, limit: number): Promise<{ userId: string; encrypted: string }[]>;
  replace(userId: string, expected: string, encrypted: string): Promise<boolean>;
}

/** What a rotation needs of the user store (`@trd/store-postgres`'s repository has it). */
export interface RotatableCredentials {
  exchangeCredentialsPage(
    afterUserId: string | null,
    limit: number,
  ): Promise<{ userId: string; encrypted: string }[]>;
  replaceExchangeCredentials(userId: string, expected: string, encrypted: string): Promise<boolean>;
  notificationSettingsPage(
    afterUserId: string | null,
    limit: number,
  ): Promise<{ userId: string; encrypted: string }[]>;
  replaceNotificationSettings(userId: string, expected: string, encrypted: string): Promise<boolean>;
}

/** What a rotation did to one kind of sealed text. */
export interface RotationCounts {
  /** Re-encrypted under the current key. */
  rotated: number;
  /** Already under the current key. */
  current: number;
  /** Changed by their user while being rotated (stored under the current key by that change). */
  changedMeanwhile: number;
  /** Neither key opens them: left as they are, user ids only (never the ciphertext). */
  unreadable: string[];
}

/** The exchange credentials' counts, and the notification settings' (webhook secret, bot token). */
export interface RotationReport extends RotationCounts {
  notifications: RotationCounts;
}

/** Moves one sealed text to the current key: `null` when it already is; throws when no key opens it. */
type Reseal = (userId: string, sealed: string) => string | null;

/**
 * Re-encrypts every stored credential and every user's notification settings under the current
 * key, page by page, while the server keeps trading: each row is replaced only if unchanged
 * (compare-and-set), and a server that has both keys reads old and new rows alike. Safe to run
 * again; it never deletes anything.
 */
export async function rotateCredentials(
  users: RotatableCredentials,
  cipher: CredentialCipher,
  notifications: { reseal: Reseal },
  options: { pageSize?: number } = {},
): Promise<RotationReport> {
  const pageSize = options.pageSize ?? 500;
  const credentials = await rotateRows(
    {
      page: (after, limit) => users.exchangeCredentialsPage(after, limit),
      replace: (userId, expected, encrypted) => users.replaceExchangeCredentials(userId, expected, encrypted),
    },
    (userId, sealed) => cipher.reseal(userId, sealed),
    pageSize,
  );
  const settings = await rotateRows(
    {
      page: (after, limit) => users.notificationSettingsPage(after, limit),
      replace: (userId, expected, encrypted) =>
        users.replaceNotificationSettings(userId, expected, encrypted),
    },
    (userId, sealed) => notifications.reseal(userId, sealed),
    pageSize,
  );
  return { ...credentials, notifications: settings };
}

async function rotateRows(rows: SealedRows, reseal: Reseal, pageSize: number): Promise<RotationCounts> {
  const counts: RotationCounts = { rotated: 0, current: 0, changedMeanwhile: 0, unreadable: [] };
  for (let after: string | null = null; ; ) {
    const page = await rows.page(after, pageSize);
    for (const { userId, encrypted } of page) {
      let resealed: string | null;
      try {
        resealed = reseal(userId, encrypted);
      } catch {
        counts.unreadable.push(userId);
        continue;
      }
      if (resealed === null) counts.current++;
      else if (await rows.replace(userId, encrypted, resealed)) counts.rotated++;
      else counts.changedMeanwhile++;
    }
    if (page.length < pageSize) return counts;
    after = page.at(-1)!.userId;
  }
}

/** Whether anything was left unreadable under both keys. */
export function rotationLeftUnreadable(report: RotationReport): boolean {
  return report.unreadable.length > 0 || report.notifications.unreadable.length > 0;
}

/** One line for the log or the terminal: counts and user ids, never a ciphertext. */
export function formatRotationReport(report: RotationReport): string {
  return `CREDENTIALS_KEY rotation: exchange credentials ${formatCounts(report)}; notification settings ${formatCounts(report.notifications)}`;
}

function formatCounts(counts: RotationCounts): string {
  const unreadable =
    counts.unreadable.length === 0
      ? '0 unreadable'
      : `${counts.unreadable.length} unreadable under both keys (users ${counts.unreadable.join(', ')}: left as they are)`;
  return `${counts.rotated} re-encrypted, ${counts.current} already under the new key, ${counts.changedMeanwhile} changed meanwhile, ${unreadable}`;
}
