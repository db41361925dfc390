// Package authz says who is acting. Every request and every activity carries a Viewer in its
// context; the data layer's privacy rules (ent/rule) and the API's route table decide from it.
// A context without a viewer is anonymous, and anonymous may read only what is public.
package authz

import (
	"context"
	"slices"
	"strings"
)

// Role is a kind of person Catalyst serves. Roles are held in Catalyst's own records, never
// taken from a sign-in provider, and each is scoped by the records it reaches: a challenge owner
// owns specific challenges, an assessor holds specific assignments, a supplier belongs to one
// organisation.
type Role string

const (
	// Admin manages people, their roles and delegated limits, API tokens and the service's
	// settings (webhooks, the retention schedule). It runs no competition and reads no bid.
	Admin Role = "admin"
	// ProgrammeOfficer runs the programme: screens challenges, sets up and opens competitions,
	// checks eligibility, assigns assessors, moderates, proposes funding decisions, awards
	// contracts, schedules show and tells and records the gate's decisions.
	ProgrammeOfficer Role = "programme_officer"
	// ChallengeOwner is a public body's person, scoped to the challenges they own.
	ChallengeOwner Role = "challenge_owner"
	// Assessor scores the bids assigned to them and nothing else.
	Assessor Role = "assessor"
	// Supplier is a member of one organisation, scoped to its bids and contracts.
	Supplier Role = "supplier"
	// Finance records the payments that a challenge owner's acceptance makes due, and nothing
	// else of the programme's: it reads every contract, and pays none it accepted itself.
	Finance Role = "finance"
	// PanelChair chairs the funding panel: approves the programme's proposed funding decisions
	// within their delegated limit, and reads the panel sheet to do so.
	PanelChair Role = "panel_chair"
	// BudgetHolder approves spending within their delegated limit, as a panel chair does.
	BudgetHolder Role = "budget_holder"
	// PanelMember sits on the funding panel: reads the panel sheet and records the interview
	// panel's scores, and approves nothing.
	PanelMember Role = "panel_member"
)

// Roles lists every role.
var Roles = []Role{Admin, ProgrammeOfficer, ChallengeOwner, Assessor, Supplier, Finance, PanelChair, BudgetHolder, PanelMember}

// RoleNames lists every role's name, for a message that says which are valid.
func RoleNames() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// RolesOf is the roles named, as stored.
func RolesOf(names []string) []Role {
	out := make([]Role, len(names))
	for i, n := range names {
		out[i] = Role(n)
	}
	return out
}

// Declarers are the roles that declare interests in suppliers: everyone who judges, decides or
// pays for a supplier's work. A supplier does not.
var Declarers = []Role{ProgrammeOfficer, ChallengeOwner, Assessor, Finance, PanelChair, BudgetHolder, PanelMember}

// ProgrammeTeam are the roles of the programme's own staff who read its records of people and
// its trails: an admin and a programme officer.
var ProgrammeTeam = []Role{Admin, ProgrammeOfficer}

// InProgrammeTeam reports whether the viewer is one of the programme's own staff.
func (v Viewer) InProgrammeTeam() bool {
	return slices.ContainsFunc(ProgrammeTeam, v.Has)
}

// Approvers are the roles that approve funding decisions, within their delegated limits.
var Approvers = []Role{PanelChair, BudgetHolder}

// Approves reports whether the viewer holds a role that approves funding decisions.
func (v Viewer) Approves() bool {
	return slices.ContainsFunc(Approvers, v.Has)
}

// ReadsPanelSheet reports whether the viewer reads a competition's panel sheet (its bids and
// every score) once it closes: the programme officer, the panel, and whoever approves its decision.
func (v Viewer) ReadsPanelSheet() bool {
	return v.Has(ProgrammeOfficer) || v.Has(PanelMember) || v.Approves()
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Viewer is who is acting: a signed-in person with their roles, or a named system identity.
type Viewer struct {
	PersonID       int
	Email          string
	Roles          []Role
	OrganisationID int // 0 when the person belongs to no organisation
	// System names the part of Catalyst acting on its own account ("lifecycle", "sign-in"); it
	// is empty for people. A system viewer is recorded by name in the audit trail.
	System string
	// TokenID is the API token the request came with, if any, and Token how the trail names it
	// (its number and name, and who issued it): an act with a token is told apart from the
	// person's own, above all one issued by someone else.
	TokenID int
	Token   string
	// Interests are the organisations the person has declared an interest in, in force: they act
	// on nothing of those organisations'.
	Interests []int
	// AssistedBy is who in the programme team acts as this person, with their consent (assisted
	// digital): the trail records each act as theirs on the person's behalf.
	AssistedBy string
}

// InterestIn reports whether the viewer declared an interest in the organisation.
func (v Viewer) InterestIn(organisationID int) bool {
	return slices.Contains(v.Interests, organisationID)
}

// Has reports whether the viewer holds role r.
func (v Viewer) Has(r Role) bool { return slices.Contains(v.Roles, r) }

// IsSystem reports whether the viewer is a system identity.
func (v Viewer) IsSystem() bool { return v.System != "" }

// Name is how the audit trail records the viewer.
func (v Viewer) Name() string {
	switch {
	case v.System != "":
		return "system:" + v.System
	case v.Email != "":
		return v.Email
	}
	return "anonymous"
}

type viewerKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer in ctx; ok is false for an anonymous context.
func FromContext(ctx context.Context) (Viewer, bool) {
	v, ok := ctx.Value(viewerKey{}).(Viewer)
	return v, ok
}

// Sequencer is the system identity that gives pending audit events their place in the trail
// and the public log: the only one that may set an event's place and chain hashes.
const Sequencer = "log-sequencer"

// AsSystem returns ctx acting as the named system identity. It is how background work (timers,
// the outbox relay, sign-in itself) reaches the records: explicitly and by name, never by
// switching the checks off.
func AsSystem(ctx context.Context, name string) context.Context {
	return NewContext(ctx, Viewer{System: name})
}
