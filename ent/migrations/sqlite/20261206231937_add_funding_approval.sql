-- Disable the enforcement of foreign-keys constraints
PRAGMA foreign_keys = off;
-- Create "new_persons" table
CREATE TABLE `new_persons` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `roles` json NULL, `expertise` json NULL, `oidc_subject` text NULL, `deactivated_at` datetime NULL, `interests_declared_at` datetime NULL, `email_off` json NULL, `delegated_limit` integer NOT NULL DEFAULT (0), `organisation_members` integer NULL, CONSTRAINT `persons_organisations_members` FOREIGN KEY (`organisation_members`) REFERENCES `organisations` (`id`) ON DELETE SET NULL);
-- Copy rows from old table "persons" to new temporary table "new_persons"
INSERT INTO `new_persons` (`id`, `created_at`, `updated_at`, `name`, `email`, `roles`, `expertise`, `oidc_subject`, `deactivated_at`, `interests_declared_at`, `email_off`, `organisation_members`) SELECT `id`, `created_at`, `updated_at`, `name`, `email`, `roles`, `expertise`, `oidc_subject`, `deactivated_at`, `interests_declared_at`, `email_off`, `organisation_members` FROM `persons`;
-- Drop "persons" table after copying rows
DROP TABLE `persons`;
-- Rename temporary table "new_persons" to "persons"
ALTER TABLE `new_persons` RENAME TO `persons`;
-- Create index "persons_email_key" to table: "persons"
CREATE UNIQUE INDEX `persons_email_key` ON `persons` (`email`);
-- Create index "persons_oidc_subject_key" to table: "persons"
CREATE UNIQUE INDEX `persons_oidc_subject_key` ON `persons` (`oidc_subject`);
-- Add column "funding_proposal" to table: "competitions"
ALTER TABLE `competitions` ADD COLUMN `funding_proposal` json NULL;
-- Enable back the enforcement of foreign-keys constraints
PRAGMA foreign_keys = on;
