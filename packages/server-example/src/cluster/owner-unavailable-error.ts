/**
 * The process that trades a user did not answer a command in time (it is stopping, dying, or
 * overloaded): the caller gets 503 with `Retry-After`. The command may still take effect there;
 * a retry sees the outcome (a closed trade answers 409).
 */
export class OwnerUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(
    message: string,
    /** Seconds after which a retry is likely to reach the owner or its successor. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'OwnerUnavailableError';
  }
}
