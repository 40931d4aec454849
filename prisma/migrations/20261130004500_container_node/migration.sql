-- AlterTable
ALTER TABLE "Container" ADD COLUMN "node" TEXT;

