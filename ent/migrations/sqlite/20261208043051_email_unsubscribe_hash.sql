-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_emails" table
CREATE TABLE `new_emails` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `to` text NOT NULL, `notice_id` integer NULL, `alert_notice_id` integer NULL, `template` text NOT NULL, `state` text NOT NULL DEFAULT ('pending'), `attempts` integer NOT NULL DEFAULT (0), `last_error` text NULL, `sent_at` datetime NULL, `provider_id` text NULL, `unsubscribe_token` text NULL, `unsubscribe_hash` text NULL);
-- Copy rows from old table "emails" to new temporary table "new_emails"
INSERT INTO `new_emails` (`id`, `created_at`, `updated_at`, `to`, `notice_id`, `alert_notice_id`, `template`, `state`, `attempts`, `last_error`, `sent_at`, `provider_id`, `unsubscribe_token`) SELECT `id`, `created_at`, `updated_at`, `to`, `notice_id`, `alert_notice_id`, `template`, `state`, `attempts`, `last_error`, `sent_at`, `provider_id`, `unsubscribe_token` FROM `emails`;
-- Drop "emails" table after copying rows
DROP TABLE `emails`;
-- Rename temporary table "new_emails" to "emails"
ALTER TABLE `new_emails` RENAME TO `emails`;
-- Create index "emails_notice_id_key" to table: "emails"
CREATE UNIQUE INDEX `emails_notice_id_key` ON `emails` (`notice_id`);
-- Create index "emails_alert_notice_id_key" to table: "emails"
CREATE UNIQUE INDEX `emails_alert_notice_id_key` ON `emails` (`alert_notice_id`);
-- Create index "emails_unsubscribe_token_key" to table: "emails"
CREATE UNIQUE INDEX `emails_unsubscribe_token_key` ON `emails` (`unsubscribe_token`);
-- Create index "emails_unsubscribe_hash_key" to table: "emails"
CREATE UNIQUE INDEX `emails_unsubscribe_hash_key` ON `emails` (`unsubscribe_hash`);
-- Create index "email_state" to table: "emails"
CREATE INDEX `email_state` ON `emails` (`state`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
