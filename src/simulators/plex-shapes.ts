// Plex MediaContainer items for music, as PMS returns them in JSON:
// ids as strings, tags as [{tag}], Guid as [{id}], statistics absent rather than zero.
import type { SyntheticAlbum, SyntheticArtist, SyntheticTrack } from './library-types.ts';

export type PlexObject = Record<string, unknown>;

export type PlexView = 'list' | 'detail';

export interface PlexShapeSettings {
  view: PlexView;
  /** `includeGuids=1` on a list request; detail views always carry Guid[] (§1.6). */
  includeGuids: boolean;
  /** List views carry only the first few genres and no styles or moods (§1.8). */
  partialListTags: boolean;
  listGenreLimit: number;
  agent: 'modern' | 'legacy';
  section: { id: number; title: string; uuid: string };
}

const tags = (values: readonly string[]): Array<{ tag: string }> => values.map((tag) => ({ tag }));

function legacyArtistGuid(name: string): string {
  return `com.plexapp.agents.lastfm://${encodeURIComponent(name)}?lang=en`;
}

function legacyAlbumGuid(artist: string, album: string): string {
  return `com.plexapp.agents.lastfm://${encodeURIComponent(artist)}/${encodeURIComponent(album)}?lang=en`;
}

function withGuids(target: PlexObject, settings: PlexShapeSettings, mbid: string | undefined, plexGuid: string): void {
  if (settings.agent === 'legacy') return;
  if (settings.view === 'list' && !settings.includeGuids) return;
  const guids = mbid === undefined ? [] : [{ id: `mbid://${mbid}` }];
  guids.push({ id: plexGuid });
  target['Guid'] = guids;
}

function sectionFields(target: PlexObject, settings: PlexShapeSettings): void {
  if (settings.view !== 'detail') return;
  target['librarySectionID'] = settings.section.id;
  target['librarySectionKey'] = `/library/sections/${settings.section.id}`;
  target['librarySectionTitle'] = settings.section.title;
}

function listGenres(genres: readonly string[], styles: readonly string[], settings: PlexShapeSettings): string[] {
  if (settings.view === 'detail' || !settings.partialListTags) return [...genres];
  // Plex's AllMusic-style artists often have only styles; the list view then shows the first of those instead.
  const shown = genres.length > 0 ? genres : styles;
  return shown.slice(0, settings.listGenreLimit);
}

function fullTags(settings: PlexShapeSettings): boolean {
  return settings.view === 'detail' || !settings.partialListTags;
}

export function artistObject(artist: SyntheticArtist, settings: PlexShapeSettings): PlexObject {
  const key = artist.ratingKey;
  const guid = settings.agent === 'legacy' ? legacyArtistGuid(artist.name) : artist.plex.guid;
  const item: PlexObject = {
    ratingKey: key,
    key: `/library/metadata/${key}/children`,
    guid,
    type: 'artist',
    title: artist.name,
  };
  if (artist.sortName !== artist.name) item['titleSort'] = artist.sortName;
  item['summary'] = artist.plex.summary;
  item['index'] = 1;
  item['thumb'] = `/library/metadata/${key}/thumb/${artist.plex.updatedAt}`;
  item['art'] = `/library/metadata/${key}/art/${artist.plex.updatedAt}`;
  item['addedAt'] = artist.plex.addedAt;
  item['updatedAt'] = artist.plex.updatedAt;
  sectionFields(item, settings);
  const genres = listGenres(artist.plex.genres, artist.plex.styles, settings);
  if (genres.length > 0) item['Genre'] = tags(genres);
  if (fullTags(settings)) {
    if (artist.plex.styles.length > 0) item['Style'] = tags(artist.plex.styles);
    if (artist.plex.moods.length > 0) item['Mood'] = tags(artist.plex.moods);
  }
  if (artist.plex.countries.length > 0) item['Country'] = tags(artist.plex.countries);
  if (settings.view === 'detail') item['Location'] = [{ path: `/music/${artist.name.replace(/\//g, '_')}` }];
  withGuids(item, settings, artist.plex.mbid, artist.plex.guid);
  return item;
}

export function albumObject(album: SyntheticAlbum, artist: SyntheticArtist, settings: PlexShapeSettings): PlexObject {
  const key = album.ratingKey;
  const legacy = settings.agent === 'legacy';
  const item: PlexObject = {
    ratingKey: key,
    key: `/library/metadata/${key}/children`,
    parentRatingKey: album.artistRatingKey,
    guid: legacy ? legacyAlbumGuid(album.artistName, album.title) : album.plex.guid,
    parentGuid: legacy ? legacyArtistGuid(album.artistName) : artist.plex.guid,
    studio: album.studio,
    type: 'album',
    title: album.title,
    parentKey: `/library/metadata/${album.artistRatingKey}`,
    parentTitle: album.artistName,
    summary: '',
    index: 1,
    year: album.year,
    thumb: `/library/metadata/${key}/thumb/${album.plex.updatedAt}`,
    parentThumb: `/library/metadata/${album.artistRatingKey}/thumb/${artist.plex.updatedAt}`,
    originallyAvailableAt: album.originallyAvailableAt,
    leafCount: album.trackCount,
    addedAt: album.plex.addedAt,
    updatedAt: album.plex.updatedAt,
    loudnessAnalysisVersion: '1',
  };
  sectionFields(item, settings);
  const genres = listGenres(album.plex.genres, album.plex.styles, settings);
  if (genres.length > 0) item['Genre'] = tags(genres);
  if (fullTags(settings)) {
    if (album.plex.styles.length > 0) item['Style'] = tags(album.plex.styles);
    if (album.plex.moods.length > 0) item['Mood'] = tags(album.plex.moods);
  }
  withGuids(item, settings, album.plex.mbid, album.plex.guid);
  return item;
}

export function trackObject(
  track: SyntheticTrack,
  album: SyntheticAlbum,
  artist: SyntheticArtist,
  settings: PlexShapeSettings,
): PlexObject {
  const key = track.ratingKey;
  const legacy = settings.agent === 'legacy';
  const item: PlexObject = {
    ratingKey: key,
    key: `/library/metadata/${key}`,
    parentRatingKey: track.albumRatingKey,
    grandparentRatingKey: track.artistRatingKey,
    guid: legacy ? `local://${key}` : track.guid,
    parentGuid: legacy ? legacyAlbumGuid(track.artistName, track.albumTitle) : album.plex.guid,
    grandparentGuid: legacy ? legacyArtistGuid(track.artistName) : artist.plex.guid,
  };
  Object.assign(item, {
    type: 'track',
    title: track.title,
    grandparentKey: `/library/metadata/${track.artistRatingKey}`,
    parentKey: `/library/metadata/${track.albumRatingKey}`,
    grandparentTitle: track.artistName,
    parentTitle: track.albumTitle,
  });
  if (track.originalTitle !== undefined) item['originalTitle'] = track.originalTitle;
  item['summary'] = '';
  item['index'] = track.trackNumber;
  item['parentIndex'] = track.discNumber;
  // Absent rather than zero or null when unset (§1.8).
  if (track.userRating !== undefined) item['userRating'] = track.userRating;
  if (track.viewCount > 0) item['viewCount'] = track.viewCount;
  if (track.skipCount > 0) item['skipCount'] = track.skipCount;
  if (track.lastViewedAt !== undefined) item['lastViewedAt'] = track.lastViewedAt;
  if (track.lastRatedAt !== undefined) item['lastRatedAt'] = track.lastRatedAt;
  item['parentYear'] = track.year;
  item['thumb'] = `/library/metadata/${track.albumRatingKey}/thumb/${album.plex.updatedAt}`;
  item['parentThumb'] = `/library/metadata/${track.albumRatingKey}/thumb/${album.plex.updatedAt}`;
  item['grandparentThumb'] = `/library/metadata/${track.artistRatingKey}/thumb/${artist.plex.updatedAt}`;
  item['duration'] = track.durationMs;
  item['addedAt'] = track.addedAt;
  item['updatedAt'] = track.updatedAt;
  item['musicAnalysisVersion'] = '1';
  sectionFields(item, settings);
  item['Media'] = [
    {
      id: track.media.partId,
      duration: track.durationMs,
      bitrate: track.media.bitrate,
      audioChannels: 2,
      audioCodec: track.media.codec,
      container: track.media.container,
      Part: [
        {
          id: track.media.partId,
          key: `/library/parts/${track.media.partId}/${track.addedAt}/file.${track.media.container}`,
          duration: track.durationMs,
          file: track.media.file,
          size: track.media.size,
          container: track.media.container,
        },
      ],
    },
  ];
  if (fullTags(settings)) {
    if (track.genres.length > 0) item['Genre'] = tags(track.genres);
    if (track.moods.length > 0) item['Mood'] = tags(track.moods);
  }
  withGuids(item, settings, track.mbid, track.guid);
  return item;
}
