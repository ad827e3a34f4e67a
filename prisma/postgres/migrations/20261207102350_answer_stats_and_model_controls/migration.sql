-- AlterTable
ALTER TABLE "ModelProvider" ADD COLUMN     "maxConcurrent" INTEGER NOT NULL DEFAULT 4,
ADD COLUMN     "onLeaderboard" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Battle" ADD COLUMN     "completionTokensA" INTEGER,
ADD COLUMN     "completionTokensB" INTEGER,
ADD COLUMN     "firstTokenMsA" INTEGER,
ADD COLUMN     "firstTokenMsB" INTEGER,
ADD COLUMN     "latencyMsA" INTEGER,
ADD COLUMN     "latencyMsB" INTEGER,
ADD COLUMN     "promptTokensA" INTEGER,
ADD COLUMN     "promptTokensB" INTEGER,
ADD COLUMN     "reasoningA" TEXT,
ADD COLUMN     "reasoningB" TEXT;

