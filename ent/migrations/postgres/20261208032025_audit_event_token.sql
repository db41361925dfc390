-- Modify "audit_events" table
ALTER TABLE "audit_events" ADD COLUMN "token" character varying NULL;
