-- AlterTable
ALTER TABLE "RatingsSnapshot" ADD COLUMN     "filter" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "Vote_createdAt_idx" ON "Vote"("createdAt");

-- CreateIndex
CREATE INDEX "RatingsSnapshot_filter_createdAt_idx" ON "RatingsSnapshot"("filter", "createdAt");

