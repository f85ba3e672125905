-- Genre rules as versioned data: each version holds the whole rules document. The first start seeds one
-- applied version from the shipped files and GENRE_* variables; proposals are previewed, then applied.

-- CreateEnum
CREATE TYPE "genre_rules_status" AS ENUM ('proposed', 'applied');

-- CreateTable
CREATE TABLE "genre_rules_versions" (
    "id" SERIAL NOT NULL,
    "rules" JSONB NOT NULL,
    "status" "genre_rules_status" NOT NULL DEFAULT 'proposed',
    "origin" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "genre_rules_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "genre_rules_versions_applied_at_idx" ON "genre_rules_versions"("applied_at");
