-- Add column "deleted_at" to table: "documents"
ALTER TABLE `documents` ADD COLUMN `deleted_at` datetime NULL;
-- Add column "deleted_under" to table: "documents"
ALTER TABLE `documents` ADD COLUMN `deleted_under` text NULL;
-- Add column "bytes_removed_at" to table: "documents"
ALTER TABLE `documents` ADD COLUMN `bytes_removed_at` datetime NULL;
-- Add column "erased_at" to table: "notices"
ALTER TABLE `notices` ADD COLUMN `erased_at` datetime NULL;
-- Create "legal_holds" table
CREATE TABLE `legal_holds` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `record_id` integer NOT NULL, `reason` text NOT NULL, `placed_by` text NOT NULL, `released_at` datetime NULL, `released_by` text NULL, `release_reason` text NULL);
-- Create "retention_periods" table
CREATE TABLE `retention_periods` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `months` integer NOT NULL, `set_by` text NOT NULL);
-- Create index "retention_periods_kind_key" to table: "retention_periods"
CREATE UNIQUE INDEX `retention_periods_kind_key` ON `retention_periods` (`kind`);
