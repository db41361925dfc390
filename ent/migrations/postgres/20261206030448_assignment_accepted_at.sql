-- Modify "assignments" table
ALTER TABLE "assignments" ADD COLUMN "accepted_at" timestamptz NULL;
