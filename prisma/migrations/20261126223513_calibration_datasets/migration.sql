-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_CalibrationItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "battleId" TEXT,
    "evalItemId" TEXT,
    "datasetId" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_CalibrationItem" ("active", "battleId", "createdAt", "createdById", "id") SELECT "active", "battleId", "createdAt", "createdById", "id" FROM "CalibrationItem";
DROP TABLE "CalibrationItem";
ALTER TABLE "new_CalibrationItem" RENAME TO "CalibrationItem";
CREATE UNIQUE INDEX "CalibrationItem_battleId_key" ON "CalibrationItem"("battleId");
CREATE UNIQUE INDEX "CalibrationItem_evalItemId_key" ON "CalibrationItem"("evalItemId");
CREATE INDEX "CalibrationItem_datasetId_idx" ON "CalibrationItem"("datasetId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

