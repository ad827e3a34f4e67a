-- CreateTable
CREATE TABLE "Trace" (
    "id" TEXT NOT NULL,
    "userId" TEXT,
    "prompt" TEXT,
    "response" TEXT NOT NULL,
    "domains" TEXT NOT NULL DEFAULT '',
    "settings" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Trace_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Trace_userId_createdAt_idx" ON "Trace"("userId", "createdAt");

