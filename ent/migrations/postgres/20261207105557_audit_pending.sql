-- Modify "audit_events" table
ALTER TABLE "audit_events" ALTER COLUMN "seq" DROP NOT NULL, ALTER COLUMN "prev_hash" SET DEFAULT '', ALTER COLUMN "hash" SET DEFAULT '';
