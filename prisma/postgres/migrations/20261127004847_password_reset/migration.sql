-- AlterTable
ALTER TABLE "User" ADD COLUMN     "passwordResetExpires" TIMESTAMP(3),
ADD COLUMN     "passwordResetHash" TEXT,
ADD COLUMN     "sessionsValidFrom" TIMESTAMP(3);

