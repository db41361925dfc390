-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_audit_events" table
CREATE TABLE `new_audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `seq` integer NULL, `at` datetime NOT NULL, `actor` text NOT NULL, `action` text NOT NULL, `record_type` text NOT NULL, `record_id` integer NOT NULL, `challenge_id` integer NULL, `before` text NULL, `after` text NULL, `reason` text NULL, `request_id` text NULL, `prev_hash` text NOT NULL DEFAULT (''), `hash` text NOT NULL DEFAULT (''));
-- Copy rows from old table "audit_events" to new temporary table "new_audit_events"
INSERT INTO `new_audit_events` (`id`, `seq`, `at`, `actor`, `action`, `record_type`, `record_id`, `challenge_id`, `before`, `after`, `reason`, `request_id`, `prev_hash`, `hash`) SELECT `id`, `seq`, `at`, `actor`, `action`, `record_type`, `record_id`, `challenge_id`, `before`, `after`, `reason`, `request_id`, IFNULL(`prev_hash`, ('')) AS `prev_hash`, IFNULL(`hash`, ('')) AS `hash` FROM `audit_events`;
-- Drop "audit_events" table after copying rows
DROP TABLE `audit_events`;
-- Rename temporary table "new_audit_events" to "audit_events"
ALTER TABLE `new_audit_events` RENAME TO `audit_events`;
-- Create index "audit_events_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX `audit_events_seq_key` ON `audit_events` (`seq`);
-- Create index "auditevent_record_type_record_id" to table: "audit_events"
CREATE INDEX `auditevent_record_type_record_id` ON `audit_events` (`record_type`, `record_id`);
-- Create index "auditevent_actor" to table: "audit_events"
CREATE INDEX `auditevent_actor` ON `audit_events` (`actor`);
-- Create index "auditevent_challenge_id" to table: "audit_events"
CREATE INDEX `auditevent_challenge_id` ON `audit_events` (`challenge_id`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
