package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
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

func proposalView(p service.Proposal) ProposalView {
	v := ProposalView{CompetitionID: p.Competition.ID, ReleasedAt: p.Competition.AssignmentsReleasedAt,
		Assignments: []ProposedAssignment{}, Shortfalls: []ShortfallView{}, Pool: []PoolView{}}
	for _, a := range p.Assignments {
		row := ProposedAssignment{AssignmentView: assignmentView(a), Answer: string(p.Answers[a.ID]), Due: service.DueDate(p.Competition, a)}
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
	p, err := s.svc.AssignmentProposal(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, proposalView(p))
}

func (s *Server) getProposal(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.answerProposal(c, id)
}

func (s *Server) releaseAssignments(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.ReleaseAssignments(c.Request().Context(), id); err != nil {
		return err
	}
	return s.answerProposal(c, id)
}

func (s *Server) rerunAssignment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.RerunAssignment(c.Request().Context(), id); err != nil {
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
	if err := s.svc.SetCapacity(c.Request().Context(), id, req.AssessorID, *req.Capacity); err != nil {
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
	a, err := s.svc.SwapAssessor(c.Request().Context(), service.Swap{AssignmentID: id, AssessorID: req.AssessorID, Reason: req.Reason})
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
	d, err := s.svc.RenewDeclaration(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, DeclarationView{Since: d.Since, Lapses: d.Lapses, Lapsed: d.Lapsed})
}

// The proposal's page.

func (s *Server) proposalPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderProposal(c, http.StatusOK, id, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderProposal(c echo.Context, status, id int, form ui.Form, done string) error {
	p, err := s.svc.AssignmentProposal(c.Request().Context(), id)
	if err != nil {
		return err
	}
	counts := map[int]int{}
	for _, a := range p.Assignments {
		if a.Status == "assigned" {
			counts[a.BidID]++
		}
	}
	var choices []ui.Option
	for _, m := range p.Pool {
		if !m.Lapsed {
			choices = append(choices, ui.Option{Value: strconv.Itoa(m.Person.ID), Label: fmt.Sprintf("%s (%d bids)", m.Person.Name, m.Load)})
		}
	}
	for _, m := range p.Pool {
		k := "capacity-" + strconv.Itoa(m.Person.ID)
		if _, typed := form.Values[k]; !typed && m.Capacity != nil {
			form.Values[k] = strconv.Itoa(*m.Capacity)
		}
	}
	return s.render(c, status, "proposal", form.Title("Assignment: "+p.Competition.Edges.Challenge.Title), "challenges", struct {
		Proposal service.Proposal
		View     ProposalView
		Title    string
		Form     ui.Form
		Done     string
		Open     bool // the proposal may still be changed as a whole: re-run, capacities, release
		Swaps    bool
		Choices  []ui.Option
	}{Proposal: p, View: proposalView(p), Title: p.Competition.Edges.Challenge.Title, Form: form, Done: done,
		Open:  p.Competition.Status == domain.CompetitionAssessment && !p.Released(),
		Swaps: p.Competition.Status == domain.CompetitionAssessment, Choices: choices})
}

// proposalRefused shows the proposal page again with a refusal as the form's problems.
func (s *Server) proposalRefused(c echo.Context, id int, err error, values map[string]string, field string) error {
	var ps domain.Problems
	if !errors.As(err, &ps) {
		p, ok := toProblem(err)
		if !ok || p.Status >= 500 {
			return err
		}
		ps = domain.Problems{{Field: field, Message: p.Detail}}
	}
	for i := range ps {
		if field != "" && !strings.HasPrefix(ps[i].Field, field) {
			ps[i].Field = field
		}
	}
	return s.renderProposal(c, http.StatusUnprocessableEntity, id, ui.Form{Values: values, Problems: ps}, "")
}

func (s *Server) releaseAssignmentsForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.ReleaseAssignments(c.Request().Context(), id); err != nil {
		return s.proposalRefused(c, id, err, map[string]string{}, "release")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=released", id))
}

func (s *Server) rerunAssignmentForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.RerunAssignment(c.Request().Context(), id); err != nil {
		return s.proposalRefused(c, id, err, map[string]string{}, "rerun")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=rerun", id))
}

func (s *Server) capacityForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	assessor, err := strconv.Atoi(c.FormValue("assessor_id"))
	if err != nil {
		return badRequest("the form does not say which assessor it is for")
	}
	field := "capacity-" + strconv.Itoa(assessor)
	typed := strings.TrimSpace(c.FormValue(field))
	n, err := strconv.Atoi(typed)
	if err != nil {
		err = domain.Problems{{Field: field, Message: "Enter the most bids they take as a whole number, such as 5"}}
	} else {
		err = s.svc.SetCapacity(c.Request().Context(), id, assessor, n)
	}
	if err != nil {
		return s.proposalRefused(c, id, err, map[string]string{field: typed}, field)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=capacity#pool", id))
}

func (s *Server) swapForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	comp, err := strconv.Atoi(c.FormValue("competition_id"))
	if err != nil {
		return badRequest("the form does not say which competition it is from")
	}
	// Each assignment's fields are named after it, so the page's IDs stay unique.
	suffix := "-" + strconv.Itoa(id)
	values := map[string]string{"assessor_id" + suffix: c.FormValue("assessor_id" + suffix), "reason" + suffix: c.FormValue("reason" + suffix)}
	who, _ := strconv.Atoi(values["assessor_id"+suffix])
	_, err = s.svc.SwapAssessor(c.Request().Context(), service.Swap{AssignmentID: id, AssessorID: who, Reason: values["reason"+suffix]})
	if err != nil {
		var ps domain.Problems
		if errors.As(err, &ps) {
			for i := range ps {
				ps[i].Field += suffix
			}
			err = ps
		}
		return s.proposalRefused(c, comp, err, values, "assessor_id"+suffix)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=swapped", comp))
}

func (s *Server) renewDeclarationForm(c echo.Context) error {
	if _, err := s.svc.RenewDeclaration(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/interests?done=renewed")
}
