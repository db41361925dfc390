-- Modify "documents" table
ALTER TABLE "documents" ADD COLUMN "uploaded_by" bigint NULL, ADD COLUMN "virus_check" character varying NOT NULL DEFAULT 'not_checked', ADD COLUMN "virus_checked_at" timestamptz NULL, ADD COLUMN "virus_found" character varying NULL;
