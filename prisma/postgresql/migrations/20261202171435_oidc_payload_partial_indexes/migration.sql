-- DropIndex
DROP INDEX "OidcPayload_grantId_idx";

-- DropIndex
DROP INDEX "OidcPayload_uid_idx";

-- DropIndex
DROP INDEX "OidcPayload_userCode_idx";

-- DropIndex
DROP INDEX "OidcPayload_accountId_idx";

-- CreateIndex
CREATE INDEX "OidcPayload_grantId_idx" ON "OidcPayload"("grantId") WHERE ("grantId" IS NOT NULL);

-- CreateIndex
CREATE INDEX "OidcPayload_uid_idx" ON "OidcPayload"("uid") WHERE ("uid" IS NOT NULL);

-- CreateIndex
CREATE INDEX "OidcPayload_userCode_idx" ON "OidcPayload"("userCode") WHERE ("userCode" IS NOT NULL);

-- CreateIndex
CREATE INDEX "OidcPayload_accountId_idx" ON "OidcPayload"("accountId") WHERE ("accountId" IS NOT NULL);
