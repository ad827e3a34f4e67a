-- AlterTable
ALTER TABLE "User" ADD COLUMN "passwordResetExpires" DATETIME;
ALTER TABLE "User" ADD COLUMN "passwordResetHash" TEXT;
ALTER TABLE "User" ADD COLUMN "sessionsValidFrom" DATETIME;

