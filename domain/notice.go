package domain

import (
	"fmt"
	"slices"
	"strings"
)

// NoticeTemplate names a kind of notice. Each is written as a row in the same transaction as
// its cause, and read on the person's notices page (and later sent by email).
type NoticeTemplate string

// The notices Catalyst sends.
const (
	// NoticeChallengeSelected tells an owner the programme selected their challenge.
	NoticeChallengeSelected NoticeTemplate = "challenge_selected"
	// NoticeChallengeRejected tells an owner the programme did not select it, and why.
	NoticeChallengeRejected NoticeTemplate = "challenge_rejected"
	// NoticeDeadlineExtended tells a bidder the deadline that applies to them moved, and why.
	NoticeDeadlineExtended NoticeTemplate = "deadline_extended"
	// NoticeClarificationPublished tells every bidder the programme answered a question.
	NoticeClarificationPublished NoticeTemplate = "clarification_published"
	// NoticeBidIneligible tells a supplier its bid was found ineligible, and why.
	NoticeBidIneligible NoticeTemplate = "bid_ineligible"
	// NoticeBidReinstated tells a supplier its bid is eligible after all, and why.
	NoticeBidReinstated NoticeTemplate = "bid_reinstated"
	// NoticeJoinRequested tells an organisation's members that a colleague asks to join.
	NoticeJoinRequested NoticeTemplate = "join_requested"
	// NoticeJoinDecided tells a person whether their request to join was approved.
	NoticeJoinDecided NoticeTemplate = "join_decided"
	// NoticeCompetitionAmended tells every bidder the questions changed, and that a submitted
	// bid must be confirmed again before the deadline.
	NoticeCompetitionAmended NoticeTemplate = "competition_amended"
	// NoticeCompetitionOpened tells someone with an alert for its fields that a competition
	// opened, with the link that stops their alerts.
	NoticeCompetitionOpened NoticeTemplate = "competition_opened"
	// NoticeOutcomeReleased tells a supplier the outcome of its bid and that its feedback is
	// ready: sent to every bidder at once when the programme releases the decision.
	NoticeOutcomeReleased NoticeTemplate = "outcome_released"
	// NoticeAssessmentReturned tells an assessor the programme sent their scoring back, and why.
	NoticeAssessmentReturned NoticeTemplate = "assessment_returned"
	// NoticeAssignmentsReleased tells an assessor they have bids to assess, and by when.
	NoticeAssignmentsReleased NoticeTemplate = "assignments_released"
	// NoticeDeclarationLapsed tells an assessor they were given no bids because their
	// declaration of interests has lapsed.
	NoticeDeclarationLapsed NoticeTemplate = "declaration_lapsed"
	// NoticeAssessmentDueSoon reminds an assessor of bids still to score that fall due soon.
	NoticeAssessmentDueSoon NoticeTemplate = "assessment_due_soon"
	// NoticeAssessmentOverdue tells an assessor their scoring of some bids is overdue.
	NoticeAssessmentOverdue NoticeTemplate = "assessment_overdue"
	// NoticeInterviewScheduled tells a shortlisted supplier when and where it is interviewed.
	NoticeInterviewScheduled NoticeTemplate = "interview_scheduled"
	// NoticeDeliverableSubmitted tells a challenge's owner a supplier submitted a deliverable.
	NoticeDeliverableSubmitted NoticeTemplate = "deliverable_submitted"
	// NoticeDeliverableAccepted tells a supplier its deliverable was accepted and when the
	// payment falls due.
	NoticeDeliverableAccepted NoticeTemplate = "deliverable_accepted"
	// NoticeChangesRequested tells a supplier what to change in its deliverable.
	NoticeChangesRequested NoticeTemplate = "changes_requested"
	// NoticePaymentMade tells a supplier the programme has paid a milestone.
	NoticePaymentMade NoticeTemplate = "payment_made"
	// NoticeGateDecided tells a supplier the gate's decision on its contract, and why.
	NoticeGateDecided NoticeTemplate = "gate_decided"
	// NoticeShowAndTellScheduled tells a supplier when and where it presents to the gate.
	NoticeShowAndTellScheduled NoticeTemplate = "show_and_tell_scheduled"
	// NoticeMidpointReview asks a supplier for a short progress update at its contract's midpoint.
	NoticeMidpointReview NoticeTemplate = "midpoint_review"
	// NoticeReportDue reminds a supplier its end-of-phase report is due.
	NoticeReportDue NoticeTemplate = "report_due"
	// NoticePaymentOverdue flags to the programme team a payment past its 30-day term.
	NoticePaymentOverdue NoticeTemplate = "payment_overdue"
	// NoticePhase2Invitation invites a continued supplier to bid in the phase 2 competition.
	NoticePhase2Invitation NoticeTemplate = "phase2_invitation"
	// NoticeCorrectionAnswered tells a person what the programme did about the correction of
	// their data they asked for.
	NoticeCorrectionAnswered NoticeTemplate = "correction_answered"
	// NoticeAssisted tells a person that someone in the programme team is acting for them on
	// Catalyst, with the consent they gave.
	NoticeAssisted NoticeTemplate = "assisted"
	// NoticeSubmittedForYou gives a supplier the receipt of the bid the programme team submitted
	// for them.
	NoticeSubmittedForYou NoticeTemplate = "submitted_for_you"
	// NoticeBidReceived gives a supplier the receipt of the bid they submitted: the proof, kept
	// outside Catalyst, of what was received and when.
	NoticeBidReceived NoticeTemplate = "bid_received"
	// NoticeDelegateNamed tells a colleague that a challenge's owner named them a delegate, and
	// NoticeDelegateRemoved that they no longer are.
	NoticeDelegateNamed   NoticeTemplate = "delegate_named"
	NoticeDelegateRemoved NoticeTemplate = "delegate_removed"
	// NoticeInvited tells a supplier the programme added them to Catalyst as a member of their
	// organisation (a supplier import), and how to sign in.
	NoticeInvited NoticeTemplate = "invited"
)

// Text is the notice as a person reads it, with its values filled in.
func (t NoticeTemplate) Text(values map[string]string) string {
	var text string
	switch t {
	case NoticeChallengeSelected:
		text = "Your challenge “{title}” was selected into {round}. The programme team will now set up its phase 1 competition."
	case NoticeChallengeRejected:
		text = "Your challenge “{title}” was not selected. The programme team's reason: {reason}"
	case NoticeDeadlineExtended:
		text = "The deadline for your bid to “{title}” is now {closes_at} (UK time). The programme team's reason: {reason}"
	case NoticeClarificationPublished:
		text = "The programme team answered a clarification question about “{title}”. Question: {question} Answer: {answer}"
	case NoticeBidIneligible:
		text = "Your bid “{bid}” to “{title}” is not eligible, so it will not be assessed. The programme team's reason: {reason}"
	case NoticeBidReinstated:
		text = "Your bid “{bid}” to “{title}” is eligible after all, and will be assessed. The programme team's reason: {reason}"
	case NoticeJoinRequested:
		text = "{name} ({email}) asks to join {organisation} on Catalyst. Approve or decline it on your organisation's page."
	case NoticeJoinDecided:
		text = "Your request to join {organisation} was {decision} by {by}."
	case NoticeCompetitionAmended:
		text = "The programme team changed the questions of “{title}”: {reason} If you have submitted your bid, read the questions again and confirm your bid before your deadline, or it may be found ineligible."
	case NoticeCompetitionOpened:
		text = "A competition in {fields} is open for bids: “{title}”, phase {phase}. It closes {closes_at} (UK time). Read it at {link}. To stop these alerts, go to {unsubscribe}"
	case NoticeOutcomeReleased:
		text = "The outcome of your bid “{bid}” to “{title}”: {outcome}. Read why, with the assessors' feedback, at {link}"
	case NoticeAssessmentReturned:
		text = "The programme team sent back your scores for “{bid}” ({title}) to look at again: {note} Change them and submit again on your assessments page."
	case NoticeAssignmentsReleased:
		text = "You have {count} bid(s) to assess for “{title}”, due by {due}. They are on your assessments page."
	case NoticeDeclarationLapsed:
		text = "You were not given bids to assess for “{title}” because your declaration of interests lapsed on {lapsed}. Renew it on your interests page to be given bids again."
	case NoticeAssessmentDueSoon:
		text = "A reminder: you have {count} bid(s) still to score for “{title}”, due by {due}. They are on your assessments page."
	case NoticeAssessmentOverdue:
		text = "Your scoring of {count} bid(s) for “{title}” was due by {due} and is overdue. Score them on your assessments page, or tell the programme team if you cannot."
	case NoticeInterviewScheduled:
		text = "Your bid “{bid}” to “{title}” is shortlisted for interview: {at}, {place}. Its outcome comes after the interviews."
	case NoticeDeliverableSubmitted:
		text = "{supplier} submitted the deliverable for milestone {milestone} of its contract for “{title}”: {deliverable}. Accept it or ask for changes on the contract's page."
	case NoticeDeliverableAccepted:
		text = "Your deliverable for milestone {milestone} of your contract for “{title}” was accepted. Its payment of {amount} falls due by {due}."
	case NoticeChangesRequested:
		text = "Changes were asked for in your deliverable for milestone {milestone} of your contract for “{title}”: {reason} Submit it again on the contract's page."
	case NoticeGateDecided:
		text = "The stage gate decided on your contract: {decision}. The rationale: {rationale}"
	case NoticeShowAndTellScheduled:
		text = "Your show-and-tell for “{title}” is at {at}, {place}: {presentation} minutes to present and {questions} of questions."
	case NoticeMidpointReview:
		text = "Your contract for “{title}” is halfway through. Send the challenge owner a short progress update on the contract's page."
	case NoticeReportDue:
		text = "Your end-of-phase report for “{title}” is due by {due}, when the contract ends. Write it on the contract's page: the stage gate reads it."
	case NoticePaymentOverdue:
		text = "The payment of {amount} to {supplier} for milestone {milestone} of “{title}” was due by {due} and is overdue. Pay it and record it on the contract's page."
	case NoticePhase2Invitation:
		text = "You are invited to bid in the phase 2 competition of “{title}”, open only to the suppliers the gate continued. It closes {closes_at} (UK time). Read it at {link}"
	case NoticeAssisted:
		text = "{helper} of the programme team is acting for you on Catalyst, with the consent you gave {how}: {consent}. Everything they do is recorded as done by them on your behalf. If you did not agree to this, tell the programme team at once."
	case NoticeSubmittedForYou:
		text = "{helper} of the programme team submitted your bid “{title}” for you at {at} (UK time). Your receipt number is {receipt}: keep it, as it shows what was submitted and when."
	case NoticeBidReceived:
		text = "We received your bid “{title}” at {at} (UK time). Your receipt number is {receipt}: keep it, as it shows what was submitted and when. Anyone can check it at {link}"
	case NoticeDelegateNamed:
		text = "{owner} named you a delegate for the challenge “{title}”: you may now act for them on its contracts (accept deliverables, the midpoint review and the recommendation at the stage gate)."
	case NoticeDelegateRemoved:
		text = "{owner} no longer has you act for them on the challenge “{title}”."
	case NoticeInvited:
		text = "{by} added you to Catalyst as a member of {organisation}. Sign in at {link} with this email address to find competitions, ask questions and bid."
	case NoticeCorrectionAnswered:
		text = "The programme team answered your request to correct your data: {outcome}. {answer}"
	case NoticePaymentMade:
		text = "The programme team has paid {amount} for milestone {milestone} of your contract for “{title}”."
	default:
		return string(t)
	}
	for k, v := range values {
		text = strings.ReplaceAll(text, "{"+k+"}", v)
	}
	return text
}

// AlertFields are the fields an alert and a competition share, in the competition's order:
// none, and the alert does not fire.
func AlertFields(alert, competition []string) []string {
	var out []string
	for _, f := range competition {
		for _, a := range alert {
			if a == f {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// NoticeTemplates lists every kind of notice, in the order a person's email choices show them.
var NoticeTemplates = []NoticeTemplate{
	NoticeChallengeSelected, NoticeChallengeRejected, NoticeCompetitionOpened, NoticeDeadlineExtended,
	NoticeClarificationPublished, NoticeCompetitionAmended, NoticeBidReceived, NoticeBidIneligible, NoticeBidReinstated,
	NoticeInterviewScheduled, NoticeOutcomeReleased, NoticeJoinRequested, NoticeJoinDecided,
	NoticeAssignmentsReleased, NoticeAssessmentDueSoon, NoticeAssessmentOverdue, NoticeAssessmentReturned,
	NoticeDeclarationLapsed, NoticeDeliverableSubmitted, NoticeDeliverableAccepted, NoticeChangesRequested,
	NoticePaymentMade, NoticePaymentOverdue, NoticeMidpointReview, NoticeReportDue,
	NoticeShowAndTellScheduled, NoticeGateDecided, NoticePhase2Invitation, NoticeCorrectionAnswered,
	NoticeAssisted, NoticeSubmittedForYou, NoticeDelegateNamed, NoticeDelegateRemoved, NoticeInvited,
}

// noticeSubjects are the email subject lines, filled in like the text.
var noticeSubjects = map[NoticeTemplate]string{
	NoticeChallengeSelected:      "Your challenge was selected: {title}",
	NoticeChallengeRejected:      "Your challenge was not selected: {title}",
	NoticeCompetitionOpened:      "A competition is open for bids: {title}",
	NoticeDeadlineExtended:       "The deadline for your bid moved: {title}",
	NoticeClarificationPublished: "A clarification was published: {title}",
	NoticeCompetitionAmended:     "The questions changed: {title}",
	NoticeBidReceived:            "We received your bid: {title}",
	NoticeBidIneligible:          "Your bid is not eligible: {title}",
	NoticeBidReinstated:          "Your bid is eligible after all: {title}",
	NoticeInterviewScheduled:     "Your bid is shortlisted for interview: {title}",
	NoticeOutcomeReleased:        "The outcome of your bid: {title}",
	NoticeJoinRequested:          "A colleague asks to join {organisation}: {name}",
	NoticeJoinDecided:            "A decision on your request to join {organisation}",
	NoticeAssignmentsReleased:    "You have bids to assess: {title}",
	NoticeAssessmentDueSoon:      "Bids to score soon: {title}",
	NoticeAssessmentOverdue:      "Your scoring is overdue: {title}",
	NoticeAssessmentReturned:     "Your scores were sent back: {title}",
	NoticeDeclarationLapsed:      "Your declaration of interests has lapsed",
	NoticeDeliverableSubmitted:   "A deliverable to review: {title}",
	NoticeDeliverableAccepted:    "Your deliverable was accepted: {title}",
	NoticeChangesRequested:       "Changes asked for in your deliverable: {title}",
	NoticePaymentMade:            "A milestone was paid: {title}",
	NoticePaymentOverdue:         "A payment is overdue: {title}",
	NoticeMidpointReview:         "Your contract is halfway through: {title}",
	NoticeReportDue:              "Your end-of-phase report is due: {title}",
	NoticeShowAndTellScheduled:   "Your show-and-tell: {title}",
	NoticeGateDecided:            "The stage gate decided on your contract",
	NoticePhase2Invitation:       "You are invited to bid in phase 2: {title}",
	NoticeCorrectionAnswered:     "Your request to correct your data was answered",
	NoticeAssisted:               "The programme team is acting for you on Catalyst",
	NoticeSubmittedForYou:        "Your bid was submitted for you: {title}",
	NoticeDelegateNamed:          "You can act for {owner} on a challenge: {title}",
	NoticeDelegateRemoved:        "You no longer act for {owner} on a challenge: {title}",
	NoticeInvited:                "You have been added to Catalyst: {organisation}",
}

// Subject is the notice's email subject line with its values filled in; a value missing leaves
// the subject without that part rather than a placeholder.
func (t NoticeTemplate) Subject(values map[string]string) string {
	s, ok := noticeSubjects[t]
	if !ok {
		return "A notice from Catalyst"
	}
	for k, v := range values {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	if i := strings.Index(s, "{"); i >= 0 {
		s = strings.TrimRight(s[:i], ": ")
	}
	// Without its values, the subject names the kind: the email choices list it so.
	return s
}

// Known says whether t is a kind of notice Catalyst sends.
func (t NoticeTemplate) Known() bool { _, ok := noticeSubjects[t]; return ok }

// NoticeLink is the page a notice is about, as a path and the words of a link to it; "" when
// the notice is about no page.
func NoticeLink(recordType string, recordID int) (path, label string) {
	if recordID == 0 {
		return "", ""
	}
	switch recordType {
	case "challenge":
		return fmt.Sprintf("/challenges/%d", recordID), "See the challenge"
	case "contract":
		return fmt.Sprintf("/contracts/%d", recordID), "See the contract"
	case "competition":
		return fmt.Sprintf("/competitions/%d", recordID), "See the competition"
	}
	return "", ""
}

// EmailAll is the choice that turns off every email.
const EmailAll = "all"

// WantsEmail says whether a person who turned off the kinds in off is emailed a notice of kind t.
func WantsEmail(off []string, t NoticeTemplate) bool {
	return !slices.Contains(off, EmailAll) && !slices.Contains(off, string(t))
}

// CheckEmailChoices refuses a kind of notice that does not exist.
func CheckEmailChoices(off []string) error {
	var ps Problems
	for _, k := range off {
		if k != EmailAll && !NoticeTemplate(k).Known() {
			ps.Add("off", "%q is not a kind of email Catalyst sends", k)
		}
	}
	return ps.Err()
}
