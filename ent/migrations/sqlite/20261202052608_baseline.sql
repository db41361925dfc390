-- Create "api_tokens" table
CREATE TABLE `api_tokens` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `token_hash` text NOT NULL, `role` text NOT NULL, `issued_by` text NOT NULL, `created_at` datetime NOT NULL, `expires_at` datetime NULL, `revoked_at` datetime NULL, `last_used_at` datetime NULL, `person_id` integer NOT NULL, CONSTRAINT `api_tokens_persons_person` FOREIGN KEY (`person_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
-- Create index "api_tokens_token_hash_key" to table: "api_tokens"
CREATE UNIQUE INDEX `api_tokens_token_hash_key` ON `api_tokens` (`token_hash`);
-- Create "alerts" table
CREATE TABLE `alerts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `email` text NOT NULL, `fields` json NOT NULL, `token` text NOT NULL, `unsubscribed_at` datetime NULL);
-- Create index "alerts_email_key" to table: "alerts"
CREATE UNIQUE INDEX `alerts_email_key` ON `alerts` (`email`);
-- Create index "alerts_token_key" to table: "alerts"
CREATE UNIQUE INDEX `alerts_token_key` ON `alerts` (`token`);
-- Create "alert_notices" table
CREATE TABLE `alert_notices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `competition_id` integer NOT NULL, `values` json NOT NULL, `alert_id` integer NOT NULL, CONSTRAINT `alert_notices_alerts_notices` FOREIGN KEY (`alert_id`) REFERENCES `alerts` (`id`) ON DELETE NO ACTION);
-- Create index "alertnotice_alert_id_competition_id" to table: "alert_notices"
CREATE UNIQUE INDEX `alertnotice_alert_id_competition_id` ON `alert_notices` (`alert_id`, `competition_id`);
-- Create "assessments" table
CREATE TABLE `assessments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `scores` json NOT NULL, `pass_fail` json NULL, `in_scope` bool NOT NULL, `fund` bool NOT NULL, `percent` real NOT NULL, `exclusion` json NULL, `returned` json NULL, `bid_id` integer NOT NULL, `assessor_id` integer NOT NULL, CONSTRAINT `assessments_bids_assessments` FOREIGN KEY (`bid_id`) REFERENCES `bids` (`id`) ON DELETE NO ACTION, CONSTRAINT `assessments_persons_assessments` FOREIGN KEY (`assessor_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
-- Create index "assessment_bid_id_assessor_id" to table: "assessments"
CREATE UNIQUE INDEX `assessment_bid_id_assessor_id` ON `assessments` (`bid_id`, `assessor_id`);
-- Create "assignments" table
CREATE TABLE `assignments` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `competition_id` integer NOT NULL, `status` text NOT NULL DEFAULT ('assigned'), `explanation` text NULL, `declined_reason` text NULL, `declined_for` text NULL, `draft` json NULL, `draft_saved_at` datetime NULL, `reminded_at` datetime NULL, `overdue_at` datetime NULL, `bid_id` integer NOT NULL, `assessor_id` integer NOT NULL, CONSTRAINT `assignments_bids_assignments` FOREIGN KEY (`bid_id`) REFERENCES `bids` (`id`) ON DELETE NO ACTION, CONSTRAINT `assignments_persons_assignments` FOREIGN KEY (`assessor_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
-- Create index "assignment_bid_id_assessor_id" to table: "assignments"
CREATE UNIQUE INDEX `assignment_bid_id_assessor_id` ON `assignments` (`bid_id`, `assessor_id`);
-- Create "audit_events" table
CREATE TABLE `audit_events` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `seq` integer NOT NULL, `at` datetime NOT NULL, `actor` text NOT NULL, `action` text NOT NULL, `record_type` text NOT NULL, `record_id` integer NOT NULL, `challenge_id` integer NULL, `before` text NULL, `after` text NULL, `reason` text NULL, `request_id` text NULL, `prev_hash` text NOT NULL, `hash` text NOT NULL);
-- Create index "audit_events_seq_key" to table: "audit_events"
CREATE UNIQUE INDEX `audit_events_seq_key` ON `audit_events` (`seq`);
-- Create index "auditevent_record_type_record_id" to table: "audit_events"
CREATE INDEX `auditevent_record_type_record_id` ON `audit_events` (`record_type`, `record_id`);
-- Create index "auditevent_actor" to table: "audit_events"
CREATE INDEX `auditevent_actor` ON `audit_events` (`actor`);
-- Create index "auditevent_challenge_id" to table: "audit_events"
CREATE INDEX `auditevent_challenge_id` ON `audit_events` (`challenge_id`);
-- Create "audit_heads" table
CREATE TABLE `audit_heads` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `seq` integer NOT NULL, `hash` text NOT NULL);
-- Create "bids" table
CREATE TABLE `bids` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL DEFAULT (''), `summary` text NULL, `fields` json NULL, `answers` json NULL, `amount` integer NOT NULL DEFAULT (0), `net_price` integer NOT NULL DEFAULT (0), `vat_rate` integer NOT NULL DEFAULT (2000), `price_given` bool NOT NULL DEFAULT (false), `milestones` json NULL, `declarations` json NULL, `task_saves` json NULL, `status` text NOT NULL DEFAULT ('draft'), `submitted_at` datetime NULL, `receipt` text NULL, `content_hash` text NULL, `score` real NULL, `outcome_reason` text NULL, `confirmed_at` datetime NULL, `eligibility_flags` json NULL, `eligibility_note` text NULL, `interview_at` datetime NULL, `interview_place` text NULL, `interview_score` real NULL, `interview_note` text NULL, `competition_id` integer NOT NULL, `organisation_id` integer NOT NULL, CONSTRAINT `bids_competitions_bids` FOREIGN KEY (`competition_id`) REFERENCES `competitions` (`id`) ON DELETE NO ACTION, CONSTRAINT `bids_organisations_bids` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION);
-- Create index "bids_receipt_key" to table: "bids"
CREATE UNIQUE INDEX `bids_receipt_key` ON `bids` (`receipt`);
-- Create index "bid_competition_id_organisation_id" to table: "bids"
CREATE UNIQUE INDEX `bid_competition_id_organisation_id` ON `bids` (`competition_id`, `organisation_id`);
-- Create "challenges" table
CREATE TABLE `challenges` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `title` text NOT NULL, `public_body` text NOT NULL, `problem` text NOT NULL, `user_need` text NULL, `who_has_it` text NULL, `evidence` text NULL, `fields` json NULL, `budget_phase1` integer NOT NULL DEFAULT (0), `budget_phase2` integer NOT NULL DEFAULT (0), `commitment` text NULL, `sponsor_name` text NULL, `sponsor_role` text NULL, `stage` text NOT NULL DEFAULT ('draft'), `stage_reason` text NULL, `outcome` text NULL, `lessons` text NULL, `outcome_route` text NULL, `gate_go` text NULL, `gate_criteria` json NULL, `gate_rationale` text NULL, `gate_decided_by` text NULL, `gate_decided_at` datetime NULL, `version` integer NOT NULL DEFAULT (1), `person_owned_challenges` integer NULL, `round_id` integer NULL, CONSTRAINT `challenges_persons_owned_challenges` FOREIGN KEY (`person_owned_challenges`) REFERENCES `persons` (`id`) ON DELETE SET NULL, CONSTRAINT `challenges_rounds_challenges` FOREIGN KEY (`round_id`) REFERENCES `rounds` (`id`) ON DELETE SET NULL);
-- Create "clarifications" table
CREATE TABLE `clarifications` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `question` text NOT NULL, `published_question` text NOT NULL DEFAULT (''), `answer` text NOT NULL DEFAULT (''), `published_at` datetime NULL, `competition_id` integer NOT NULL, `organisation_id` integer NOT NULL, `asked_by_id` integer NOT NULL, CONSTRAINT `clarifications_competitions_competition` FOREIGN KEY (`competition_id`) REFERENCES `competitions` (`id`) ON DELETE NO ACTION, CONSTRAINT `clarifications_organisations_organisation` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION, CONSTRAINT `clarifications_persons_asked_by` FOREIGN KEY (`asked_by_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
-- Create index "clarification_competition_id_published_at" to table: "clarifications"
CREATE INDEX `clarification_competition_id_published_at` ON `clarifications` (`competition_id`, `published_at`);
-- Create "competitions" table
CREATE TABLE `competitions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `phase` integer NOT NULL, `status` text NOT NULL DEFAULT ('open'), `opened_at` datetime NULL, `closes_at` datetime NULL, `opens_at` datetime NULL, `summary` text NOT NULL DEFAULT (''), `scope` text NOT NULL DEFAULT (''), `fields` json NULL, `clarification_closes_at` datetime NULL, `briefing_at` datetime NULL, `briefing_details` text NOT NULL DEFAULT (''), `extensions` json NULL, `assessment_days` integer NOT NULL DEFAULT (15), `moderation_band` integer NOT NULL DEFAULT (20), `reminder_days` integer NOT NULL DEFAULT (2), `amended_at` datetime NULL, `selection` text NOT NULL DEFAULT ('top_down'), `pot` integer NOT NULL DEFAULT (0), `max_contract` integer NOT NULL DEFAULT (0), `max_contracts` integer NOT NULL DEFAULT (0), `scheme` json NOT NULL, `eligible_organisations` json NULL, `feedback_released_at` datetime NULL, `decided_at` datetime NULL, `assessors_per_bid` integer NOT NULL DEFAULT (3), `assignments_released_at` datetime NULL, `assignment_shortfalls` json NULL, `assessor_capacity` json NULL, `challenge_id` integer NOT NULL, CONSTRAINT `competitions_challenges_competitions` FOREIGN KEY (`challenge_id`) REFERENCES `challenges` (`id`) ON DELETE NO ACTION);
-- Create index "competition_challenge_id_phase" to table: "competitions"
CREATE UNIQUE INDEX `competition_challenge_id_phase` ON `competitions` (`challenge_id`, `phase`);
-- Create "contracts" table
CREATE TABLE `contracts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `phase` integer NOT NULL, `value` integer NOT NULL, `awarded_value` integer NOT NULL DEFAULT (0), `status` text NOT NULL DEFAULT ('active'), `term_weeks` integer NOT NULL DEFAULT (12), `starts_on` datetime NULL, `ends_on` datetime NULL, `accepted_at` datetime NULL, `accepted_by` text NULL, `midpoint_asked_at` datetime NULL, `progress_update` text NULL, `progress_at` datetime NULL, `rag` text NULL, `rag_note` text NULL, `rag_by` text NULL, `report_reminded_at` datetime NULL, `report_summary` text NULL, `report` json NULL, `reported_at` datetime NULL, `bid_id` integer NOT NULL, `competition_id` integer NOT NULL, `organisation_id` integer NOT NULL, CONSTRAINT `contracts_bids_contract` FOREIGN KEY (`bid_id`) REFERENCES `bids` (`id`) ON DELETE NO ACTION, CONSTRAINT `contracts_competitions_contracts` FOREIGN KEY (`competition_id`) REFERENCES `competitions` (`id`) ON DELETE NO ACTION, CONSTRAINT `contracts_organisations_contracts` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION);
-- Create index "contracts_bid_id_key" to table: "contracts"
CREATE UNIQUE INDEX `contracts_bid_id_key` ON `contracts` (`bid_id`);
-- Create "documents" table
CREATE TABLE `documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `object_key` text NOT NULL, `filename` text NOT NULL, `content_type` text NOT NULL, `size` integer NOT NULL, `sha256` text NOT NULL, `question_key` text NULL, `part` text NULL, `bid_id` integer NULL, `challenge_id` integer NULL, `contract_id` integer NULL, `milestone_id` integer NULL, CONSTRAINT `documents_bids_documents` FOREIGN KEY (`bid_id`) REFERENCES `bids` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_challenges_documents` FOREIGN KEY (`challenge_id`) REFERENCES `challenges` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_contracts_documents` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE SET NULL, CONSTRAINT `documents_milestones_documents` FOREIGN KEY (`milestone_id`) REFERENCES `milestones` (`id`) ON DELETE SET NULL);
-- Create index "documents_object_key_key" to table: "documents"
CREATE UNIQUE INDEX `documents_object_key_key` ON `documents` (`object_key`);
-- Create "emails" table
CREATE TABLE `emails` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `to` text NOT NULL, `notice_id` integer NULL, `alert_notice_id` integer NULL, `template` text NOT NULL, `state` text NOT NULL DEFAULT ('pending'), `attempts` integer NOT NULL DEFAULT (0), `last_error` text NULL, `sent_at` datetime NULL, `provider_id` text NULL, `unsubscribe_token` text NOT NULL);
-- Create index "emails_notice_id_key" to table: "emails"
CREATE UNIQUE INDEX `emails_notice_id_key` ON `emails` (`notice_id`);
-- Create index "emails_alert_notice_id_key" to table: "emails"
CREATE UNIQUE INDEX `emails_alert_notice_id_key` ON `emails` (`alert_notice_id`);
-- Create index "emails_unsubscribe_token_key" to table: "emails"
CREATE UNIQUE INDEX `emails_unsubscribe_token_key` ON `emails` (`unsubscribe_token`);
-- Create index "email_state" to table: "emails"
CREATE INDEX `email_state` ON `emails` (`state`);
-- Create "gate_decisions" table
CREATE TABLE `gate_decisions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `outcome` text NOT NULL, `rationale` text NOT NULL, `decided_by` text NOT NULL, `contract_id` integer NOT NULL, CONSTRAINT `gate_decisions_contracts_gate_decision` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION);
-- Create index "gate_decisions_contract_id_key" to table: "gate_decisions"
CREATE UNIQUE INDEX `gate_decisions_contract_id_key` ON `gate_decisions` (`contract_id`);
-- Create "idempotency_records" table
CREATE TABLE `idempotency_records` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `principal` text NOT NULL, `key` text NOT NULL, `method` text NOT NULL, `path` text NOT NULL, `body_hash` text NOT NULL, `status` integer NOT NULL DEFAULT (0), `content_type` text NULL, `body` blob NULL, `created_at` datetime NOT NULL);
-- Create index "idempotencyrecord_principal_key" to table: "idempotency_records"
CREATE UNIQUE INDEX `idempotencyrecord_principal_key` ON `idempotency_records` (`principal`, `key`);
-- Create index "idempotencyrecord_created_at" to table: "idempotency_records"
CREATE INDEX `idempotencyrecord_created_at` ON `idempotency_records` (`created_at`);
-- Create "interests" table
CREATE TABLE `interests` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `kind` text NOT NULL, `description` text NOT NULL, `withdrawn_at` datetime NULL, `organisation_id` integer NOT NULL, `assessor_id` integer NOT NULL, CONSTRAINT `interests_organisations_organisation` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION, CONSTRAINT `interests_persons_interests` FOREIGN KEY (`assessor_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
-- Create index "interest_assessor_id_organisation_id" to table: "interests"
CREATE INDEX `interest_assessor_id_organisation_id` ON `interests` (`assessor_id`, `organisation_id`);
-- Create "join_requests" table
CREATE TABLE `join_requests` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `status` text NOT NULL DEFAULT ('pending'), `decided_by` text NULL, `person_id` integer NOT NULL, `organisation_id` integer NOT NULL, CONSTRAINT `join_requests_persons_person` FOREIGN KEY (`person_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION, CONSTRAINT `join_requests_organisations_organisation` FOREIGN KEY (`organisation_id`) REFERENCES `organisations` (`id`) ON DELETE NO ACTION);
-- Create "lessons" table
CREATE TABLE `lessons` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `contract_id` integer NULL, `kind` text NOT NULL, `phase` integer NOT NULL, `what_worked` text NOT NULL, `what_failed` text NOT NULL, `why` text NOT NULL, `recorded_by` text NOT NULL, `challenge_id` integer NOT NULL, CONSTRAINT `lessons_challenges_lesson_register` FOREIGN KEY (`challenge_id`) REFERENCES `challenges` (`id`) ON DELETE NO ACTION);
-- Create "milestones" table
CREATE TABLE `milestones` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `number` integer NOT NULL, `deliverable` text NOT NULL, `success_criteria` text NULL, `month` integer NOT NULL, `amount` integer NOT NULL, `status` text NOT NULL DEFAULT ('planned'), `note` text NULL, `submitted_at` datetime NULL, `review_note` text NULL, `reviewed_by` text NULL, `accepted_at` datetime NULL, `payment_due` datetime NULL, `paid_at` datetime NULL, `overdue_flagged_at` datetime NULL, `paid_by` text NULL, `contract_id` integer NOT NULL, CONSTRAINT `milestones_contracts_milestones` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION);
-- Create index "milestone_contract_id_number" to table: "milestones"
CREATE UNIQUE INDEX `milestone_contract_id_number` ON `milestones` (`contract_id`, `number`);
-- Create "notices" table
CREATE TABLE `notices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `template` text NOT NULL, `values` json NOT NULL, `record_type` text NULL, `record_id` integer NULL, `read_at` datetime NULL, `recipient_id` integer NOT NULL, CONSTRAINT `notices_persons_recipient` FOREIGN KEY (`recipient_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
-- Create index "notice_recipient_id_created_at" to table: "notices"
CREATE INDEX `notice_recipient_id_created_at` ON `notices` (`recipient_id`, `created_at`);
-- Create "organisations" table
CREATE TABLE `organisations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `email_domain` text NULL, `public_body` bool NOT NULL DEFAULT (false), `legal_form` text NULL, `company_number` text NULL, `size` text NULL, `incorporated_on` datetime NULL, `region` text NULL, `public_contract_before` bool NULL, `fields` json NULL, `registered_by` text NULL);
-- Create index "organisations_name_key" to table: "organisations"
CREATE UNIQUE INDEX `organisations_name_key` ON `organisations` (`name`);
-- Create "outbox_messages" table
CREATE TABLE `outbox_messages` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `workflow_id` text NOT NULL, `signal` text NOT NULL, `payload` blob NOT NULL, `sent_at` datetime NULL, `attempts` integer NOT NULL DEFAULT (0), `last_error` text NULL);
-- Create index "outboxmessage_sent_at" to table: "outbox_messages"
CREATE INDEX `outboxmessage_sent_at` ON `outbox_messages` (`sent_at`);
-- Create "persons" table
CREATE TABLE `persons` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `email` text NOT NULL, `roles` json NULL, `expertise` json NULL, `oidc_subject` text NULL, `deactivated_at` datetime NULL, `interests_declared_at` datetime NULL, `email_off` json NULL, `organisation_members` integer NULL, CONSTRAINT `persons_organisations_members` FOREIGN KEY (`organisation_members`) REFERENCES `organisations` (`id`) ON DELETE SET NULL);
-- Create index "persons_email_key" to table: "persons"
CREATE UNIQUE INDEX `persons_email_key` ON `persons` (`email`);
-- Create index "persons_oidc_subject_key" to table: "persons"
CREATE UNIQUE INDEX `persons_oidc_subject_key` ON `persons` (`oidc_subject`);
-- Create "programme_targets" table
CREATE TABLE `programme_targets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `target` text NOT NULL, `value` integer NOT NULL, `set_by` text NULL);
-- Create index "programme_targets_target_key" to table: "programme_targets"
CREATE UNIQUE INDEX `programme_targets_target_key` ON `programme_targets` (`target`);
-- Create "rounds" table
CREATE TABLE `rounds` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `name` text NOT NULL, `budget` integer NOT NULL, `starts_at` datetime NOT NULL, `ends_at` datetime NOT NULL);
-- Create "screenings" table
CREATE TABLE `screenings` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `challenge_id` integer NOT NULL, `criterion_id` integer NOT NULL, `met` bool NOT NULL, `note` text NULL, `screened_by` text NOT NULL);
-- Create index "screening_challenge_id_criterion_id" to table: "screenings"
CREATE UNIQUE INDEX `screening_challenge_id_criterion_id` ON `screenings` (`challenge_id`, `criterion_id`);
-- Create "screening_criterions" table
CREATE TABLE `screening_criterions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `text` text NOT NULL, `retired_at` datetime NULL);
-- Create "sessions" table
CREATE TABLE `sessions` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `token_hash` text NOT NULL, `method` text NOT NULL, `csrf_token` text NOT NULL, `created_at` datetime NOT NULL, `last_seen_at` datetime NOT NULL, `expires_at` datetime NOT NULL, `person_id` integer NOT NULL, CONSTRAINT `sessions_persons_person` FOREIGN KEY (`person_id`) REFERENCES `persons` (`id`) ON DELETE NO ACTION);
-- Create index "sessions_token_hash_key" to table: "sessions"
CREATE UNIQUE INDEX `sessions_token_hash_key` ON `sessions` (`token_hash`);
-- Create "show_and_tells" table
CREATE TABLE `show_and_tells` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `at` datetime NOT NULL, `place` text NOT NULL, `presentation_minutes` integer NOT NULL DEFAULT (30), `questions_minutes` integer NOT NULL DEFAULT (45), `attendees` text NULL, `held_at` datetime NULL, `attended` text NULL, `notes` text NULL, `recommendation` text NULL, `recommendation_reason` text NULL, `recommended_by` text NULL, `contract_id` integer NOT NULL, CONSTRAINT `show_and_tells_contracts_show_and_tell` FOREIGN KEY (`contract_id`) REFERENCES `contracts` (`id`) ON DELETE NO ACTION);
-- Create index "show_and_tells_contract_id_key" to table: "show_and_tells"
CREATE UNIQUE INDEX `show_and_tells_contract_id_key` ON `show_and_tells` (`contract_id`);
-- Create "webhook_deliveries" table
CREATE TABLE `webhook_deliveries` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `message_id` text NOT NULL, `event` text NOT NULL, `payload` blob NOT NULL, `state` text NOT NULL DEFAULT ('pending'), `attempts` integer NOT NULL DEFAULT (0), `last_status` integer NOT NULL DEFAULT (0), `last_error` text NULL, `last_attempt_at` datetime NULL, `delivered_at` datetime NULL, `endpoint_id` integer NOT NULL, CONSTRAINT `webhook_deliveries_webhook_endpoints_deliveries` FOREIGN KEY (`endpoint_id`) REFERENCES `webhook_endpoints` (`id`) ON DELETE NO ACTION);
-- Create index "webhook_deliveries_message_id_key" to table: "webhook_deliveries"
CREATE UNIQUE INDEX `webhook_deliveries_message_id_key` ON `webhook_deliveries` (`message_id`);
-- Create index "webhookdelivery_state" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_state` ON `webhook_deliveries` (`state`);
-- Create index "webhookdelivery_endpoint_id_created_at" to table: "webhook_deliveries"
CREATE INDEX `webhookdelivery_endpoint_id_created_at` ON `webhook_deliveries` (`endpoint_id`, `created_at`);
-- Create "webhook_endpoints" table
CREATE TABLE `webhook_endpoints` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `created_at` datetime NOT NULL, `updated_at` datetime NOT NULL, `url` text NOT NULL, `description` text NOT NULL DEFAULT (''), `events` json NOT NULL, `secrets` json NOT NULL, `created_by` text NULL, `disabled_at` datetime NULL);
