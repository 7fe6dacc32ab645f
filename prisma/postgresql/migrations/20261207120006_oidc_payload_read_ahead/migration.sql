-- AlterTable
ALTER TABLE "OidcPayload" ADD COLUMN     "grantKey" TEXT,
ADD COLUMN     "sessionKey" TEXT;
