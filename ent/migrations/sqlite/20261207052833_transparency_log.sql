-- Create "log_checkpoints" table
CREATE TABLE `log_checkpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `root` blob NOT NULL, `note` text NOT NULL, `created_at` datetime NOT NULL);
-- Create "log_entries" table
CREATE TABLE `log_entries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `data` blob NOT NULL, `audit_seq` integer NOT NULL, `integrated_at` datetime NOT NULL);
-- Create index "logentry_audit_seq" to table: "log_entries"
CREATE INDEX `logentry_audit_seq` ON `log_entries` (`audit_seq`);
-- Create "log_hashes" table
CREATE TABLE `log_hashes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `hash` blob NOT NULL);
