-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_documents" table
CREATE TABLE `new_documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `object_key` text NOT NULL, `filename` text NOT NULL, `content_type` text NOT NULL, `size` integer NOT NULL, `sha256` text NOT NULL, `question_key` text NULL, `part` text NULL, `deleted_at` datetime NULL, `deleted_under` text NULL, `bytes_removed_at` datetime NULL, `uploaded_by` integer NULL, `virus_check` text NOT NULL DEFAULT ('not_checked'), `virus_checked_at` datetime NULL, `virus_found` text NULL, `bid_id` integer NULL, `challenge_id` integer NULL, `contract_id` integer NULL, `milestone_id` integer NULL, CONSTRAINT `documents_bids_documents` FOREIGN KEY (`bid_id`) REFERENCES `bids` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_challenges_documents` FOREIGN KEY (`challenge_id`) REFERENCES `challenges` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_contracts_documents` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_milestones_documents` FOREIGN KEY (`milestone_id`) REFERENCES `milestones` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "documents" to new temporary table "new_documents"
INSERT INTO `new_documents` (`id`, `created_at`, `updated_at`, `object_key`, `filename`, `content_type`, `size`, `sha256`, `question_key`, `part`, `deleted_at`, `deleted_under`, `bytes_removed_at`, `bid_id`, `challenge_id`, `contract_id`, `milestone_id`) SELECT `id`, `created_at`, `updated_at`, `object_key`, `filename`, `content_type`, `size`, `sha256`, `question_key`, `part`, `deleted_at`, `deleted_under`, `bytes_removed_at`, `bid_id`, `challenge_id`, `contract_id`, `milestone_id` FROM `documents`;
-- Drop "documents" table after copying rows
DROP TABLE `documents`;
-- Rename temporary table "new_documents" to "documents"
ALTER TABLE `new_documents` RENAME TO `documents`;
-- Create index "documents_object_key_key" to table: "documents"
CREATE UNIQUE INDEX `documents_object_key_key` ON `documents` (`object_key`);
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
