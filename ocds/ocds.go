// Package ocds publishes Catalyst's competitions as Open Contracting Data Standard 1.1
// releases and records: one contracting process (one ocid) per competition. It builds them from
// plain facts the service reads, and never sees anything sealed or personal: bids are counted,
// not shown; suppliers appear only once their award is released, and a sole trader by a
// description rather than their name.
package ocds

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Version is the OCDS version Catalyst publishes.
const Version = "1.1"

// Process is everything public about one competition.
type Process struct {
	CompetitionID int
	Phase         int
	// PriorCompetitionID is the phase 1 competition a phase 2 one follows; 0 for none.
	PriorCompetitionID int
	Title, Summary     string
	Problem            string // the challenge's problem, public on its page
	Buyer              string // the public body that brought the challenge
	ChallengeID        int
	Budget             domain.Money
	Pot                domain.Money
	Status             domain.CompetitionStatus
	OpenedAt, ClosesAt time.Time
	ClarificationsEnd  time.Time
	Bids               int        // submitted, counted after the deadline
	DecidedAt          *time.Time // when the panel decided
	Released           bool       // the outcomes are released to the bidders: awards may be published
	// ClosingCheckpoint is the public log's signed checkpoint at the close, which holds every bid
	// received by the deadline; empty until recorded.
	ClosingCheckpoint string
	ClosingLogSize    int64
	Contracts         []Contract
}

// Contract is one awarded contract.
type Contract struct {
	ID               int
	SupplierID       int
	Supplier         string
	SoleTrader       bool // published without the person's name
	Awarded, Value   domain.Money
	Status           domain.ContractStatus
	AcceptedAt       *time.Time
	StartsOn, EndsOn *time.Time
	Milestones       []Milestone
	StopReason       string // the gate's rationale, when stopped
	StoppedAt        *time.Time
	Title            string
}

// Milestone is one milestone of a contract.
type Milestone struct {
	ID          int
	Number      int
	Deliverable string
	Amount      domain.Money
	Status      domain.MilestoneStatus
	Due         *time.Time
	AcceptedAt  *time.Time
	PaidAt      *time.Time
}

// The OCDS objects Catalyst fills, as the 1.1 schema names them.
type (
	Release struct {
		OCID             string           `json:"ocid,omitempty"`
		ID               string           `json:"id,omitempty"`
		Date             string           `json:"date,omitempty"`
		Tag              []string         `json:"tag,omitempty"`
		InitiationType   string           `json:"initiationType,omitempty"`
		Language         string           `json:"language,omitempty"`
		Parties          []Party          `json:"parties,omitempty"`
		Buyer            *OrgRef          `json:"buyer,omitempty"`
		Planning         *Planning        `json:"planning,omitempty"`
		Tender           *Tender          `json:"tender,omitempty"`
		Awards           []Award          `json:"awards,omitempty"`
		Contracts        []OContract      `json:"contracts,omitempty"`
		RelatedProcesses []RelatedProcess `json:"relatedProcesses,omitempty"`
	}
	Party struct {
		ID    string   `json:"id,omitempty"`
		Name  string   `json:"name,omitempty"`
		Roles []string `json:"roles,omitempty"`
	}
	OrgRef struct {
		ID   string `json:"id,omitempty"`
		Name string `json:"name,omitempty"`
	}
	Value struct {
		Amount   float64 `json:"amount"`
		Currency string  `json:"currency,omitempty"`
	}
	Period struct {
		StartDate string `json:"startDate,omitempty"`
		EndDate   string `json:"endDate,omitempty"`
	}
	Budget struct {
		Description string `json:"description,omitempty"`
		Amount      Value  `json:"amount,omitzero"`
	}
	Planning struct {
		Rationale string `json:"rationale,omitempty"`
		Budget    Budget `json:"budget,omitzero"`
	}
	Classification struct {
		Scheme      string `json:"scheme,omitempty"`
		ID          string `json:"id,omitempty"`
		Description string `json:"description,omitempty"`
	}
	Item struct {
		ID             string         `json:"id,omitempty"`
		Description    string         `json:"description,omitempty"`
		Classification Classification `json:"classification,omitzero"`
		Quantity       float64        `json:"quantity"`
	}
	Document struct {
		ID           string `json:"id,omitempty"`
		DocumentType string `json:"documentType,omitempty"`
		Title        string `json:"title,omitempty"`
		URL          string `json:"url,omitempty"`
		Description  string `json:"description,omitempty"`
		Format       string `json:"format,omitempty"`
		Language     string `json:"language,omitempty"`
	}
	Tender struct {
		ID                       string     `json:"id,omitempty"`
		Title                    string     `json:"title,omitempty"`
		Description              string     `json:"description,omitempty"`
		Status                   string     `json:"status,omitempty"`
		ProcuringEntity          OrgRef     `json:"procuringEntity,omitzero"`
		Items                    []Item     `json:"items,omitempty"`
		Value                    Value      `json:"value,omitzero"`
		ProcurementMethod        string     `json:"procurementMethod,omitempty"`
		ProcurementMethodDetails string     `json:"procurementMethodDetails,omitempty"`
		MainProcurementCategory  string     `json:"mainProcurementCategory,omitempty"`
		TenderPeriod             Period     `json:"tenderPeriod,omitzero"`
		EnquiryPeriod            *Period    `json:"enquiryPeriod,omitempty"`
		HasEnquiries             bool       `json:"hasEnquiries"`
		NumberOfTenderers        *int       `json:"numberOfTenderers,omitempty"`
		Documents                []Document `json:"documents,omitempty"`
	}
	Award struct {
		ID        string   `json:"id,omitempty"`
		Title     string   `json:"title,omitempty"`
		Status    string   `json:"status,omitempty"`
		Date      string   `json:"date,omitempty"`
		Value     Value    `json:"value,omitzero"`
		Suppliers []OrgRef `json:"suppliers,omitempty"`
	}
	OMilestone struct {
		ID      string `json:"id,omitempty"`
		Title   string `json:"title,omitempty"`
		Type    string `json:"type,omitempty"`
		DueDate string `json:"dueDate,omitempty"`
		DateMet string `json:"dateMet,omitempty"`
		Status  string `json:"status,omitempty"`
	}
	Transaction struct {
		ID    string `json:"id,omitempty"`
		Date  string `json:"date,omitempty"`
		Value Value  `json:"value,omitzero"`
		Payer OrgRef `json:"payer,omitzero"`
		Payee OrgRef `json:"payee,omitzero"`
	}
	Implementation struct {
		Transactions []Transaction `json:"transactions,omitempty"`
		Milestones   []OMilestone  `json:"milestones,omitempty"`
	}
	OContract struct {
		ID             string          `json:"id,omitempty"`
		AwardID        string          `json:"awardID,omitempty"`
		Title          string          `json:"title,omitempty"`
		Description    string          `json:"description,omitempty"`
		Status         string          `json:"status,omitempty"`
		Period         *Period         `json:"period,omitempty"`
		Value          Value           `json:"value,omitzero"`
		DateSigned     string          `json:"dateSigned,omitempty"`
		Milestones     []OMilestone    `json:"milestones,omitempty"`
		Implementation *Implementation `json:"implementation,omitempty"`
	}
	RelatedProcess struct {
		ID           string   `json:"id,omitempty"`
		Relationship []string `json:"relationship,omitempty"`
		Title        string   `json:"title,omitempty"`
		Scheme       string   `json:"scheme,omitempty"`
		Identifier   string   `json:"identifier,omitempty"`
	}
)

// Publisher publishes a prefix's processes at a base URL.
type Publisher struct {
	Prefix  string // the ocid prefix registered with the Open Contracting Partnership
	BaseURL string // where the data is published, e.g. https://catalyst.example.gov.uk
	Name    string // the publisher's name
}

// OCID is a competition's contracting process identifier.
func (p Publisher) OCID(competitionID int) string {
	return fmt.Sprintf("%s-%d", p.Prefix, competitionID)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func gbp(m domain.Money) Value { return Value{Amount: float64(m) / 100, Currency: "GBP"} }

func buyer(pr Process) OrgRef {
	return OrgRef{ID: "buyer-challenge-" + strconv.Itoa(pr.ChallengeID), Name: pr.Buyer}
}

func supplier(k Contract) OrgRef {
	name := k.Supplier
	if k.SoleTrader {
		name = "A sole trader"
	}
	return OrgRef{ID: "supplier-" + strconv.Itoa(k.SupplierID), Name: name}
}

// Releases are a process's releases, oldest first: planning and tender once it opened; the
// award once its outcomes are released to the bidders; the contracts once one is signed; their
// implementation once a milestone is met or a contract stopped.
func (p Publisher) Releases(pr Process) []Release {
	if pr.OpenedAt.IsZero() {
		return nil
	}
	ocid := p.OCID(pr.CompetitionID)
	base := func(id, date string, tags ...string) Release {
		return Release{OCID: ocid, ID: ocid + "-" + id, Date: date, Tag: tags, InitiationType: "tender", Language: "en"}
	}
	by := buyer(pr)
	parties := []Party{{ID: by.ID, Name: by.Name, Roles: []string{"buyer", "procuringEntity"}}}

	planning := base("planning", stamp(pr.OpenedAt), "planning")
	planning.Parties, planning.Buyer = parties, &by
	planning.Planning = &Planning{Rationale: pr.Problem, Budget: Budget{
		Description: fmt.Sprintf("The challenge's phase %d budget", pr.Phase), Amount: gbp(pr.Budget)}}
	planning.RelatedProcesses = p.related(pr)

	tender := base("tender", stamp(pr.OpenedAt), "tender")
	tender.Parties, tender.Buyer, tender.Tender = parties, &by, p.tender(pr, by)
	tender.RelatedProcesses = planning.RelatedProcesses
	out := []Release{planning, tender}

	if !pr.Released || pr.DecidedAt == nil || len(pr.Contracts) == 0 {
		return out
	}
	withSuppliers := slices.Clone(parties)
	for _, k := range pr.Contracts {
		s := supplier(k)
		withSuppliers = append(withSuppliers, Party{ID: s.ID, Name: s.Name, Roles: []string{"supplier", "payee"}})
	}
	award := base("award", stamp(*pr.DecidedAt), "award")
	award.Parties, award.Buyer = withSuppliers, &by
	for _, k := range pr.Contracts {
		award.Awards = append(award.Awards, Award{ID: awardID(k), Title: k.Title, Status: "active",
			Date: stamp(*pr.DecidedAt), Value: gbp(cmpOr(k.Awarded, k.Value)), Suppliers: []OrgRef{supplier(k)}})
	}
	out = append(out, award)

	var signed []Contract
	var latest time.Time
	for _, k := range pr.Contracts {
		if k.AcceptedAt != nil {
			signed = append(signed, k)
			latest = later(latest, *k.AcceptedAt)
		}
	}
	if len(signed) == 0 {
		return out
	}
	contracts := base("contracts", stamp(latest), "contract")
	contracts.Parties, contracts.Buyer = withSuppliers, &by
	for _, k := range signed {
		contracts.Contracts = append(contracts.Contracts, p.contract(k, false, by))
	}
	out = append(out, contracts)

	var done []OContract
	latest = time.Time{}
	tags := []string{"implementation"}
	for _, k := range signed {
		c := p.contract(k, true, by)
		if c.Implementation == nil && k.StoppedAt == nil {
			continue
		}
		for _, m := range k.Milestones {
			if m.AcceptedAt != nil {
				latest = later(latest, *m.AcceptedAt)
			}
			if m.PaidAt != nil {
				latest = later(latest, *m.PaidAt)
			}
		}
		if k.StoppedAt != nil {
			latest = later(latest, *k.StoppedAt)
			if !slices.Contains(tags, "contractTermination") {
				tags = append(tags, "contractTermination")
			}
		}
		done = append(done, c)
	}
	if len(done) > 0 {
		impl := base("implementation", stamp(latest), tags...)
		impl.Parties, impl.Buyer, impl.Contracts = withSuppliers, &by, done
		out = append(out, impl)
	}
	return out
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func cmpOr(a, b domain.Money) domain.Money {
	if a != 0 {
		return a
	}
	return b
}

func awardID(k Contract) string { return "award-" + strconv.Itoa(k.ID) }

func (p Publisher) related(pr Process) []RelatedProcess {
	if pr.PriorCompetitionID == 0 {
		return nil
	}
	prior := p.OCID(pr.PriorCompetitionID)
	return []RelatedProcess{{ID: "1", Relationship: []string{"prior"}, Title: "The phase 1 competition this phase 2 follows",
		Scheme: "ocid", Identifier: prior}}
}

func (p Publisher) tender(pr Process, by OrgRef) *Tender {
	t := &Tender{
		ID: "competition-" + strconv.Itoa(pr.CompetitionID), Title: pr.Title, Description: pr.Summary,
		Status: tenderStatus(pr.Status), ProcuringEntity: by, Value: gbp(pr.Pot),
		ProcurementMethod:        "open",
		ProcurementMethodDetails: fmt.Sprintf("Small Business Research Initiative (SBRI) pre-commercial procurement, phase %d (%s)", pr.Phase, phaseName(pr.Phase)),
		MainProcurementCategory:  "services",
		TenderPeriod:             Period{StartDate: stamp(pr.OpenedAt)},
		Items: []Item{{ID: "1", Description: fmt.Sprintf("Research and development: phase %d %s", pr.Phase, phaseName(pr.Phase)),
			Classification: Classification{Scheme: "CPV", ID: "73000000", Description: "Research and development services and related consultancy services"},
			Quantity:       1}},
		Documents: []Document{{ID: "notice", DocumentType: "tenderNotice", Title: pr.Title, URL: fmt.Sprintf("%s/competitions/%d", p.BaseURL, pr.CompetitionID),
			Format: "text/html", Language: "en"}},
	}
	if pr.Phase == 2 {
		t.ProcurementMethod = "selective"
		t.ProcurementMethodDetails += ": open only to the suppliers the phase 1 gate continued"
	}
	if !pr.ClosesAt.IsZero() {
		t.TenderPeriod.EndDate = stamp(pr.ClosesAt)
	}
	if !pr.ClarificationsEnd.IsZero() {
		t.EnquiryPeriod = &Period{StartDate: stamp(pr.OpenedAt), EndDate: stamp(pr.ClarificationsEnd)}
		t.HasEnquiries = true
	}
	if pr.Status != domain.CompetitionOpen {
		n := pr.Bids
		t.NumberOfTenderers = &n
	}
	if pr.ClosingCheckpoint != "" {
		// The bidders are sealed, but that the set of bids was fixed at the close is public:
		// anyone holding the log's key checks a receipt against this checkpoint.
		t.Documents = append(t.Documents, Document{ID: "log-checkpoint-at-close", DocumentType: "bidders",
			Title:       fmt.Sprintf("The public log's checkpoint at the close: the %d entries that hold every bid received by the deadline", pr.ClosingLogSize),
			Description: pr.ClosingCheckpoint, URL: fmt.Sprintf("%s/competitions/%d", p.BaseURL, pr.CompetitionID), Format: "text/plain", Language: "en"})
	}
	return t
}

func phaseName(phase int) string {
	if phase == 2 {
		return "prototype"
	}
	return "feasibility"
}

func tenderStatus(s domain.CompetitionStatus) string {
	switch s {
	case domain.CompetitionDecided:
		return "complete"
	case domain.CompetitionClosedNoBids:
		return "unsuccessful"
	}
	return "active"
}

func (p Publisher) contract(k Contract, implementation bool, by OrgRef) OContract {
	c := OContract{ID: "contract-" + strconv.Itoa(k.ID), AwardID: awardID(k), Title: k.Title, Status: contractStatus(k.Status), Value: gbp(k.Value)}
	if k.StartsOn != nil && k.EndsOn != nil {
		c.Period = &Period{StartDate: stamp(*k.StartsOn), EndDate: stamp(*k.EndsOn)}
	}
	if k.AcceptedAt != nil {
		c.DateSigned = stamp(*k.AcceptedAt)
	}
	for _, m := range k.Milestones {
		c.Milestones = append(c.Milestones, milestone(m))
	}
	if k.Status == domain.ContractStopped && k.StopReason != "" {
		c.Description = "Stopped at the stage gate, at its spend so far: " + k.StopReason
	}
	if !implementation {
		return c
	}
	im := &Implementation{}
	for _, m := range k.Milestones {
		if m.AcceptedAt != nil {
			im.Milestones = append(im.Milestones, milestone(m))
		}
		if m.PaidAt != nil {
			im.Transactions = append(im.Transactions, Transaction{ID: fmt.Sprintf("payment-%d", m.ID), Date: stamp(*m.PaidAt),
				Value: gbp(m.Amount), Payer: by, Payee: supplier(k)})
		}
	}
	if len(im.Milestones)+len(im.Transactions) > 0 {
		c.Implementation = im
	}
	return c
}

func milestone(m Milestone) OMilestone {
	o := OMilestone{ID: "milestone-" + strconv.Itoa(m.ID), Title: fmt.Sprintf("Milestone %d: %s", m.Number, m.Deliverable), Type: "delivery", Status: "scheduled"}
	if m.Due != nil {
		o.DueDate = stamp(*m.Due)
	}
	switch m.Status {
	case domain.MilestoneAccepted, domain.MilestonePaid:
		o.Status = "met"
		if m.AcceptedAt != nil {
			o.DateMet = stamp(*m.AcceptedAt)
		}
	case domain.MilestoneCancelled:
		o.Status = "notMet"
	}
	return o
}

func contractStatus(s domain.ContractStatus) string {
	switch s {
	case domain.ContractOffered:
		return "pending"
	case domain.ContractStopped, domain.ContractContinued, domain.ContractCompleted:
		return "terminated"
	}
	return "active"
}

// Package is a release package.
type Package struct {
	URI           string    `json:"uri,omitempty"`
	Version       string    `json:"version,omitempty"`
	PublishedDate string    `json:"publishedDate,omitempty"`
	Publisher     OrgName   `json:"publisher,omitzero"`
	License       string    `json:"license,omitempty"`
	Releases      []Release `json:"releases,omitempty"`
}

// OrgName is a publisher.
type OrgName struct {
	Name string `json:"name,omitempty"`
}

// License is the licence the data is published under.
const License = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

// ReleasePackage wraps releases in a package published at uri; its date is the latest release's.
func (p Publisher) ReleasePackage(uri string, releases []Release) Package {
	return Package{URI: uri, Version: Version, PublishedDate: latestDate(releases), Publisher: OrgName{p.Name}, License: License, Releases: releases}
}

func latestDate(rs []Release) string {
	latest := ""
	for _, r := range rs {
		if r.Date > latest {
			latest = r.Date
		}
	}
	if latest == "" {
		latest = stamp(time.Unix(0, 0))
	}
	return latest
}

// Record is one process's record: its releases, linked, and the compiled release.
type Record struct {
	OCID            string          `json:"ocid,omitempty"`
	Releases        []LinkedRelease `json:"releases,omitempty"`
	CompiledRelease Release         `json:"compiledRelease,omitzero"`
}

// LinkedRelease points to a release in its package.
type LinkedRelease struct {
	URL  string   `json:"url,omitempty"`
	Date string   `json:"date,omitempty"`
	Tag  []string `json:"tag,omitempty"`
}

// RecordPackage is a record package.
type RecordPackage struct {
	URI           string   `json:"uri,omitempty"`
	Version       string   `json:"version,omitempty"`
	PublishedDate string   `json:"publishedDate,omitempty"`
	Publisher     OrgName  `json:"publisher,omitzero"`
	License       string   `json:"license,omitempty"`
	Packages      []string `json:"packages,omitempty"`
	Records       []Record `json:"records,omitempty"`
}

// Record compiles a process's releases: the latest of each part wins, as OCDS's merge would
// give for these releases, which each carry a part whole.
func (p Publisher) Record(pr Process, packageURL string, releases []Release) Record {
	r := Record{OCID: p.OCID(pr.CompetitionID)}
	compiled := Release{OCID: r.OCID, ID: r.OCID + "-compiled", Tag: []string{"compiled"}, InitiationType: "tender", Language: "en"}
	for _, rel := range releases {
		r.Releases = append(r.Releases, LinkedRelease{URL: packageURL + "#" + rel.ID, Date: rel.Date, Tag: rel.Tag})
		compiled.Date = rel.Date
		if rel.Parties != nil {
			compiled.Parties = rel.Parties
		}
		if rel.Buyer != nil {
			compiled.Buyer = rel.Buyer
		}
		if rel.Planning != nil {
			compiled.Planning = rel.Planning
		}
		if rel.Tender != nil {
			compiled.Tender = rel.Tender
		}
		if rel.Awards != nil {
			compiled.Awards = rel.Awards
		}
		if rel.RelatedProcesses != nil {
			compiled.RelatedProcesses = rel.RelatedProcesses
		}
		compiled.Contracts = mergeContracts(compiled.Contracts, rel.Contracts)
	}
	r.CompiledRelease = compiled
	return r
}

// mergeContracts merges contracts by ID, a later release's fields over an earlier one's.
func mergeContracts(into, from []OContract) []OContract {
	for _, c := range from {
		i := slices.IndexFunc(into, func(x OContract) bool { return x.ID == c.ID })
		if i < 0 {
			into = append(into, c)
			continue
		}
		old := into[i]
		if c.Implementation == nil {
			c.Implementation = old.Implementation
		}
		into[i] = c
	}
	return into
}

// RecordPackage wraps records.
func (p Publisher) RecordPackage(uri string, packages []string, records []Record) RecordPackage {
	latest := ""
	for _, r := range records {
		if r.CompiledRelease.Date > latest {
			latest = r.CompiledRelease.Date
		}
	}
	if latest == "" {
		latest = stamp(time.Unix(0, 0))
	}
	return RecordPackage{URI: uri, Version: Version, PublishedDate: latest, Publisher: OrgName{p.Name}, License: License, Packages: packages, Records: records}
}
