-- AlterTable
ALTER TABLE "ModelProvider" ADD COLUMN     "reasoningStartsInside" BOOLEAN NOT NULL DEFAULT false;

