-- Modify "idempotency_records" table
ALTER TABLE "idempotency_records" ADD COLUMN "arrived_at" timestamptz NULL;
