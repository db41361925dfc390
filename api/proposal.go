package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
)

// The assignment proposal, as JSON and as the programme's page: every pairing with its
// explanation, every shortfall with its reason, the pool with each assessor's load, capacity
// and declaration; swap, re-run, capacities and the release.

// ProposalView is a competition's assignment as the programme reviews it.
type ProposalView struct {
	CompetitionID int                  `json:"competition_id"`
	ReleasedAt    *time.Time           `json:"released_at,omitempty"`
	Assignments   []ProposedAssignment `json:"assignments"`
	Shortfalls    []ShortfallView      `json:"shortfalls"`
	Pool          []PoolView           `json:"pool"`
}

// ProposedAssignment is one pairing, with why it was made or ended.
type ProposedAssignment struct {
	AssignmentView
	BidTitle string    `json:"bid_title"`
	Supplier string    `json:"supplier"`
	Assessor string    `json:"assessor"`
	Answer   string    `json:"answer"`
	Due      time.Time `json:"due,omitzero"`
	// Actions are what the viewer may do to the pairing now: swap, allowed or with its reason.
	Actions ActionList `json:"actions,omitempty"`
}

// ShortfallView is a bid that could not be given all its assessors, and why.
type ShortfallView struct {
	BidID    int    `json:"bid_id"`
	Assigned int    `json:"assigned"`
	Needed   int    `json:"needed"`
	Reason   string `json:"reason"`
}

// PoolView is one assessor in the pool.
type PoolView struct {
	AssessorID        int       `json:"assessor_id"`
	Name              string    `json:"name"`
	Expertise         []string  `json:"expertise"`
	Load              int       `json:"load"`
	Capacity          *int      `json:"capacity,omitempty"`
	Scored            int       `json:"scored"`
	Overdue           int       `json:"overdue"`
	NotAnswered       int       `json:"not_answered"`
	DeclarationLapses time.Time `json:"declaration_lapses"`
	Lapsed            bool      `json:"lapsed"`
}

// ProposalViewOf is the assignment proposal as the API shows it.
func ProposalViewOf(p service.Proposal) ProposalView {
	v := ProposalView{CompetitionID: p.Competition.ID, ReleasedAt: p.Competition.AssignmentsReleasedAt,
		Assignments: []ProposedAssignment{}, Shortfalls: []ShortfallView{}, Pool: []PoolView{}}
	for _, a := range p.Assignments {
		row := ProposedAssignment{AssignmentView: assignmentView(a), Answer: string(p.Answers[a.ID]), Due: service.DueDate(p.Competition, a),
			Actions: actionViews(p.Actions[a.ID])}
		if b := a.Edges.Bid; b != nil {
			row.BidTitle = b.Title
			if o := b.Edges.Organisation; o != nil {
				row.Supplier = o.Name
			}
		}
		if x := a.Edges.Assessor; x != nil {
			row.Assessor = x.Name
		}
		v.Assignments = append(v.Assignments, row)
	}
	for _, s := range p.Shortfalls {
		v.Shortfalls = append(v.Shortfalls, ShortfallView{BidID: s.BidID, Assigned: s.Assigned, Needed: s.Needed, Reason: s.Reason})
	}
	for _, m := range p.Pool {
		v.Pool = append(v.Pool, PoolView{AssessorID: m.Person.ID, Name: m.Person.Name, Expertise: append([]string{}, m.Person.Expertise...),
			Load: m.Load, Capacity: m.Capacity, Scored: m.Scored, Overdue: m.Overdue, NotAnswered: m.Unanswered, DeclarationLapses: m.Lapses, Lapsed: m.Lapsed})
	}
	return v
}

func (s *Server) answerProposal(c echo.Context, id int) error {
	p, err := s.Svc.AssignmentProposal(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ProposalViewOf(p))
}

func (s *Server) getProposal(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	return s.answerProposal(c, id)
}

func (s *Server) releaseAssignments(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.ReleaseAssignments(c.Request().Context(), id); err != nil {
		return err
	}
	return s.answerProposal(c, id)
}

func (s *Server) rerunAssignment(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.RerunAssignment(c.Request().Context(), id); err != nil {
		return err
	}
	return s.answerProposal(c, id)
}

// CapacityRequest sets the most bids an assessor takes in a competition.
type CapacityRequest struct {
	AssessorID int  `json:"assessor_id"`
	Capacity   *int `json:"capacity"`
}

func (s *Server) setCapacity(c echo.Context) error {
	var req CapacityRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if req.Capacity == nil {
		return domain.Problems{{Field: "capacity", Message: "Enter the most bids they take"}}
	}
	if err := s.Svc.SetCapacity(c.Request().Context(), id, req.AssessorID, *req.Capacity); err != nil {
		return err
	}
	return s.answerProposal(c, id)
}

// SwapRequest gives an assignment's bid to another assessor, with the reason.
type SwapRequest struct {
	AssessorID int    `json:"assessor_id"`
	Reason     string `json:"reason"`
}

func (s *Server) swapAssessor(c echo.Context) error {
	var req SwapRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	a, err := s.Svc.SwapAssessor(c.Request().Context(), service.Swap{AssignmentID: id, AssessorID: req.AssessorID, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, assignmentView(a))
}

// DeclarationView is where an assessor's declaration of interests stands.
type DeclarationView struct {
	Since  time.Time `json:"since"`
	Lapses time.Time `json:"lapses"`
	Lapsed bool      `json:"lapsed"`
}

func (s *Server) renewDeclaration(c echo.Context) error {
	d, err := s.Svc.RenewDeclaration(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DeclarationView{Since: d.Since, Lapses: d.Lapses, Lapsed: d.Lapsed})
}
