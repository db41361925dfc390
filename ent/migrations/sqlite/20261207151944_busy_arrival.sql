-- Add column "arrived_at" to table: "idempotency_records"
ALTER TABLE `idempotency_records` ADD COLUMN `arrived_at` datetime NULL;
