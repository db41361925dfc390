-- Modify "competitions" table
ALTER TABLE "competitions" ADD COLUMN "closing_checkpoint" text NOT NULL DEFAULT '';
