-- Facets of artist and album entries: free-form tags that are not genres (eras, places, instruments,
-- labels, release types), kept in one jsonb object of string lists ({"eras": ["1980s"], …}). Entries
-- written before this migration have none until their next refresh or remerge.

-- AlterTable
ALTER TABLE "artist_cache" ADD COLUMN "facets" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "album_cache" ADD COLUMN "facets" JSONB NOT NULL DEFAULT '{}';
