-- Add column "token" to table: "audit_events"
ALTER TABLE `audit_events` ADD COLUMN `token` text NULL;
