-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_RatingsSnapshot" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "data" TEXT NOT NULL,
    "battles" INTEGER NOT NULL,
    "votes" INTEGER NOT NULL,
    "filter" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_RatingsSnapshot" ("battles", "createdAt", "data", "id", "votes") SELECT "battles", "createdAt", "data", "id", "votes" FROM "RatingsSnapshot";
DROP TABLE "RatingsSnapshot";
ALTER TABLE "new_RatingsSnapshot" RENAME TO "RatingsSnapshot";
CREATE INDEX "RatingsSnapshot_createdAt_idx" ON "RatingsSnapshot"("createdAt");
CREATE INDEX "RatingsSnapshot_filter_createdAt_idx" ON "RatingsSnapshot"("filter", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Vote_createdAt_idx" ON "Vote"("createdAt");

