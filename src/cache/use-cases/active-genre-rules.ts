// The genre rules this process merges with: the active rules version, read at start (seeded on a new
// database) and again whenever any process applies a version (NOTIFY), so a merge costs no query. A
// notification sent while this process's LISTEN connection was down is lost, so the version is also
// re-read once a minute: one indexed query, and at worst a minute on the old rules.
import { genreRuleExtensions, type Config } from '../../config.ts';
import type { NotificationListener } from '../../db/notification-listener.ts';
import { buildGenreRulesFromDocument, type GenreRules } from '../../enrichment/genre-rules.ts';
import {
  type GenreRulesDocument,
  genreRulesDocumentFrom,
  seedGenreRulesDocument,
} from '../../enrichment/genre-rules-document.ts';
import { type EnrichmentSettings, enrichmentSettingsWithRules } from '../../enrichment/settings.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { Logger } from '../../logger.ts';
import {
  activeOrSeededGenreRulesVersion,
  GENRE_RULES_CHANNEL,
  type GenreRulesVersion,
} from '../storage/genre-rules-versions.ts';

export interface LoadedGenreRules {
  versionId: number;
  document: GenreRulesDocument;
  settings: EnrichmentSettings;
}

/** A stored version's document and rules; throws GenreRulesError when the stored document cannot be used. */
function loadGenreRulesVersion(version: GenreRulesVersion, genres: Config['genres']): LoadedGenreRules {
  const document = genreRulesDocumentFrom(version.rules, `rules version ${version.id}`);
  return {
    versionId: version.id,
    document,
    settings: enrichmentSettingsWithRules(genres, buildGenreRulesFromDocument(document)),
  };
}

/** How often the active version is re-read besides the notifications. */
const RECHECK_MS = 60_000;

export class ActiveGenreRules {
  private loaded: LoadedGenreRules;
  private unsubscribe: (() => void) | undefined;
  private recheck: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(
    private readonly deps: { prisma: PrismaClient; config: Config; logger: Logger },
    initial: LoadedGenreRules,
  ) {
    this.loaded = initial;
  }

  /** Reads (or seeds) the active version, then follows every version applied from now on. */
  static async start(deps: {
    prisma: PrismaClient;
    config: Config;
    logger: Logger;
    listener?: NotificationListener;
  }): Promise<ActiveGenreRules> {
    const read = async () =>
      loadGenreRulesVersion(
        await activeOrSeededGenreRulesVersion(deps.prisma, () =>
          seedGenreRulesDocument(genreRuleExtensions(deps.config.genres)),
        ),
        deps.config.genres,
      );
    const active = new ActiveGenreRules(deps, await read());
    // Subscribed before the second read, so a version applied in between is not missed.
    active.unsubscribe = await deps.listener?.subscribe(GENRE_RULES_CHANNEL, () => void active.reload());
    if (deps.listener !== undefined) {
      await active.reload();
      active.recheck = setInterval(() => void active.reload(), RECHECK_MS);
      // The re-read alone never keeps a process alive.
      active.recheck.unref();
    }
    return active;
  }

  get versionId(): number {
    return this.loaded.versionId;
  }

  get document(): GenreRulesDocument {
    return this.loaded.document;
  }

  get rules(): GenreRules {
    return this.loaded.settings.rules;
  }

  settings(): EnrichmentSettings {
    return this.loaded.settings;
  }

  /** Re-reads the active version; reloads run one after another, so the last read wins. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      try {
        const version = await activeOrSeededGenreRulesVersion(this.deps.prisma, () => this.loaded.document);
        if (version.id === this.loaded.versionId) return;
        this.loaded = loadGenreRulesVersion(version, this.deps.config.genres);
        this.deps.logger.info({ rulesVersion: version.id }, 'genre rules version now active');
      } catch (error) {
        // The rules in use stay: a merge with the last good rules beats no merge.
        this.deps.logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'could not load the active genre rules version; keeping the rules in use',
        );
      }
    });
    return this.reloading;
  }

  stop(): void {
    clearInterval(this.recheck);
    this.unsubscribe?.();
  }
}
