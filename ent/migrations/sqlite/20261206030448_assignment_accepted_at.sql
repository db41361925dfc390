-- Add column "accepted_at" to table: "assignments"
ALTER TABLE `assignments` ADD COLUMN `accepted_at` datetime NULL;
