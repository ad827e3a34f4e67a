-- AlterTable
ALTER TABLE "CalibrationItem" ADD COLUMN     "datasetId" TEXT,
ADD COLUMN     "evalItemId" TEXT,
ALTER COLUMN "battleId" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationItem_evalItemId_key" ON "CalibrationItem"("evalItemId");

-- CreateIndex
CREATE INDEX "CalibrationItem_datasetId_idx" ON "CalibrationItem"("datasetId");

