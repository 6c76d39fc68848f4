/** Replaces every occurrence of `secret` in `text`, so an API key never reaches a message or log. */
export function redactSecret(text: string, secret: string): string {
  if (secret.length === 0) return text;
  return text.split(secret).join('[redacted]');
}

/** The longest failure message a model adapter puts in an error or a log, characters. */
export const MAX_FAILURE_MESSAGE_LENGTH = 400;

/**
 * A failure message safe to log: every secret removed (`redactSecret`), then cut to
 * `MAX_FAILURE_MESSAGE_LENGTH` characters with an ellipsis (a provider's error body can be long).
 */
export function safeFailureMessage(text: string, secrets: readonly string[]): string {
  const redacted = secrets.reduce((message, secret) => redactSecret(message, secret), text);
  return redacted.length > MAX_FAILURE_MESSAGE_LENGTH
    ? `${redacted.slice(0, MAX_FAILURE_MESSAGE_LENGTH)}…`
    : redacted;
}
