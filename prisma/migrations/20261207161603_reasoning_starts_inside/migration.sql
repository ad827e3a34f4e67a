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
    "updatedAt" DATETIME NOT NULL,
    "reasoningStartsInside" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_ModelProvider" ("apiKeyCipher", "baseUrl", "builtin", "config", "createdAt", "enabled", "id", "kind", "maxConcurrent", "modelName", "name", "onLeaderboard", "timeoutMs", "updatedAt", "weight") SELECT "apiKeyCipher", "baseUrl", "builtin", "config", "createdAt", "enabled", "id", "kind", "maxConcurrent", "modelName", "name", "onLeaderboard", "timeoutMs", "updatedAt", "weight" FROM "ModelProvider";
DROP TABLE "ModelProvider";
ALTER TABLE "new_ModelProvider" RENAME TO "ModelProvider";
CREATE UNIQUE INDEX "ModelProvider_name_key" ON "ModelProvider"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

