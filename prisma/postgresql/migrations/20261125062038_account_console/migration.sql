-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "contactChannel" TEXT NOT NULL DEFAULT 'email',
ADD COLUMN     "phone" TEXT;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "channel" TEXT NOT NULL DEFAULT 'email';

-- CreateTable
CREATE TABLE "SessionActivity" (
    "sessionKey" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userAgent" TEXT,
    "ipPrefix" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SessionActivity_pkey" PRIMARY KEY ("sessionKey")
);

-- CreateTable
CREATE TABLE "ServiceConnection" (
    "accountId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "firstAt" TIMESTAMP(3) NOT NULL,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServiceConnection_pkey" PRIMARY KEY ("accountId","clientId")
);

-- CreateIndex
CREATE INDEX "SessionActivity_accountId_idx" ON "SessionActivity"("accountId");
