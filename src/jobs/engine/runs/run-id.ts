/** A run id as a door receives it (API argument, CLI argument): the decimal id runs show. Anything else names no run. */
export function parseRunId(id: string | number): number | null {
  const text = String(id).trim();
  if (!/^\d{1,10}$/.test(text)) return null;
  const value = Number(text);
  // job_runs.id is a PostgreSQL integer.
  return value > 0 && value <= 2_147_483_647 ? value : null;
}
