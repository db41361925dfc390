package api

import (
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// The views are what the API shows of each record: stable JSON, never the storage structs.

// ActionView is one thing the viewer might do to a record: allowed now, or why not.
type ActionView struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
}

// ActionList is a record's actions as the API shows them.
type ActionList []ActionView

// Allows reports whether the named action is the viewer's and allowed now: for templates.
func (l ActionList) Allows(name string) bool {
	for _, a := range l {
		if a.Name == name {
			return a.Allowed
		}
	}
	return false
}

// Why is why the named action is not allowed now, if it is the viewer's: for templates.
func (l ActionList) Why(name string) string {
	for _, a := range l {
		if a.Name == name {
			return a.Reason
		}
	}
	return ""
}

func actionViews(as service.Actions) ActionList {
	var out ActionList
	for _, a := range as {
		out = append(out, ActionView{Name: a.Name, Label: a.Label, Allowed: a.Allowed, Reason: a.Reason})
	}
	return out
}

// ChallengeGateView is the challenge-level decision at the phase 1 gate.
type ChallengeGateView struct {
	Decision  string     `json:"decision"`
	Label     string     `json:"label"`
	Criteria  []string   `json:"criteria"`
	Rationale string     `json:"rationale"`
	DecidedBy string     `json:"decided_by"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
}

// CompetitionView is one phase's competition. Bids are listed only once it has closed: until
// the deadline they are sealed.
type CompetitionView struct {
	ID                    int                   `json:"id"`
	ChallengeID           int                   `json:"challenge_id"`
	Phase                 int                   `json:"phase"`
	Status                string                `json:"status"`
	StatusLabel           string                `json:"status_label"`
	OpenedAt              *time.Time            `json:"opened_at,omitempty"`
	ClosesAt              *time.Time            `json:"closes_at,omitempty"`
	OpensAt               *time.Time            `json:"opens_at,omitempty"`
	ClarificationClosesAt *time.Time            `json:"clarification_closes_at,omitempty"`
	BriefingAt            *time.Time            `json:"briefing_at,omitempty"`
	BriefingDetails       string                `json:"briefing_details,omitempty"`
	Summary               string                `json:"summary,omitempty"`
	Scope                 string                `json:"scope,omitempty"`
	Fields                []string              `json:"fields,omitempty"`
	AssessorsPerBid       int                   `json:"assessors_per_bid"`
	AssessmentDays        int                   `json:"assessment_days"`
	ReminderDays          int                   `json:"reminder_days"`
	ModerationBand        int                   `json:"moderation_band"`
	Selection             string                `json:"selection"`
	AmendedAt             *time.Time            `json:"amended_at,omitempty"`
	ToOpen                []domain.FieldProblem `json:"to_open,omitempty"`
	PotPence              int64                 `json:"pot_pence"`
	MaxContractPence      int64                 `json:"max_contract_pence"`
	MaxContracts          int                   `json:"max_contracts"`
	Scheme                domain.Scheme         `json:"scheme"`
	EligibleOrganisations []int                 `json:"eligible_organisations,omitempty"`
	// SubmittedBids is how many bids were received: absent while the competition is open, as UK
	// practice keeps it until the deadline.
	SubmittedBids *int `json:"submitted_bids,omitempty"`
	// ClosingCheckpoint is the public log's signed checkpoint at the close, which holds every
	// bid received by the deadline; absent until the log records it.
	ClosingCheckpoint string         `json:"closing_checkpoint,omitempty"`
	Bids              []BidView      `json:"bids,omitempty"`
	Contracts         []ContractView `json:"contracts,omitempty"`
	// Actions is what the viewer may do to the competition now, and what not yet and why.
	Actions []ActionView `json:"actions,omitempty"`
}

func competitionView(c *ent.Competition) CompetitionView {
	return CompetitionView{
		ID: c.ID, ChallengeID: c.ChallengeID, Phase: c.Phase, Status: string(c.Status), StatusLabel: c.Status.Label(), ClosingCheckpoint: c.ClosingCheckpoint,
		OpenedAt: TimeOrNil(c.OpenedAt), ClosesAt: TimeOrNil(c.ClosesAt), OpensAt: TimeOrNil(c.OpensAt),
		ClarificationClosesAt: TimeOrNil(c.ClarificationClosesAt), BriefingAt: TimeOrNil(c.BriefingAt), BriefingDetails: c.BriefingDetails,
		Summary: c.Summary, Scope: c.Scope, Fields: c.Fields, AssessorsPerBid: c.AssessorsPerBid, AssessmentDays: c.AssessmentDays,
		ReminderDays: c.ReminderDays, ModerationBand: c.ModerationBand, Selection: string(c.Selection), AmendedAt: TimeOrNil(c.AmendedAt),
		PotPence: int64(c.Pot), MaxContractPence: int64(c.MaxContract),
		MaxContracts: c.MaxContracts, Scheme: c.Scheme, EligibleOrganisations: c.EligibleOrganisations,
	}
}

// TimeOrNil leaves out a time that was never set.
func TimeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// sealed reports whether the competition's bids are still sealed.
func sealed(c *ent.Competition) bool { return domain.Sealed(c.Status) }

// BidView is a bid with its receipt and, once decided, its outcome.
type BidView struct {
	ID               int        `json:"id"`
	CompetitionID    int        `json:"competition_id"`
	OrganisationID   int        `json:"organisation_id"`
	OrganisationName string     `json:"organisation_name,omitempty"`
	Title            string     `json:"title"`
	Summary          string     `json:"summary,omitempty"`
	AmountPence      int64      `json:"amount_pence"`
	Amount           string     `json:"amount"`
	Status           string     `json:"status"`
	StatusLabel      string     `json:"status_label"`
	SubmittedAt      *time.Time `json:"submitted_at,omitempty"`
	Receipt          string     `json:"receipt,omitempty"`
	ContentHash      string     `json:"content_hash,omitempty"`
	Score            *float64   `json:"score,omitempty"`
	OutcomeReason    string     `json:"outcome_reason,omitempty"`
	EligibilityNote  string     `json:"eligibility_note,omitempty"`
	// A shortlisted bid's interview; its score and the panel's note come with the outcome.
	InterviewAt      *time.Time         `json:"interview_at,omitempty"`
	InterviewPlace   string             `json:"interview_place,omitempty"`
	InterviewPercent *float64           `json:"interview_percent,omitempty"`
	InterviewNote    string             `json:"interview_note,omitempty"`
	ConfirmedAt      *time.Time         `json:"confirmed_at,omitempty"`
	Documents        []DocumentView     `json:"documents,omitempty"`
	Fields           []string           `json:"fields"`
	Answers          map[string]string  `json:"answers"`
	PricePence       int64              `json:"price_pence"`
	VATRate          int                `json:"vat_rate"`
	VATPence         int64              `json:"vat_pence"`
	Milestones       []domain.Milestone `json:"milestones"`
	Declarations     map[string]bool    `json:"declarations"`
	Tasks            []BidTaskView      `json:"tasks,omitempty"`
	Due              []DueView          `json:"due,omitempty"`
	Standing         string             `json:"standing,omitempty"`
	// Actions is what the bid's supplier may do to it now, and what not yet and why.
	Actions []ActionView `json:"actions,omitempty"`
}

// DueView is one thing a supplier must do next, or wait for, with its date where it has one.
type DueView struct {
	What  string     `json:"what"`
	When  *time.Time `json:"when,omitempty"`
	Link  string     `json:"link,omitempty"`
	Yours bool       `json:"yours"`
}

// BidTaskView is one task of a bid: its status, what it still needs, and its etag for If-Match.
type BidTaskView struct {
	Key      string                `json:"key"`
	Title    string                `json:"title"`
	Status   string                `json:"status"`
	Optional bool                  `json:"optional,omitempty"`
	Version  int                   `json:"version"`
	ETag     string                `json:"etag"`
	Problems []domain.FieldProblem `json:"problems"`
}

func bidView(b *ent.Bid) BidView {
	v := BidView{
		ID: b.ID, CompetitionID: b.CompetitionID, OrganisationID: b.OrganisationID, Title: b.Title, Summary: b.Summary,
		AmountPence: int64(b.Amount), Amount: b.Amount.String(), Status: string(b.Status), StatusLabel: b.Status.Label(),
		SubmittedAt: b.SubmittedAt, ContentHash: b.ContentHash, Score: b.Score, OutcomeReason: b.OutcomeReason,
		InterviewAt: b.InterviewAt, InterviewPlace: b.InterviewPlace, InterviewPercent: b.InterviewScore, InterviewNote: b.InterviewNote,
		EligibilityNote: b.EligibilityNote, ConfirmedAt: b.ConfirmedAt,
	}
	if b.Receipt != nil {
		v.Receipt = *b.Receipt
	}
	if o := b.Edges.Organisation; o != nil {
		v.OrganisationName = o.Name
	}
	for _, d := range b.Edges.Documents {
		v.Documents = append(v.Documents, documentView(d))
	}
	content := service.ContentOf(b)
	v.Fields, v.Answers, v.Milestones, v.Declarations = orEmpty(b.Fields), b.Answers, b.Milestones, b.Declarations
	if v.Answers == nil {
		v.Answers = map[string]string{}
	}
	if v.Milestones == nil {
		v.Milestones = []domain.Milestone{}
	}
	if v.Declarations == nil {
		v.Declarations = map[string]bool{}
	}
	v.PricePence, v.VATRate, v.VATPence = int64(b.NetPrice), int(b.VatRate), int64(content.VAT())
	if comp := b.Edges.Competition; comp != nil {
		for _, t := range content.Tasks(service.RulesOf(comp)) {
			version := b.TaskSaves[t.Key].Version
			v.Tasks = append(v.Tasks, BidTaskView{Key: t.Key, Title: t.Title, Status: taskStatusCode(t.Status), Optional: t.Optional,
				Version: version, ETag: bidTaskETag(b.ID, t.Key, version), Problems: append([]domain.FieldProblem{}, t.Problems...)})
		}
	}
	return v
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// taskStatusCode is a task's status as the API names it.
func taskStatusCode(s domain.TaskStatus) string {
	switch s {
	case domain.TaskCompleted:
		return "completed"
	case domain.TaskInProgress:
		return "in_progress"
	}
	return "not_started"
}

// DocumentView is a document's record; its bytes come from /content.
type DocumentView struct {
	ID          int       `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	// Part says what a contract's document is: "contract" or "report".
	Part string `json:"part,omitempty"`
	// DeletedAt is when the retention schedule deleted its bytes, and DeletedUnder the kind of
	// record it was kept as; its name, size and SHA-256 stay.
	DeletedAt    *time.Time `json:"deleted_at,omitempty"`
	DeletedUnder string     `json:"deleted_under,omitempty"`
	// VirusCheck is where it stands with the malware scanner; while it is being checked only its
	// uploader may fetch it, and nobody may once a virus was found (VirusFound names it).
	VirusCheck      string     `json:"virus_check"`
	VirusCheckLabel string     `json:"virus_check_label"`
	VirusCheckedAt  *time.Time `json:"virus_checked_at,omitempty"`
	VirusFound      string     `json:"virus_found,omitempty"`
}

func documentView(d *ent.Document) DocumentView {
	return DocumentView{ID: d.ID, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size, SHA256: d.Sha256, UploadedAt: d.CreatedAt, Part: d.Part,
		DeletedAt: d.DeletedAt, DeletedUnder: d.DeletedUnder,
		VirusCheck: string(d.VirusCheck), VirusCheckLabel: d.VirusCheck.Label(), VirusCheckedAt: d.VirusCheckedAt, VirusFound: d.VirusFound}
}

// ContractView is a phase contract and its gate decision.
type ContractView struct {
	ID               int        `json:"id"`
	BidID            int        `json:"bid_id"`
	CompetitionID    int        `json:"competition_id"`
	OrganisationID   int        `json:"organisation_id"`
	OrganisationName string     `json:"organisation_name,omitempty"`
	Phase            int        `json:"phase"`
	ValuePence       int64      `json:"value_pence"`
	Value            string     `json:"value"`
	Status           string     `json:"status"`
	StatusLabel      string     `json:"status_label"`
	ReportSummary    string     `json:"report_summary,omitempty"`
	ReportedAt       *time.Time `json:"reported_at,omitempty"`
	Gate             *GateView  `json:"gate,omitempty"`
	// The detail of one contract: its terms, money and milestones.
	ChallengeID       int               `json:"challenge_id,omitempty"`
	ChallengeTitle    string            `json:"challenge_title,omitempty"`
	AwardedValuePence int64             `json:"awarded_value_pence,omitempty"`
	AwardedValue      string            `json:"awarded_value,omitempty"`
	TermWeeks         int               `json:"term_weeks,omitempty"`
	StartsOn          string            `json:"starts_on,omitempty"`
	EndsOn            string            `json:"ends_on,omitempty"`
	AcceptedAt        *time.Time        `json:"accepted_at,omitempty"`
	SpentPence        *int64            `json:"spent_pence,omitempty"`
	Spent             string            `json:"spent,omitempty"`
	PaidPence         *int64            `json:"paid_pence,omitempty"`
	Paid              string            `json:"paid,omitempty"`
	OverduePayments   int               `json:"overdue_payments,omitempty"`
	Milestones        []MilestoneView   `json:"milestones,omitempty"`
	Documents         []DocumentView    `json:"documents,omitempty"`
	Report            map[string]string `json:"report,omitempty"`
	ShowAndTell       *ShowAndTellView  `json:"show_and_tell,omitempty"`
	// The midpoint review: the supplier's update and the owner's status.
	MidpointAskedAt *time.Time `json:"midpoint_asked_at,omitempty"`
	Progress        string     `json:"progress,omitempty"`
	ProgressAt      *time.Time `json:"progress_at,omitempty"`
	RAG             string     `json:"rag,omitempty"`
	RAGNote         string     `json:"rag_note,omitempty"`
	// GateMissing names the evidence the gate still needs, before it decides.
	GateMissing []string `json:"gate_missing,omitempty"`
	// Actions is what the viewer may do to the contract now, and what not yet and why.
	Actions []ActionView `json:"actions,omitempty"`
}

// ShowAndTellView is a supplier's show-and-tell and the owner's recommendation.
type ShowAndTellView struct {
	At                   time.Time  `json:"at"`
	Place                string     `json:"place"`
	PresentationMinutes  int        `json:"presentation_minutes"`
	QuestionsMinutes     int        `json:"questions_minutes"`
	Attendees            string     `json:"attendees,omitempty"`
	HeldAt               *time.Time `json:"held_at,omitempty"`
	Attended             string     `json:"attended,omitempty"`
	Notes                string     `json:"notes,omitempty"`
	Recommendation       string     `json:"recommendation,omitempty"`
	RecommendationReason string     `json:"recommendation_reason,omitempty"`
}

// MilestoneView is one payment milestone of a contract and where its deliverable and payment are.
type MilestoneView struct {
	ID              int            `json:"id"`
	Number          int            `json:"number"`
	Deliverable     string         `json:"deliverable"`
	SuccessCriteria string         `json:"success_criteria,omitempty"`
	Month           int            `json:"month"`
	AmountPence     int64          `json:"amount_pence"`
	Amount          string         `json:"amount"`
	Status          string         `json:"status"`
	StatusLabel     string         `json:"status_label"`
	DueOn           string         `json:"due_on,omitempty"`
	Note            string         `json:"note,omitempty"`
	SubmittedAt     *time.Time     `json:"submitted_at,omitempty"`
	ReviewNote      string         `json:"review_note,omitempty"`
	AcceptedAt      *time.Time     `json:"accepted_at,omitempty"`
	PaymentDue      string         `json:"payment_due,omitempty"`
	PaymentOverdue  bool           `json:"payment_overdue"`
	PaidAt          *time.Time     `json:"paid_at,omitempty"`
	Documents       []DocumentView `json:"documents,omitempty"`
	// Actions are what the viewer may do to the milestone now: submit its deliverable, review
	// it, record its payment.
	Actions []ActionView `json:"actions,omitempty"`
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(domain.London).Format("2006-01-02")
}

// contractDetail is one contract with its terms, money and milestones.
func contractDetail(cv service.ContractView) ContractView {
	k := cv.Contract
	v := contractView(k)
	if comp := k.Edges.Competition; comp != nil && comp.Edges.Challenge != nil {
		v.ChallengeID, v.ChallengeTitle = comp.Edges.Challenge.ID, comp.Edges.Challenge.Title
	}
	awarded := cv.Awarded()
	spent, paid := int64(cv.Spent), int64(cv.Paid)
	v.AwardedValuePence, v.AwardedValue = int64(awarded), awarded.String()
	v.TermWeeks, v.StartsOn, v.EndsOn, v.AcceptedAt = k.TermWeeks, day(k.StartsOn), day(k.EndsOn), k.AcceptedAt
	v.SpentPence, v.Spent, v.PaidPence, v.Paid = &spent, cv.Spent.String(), &paid, cv.Paid.String()
	v.OverduePayments = cv.OverduePayments()
	for _, d := range k.Edges.Documents {
		v.Documents = append(v.Documents, documentView(d))
	}
	if k.ReportedAt != nil {
		v.Report = k.Report
	}
	if st := cv.Show; st != nil {
		v.ShowAndTell = &ShowAndTellView{At: st.At, Place: st.Place, PresentationMinutes: st.PresentationMinutes, QuestionsMinutes: st.QuestionsMinutes,
			Attendees: st.Attendees, HeldAt: st.HeldAt, Attended: st.Attended, Notes: st.Notes, RecommendationReason: st.RecommendationReason}
		if st.Recommendation != nil {
			v.ShowAndTell.Recommendation = string(*st.Recommendation)
		}
	}
	if k.Edges.GateDecision == nil {
		v.GateMissing = cv.Evidence.Missing()
	}
	v.MidpointAskedAt, v.Progress, v.ProgressAt, v.RAGNote = k.MidpointAskedAt, k.ProgressUpdate, k.ProgressAt, k.RagNote
	if k.Rag != nil {
		v.RAG = string(*k.Rag)
	}
	for _, m := range cv.Milestones {
		mv := MilestoneView{ID: m.ID, Number: m.Number, Deliverable: m.Deliverable, SuccessCriteria: m.SuccessCriteria, Month: m.Month,
			AmountPence: int64(m.Amount), Amount: m.Amount.String(), Status: string(m.Status), StatusLabel: m.Status.Label(),
			DueOn: day(cv.Due(m)), Note: m.Note, SubmittedAt: m.SubmittedAt, ReviewNote: m.ReviewNote, AcceptedAt: m.AcceptedAt,
			PaymentDue: day(m.PaymentDue), PaymentOverdue: cv.Overdue(m), PaidAt: m.PaidAt}
		for _, d := range m.Edges.Documents {
			mv.Documents = append(mv.Documents, documentView(d))
		}
		v.Milestones = append(v.Milestones, mv)
	}
	return v
}

// GateView is a gate decision with its rationale.
type GateView struct {
	Outcome   string    `json:"outcome"`
	Rationale string    `json:"rationale"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

func contractView(k *ent.Contract) ContractView {
	v := ContractView{
		ID: k.ID, BidID: k.BidID, CompetitionID: k.CompetitionID, OrganisationID: k.OrganisationID, Phase: k.Phase,
		ValuePence: int64(k.Value), Value: k.Value.String(), Status: string(k.Status), StatusLabel: k.Status.Label(),
		ReportSummary: k.ReportSummary, ReportedAt: k.ReportedAt,
	}
	if o := k.Edges.Organisation; o != nil {
		v.OrganisationName = o.Name
	}
	if g := k.Edges.GateDecision; g != nil {
		v.Gate = &GateView{Outcome: string(g.Outcome), Rationale: g.Rationale, DecidedBy: g.DecidedBy, DecidedAt: g.CreatedAt}
	}
	return v
}

// Page is one page of a list, with the cursor for the next.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

// withheldFeedback clears a bid's score and reasons: a supplier reads them only once the
// programme releases feedback.
func withheldFeedback(v BidView) BidView {
	v.Score, v.OutcomeReason = nil, ""
	return v
}
