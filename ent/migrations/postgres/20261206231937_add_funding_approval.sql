-- Modify "competitions" table
ALTER TABLE "competitions" ADD COLUMN "funding_proposal" jsonb NULL;
-- Modify "persons" table
ALTER TABLE "persons" ADD COLUMN "delegated_limit" bigint NOT NULL DEFAULT 0;
