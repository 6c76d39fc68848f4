/** The TypeScript block under a README heading (the root README's engine example by default). */
export function extractReadmeExample(readme: string, heading = '## Use the engine in your app'): string {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`README has no "${heading}" section`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block?.[1]) throw new Error(`README's "${heading}" section has no \`\`\`ts block`);
  return `${block[1]}\nexport {};\n`;
}
