package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/interest"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
)

type demoPerson struct {
	Name, Email, Role, Organisation string
	Limit                           domain.Money // a panel chair's or budget holder's delegated limit
}

// demoPeople hold every role; the suppliers belong to the demo organisations.
var demoPeople = []demoPerson{
	{"Hannah Price", "hannah.price@catalyst.example", "admin", "", 0},
	{"Priya Shah", "priya.shah@catalyst.example", "programme_officer", "", 0},
	{"Sam Patel", "sam.patel@catalyst.example", "finance", "", 0},
	{"Grace Hall", "grace.hall@catalyst.example", "panel_chair", "", domain.Pounds(1_000_000)},
	{"Omar Aziz", "omar.aziz@catalyst.example", "budget_holder", "", domain.Pounds(100_000)},
	{"Kofi Mensah", "kofi.mensah@catalyst.example", "panel_member", "", 0},
	{"Tom Reed", "tom.reed@anytown.gov.uk", "challenge_owner", "Anytown Council", 0},
	{"Lucy Grant", "lucy.grant@anytown.gov.uk", "challenge_owner", "Anytown Council", 0},
	{"Amara Okafor", "amara.okafor@assessors.example", "assessor", "", 0},
	{"Ben Carter", "ben.carter@assessors.example", "assessor", "", 0},
	{"Chen Li", "chen.li@assessors.example", "assessor", "", 0},
	{"Dana Evans", "dana@acme-analytics.example", "supplier", "Acme Analytics Ltd", 0},
	{"Ed Morgan", "ed@binsight.example", "supplier", "Binsight Ltd", 0},
	{"Fatima Khan", "fatima@civicsense.example", "supplier", "CivicSense Ltd", 0},
}

// demoRegistrations are what the demo suppliers registered, so the programme's figures of who
// it reaches have something to count: a small firm from the north-west that has sold to
// government before, a young micro business in Wales and a medium one in London, both new to it.
var demoRegistrations = map[string]struct {
	number, region string
	size           domain.OrganisationSize
	incorporated   time.Time
	before         bool
}{
	"Acme Analytics Ltd": {"09876543", "North West (England)", domain.Small, time.Date(2019, 5, 14, 0, 0, 0, 0, domain.London), true},
	"Binsight Ltd":       {"14567890", "Wales", domain.Micro, time.Date(2024, 2, 1, 0, 0, 0, 0, domain.London), false},
	"CivicSense Ltd":     {"10293847", "London", domain.Medium, time.Date(2016, 9, 30, 0, 0, 0, 0, domain.London), false},
}

const (
	demoAdmin   = "hannah.price@catalyst.example"
	demoOfficer = "priya.shah@catalyst.example"
	demoFinance = "sam.patel@catalyst.example"
	demoChair   = "grace.hall@catalyst.example"
	demoBudget  = "omar.aziz@catalyst.example"
	demoPanel   = "kofi.mensah@catalyst.example"
	demoOwner   = "tom.reed@anytown.gov.uk"
	// demoDelegate is Tom's colleague, whom he named to act for him on delegatedChallenge.
	demoDelegate       = "lucy.grant@anytown.gov.uk"
	delegatedChallenge = "Route gritters by road temperature"
)

var demoAssessors = []string{"amara.okafor@assessors.example", "ben.carter@assessors.example", "chen.li@assessors.example"}
var demoSuppliers = []string{"dana@acme-analytics.example", "ed@binsight.example", "fatima@civicsense.example"}

// demoChallenge is a challenge and the stage the seed drives it to.
type demoChallenge struct {
	Title, Problem, UserNeed string
	Stage                    domain.ChallengeStage
	// Scheduled: its phase 1 competition is set up to open by itself next week.
	Scheduled bool
	// Checking: its phase 1 competition stops in the eligibility check, one bid flagged and
	// one found ineligible.
	Checking bool
	// Interview: its phase 1 competition has an interview stage; every bid is scored, and the
	// best is given its interview slot.
	Interview bool
	// AtGate: its phase 1 contracts wait at the stage gate, both reported; the second
	// supplier's show-and-tell is held with the owner's recommendation, the first's scheduled.
	AtGate bool
	// AwaitingOutcome: its phase 2 contract has passed the final gate; the outcome is still to
	// record.
	AwaitingOutcome bool
}

// intake is a challenge's whole intake, as a challenge owner at Anytown Council gives it.
func intake(title, problem, need string) map[string]any {
	return map[string]any{
		"title": title, "public_body": "Anytown Council", "problem": problem, "user_need": need,
		"who_has_it":          "Residents and the council's front-line staff, across the borough.",
		"evidence":            "Complaints, call-centre logs and the council's own service figures for the last three years.",
		"fields":              []string{"Local services"},
		"budget_phase1_pence": 250_000_00, "budget_phase2_pence": 1_000_000_00,
		"commitment":   "The council will buy what works through a follow-on contract in its next budget year.",
		"sponsor_name": "Morgan Ellis", "sponsor_role": "Director of Place",
	}
}

var demoChallenges = []demoChallenge{
	{"Predict where potholes will form", "Potholes are repaired after they appear, at higher cost and risk.", "As a highways manager I need to know where roads will fail so I can repair them first.", domain.ChallengeDraft, false, false, false, false, false},
	{"Reduce missed bin collections", "One in fifty bin collections is missed, and residents report it by phone.", "As a resident I need my bins emptied on the day I was told.", domain.ChallengeSubmitted, false, false, false, false, false},
	{"Replace paper parking permits", "Permits are printed and posted; most residents want them on their phones.", "As a resident I need a permit without waiting for the post.", domain.ChallengeRejected, false, false, false, false, false},
	{"Find empty homes sooner", "Empty homes are found years late, from complaints, not data.", "As a housing officer I need to know which homes have stood empty.", domain.ChallengeSelected, false, false, false, false, false},
	{"Cut damp and mould in social housing", "Damp is found when tenants complain, often after harm to health.", "As a tenant I need damp found and fixed before it harms my family.", domain.ChallengePhase1Open, false, false, false, false, false},
	{"Keep street lights working", "Broken street lights are found by residents, weeks after they fail.", "As a resident I need the street lit on my way home.", domain.ChallengePhase1Open, true, false, false, false, false},
	{"Clear fly-tipping faster", "Fly-tipping is cleared days after it is dumped, once someone reports it.", "As a street cleansing officer I need to know where rubbish was dumped today.", domain.ChallengePhase1Assessment, false, true, false, false, false},
	{"Spot lonely older residents early", "Loneliness among older people is seen too late by services.", "As a care coordinator I need to know who is at risk of isolation.", domain.ChallengePhase1Assessment, false, false, false, false, false},
	{"Answer residents' calls first time", "Residents call several times before their problem reaches the right team.", "As a resident I need my problem sorted on my first call.", domain.ChallengePhase1Assessment, false, false, true, false, false},
	{"Route gritters by road temperature", "Gritting routes are fixed, not driven by live road conditions.", "As a winter service manager I need to grit the roads that will freeze.", domain.ChallengePhase1Contracts, false, false, false, false, false},
	{"Spot blocked gullies from photos", "Gullies are inspected on a fixed round, blocked or not.", "As a highways officer I need to visit the gullies that are blocked.", domain.ChallengePhase1Contracts, false, false, false, true, false},
	{"Warn of school bus delays", "Parents learn the school bus is late when it does not come.", "As a parent I need to know the bus is late before I leave.", domain.ChallengePhase1Contracts, false, false, false, true, false},
	{"Tell flooding from blocked drains", "Drains are cleared on a schedule, not where they are blocked.", "As a drainage engineer I need to clear the drains that are about to flood.", domain.ChallengePhase2Open, false, false, false, false, false},
	{"Match volunteers to hospital discharge", "Patients wait in hospital for simple help at home.", "As a discharge nurse I need a volunteer for a patient going home today.", domain.ChallengePhase2Assessment, false, false, false, false, false},
	{"Measure air quality outside schools", "There is one monitor for the whole town, nowhere near a school.", "As a head teacher I need to know the air my pupils breathe at the gate.", domain.ChallengePhase2Contracts, false, false, false, false, false},
	{"Light cycle paths when in use", "Cycle paths are lit all night or not at all.", "As a cyclist I need to see the path I am on.", domain.ChallengePhase2Contracts, false, false, false, false, true},
	{"Find leaks in council buildings", "Leaks are found when ceilings stain, long after they start.", "As a facilities manager I need to know a pipe leaks before the damage.", domain.ChallengePhase2Contracts, false, false, false, false, true},
	{"Plan bus routes from real journeys", "Routes were planned decades ago; journeys have changed.", "As a passenger I need a bus that goes where I go.", domain.ChallengeComplete, false, false, false, false, false},
	{"Translate council letters instantly", "Letters reach residents in a language many cannot read.", "As a resident I need to understand letters from the council.", domain.ChallengeClosed, false, false, false, false, false},
}

// seedDemo loads the demo people and drives each demo challenge through the real API and
// workflows to its stage. It is idempotent: people are upserted and a challenge whose title
// exists is left alone. It returns how many challenges it created.
func seedDemo(ctx context.Context, db *ent.Client, h http.Handler, log *slog.Logger) (int, error) {
	// The seed writes people and reads titles as its own named identity; everything else it
	// does goes through the API as the demo people, with their permissions (and the caller's
	// context alone, which carries no identity).
	requests := ctx
	ctx = authz.AsSystem(ctx, "seed")
	if err := seedPeople(ctx, db); err != nil {
		return 0, err
	}
	anon := newInProcessClient(h)
	anon.busyRetries = 3 // under load a command can find its workflow busy; the API says when
	anon.ctx = requests  // asked to stop, the seed stops sending at once
	anon.pace = &pace{}  // how slow commands are today, which the short deadlines allow for
	s := &seeder{clients: map[string]*apiClient{}, pace: anon.pace}
	for _, p := range demoPeople {
		c, err := anon.as(p.Email)
		if err != nil {
			return 0, err
		}
		s.clients[p.Email] = c
	}
	var err error
	if s.roundID, err = s.round(s.c(demoOfficer)); err != nil {
		return 0, err
	}
	// One supplier hears of every competition that opens in its fields; another asks the
	// programme to correct its sign-in address, which waits in the programme's work.
	if err := s.c(demoSuppliers[2]).call(http.MethodPost, "/api/v1/alerts", map[string]any{"fields": []string{"Local services", "Transport"}}, nil); err != nil {
		return 0, err
	}
	// The budget holder once advised CivicSense: he declared it, so he acts on nothing of its.
	if n, err := db.Interest.Query().Where(interest.HasAssessorWith(person.Email(demoBudget))).Count(authz.AsSystem(ctx, "seed")); err != nil || n == 0 {
		var civic int
		if err == nil {
			civic, err = db.Organisation.Query().Where(organisation.Name("CivicSense Ltd")).OnlyID(authz.AsSystem(ctx, "seed"))
		}
		if err == nil {
			err = s.c(demoBudget).call(http.MethodPost, "/api/v1/interests", map[string]any{"organisation_id": civic, "kind": "professional",
				"description": "Advised CivicSense on its first public sector bid in 2024"}, nil)
		}
		if err != nil {
			return 0, err
		}
	}
	if n, err := db.CorrectionRequest.Query().Count(authz.AsSystem(ctx, "seed")); err != nil || n == 0 {
		if err == nil {
			err = s.c(demoSuppliers[1]).call(http.MethodPost, "/api/v1/me/corrections",
				map[string]any{"what": "My email address changed to ed.okafor@binsight.example when we moved to a new domain"}, nil)
		}
		if err != nil {
			return 0, err
		}
	}
	var todo []demoChallenge
	for _, d := range demoChallenges {
		exists, err := db.Challenge.Query().Where(challenge.Title(d.Title)).Exist(ctx)
		if err != nil {
			return 0, err
		}
		if !exists {
			todo = append(todo, d)
		}
	}
	// Create them in lifecycle order, then advance them in parallel: most of the time is spent
	// waiting for short deadlines.
	owner := s.c(demoOwner)
	ids := make([]int, len(todo))
	for i, d := range todo {
		var ch challengeJSON
		if err := owner.call(http.MethodPost, "/api/v1/challenges", intake(d.Title, d.Problem, d.UserNeed), &ch); err != nil {
			return 0, err
		}
		ids[i] = ch.ID
	}
	errs := make(chan error, len(todo))
	for i, d := range todo {
		go func() {
			err := s.drive(ctx, ids[i], d)
			if err != nil {
				err = fmt.Errorf("demo challenge %q: %w", d.Title, err)
			}
			errs <- err
		}()
	}
	var all []error
	for range todo {
		all = append(all, <-errs)
	}
	return len(todo), errors.Join(all...)
}

// proposeAndApprove makes a competition's funding decision as the controls ask: the programme
// proposes it, and a panel chair approves it within their delegated limit. out is the
// competition as decided.
func proposeAndApprove(programme, chair *apiClient, comp int, decision map[string]any, out any) error {
	if err := programme.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/decision", comp), decision, nil); err != nil {
		return err
	}
	if err := chair.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/decision/approval", comp),
		map[string]any{"approve": true, "reason": "Within the round's budget, and the panel's ranking holds."}, nil); err != nil {
		return err
	}
	return programme.call(http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", comp), nil, out)
}

// nameDelegate has the challenge's owner name a colleague, found by email among the colleagues
// the challenge offers.
func nameDelegate(owner *apiClient, challenge int, email string) error {
	var people struct {
		Items []struct {
			ID    int    `json:"id"`
			Email string `json:"email"`
		} `json:"items"`
	}
	if err := owner.call(http.MethodGet, "/api/v1/people", nil, &people); err != nil {
		return err
	}
	for _, p := range people.Items {
		if p.Email == email {
			return owner.call(http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d/delegates", challenge), map[string]any{"person_id": p.ID}, nil)
		}
	}
	return fmt.Errorf("the owner cannot find their colleague %s", email)
}

// seedPeople makes the demo people, with their roles and limits.
func seedPeople(ctx context.Context, db *ent.Client) error {
	ctx = authz.AsSystem(ctx, "seed")
	for _, p := range demoPeople {
		var orgID int
		if p.Organisation != "" {
			id, err := db.Organisation.Query().Where(organisation.Name(p.Organisation)).OnlyID(ctx)
			if ent.IsNotFound(err) {
				var org *ent.Organisation
				create := db.Organisation.Create().SetName(p.Organisation).SetEmailDomain(domain.EmailDomain(p.Email)).
					SetPublicBody(p.Role == "challenge_owner")
				if r, ok := demoRegistrations[p.Organisation]; ok {
					create.SetLegalForm(domain.FormCompany).SetCompanyNumber(r.number).SetSize(r.size).
						SetIncorporatedOn(r.incorporated).SetRegion(r.region).SetPublicContractBefore(r.before)
				}
				org, err = create.Save(ctx)
				if err == nil {
					id = org.ID
				}
			}
			if err != nil {
				return err
			}
			orgID = id
		}
		exists, err := db.Person.Query().Where(person.Email(p.Email)).Exist(ctx)
		if err != nil {
			return err
		}
		if exists {
			continue
		}
		create := db.Person.Create().SetName(p.Name).SetEmail(p.Email).SetRoles([]string{p.Role}).SetDelegatedLimit(p.Limit)
		if orgID != 0 {
			create.SetOrganisationID(orgID)
		}
		if err := create.Exec(ctx); err != nil && !ent.IsConstraintError(err) {
			return err
		}
	}
	return nil
}

type seeder struct {
	clients map[string]*apiClient
	roundID int // the demo round the programme selects challenges into
	pace    *pace
}

// demoRound is the funding round the demo's challenges are selected into.
const demoRound = "2026 to 2027, round 1"

// round finds the demo round, or sets it up, through the API as the programme team.
func (s *seeder) round(admin *apiClient) (int, error) {
	var rounds struct {
		Items []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := admin.call(http.MethodGet, "/api/v1/rounds", nil, &rounds); err != nil {
		return 0, err
	}
	for _, r := range rounds.Items {
		if r.Name == demoRound {
			return r.ID, nil
		}
	}
	var r struct {
		ID int `json:"id"`
	}
	start := time.Date(2026, 4, 1, 0, 0, 0, 0, domain.London)
	err := admin.call(http.MethodPost, "/api/v1/rounds", map[string]any{"name": demoRound, "budget_pence": 25_000_000_00,
		"starts_at": start, "ends_at": start.AddDate(1, 0, 0)}, &r)
	return r.ID, err
}

func (s *seeder) c(email string) *apiClient { return s.clients[email] }

// Views the seed and the end-to-end test read back.
type challengeJSON struct {
	ID           int               `json:"id"`
	Stage        string            `json:"stage"`
	StageReason  string            `json:"stage_reason"`
	Outcome      string            `json:"outcome"`
	Competitions []competitionJSON `json:"competitions"`
}

type competitionJSON struct {
	ID                    int            `json:"id"`
	Phase                 int            `json:"phase"`
	Status                string         `json:"status"`
	ClosesAt              time.Time      `json:"closes_at"`
	SubmittedBids         int            `json:"submitted_bids"`
	EligibleOrganisations []int          `json:"eligible_organisations"`
	Scheme                domain.Scheme  `json:"scheme"`
	Bids                  []bidJSON      `json:"bids"`
	Contracts             []contractJSON `json:"contracts"`
}

type bidJSON struct {
	ID             int      `json:"id"`
	OrganisationID int      `json:"organisation_id"`
	Status         string   `json:"status"`
	Receipt        string   `json:"receipt"`
	Score          *float64 `json:"score"`
	OutcomeReason  string   `json:"outcome_reason"`
	Documents      []struct {
		ID     int    `json:"id"`
		SHA256 string `json:"sha256"`
	} `json:"documents"`
}

type contractJSON struct {
	ID             int    `json:"id"`
	OrganisationID int    `json:"organisation_id"`
	Phase          int    `json:"phase"`
	Status         string `json:"status"`
	ValuePence     int64  `json:"value_pence"`
	Gate           *struct {
		Outcome   string `json:"outcome"`
		Rationale string `json:"rationale"`
	} `json:"gate"`
	Milestones []struct {
		ID          int    `json:"id"`
		AmountPence int64  `json:"amount_pence"`
		Status      string `json:"status"`
	} `json:"milestones"`
}

// shortDeadline is how far ahead the seed sets a deadline it wants to see pass.
const shortDeadline = 6 * time.Second

func (s *seeder) drive(ctx context.Context, id int, d demoChallenge) error {
	admin, owner := s.c(demoOfficer), s.c(demoOwner)
	var ch challengeJSON
	path := fmt.Sprintf("/api/v1/challenges/%d", id)
	stop := func(st domain.ChallengeStage) bool { return d.Stage == st }
	if stop(domain.ChallengeDraft) {
		return nil
	}
	if err := owner.call(http.MethodPost, path+"/submit", nil, &ch); err != nil {
		return err
	}
	if d.Title == delegatedChallenge {
		if err := nameDelegate(owner, id, demoDelegate); err != nil {
			return err
		}
	}
	if stop(domain.ChallengeSubmitted) {
		return nil
	}
	if stop(domain.ChallengeRejected) {
		return admin.call(http.MethodPost, path+"/selection", map[string]any{"select": false,
			"reason": "An off-the-shelf product already meets this need, so it does not need R&D."}, &ch)
	}
	if err := admin.call(http.MethodPost, path+"/selection", map[string]any{"select": true, "round_id": s.roundID}, &ch); err != nil {
		return err
	}
	if stop(domain.ChallengeSelected) {
		// The programme has started setting up its competition.
		_, err := s.setUp(admin, id, false, time.Time{}, time.Time{})
		return err
	}

	// Phase 1. The competition that stays open was set up task by task on the pages' service
	// calls; the others open in one call with the defaults.
	longOpen := stop(domain.ChallengePhase1Open)
	var comp int
	var err error
	if longOpen {
		opens, closes := time.Time{}, noon(time.Now().Add(6*7*24*time.Hour))
		if d.Scheduled {
			opens = noon(time.Now().Add(7 * 24 * time.Hour))
			closes = opens.Add(6 * 7 * 24 * time.Hour)
		}
		comp, err = s.setUp(admin, id, true, opens, closes)
		if err != nil || d.Scheduled {
			return err
		}
	} else {
		interview := 0
		if d.Interview {
			interview = 30
		}
		comp, err = s.open(admin, path, false, 0, interview)
	}
	if err != nil {
		return err
	}
	if stop(domain.ChallengeClosed) {
		_, err := s.waitChallenge(ctx, admin, path, func(c challengeJSON) bool { return c.Stage == string(domain.ChallengeClosed) })
		return err
	}
	prices := []int64{45_000_00, 48_500_00, 30_000_00}
	var bids []int
	for i, sup := range demoSuppliers {
		draftOnly := longOpen && i == 2
		id, err := s.bidWith(s.c(sup), comp, fmt.Sprintf("%s: %s", []string{"Acme Analytics", "Binsight", "CivicSense"}[i], d.Title), prices[i], !draftOnly,
			!(d.Checking && i == 2))
		if err != nil {
			return err
		}
		bids = append(bids, id)
	}
	if longOpen {
		return s.clarifyAndExtend(admin, comp)
	}
	if err := s.waitClosed(ctx, admin, comp); err != nil {
		return err
	}
	if d.Checking {
		return admin.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/eligibility", bids[1]), map[string]any{
			"eligible": false, "reason": "The bid proposes work in another council's area, which is out of scope."}, nil)
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/eligibility/finish", comp), nil, nil); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/assignments/release", comp), nil, nil); err != nil {
		return err
	}
	scoresFor := []int{9, 8, 5}
	if stop(domain.ChallengePhase1Assessment) && !d.Interview {
		// Part way through, with an outlier for moderation: 90% and 20% on the first bid.
		for _, a := range []struct {
			bid, score int
			by         []string
		}{{bids[0], 9, demoAssessors[:1]}, {bids[0], 2, demoAssessors[1:2]}, {bids[1], 7, demoAssessors[1:2]}} {
			if err := s.assess(comp, a.bid, a.by, a.score); err != nil {
				return err
			}
		}
		return nil
	}
	for i, b := range bids {
		if err := s.assess(comp, b, demoAssessors, scoresFor[i]); err != nil {
			return err
		}
	}
	if d.Interview {
		// The best bid has its interview slot; the next one is still to be given one.
		return admin.call(http.MethodPut, fmt.Sprintf("/api/v1/bids/%d/interview-slot", bids[0]), map[string]any{
			"at": noon(time.Now().Add(14 * 24 * time.Hour)), "place": "Committee Room 2, Anytown Town Hall"}, nil)
	}
	var decided competitionJSON
	if err := proposeAndApprove(admin, s.c(demoChair), comp, map[string]any{}, &decided); err != nil {
		return err
	}
	if len(decided.Contracts) != 2 {
		return fmt.Errorf("phase 1 awarded %d contracts, expected 2", len(decided.Contracts))
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/feedback-release", comp), nil, nil); err != nil {
		return err
	}
	lead, second := decided.Contracts[0], decided.Contracts[1]
	// The lead supplier accepts its contract; its first milestone is delivered, accepted and
	// paid, and its second is waiting for the owner's review.
	leadK, err := s.acceptContract(demoSuppliers[0], lead.ID)
	if err != nil {
		return err
	}
	if err := s.milestone(demoSuppliers[0], leadK.Milestones[0].ID, true, true); err != nil {
		return err
	}
	if stop(domain.ChallengePhase1Contracts) && !d.AtGate {
		// The lead supplier's midpoint review is done; the second supplier has not accepted its
		// offer yet.
		if err := s.c(demoSuppliers[0]).call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/progress", lead.ID),
			map[string]any{"progress": "The model runs on last winter's data; the live feed from the road sensors starts next month."}, nil); err != nil {
			return err
		}
		if err := owner.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/midpoint-review", lead.ID),
			map[string]any{"rag": "amber", "rag_note": "On track, but the live feed is a risk: agree a date with the sensor supplier."}, nil); err != nil {
			return err
		}
		return s.milestone(demoSuppliers[0], leadK.Milestones[1].ID, false, false)
	}
	if err := s.milestone(demoSuppliers[0], leadK.Milestones[1].ID, true, true); err != nil {
		return err
	}
	if err := s.report(demoSuppliers[0], lead.ID, "The feasibility study showed the approach works with the council's own data."); err != nil {
		return err
	}
	// The second supplier's first milestone is accepted but not yet paid when the gate stops it.
	secondK, err := s.acceptContract(demoSuppliers[1], second.ID)
	if err != nil {
		return err
	}
	if err := s.milestone(demoSuppliers[1], secondK.Milestones[0].ID, true, false); err != nil {
		return err
	}
	if err := s.report(demoSuppliers[1], second.ID, "The data needed is not collected today."); err != nil {
		return err
	}
	if err := s.showAndTell(second.ID, true, "stop"); err != nil {
		return err
	}
	if d.AtGate {
		return s.showAndTell(lead.ID, false, "")
	}
	if err := s.showAndTell(lead.ID, true, "continue"); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, path+"/gate", map[string]any{"decision": "go", "criteria": []string{"success", "budget", "standards"},
		"rationale": "The lead supplier's trial met its target, the phase 2 budget is set aside and the work meets the standards."}, nil); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", lead.ID),
		map[string]any{"outcome": "continue", "rationale": "The trial met its accuracy target and the owner wants a prototype."}, nil); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", second.ID),
		map[string]any{"outcome": "stop", "rationale": "Without the data the approach cannot work; stopping saves the phase 2 budget.",
			"lesson": map[string]any{"what_worked": "The supplier's model was sound on the sample it had.",
				"what_failed": "The council does not collect the data the model needs.",
				"why":         "Nobody checked the data existed before phase 1 began: check it at selection."}}, nil); err != nil {
		return err
	}

	// Phase 2, open only to the continued supplier.
	longOpen = stop(domain.ChallengePhase2Open)
	comp2, err := s.open(admin, path, longOpen, 8*7*24*time.Hour, 0)
	if err != nil {
		return err
	}
	b2, err := s.bid(s.c(demoSuppliers[0]), comp2, "Acme Analytics: prototype for "+d.Title, 420_000_00, true)
	if err != nil {
		return err
	}
	if longOpen {
		return nil
	}
	if err := s.waitClosed(ctx, admin, comp2); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/eligibility/finish", comp2), nil, nil); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/assignments/release", comp2), nil, nil); err != nil {
		return err
	}
	if stop(domain.ChallengePhase2Assessment) {
		// Two of three assessors, 30 points apart: wider than the moderation band.
		if err := s.assess(comp2, b2, demoAssessors[:1], 10); err != nil {
			return err
		}
		return s.assess(comp2, b2, demoAssessors[2:3], 7)
	}
	if err := s.assess(comp2, b2, demoAssessors, 8); err != nil {
		return err
	}
	if err := proposeAndApprove(admin, s.c(demoChair), comp2, map[string]any{}, &decided); err != nil {
		return err
	}
	if len(decided.Contracts) != 1 {
		return fmt.Errorf("phase 2 awarded %d contracts, expected 1", len(decided.Contracts))
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/feedback-release", comp2), nil, nil); err != nil {
		return err
	}
	if stop(domain.ChallengePhase2Contracts) && !d.AwaitingOutcome {
		return nil
	}
	k := decided.Contracts[0].ID
	k2, err := s.acceptContract(demoSuppliers[0], k)
	if err != nil {
		return err
	}
	for _, m := range k2.Milestones {
		if err := s.milestone(demoSuppliers[0], m.ID, true, true); err != nil {
			return err
		}
	}
	if err := s.report(demoSuppliers[0], k, "The prototype ran for six months on live data."); err != nil {
		return err
	}
	if err := s.showAndTell(k, true, "complete"); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/gate", k),
		map[string]any{"outcome": "complete", "rationale": "The prototype met every acceptance test."}, nil); err != nil {
		return err
	}
	if d.AwaitingOutcome {
		return nil
	}
	return admin.call(http.MethodPost, path+"/completion",
		map[string]any{"outcome": "adopted", "lessons": "Agree data sharing before phase 1 starts.", "lesson": map[string]any{
			"what_worked": "Live data from the council's own systems, shared from the first week.",
			"what_failed": "The first prototype's interface was built before users were asked.",
			"why":         "Data sharing agreed early saved months; user research came late. Agree both before phase 1 starts."}}, &ch)
}

// report is a supplier's end-of-phase report, every section written.
func (s *seeder) report(supplier string, contract int, summary string) error {
	body := map[string]any{"summary": summary}
	for _, sec := range domain.ReportSections[1:] {
		body[sec.Key] = sec.Title + ": what the phase showed, with the evidence in the documents."
	}
	return s.c(supplier).call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/report", contract), body, nil)
}

// showAndTell schedules a supplier's show-and-tell for tomorrow and, when held (brought forward
// to today), records it with the owner's recommendation.
func (s *seeder) showAndTell(contract int, held bool, recommend string) error {
	at := noon(time.Now().Add(24 * time.Hour))
	if err := s.c(demoOfficer).call(http.MethodPut, fmt.Sprintf("/api/v1/contracts/%d/show-and-tell", contract), map[string]any{
		"at": at, "place": "Committee Room 1, Anytown Town Hall", "attendees": "Tom Reed (challenge owner), the programme team, two residents"}, nil); err != nil {
		return err
	}
	if !held {
		return nil
	}
	// Brought forward to today: recorded with when it was really held.
	if err := s.c(demoOfficer).call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/show-and-tell/record", contract), map[string]any{
		"held_at": time.Now().Add(-time.Minute).UTC(), "attended": "Tom Reed, Priya Shah, two residents",
		"notes": "A clear demonstration; questions on data and cost answered."}, nil); err != nil {
		return err
	}
	why := map[string]string{"continue": "It works on our data and residents want it.", "stop": "The data it needs is not there.",
		"complete": "The prototype met every acceptance test."}[recommend]
	return s.c(demoOwner).call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/recommendation", contract),
		map[string]any{"outcome": recommend, "reason": why}, nil)
}

// acceptContract is the supplier's acceptance of its contract.
func (s *seeder) acceptContract(supplier string, id int) (contractJSON, error) {
	var k contractJSON
	err := s.c(supplier).call(http.MethodPost, fmt.Sprintf("/api/v1/contracts/%d/acceptance", id), nil, &k)
	if err == nil && len(k.Milestones) == 0 {
		err = fmt.Errorf("contract %d has no milestones", id)
	}
	return k, err
}

// milestone has the supplier deliver a milestone, then, as asked, the owner accept it and the
// programme pay it.
func (s *seeder) milestone(supplier string, id int, accept, pay bool) error {
	if err := s.c(supplier).call(http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/deliverable", id),
		map[string]any{"note": "Delivered as the milestone describes: the documents and a short note of what we found."}, nil); err != nil {
		return err
	}
	if !accept {
		return nil
	}
	if err := s.c(demoOwner).call(http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/review", id),
		map[string]any{"accept": true, "reason": "It meets the success criteria."}, nil); err != nil {
		return err
	}
	if !pay {
		return nil
	}
	return s.c(demoFinance).call(http.MethodPost, fmt.Sprintf("/api/v1/milestones/%d/payment", id), nil, nil)
}

func (s *seeder) open(admin *apiClient, challengePath string, long bool, longFor time.Duration, interviewWeight int) (int, error) {
	// A short deadline allows for three bids of about a dozen commands each, at today's pace:
	// on a quiet machine that is shortDeadline, on a busy one more. It is reckoned from just
	// before the request; a request slow enough to leave it too close is refused with nothing
	// opened, and is sent again with more time.
	for lead := shortDeadline + min(15*s.pace.slowest(), time.Minute); ; lead *= 2 {
		closes := time.Now().Add(lead)
		if long {
			closes = time.Now().Add(longFor).Truncate(time.Hour)
		}
		var comp competitionJSON
		body := wholeSetup("Ideas that solve the challenge, tested in a short feasibility study.", closes)
		body["interview_weight"] = interviewWeight
		err := admin.call(http.MethodPost, challengePath+"/competitions", body, &comp)
		var e *apiError
		if !long && lead < 2*time.Minute && errors.As(err, &e) && e.Status == http.StatusUnprocessableEntity && strings.Contains(e.Detail, "closing time") {
			continue
		}
		return comp.ID, err
	}
}

// inTime makes sure a bid about to be submitted will be in before the competition's short
// deadline: on a machine slow enough that what is left is less than the bid has taken so
// far, the programme extends the deadline for everyone, as it would for bidders held up.
func (s *seeder) inTime(comp competitionJSON, took time.Duration) error {
	margin := time.Second + 3*took + 3*s.pace.slowest()
	if time.Until(comp.ClosesAt) > margin {
		return nil
	}
	return s.c(demoOfficer).call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/extensions", comp.ID), map[string]any{
		"closes_at": time.Now().Add(shortDeadline + 2*margin).UTC(), "reason": "More time for bidders, as the service was slow today."}, nil)
}

// noon is midday, UK time, on t's day: when a demo competition opens or closes.
func noon(t time.Time) time.Time {
	y, m, d := t.In(domain.London).Date()
	return time.Date(y, m, d, 12, 0, 0, 0, domain.London)
}

// setUp sets up a challenge's phase 1 competition through the setup API: all of it, and then
// opened or scheduled, when complete; otherwise its details and two questions, left as a draft.
func (s *seeder) setUp(admin *apiClient, challengeID int, complete bool, opens, closes time.Time) (int, error) {
	var comp competitionJSON
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/challenges/%d/competition-setup", challengeID), nil, &comp); err != nil {
		return 0, err
	}
	setup := fmt.Sprintf("/api/v1/competitions/%d/setup", comp.ID)
	questions := []map[string]any{
		{"title": "Fit to the challenge", "text": "How does your idea meet the council's need?", "word_limit": 500, "weight": 30, "max": 10},
		{"title": "Innovation", "text": "What is new about your approach?", "word_limit": 500, "weight": 25, "max": 10},
		{"title": "Feasibility", "text": "How will you test it in twelve weeks?", "word_limit": 750, "weight": 25, "max": 10,
			"appendix_types": []string{"pdf"}, "appendix_mb": 10, "guidance": "Show the plan week by week, and who does what."},
		{"title": "Start date", "text": "Can you start within four weeks of the contract?", "word_limit": 100, "pass_fail": true},
		{"title": "Insurance", "text": "Do you hold professional indemnity insurance of at least £1 million?", "word_limit": 100, "pass_fail": true},
	}
	body := map[string]any{
		"details":   map[string]any{"summary": "Find a better way, then prove it works in twelve weeks.", "scope": "Feasibility studies using the council's own data. Hardware trials are out of scope in phase 1.", "fields": []string{"Local services"}},
		"questions": questions[:2],
	}
	if complete {
		body["questions"] = questions
		dates := map[string]any{"closes_at": closes, "clarification_closes_at": closes.Add(-7 * 24 * time.Hour),
			"briefing_at": closes.Add(-4 * 7 * 24 * time.Hour), "briefing_details": "Online, with the challenge owner. Join from the link in the council's events page."}
		if !opens.IsZero() {
			dates["opens_at"] = opens
			dates["briefing_at"] = opens.Add(7 * 24 * time.Hour)
		}
		body["dates"] = dates
		body["money"] = map[string]any{"pot_pence": 250_000_00, "max_contract_pence": 50_000_00, "max_contracts": 5}
		body["assessment"] = map[string]any{"assessors_per_bid": 3, "assessment_days": 15, "moderation_band": 20, "threshold": 70, "selection": "top_down"}
	}
	if err := admin.call(http.MethodPost, setup, body, nil); err != nil {
		return 0, err
	}
	if complete {
		if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/launch", comp.ID), nil, nil); err != nil {
			return 0, err
		}
	}
	return comp.ID, nil
}

// clarifyAndExtend shows an open competition's work: an answered question every bidder sees,
// one waiting for an answer, and one supplier's deadline extended.
func (s *seeder) clarifyAndExtend(admin *apiClient, comp int) error {
	var asked struct {
		ID int `json:"id"`
	}
	path := fmt.Sprintf("/api/v1/competitions/%d/clarifications", comp)
	if err := s.c(demoSuppliers[1]).call(http.MethodPost, path, map[string]any{"question": "Binsight has data from a housing association pilot: can we use it?"}, &asked); err != nil {
		return err
	}
	if err := admin.call(http.MethodPost, fmt.Sprintf("/api/v1/clarifications/%d/publish", asked.ID), map[string]any{
		"question": "May a supplier use data from its own earlier pilots?",
		"answer":   "Yes, if you have the right to use it and say where it came from.",
	}, nil); err != nil {
		return err
	}
	if err := s.c(demoSuppliers[0]).call(http.MethodPost, path, map[string]any{"question": "Is a consortium with a university allowed?"}, nil); err != nil {
		return err
	}
	var comps competitionJSON
	if err := admin.call(http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", comp), nil, &comps); err != nil {
		return err
	}
	civic, err := s.organisationID(admin, "CivicSense Ltd")
	if err != nil {
		return err
	}
	return admin.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/extensions", comp), map[string]any{
		"organisation_id": civic, "closes_at": comps.ClosesAt.Add(7 * 24 * time.Hour),
		"reason": "CivicSense's office was flooded in the week before the deadline.",
	}, nil)
}

// organisationID finds a demo organisation's number through the API.
func (s *seeder) organisationID(admin *apiClient, name string) (int, error) {
	var orgs struct {
		Items []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := admin.call(http.MethodGet, "/api/v1/organisations?limit=200", nil, &orgs); err != nil {
		return 0, err
	}
	for _, o := range orgs.Items {
		if o.Name == name {
			return o.ID, nil
		}
	}
	return 0, fmt.Errorf("no organisation %q", name)
}

func (s *seeder) bid(sup *apiClient, comp int, title string, pence int64, submit bool) (int, error) {
	return s.bidWith(sup, comp, title, pence, submit, true)
}

// bidWith is bid, with or without its proposal document.
func (s *seeder) bidWith(sup *apiClient, comp int, title string, pence int64, submit, document bool) (int, error) {
	began := time.Now()
	var c competitionJSON
	if err := sup.call(http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", comp), nil, &c); err != nil {
		return 0, err
	}
	var b bidJSON
	if err := sup.call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/bids", comp), writtenBidFor(c.Scheme, title, pence), &b); err != nil {
		return 0, err
	}
	proposal := []byte("%PDF-1.4\n% Catalyst demo proposal\n" + title + "\n%%EOF\n")
	if document {
		if err := sup.upload(fmt.Sprintf("/api/v1/bids/%d/documents", b.ID), "proposal.pdf", proposal, nil); err != nil {
			return 0, err
		}
	}
	if submit {
		if err := s.inTime(c, time.Since(began)); err != nil {
			return 0, err
		}
		if err := sup.call(http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/submit", b.ID), nil, nil); err != nil {
			return 0, err
		}
	}
	return b.ID, nil
}

// defaultQuestions are the default scheme's questions, each with its text as a programme writes it.
func defaultQuestions() []domain.Question {
	texts := map[string]string{
		"challenge_fit": "How does your idea meet the need the challenge describes?",
		"innovation":    "What is new about your approach?",
		"feasibility":   "How will you show that it works within the contract?",
		"value":         "Why is your price good value for public money?",
	}
	qs := domain.DefaultScheme().Criteria
	for i := range qs {
		qs[i].Text, qs[i].WordLimit = texts[qs[i].Key], 500
	}
	return qs
}

// wholeSetup is a competition's whole setup in one request, with the default questions, closing
// at closes; clarification questions stop half way to the close, or a week before it.
func wholeSetup(summary string, closes time.Time) map[string]any {
	return map[string]any{
		"summary": summary, "scope": "In scope: a trial with the public body's own data. Out of scope: buying equipment.",
		"closes_at": closes, "clarification_closes_at": closes.Add(-min(time.Until(closes)/2, 7*24*time.Hour)),
		"questions": defaultQuestions(),
	}
}

// writtenBid is a whole bid for a competition with the default questions, worth total pence
// with VAT at 20%, paid in two milestones.
func writtenBid(title string, total int64) map[string]any {
	return writtenBidFor(domain.DefaultScheme(), title, total)
}

// writtenBidFor is a whole bid for a competition with the given questions.
func writtenBidFor(scheme domain.Scheme, title string, total int64) map[string]any {
	net := domain.NetFromGross(domain.Money(total), domain.StandardVAT)
	answers, declarations := map[string]string{}, map[string]bool{}
	for _, c := range scheme.Criteria {
		if c.PassFail {
			declarations[c.Key] = true
		} else {
			answers[c.Key] = fmt.Sprintf("%s: how %s meets it, with the evidence.", c.Title, title)
		}
	}
	first := net / 2
	return map[string]any{
		"title": title, "summary": "How we would solve it, in twelve weeks.", "fields": []string{string(domain.Fields[0])},
		"answers": answers, "declarations": declarations, "price_pence": int64(net), "vat_rate": int(domain.StandardVAT),
		"milestones": []domain.Milestone{
			{Deliverable: "Discovery with users, and a plan for the trial", SuccessCriteria: "The challenge owner agrees the plan", Month: 1, Amount: first},
			{Deliverable: "The trial and its report", SuccessCriteria: "The report answers the feasibility question", Month: 3, Amount: net - first},
		},
	}
}

func (s *seeder) assess(comp, bid int, assessors []string, score int) error {
	scores := map[string]any{}
	for _, c := range domain.DefaultScheme().Criteria {
		scores[c.Key] = map[string]any{"score": score, "comment": fmt.Sprintf("%s: scored %d because the evidence was %s.", c.Title, score, map[bool]string{true: "strong", false: "thin"}[score >= 7])}
	}
	for _, a := range assessors {
		err := s.c(a).call(http.MethodPost, fmt.Sprintf("/api/v1/competitions/%d/assessments", comp), map[string]any{
			"bid_id": bid, "scores": scores, "in_scope": true, "fund": score >= 7,
		}, nil)
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) waitClosed(ctx context.Context, admin *apiClient, comp int) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var c competitionJSON
		if err := admin.call(http.MethodGet, fmt.Sprintf("/api/v1/competitions/%d", comp), nil, &c); err != nil {
			return err
		}
		if c.Status != string(domain.CompetitionOpen) {
			return nil
		}
		// Two minutes from the deadline, which an extension may have moved.
		deadline = c.ClosesAt.Add(2 * time.Minute)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("competition %d did not close at its deadline", comp)
}

func (s *seeder) waitChallenge(ctx context.Context, c *apiClient, path string, done func(challengeJSON) bool) (challengeJSON, error) {
	deadline := time.Now().Add(2 * time.Minute)
	var ch challengeJSON
	for time.Now().Before(deadline) {
		if err := c.call(http.MethodGet, path, nil, &ch); err != nil {
			return ch, err
		}
		if done(ch) {
			return ch, nil
		}
		select {
		case <-ctx.Done():
			return ch, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return ch, fmt.Errorf("%s did not reach the expected stage; it is %s", path, ch.Stage)
}
