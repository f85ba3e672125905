// `linernotes rules export FILE` and `rules import FILE [--apply]`: the active genre rules version as a
// JSON file, and a file read back as a proposal with its preview (applied, with a foreground
// cache-remerge run, only with --apply). A file that cannot be read or used changes nothing: exit code 2.
import { readFile, writeFile } from 'node:fs/promises';
import { findGenreRulesVersion } from '../cache/storage/genre-rules-versions.ts';
import { ActiveGenreRules } from '../cache/use-cases/active-genre-rules.ts';
import { applyGenreRulesVersion, proposeGenreRulesDocument } from '../cache/use-cases/genre-rules-changes.ts';
import {
  GenreRulesError,
  genreRulesDocumentFrom,
  parseGenreRulesDocument,
} from '../enrichment/genre-rules-document.ts';
import type { GenreRulesPreview } from '../enrichment/genre-rules-preview.ts';
import { openCommandContext } from './command-context.ts';
import { inputFileProblem, outputFileProblem } from './file-arguments.ts';
import { runJobCommand } from './run-job-command.ts';

const BAD_INPUT = 2;

export async function rulesExportCommand(file: string): Promise<number> {
  const problem = await outputFileProblem(file);
  if (problem !== undefined) {
    process.stderr.write(`linernotes: ${problem}\n`);
    return BAD_INPUT;
  }
  const context = await openCommandContext({ runtime: false });
  try {
    // On a new database, the first version is seeded as any process's start would.
    const genreRules = await ActiveGenreRules.start({
      prisma: context.db.prisma,
      config: context.config,
      logger: context.logger,
    });
    const version = await findGenreRulesVersion(context.db.prisma, genreRules.versionId);
    if (version === null) throw new Error(`genre rules version ${genreRules.versionId} vanished`);
    const document = genreRulesDocumentFrom(version.rules, `rules version ${version.id}`);
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
    process.stderr.write(`genre rules version ${version.id} written to ${file}\n`);
    return 0;
  } finally {
    await context.close();
  }
}

function printPreview(preview: GenreRulesPreview): void {
  process.stdout.write(`${preview.summary}\n`);
  for (const relabel of preview.relabels)
    process.stdout.write(`  ${relabel.from} → ${relabel.to}: ${relabel.artists} artists, ${relabel.albums} albums\n`);
  for (const genre of preview.lost)
    process.stdout.write(`  lost ${genre.genre}: ${genre.artists} artists, ${genre.albums} albums\n`);
  for (const genre of preview.gained)
    process.stdout.write(`  gained ${genre.genre}: ${genre.artists} artists, ${genre.albums} albums\n`);
}

export async function rulesImportCommand(file: string, options: { apply: boolean; json: boolean }): Promise<number> {
  const problem = await inputFileProblem(file);
  if (problem !== undefined) {
    process.stderr.write(`linernotes: ${problem}\n`);
    return BAD_INPUT;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    process.stderr.write(`linernotes: cannot read ${file}: ${(error as Error).message}\n`);
    return BAD_INPUT;
  }
  let document: ReturnType<typeof parseGenreRulesDocument>;
  try {
    document = parseGenreRulesDocument(text, file);
  } catch (error) {
    if (!(error instanceof GenreRulesError)) throw error;
    for (const problem of error.problems) process.stderr.write(`linernotes: ${problem}\n`);
    return BAD_INPUT;
  }
  const context = await openCommandContext({ runtime: false });
  let appliedId: number | undefined;
  try {
    const { prisma } = context.db;
    const deps = {
      prisma,
      config: context.config,
      genreRules: await ActiveGenreRules.start({ prisma, config: context.config, logger: context.logger }),
    };
    let proposal: Awaited<ReturnType<typeof proposeGenreRulesDocument>>;
    try {
      proposal = await proposeGenreRulesDocument(deps, document, 'import');
    } catch (error) {
      if (!(error instanceof GenreRulesError)) throw error;
      for (const problem of error.problems) process.stderr.write(`linernotes: ${file}: ${problem}\n`);
      return BAD_INPUT;
    }
    if (options.json)
      process.stdout.write(`${JSON.stringify({ id: proposal.version.id, ...proposal.preview }, null, 2)}\n`);
    else {
      process.stdout.write(`proposed genre rules version ${proposal.version.id}\n`);
      printPreview(proposal.preview);
    }
    if (!options.apply) {
      process.stderr.write(
        `not applied: apply it with \`linernotes rules import ${file} --apply\` or applyGenreRules(id: "${proposal.version.id}")\n`,
      );
      return 0;
    }
    await applyGenreRulesVersion(deps, proposal.version.id);
    appliedId = proposal.version.id;
  } finally {
    await context.close();
  }
  process.stderr.write(`genre rules version ${appliedId} applied; re-merging the cache\n`);
  return await runJobCommand('cache-remerge', {});
}
