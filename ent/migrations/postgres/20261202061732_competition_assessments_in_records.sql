-- Modify "competitions" table
ALTER TABLE "competitions" ADD COLUMN "assessments_in_records" boolean NOT NULL DEFAULT false;
