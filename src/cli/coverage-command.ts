// `linernotes coverage`: how complete the cache's metadata is, as tables or JSON.
import { type EntityCoverage, getCoverageReport } from '../cache/use-cases/coverage/get-coverage-report.ts';
import { enrichmentSettingsFromConfig } from '../enrichment/settings.ts';
import { openCommandContext } from './command-context.ts';
import { formatTable } from './format-table.ts';

const AMBIGUOUS_SAMPLE = 10;

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function sharesRow(name: string, coverage: EntityCoverage): Array<string | number> {
  const cell = (value: { entries: number; share: number }) => `${value.entries} (${percent(value.share)})`;
  return [
    name,
    coverage.total,
    cell(coverage.withGenres),
    cell(coverage.withMoods),
    cell(coverage.withAudioFeatures),
    cell(coverage.nobodyKnew),
    cell(coverage.ambiguous),
  ];
}

export async function coverageCommand(options: { json: boolean; tags: number }): Promise<number> {
  const context = await openCommandContext({ runtime: false });
  try {
    const { rules } = enrichmentSettingsFromConfig(context.config.genres);
    const report = await getCoverageReport(context.db.pool, rules, {
      tagLimit: options.tags,
      ambiguousSample: AMBIGUOUS_SAMPLE,
    });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const tables = [
      ['artists', report.artists],
      ['albums', report.albums],
      ['tracks', report.tracks],
    ] as const;
    const lines = [
      formatTable(
        ['TABLE', 'ENTRIES', 'WITH GENRES', 'WITH MOODS', 'WITH AUDIO FEATURES', 'NOBODY KNEW', 'AMBIGUOUS'],
        tables.map(([name, coverage]) => sharesRow(name, coverage)),
      ),
      '',
      ...tables.map(
        ([name, coverage]) =>
          `${name} by source: ${coverage.bySource.map((row) => `${row.source} ${row.entries} (${percent(row.share)})`).join(', ') || '-'}`,
      ),
      `ambiguous artists: ${report.ambiguousArtists.join(', ') || '-'}`,
      '',
      report.tagCandidates.length === 0
        ? 'no raw tags the genre rules drop or leave unmapped'
        : formatTable(
            ['RAW TAG', 'REASON', 'ENTRIES', 'ARTISTS', 'ALBUMS', 'PROVIDERS'],
            report.tagCandidates.map((tag) => [
              tag.tag,
              tag.reason,
              tag.entries,
              tag.artists,
              tag.albums,
              tag.providers.join(','),
            ]),
          ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await context.close();
  }
}
