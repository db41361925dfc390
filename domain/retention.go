package domain

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Retention: how long each kind of record's content is kept, counted from the moment that makes
// it no longer needed, and the legal holds that stop a deletion. What is deleted is the content
// (a document's bytes, a notice's words, a finished session); what it was (its name, size and
// SHA-256, when and why it went) is kept, and the audit trail records each deletion.

// RetentionKind is a kind of record the schedule keeps for a set time.
type RetentionKind string

// The kinds the retention schedule covers.
const (
	RetainUnsuccessfulBids RetentionKind = "unsuccessful_bid_documents"
	RetainSuccessfulBids   RetentionKind = "successful_bid_documents"
	RetainSessions         RetentionKind = "sessions"
	RetainEmailBodies      RetentionKind = "email_bodies"
)

// RetentionRule is one kind's default period and what it counts from.
type RetentionRule struct {
	Kind          RetentionKind
	Label         string // what is deleted, as a person reads it
	From          string // what the period counts from
	DefaultMonths int
}

// RetentionRules are the schedule's kinds with their defaults: the Crown Commercial Service's and
// most departments' schedules keep an unsuccessful bid 3 years after award and a contract's
// records 7 years after it ends (6 years' limitation, and a year to act).
var RetentionRules = []RetentionRule{
	{Kind: RetainUnsuccessfulBids, Label: "Unsuccessful bids' documents", From: "the competition's decision", DefaultMonths: 36},
	{Kind: RetainSuccessfulBids, Label: "Successful bids' and their contracts' documents", From: "the contract's end", DefaultMonths: 84},
	{Kind: RetainSessions, Label: "Signed-in sessions", From: "the session's last use", DefaultMonths: 12},
	{Kind: RetainEmailBodies, Label: "The words of notices and their emails", From: "the notice being sent", DefaultMonths: 12},
}

// RetentionKinds are the kinds' names, in the schedule's order.
func RetentionKinds() []string {
	out := make([]string, len(RetentionRules))
	for i, r := range RetentionRules {
		out[i] = string(r.Kind)
	}
	return out
}

// RetentionRuleOf is the kind's rule; ok is false for a kind the schedule does not have.
func RetentionRuleOf(kind RetentionKind) (RetentionRule, bool) {
	for _, r := range RetentionRules {
		if r.Kind == kind {
			return r, true
		}
	}
	return RetentionRule{}, false
}

// MaxRetentionMonths is the longest period the schedule takes: 100 years.
const MaxRetentionMonths = 1200

// CheckRetentionPeriod names what is wrong with a period for a kind.
func CheckRetentionPeriod(kind RetentionKind, months int) Problems {
	var ps Problems
	if _, ok := RetentionRuleOf(kind); !ok {
		ps.Add("kind", "There is no kind of record %q in the retention schedule", kind)
	}
	if months < 1 || months > MaxRetentionMonths {
		ps.Add("months", "Enter a period from 1 to %d months", MaxRetentionMonths)
	}
	return ps
}

// CheckRetentionPeriods names what is wrong with a whole schedule's periods, each problem at its
// kind (the field is the kind's name), saying which kind it is.
func CheckRetentionPeriods(periods map[RetentionKind]int) Problems {
	var ps Problems
	for _, kind := range slices.Sorted(maps.Keys(periods)) {
		for _, p := range CheckRetentionPeriod(kind, periods[kind]) {
			if p.Field == "months" {
				rule, _ := RetentionRuleOf(kind)
				p.Field, p.Message = string(kind), rule.Label+": "+LowerFirst(p.Message)
			}
			ps = append(ps, p)
		}
	}
	return ps
}

// RetentionDue is when content counted from from, kept for months, falls due for deletion.
func RetentionDue(from time.Time, months int) time.Time { return from.AddDate(0, months, 0) }

// HoldKind is the kind of record a legal hold is placed on.
type HoldKind string

// A hold on a competition keeps every bid in it; on a bid, that bid and its contract.
const (
	HoldCompetition HoldKind = "competition"
	HoldBid         HoldKind = "bid"
)

// Values lists the kinds, for the store's enum.
func (HoldKind) Values() []string { return []string{string(HoldCompetition), string(HoldBid)} }

// Valid reports whether k is a kind a hold is placed on.
func (k HoldKind) Valid() bool { return k == HoldCompetition || k == HoldBid }

// HoldReason is why a legal hold is placed or released.
var HoldReason = Text{Field: "reason", Label: "the reason", Max: 2000, MultiLine: true}

// CheckHoldRelease is the rule for releasing a hold: once, with a reason.
func CheckHoldRelease(released *time.Time) error {
	if released != nil {
		return &TransitionError{Record: "legal hold", Action: "release", From: "released",
			Reason: fmt.Sprintf("it was released on %s", released.In(London).Format("2 January 2006")), Kind: ErrInvalidTransition}
	}
	return nil
}
