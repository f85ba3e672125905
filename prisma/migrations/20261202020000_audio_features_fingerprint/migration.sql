-- AlterTable
ALTER TABLE "audio_features" ADD COLUMN "analysis_fingerprint" TEXT;
