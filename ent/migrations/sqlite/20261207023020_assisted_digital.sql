-- Add column "assistance_id" to table: "sessions"
ALTER TABLE `sessions` ADD COLUMN `assistance_id` integer NULL;
-- Create "assistances" table
CREATE TABLE `assistances` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `consent_how` text NOT NULL, `consent` text NOT NULL, `ended_at` datetime NULL, `helper_id` integer NOT NULL, `person_id` integer NOT NULL, CONSTRAINT `assistances_persons_helper` FOREIGN KEY (`helper_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION, CONSTRAINT `assistances_persons_person` FOREIGN KEY (`person_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
