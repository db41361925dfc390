-- Create "read_events" table
CREATE TABLE `read_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `at` datetime NOT NULL, `reader` text NOT NULL, `reader_id` integer NOT NULL, `record_type` text NOT NULL, `record_id` integer NOT NULL, `organisation_id` integer NULL, `bid_id` integer NULL, `route` text NOT NULL, `request_id` text NULL);
-- Create index "readevent_record_type_record_id" to table: "read_events"
CREATE INDEX `readevent_record_type_record_id` ON `read_events` (`record_type`, `record_id`);
-- Create index "readevent_reader_id" to table: "read_events"
CREATE INDEX `readevent_reader_id` ON `read_events` (`reader_id`);
-- Create index "readevent_organisation_id_bid_id" to table: "read_events"
CREATE INDEX `readevent_organisation_id_bid_id` ON `read_events` (`organisation_id`, `bid_id`);
