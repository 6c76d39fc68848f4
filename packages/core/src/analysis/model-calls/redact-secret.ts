/** Replaces every occurrence of `secret` in `text`, so an API key never reaches a message or log. */
export function redactSecret(text: string, secret: string): string {
  if (secret.length === 0) return text;
  return text.split(secret).join('[redacted]');
}
