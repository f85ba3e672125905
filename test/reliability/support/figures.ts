// The suite prints what it measured, one line per figure, so a CI log shows more than pass or fail.
export function printFigures(scenario: string, figures: Record<string, number | string | boolean>): void {
  const parts = Object.entries(figures).map(([name, value]) => `${name}=${value}`);
  process.stdout.write(`[reliability] ${scenario}: ${parts.join(' ')}\n`);
}
