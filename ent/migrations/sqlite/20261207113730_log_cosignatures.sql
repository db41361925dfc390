-- Create "log_cosignatures" table
CREATE TABLE `log_cosignatures` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `checkpoint_size` integer NOT NULL, `witness` text NOT NULL, `signature` text NOT NULL, `created_at` datetime NOT NULL);
-- Create index "logcosignature_checkpoint_size_witness" to table: "log_cosignatures"
CREATE UNIQUE INDEX `logcosignature_checkpoint_size_witness` ON `log_cosignatures` (`checkpoint_size`, `witness`);
