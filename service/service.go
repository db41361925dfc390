// Package service is the one home of every command and read a person makes. The JSON API and
// the pages are thin adapters over it, so a rule, a refusal and its reason are the same on a
// page and in the API. A command takes the context (which carries the viewer and the request's
// ID) and one input struct, checks it with domain, writes in one transaction with its audit
// event, reaches the workflows through their typed client, and returns its result or a refusal
// a person can act on: domain.Problems (what to fix, field by field), a domain.TransitionError
// (the state forbids it, and says which), or a *Refusal.
package service

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/outbound"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// Service holds what the commands need.
type Service struct {
	DB        *ent.Client
	Docs      *docstore.Store
	Lifecycle workflows.Lifecycle
	// ShortestOpen is how long a competition must be open at least (domain.DefaultShortestOpen
	// if 0); the dev stack runs its demo competitions in seconds.
	ShortestOpen time.Duration
	// LogKey is the public log's verifier key (note vkey form), to check receipts against.
	LogKey string
	// Outbound is where a webhook endpoint may point: nil for the public internet only.
	Outbound *outbound.Policy

	forgetting atomic.Bool // a pass of ForgetOldAnswers is under way
}

// shortestOpen is the deployment's shortest open period.
func (s *Service) shortestOpen() time.Duration {
	if s.ShortestOpen == 0 {
		return domain.DefaultShortestOpen
	}
	return s.ShortestOpen
}

// Kind is the kind of a refusal, which the API turns into a status.
type Kind int

const (
	// Forbidden: the person may not do this to this record.
	Forbidden Kind = iota + 1
	// Conflict: another record or the record's state stands in the way.
	Conflict
	// Stale: the change was made on an older version of the record.
	Stale
	// NotFound: there is no such record the viewer may see.
	NotFound
	// Unauthenticated: the credential sent is not (or no longer) valid.
	Unauthenticated
	// Gone: the record's content was deleted on purpose (under the retention schedule).
	Gone
)

// Refusal is a command refused for a reason outside the domain's own rules: who may act, or
// a record that stands in the way. Code names the problem stably, for API clients.
type Refusal struct {
	Kind   Kind
	Code   string
	Title  string
	Detail string
}

func (r *Refusal) Error() string { return r.Detail }

func forbidden(format string, args ...any) error {
	return &Refusal{Kind: Forbidden, Code: "forbidden", Title: "You cannot do this", Detail: fmt.Sprintf(format, args...)}
}

func conflict(code, format string, args ...any) error {
	return &Refusal{Kind: Conflict, Code: code, Title: "This cannot be done now", Detail: fmt.Sprintf(format, args...)}
}

func notFound(what string, id int) error {
	return &Refusal{Kind: NotFound, Code: "not-found", Title: "Not found", Detail: fmt.Sprintf("there is no %s %d", what, id)}
}

// Page is the window of a list: the records after a cursor, up to a limit.
type Page struct {
	After int // the last ID (or sequence) already seen; 0 from the start
	Limit int // the most to return
	// Offset skips rows, for a list the pages show by page number.
	Offset int
}

// Record names a kind of record a path can name.
type Record string

// The records a path can name.
const (
	ChallengeRecord     Record = "challenge"
	CompetitionRecord   Record = "competition"
	ContractRecord      Record = "contract"
	BidRecord           Record = "bid"
	AssignmentRecord    Record = "assignment"
	ClarificationRecord Record = "clarification"
	JoinRequestRecord   Record = "join_request"
)

// Find says whether a record exists that the viewer may see: an adapter asks before it judges
// a request's body, so that someone out of scope learns nothing from how the body is judged.
func (s *Service) Find(ctx context.Context, kind Record, id int) error {
	var err error
	switch kind {
	case ChallengeRecord:
		_, err = s.DB.Challenge.Get(ctx, id)
	case CompetitionRecord:
		_, err = s.DB.Competition.Get(ctx, id)
	case ContractRecord:
		_, err = s.DB.Contract.Get(ctx, id)
	case BidRecord:
		_, err = s.DB.Bid.Get(ctx, id)
	case AssignmentRecord:
		_, err = s.DB.Assignment.Get(ctx, id)
	case ClarificationRecord:
		_, err = s.DB.Clarification.Get(ctx, id)
	case JoinRequestRecord:
		_, err = s.DB.JoinRequest.Get(ctx, id)
	default:
		err = fmt.Errorf("no such kind of record %q", kind)
	}
	return err
}
