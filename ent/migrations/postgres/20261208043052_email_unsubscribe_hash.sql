-- Modify "emails" table
ALTER TABLE "emails" ALTER COLUMN "unsubscribe_token" DROP NOT NULL, ADD COLUMN "unsubscribe_hash" character varying NULL;
-- Create index "emails_unsubscribe_hash_key" to table: "emails"
CREATE UNIQUE INDEX "emails_unsubscribe_hash_key" ON "emails" ("unsubscribe_hash");
