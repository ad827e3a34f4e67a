-- AlterTable
ALTER TABLE "Battle" ADD COLUMN "completionTokensA" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "completionTokensB" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "firstTokenMsA" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "firstTokenMsB" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "latencyMsA" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "latencyMsB" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "promptTokensA" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "promptTokensB" INTEGER;
ALTER TABLE "Battle" ADD COLUMN "reasoningA" TEXT;
ALTER TABLE "Battle" ADD COLUMN "reasoningB" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ModelProvider" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "baseUrl" TEXT,
    "modelName" TEXT,
    "apiKeyCipher" TEXT,
    "timeoutMs" INTEGER NOT NULL DEFAULT 60000,
    "maxConcurrent" INTEGER NOT NULL DEFAULT 4,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "onLeaderboard" BOOLEAN NOT NULL DEFAULT true,
    "weight" REAL NOT NULL DEFAULT 1,
    "config" TEXT,
    "builtin" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_ModelProvider" ("apiKeyCipher", "baseUrl", "builtin", "config", "createdAt", "enabled", "id", "kind", "modelName", "name", "timeoutMs", "updatedAt", "weight") SELECT "apiKeyCipher", "baseUrl", "builtin", "config", "createdAt", "enabled", "id", "kind", "modelName", "name", "timeoutMs", "updatedAt", "weight" FROM "ModelProvider";
DROP TABLE "ModelProvider";
ALTER TABLE "new_ModelProvider" RENAME TO "ModelProvider";
CREATE UNIQUE INDEX "ModelProvider_name_key" ON "ModelProvider"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

