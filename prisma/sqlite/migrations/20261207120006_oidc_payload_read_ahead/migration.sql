-- AlterTable
ALTER TABLE "OidcPayload" ADD COLUMN "grantKey" TEXT;
ALTER TABLE "OidcPayload" ADD COLUMN "sessionKey" TEXT;
