-- A user's corrections to one artist or album: a pinned genre list and tags blocked for that entry only.
-- Keyed by the entry's normalised keys, not its id, and without a foreign key: an override outlives a
-- cleared cache and applies again when the entry is fetched anew. An artist's row has title_key ''
-- (no album title keys to the empty string). Prisma cannot model a nullable text[], so "pinned" is its
-- own column and an empty pinned list means "no genres".

-- CreateTable
CREATE TABLE "entry_overrides" (
    "artist_key" TEXT NOT NULL,
    "title_key" TEXT NOT NULL DEFAULT '',
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    "pinned_genres" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "blocked_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entry_overrides_pkey" PRIMARY KEY ("artist_key","title_key")
);
