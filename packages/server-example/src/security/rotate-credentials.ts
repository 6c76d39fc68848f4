import type { CredentialCipher } from './credential-cipher';

/** What a rotation needs of the user store (`@trd/store-postgres`'s repository has it). */
export interface RotatableCredentials {
  exchangeCredentialsPage(
    afterUserId: string | null,
    limit: number,
  ): Promise<{ userId: string; encrypted: string }[]>;
  replaceExchangeCredentials(userId: string, expected: string, encrypted: string): Promise<boolean>;
}

export interface RotationReport {
  /** Re-encrypted under the current key. */
  rotated: number;
  /** Already under the current key. */
  current: number;
  /** Changed by their user while being rotated (stored under the current key by that change). */
  changedMeanwhile: number;
  /** Neither key opens them: left as they are, user ids only (never the ciphertext). */
  unreadable: string[];
}

/**
 * Re-encrypts every stored credential under the cipher's current key, page by page, while the
 * server keeps trading: each row is replaced only if unchanged (compare-and-set), and a server
 * that has both keys reads old and new rows alike. Safe to run again; it never deletes anything.
 */
export async function rotateCredentials(
  users: RotatableCredentials,
  cipher: CredentialCipher,
  options: { pageSize?: number } = {},
): Promise<RotationReport> {
  const pageSize = options.pageSize ?? 500;
  const report: RotationReport = { rotated: 0, current: 0, changedMeanwhile: 0, unreadable: [] };
  for (let after: string | null = null; ; ) {
    const page = await users.exchangeCredentialsPage(after, pageSize);
    for (const { userId, encrypted } of page) {
      let resealed: string | null;
      try {
        resealed = cipher.reseal(userId, encrypted);
      } catch {
        report.unreadable.push(userId);
        continue;
      }
      if (resealed === null) report.current++;
      else if (await users.replaceExchangeCredentials(userId, encrypted, resealed)) report.rotated++;
      else report.changedMeanwhile++;
    }
    if (page.length < pageSize) return report;
    after = page.at(-1)!.userId;
  }
}

/** One line for the log or the terminal: counts and user ids, never a ciphertext. */
export function formatRotationReport(report: RotationReport): string {
  const unreadable =
    report.unreadable.length === 0
      ? '0 unreadable'
      : `${report.unreadable.length} unreadable under both keys (users ${report.unreadable.join(', ')}: left as they are)`;
  return `CREDENTIALS_KEY rotation: ${report.rotated} re-encrypted, ${report.current} already under the new key, ${report.changedMeanwhile} changed meanwhile, ${unreadable}`;
}
