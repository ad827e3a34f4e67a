-- CreateTable
CREATE TABLE "Trace" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT,
    "prompt" TEXT,
    "response" TEXT NOT NULL,
    "domains" TEXT NOT NULL DEFAULT '',
    "settings" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Trace_userId_createdAt_idx" ON "Trace"("userId", "createdAt");

