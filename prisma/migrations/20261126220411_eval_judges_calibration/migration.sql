-- CreateTable
CREATE TABLE "EvalDataset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "origin" TEXT NOT NULL DEFAULT '{}',
    "itemCount" INTEGER NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "EvalItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "datasetId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "externalId" TEXT NOT NULL,
    "question" TEXT NOT NULL,
    "responseA" TEXT NOT NULL,
    "responseB" TEXT NOT NULL,
    "modelA" TEXT NOT NULL,
    "modelB" TEXT NOT NULL,
    "vote" TEXT NOT NULL,
    "citationA" TEXT NOT NULL DEFAULT '[]',
    "citationB" TEXT NOT NULL DEFAULT '[]',
    "questionType" TEXT NOT NULL DEFAULT '',
    "subject" TEXT NOT NULL DEFAULT '',
    "paperBank" TEXT NOT NULL DEFAULT '[]',
    "tstamp" REAL,
    CONSTRAINT "EvalItem_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "EvalDataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JudgeRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "datasetId" TEXT NOT NULL,
    "judgeId" TEXT NOT NULL,
    "judgeName" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "summary" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "JudgeRun_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "EvalDataset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "JudgeVerdict" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "original" TEXT,
    "swapped" TEXT,
    "replyOriginal" TEXT NOT NULL,
    "replySwapped" TEXT NOT NULL,
    CONSTRAINT "JudgeVerdict_runId_fkey" FOREIGN KEY ("runId") REFERENCES "JudgeRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CalibrationItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "battleId" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CalibrationVote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "itemId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "choice" TEXT NOT NULL,
    "swapped" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CalibrationVote_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "CalibrationItem" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "EvalDataset_createdAt_idx" ON "EvalDataset"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "EvalItem_datasetId_position_key" ON "EvalItem"("datasetId", "position");

-- CreateIndex
CREATE INDEX "JudgeRun_status_idx" ON "JudgeRun"("status");

-- CreateIndex
CREATE UNIQUE INDEX "JudgeVerdict_runId_itemId_key" ON "JudgeVerdict"("runId", "itemId");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationItem_battleId_key" ON "CalibrationItem"("battleId");

-- CreateIndex
CREATE INDEX "CalibrationVote_userId_idx" ON "CalibrationVote"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationVote_itemId_userId_swapped_key" ON "CalibrationVote"("itemId", "userId", "swapped");

