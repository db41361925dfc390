-- Create index "assignment_assessor_id_competition_id" to table: "assignments"
CREATE INDEX "assignment_assessor_id_competition_id" ON "assignments" ("assessor_id", "competition_id");
