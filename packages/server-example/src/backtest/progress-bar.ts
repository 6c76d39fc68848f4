/** A one-line progress bar for stderr: redrawn in place, ended with a newline when complete. */
export function createProgressBar(
  write: (text: string) => void,
  label: string,
  width = 30,
): (done: number, total: number) => void {
  let drawn = -1;
  return (done, total) => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    // Redraw only when the bar moves or completes (a sweep may report thousands of runs).
    if (filled === drawn && done !== total) return;
    drawn = filled;
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    write(`\r${label} [${bar}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}
