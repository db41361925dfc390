package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/apitoken"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/correctionrequest"
	"github.com/catalyst-sbri/catalyst/ent/document"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/ent/interest"
	"github.com/catalyst-sbri/catalyst/ent/joinrequest"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/ent/readevent"
	"github.com/catalyst-sbri/catalyst/ent/session"
	"github.com/catalyst-sbri/catalyst/records"
)

// A person's own data: everything Catalyst holds about the signed-in person and, for a member of
// an organisation, about their organisation, given at once as a page and as JSON (what a
// subject access request asks for, UK GDPR article 15). Only what is theirs: the audit trail's
// entries say what they did and what was done to their record, never the content of others'
// records; their bids' documents are listed, not given.

// yourDataName is the identity that gathers a person's data: the service picks the rows by the
// person's own ID, so the records' privacy rules (which would show the programme everyone's) do
// not decide it.
const yourDataName = "your-data"

// YourData is everything held about one person.
type YourData struct {
	At           time.Time
	Person       *ent.Person
	Organisation *ent.Organisation // nil when they belong to none
	Members      []*ent.Person     // their organisation's people, themselves included
	JoinRequests []*ent.JoinRequest
	Bids         []*ent.Bid // their organisation's
	Documents    []*ent.Document
	Contracts    []*ent.Contract
	Challenges   []*ent.Challenge // those they own
	Assignments  []*ent.Assignment
	Interests    []*ent.Interest
	Notices      []Notice
	Emails       []*ent.Email
	Sessions     []*ent.Session
	Tokens       []*ent.APIToken
	Reads        []*ent.ReadEvent  // who read their details or their organisation's bids
	Done         []*ent.AuditEvent // what they did, and what was done to their own record
	Corrections  []*ent.CorrectionRequest
	Assistances  []*ent.Assistance // who in the programme team acted for them, with their consent
	// Actions are what they may correct themselves of it: their organisation's details, if they
	// belong to one.
	Actions Actions
	// History is every change to their own record and their organisation's, oldest first: who
	// made it, when, and what it was before and after.
	History []*ent.AuditEvent
}

// YourData gathers the signed-in person's data.
func (s *Service) YourData(ctx context.Context) (YourData, error) {
	me, err := s.me(ctx)
	if err != nil {
		return YourData{}, err
	}
	sys := authz.AsSystem(ctx, yourDataName)
	out := YourData{At: time.Now().UTC(), Person: me, Organisation: me.Edges.Organisation}
	if me.Edges.Organisation != nil {
		out.Actions.add("correct-organisation", "Correct your organisation's details", mayCorrectOrganisation(me))
	}
	load := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	if org := out.Organisation; org != nil {
		load(func() (e error) {
			out.Members, e = s.DB.Person.Query().Where(person.HasOrganisationWith(organisation.ID(org.ID))).Order(ent.Asc(person.FieldID)).All(sys)
			return
		})
		load(func() (e error) {
			out.Bids, e = s.DB.Bid.Query().Where(bid.OrganisationID(org.ID)).Order(ent.Asc(bid.FieldID)).All(sys)
			return
		})
		load(func() (e error) {
			out.Documents, e = s.DB.Document.Query().Where(document.HasBidWith(bid.OrganisationID(org.ID))).Order(ent.Asc(document.FieldID)).All(sys)
			return
		})
		load(func() (e error) {
			out.Contracts, e = s.DB.Contract.Query().Where(contract.OrganisationID(org.ID)).Order(ent.Asc(contract.FieldID)).All(sys)
			return
		})
	}
	load(func() (e error) {
		out.JoinRequests, e = s.DB.JoinRequest.Query().Where(joinrequest.PersonID(me.ID)).WithPerson().WithOrganisation().Order(ent.Asc(joinrequest.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.Challenges, e = s.DB.Challenge.Query().Where(challenge.HasOwnerWith(person.ID(me.ID))).Order(ent.Asc(challenge.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.Assignments, e = s.DB.Assignment.Query().Where(assignment.AssessorID(me.ID)).Order(ent.Asc(assignment.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.Interests, e = s.DB.Interest.Query().Where(interest.AssessorID(me.ID)).WithOrganisation().Order(ent.Asc(interest.FieldID)).All(sys)
		return
	})
	load(func() error {
		rows, e := s.DB.Notice.Query().Where(notice.RecipientID(me.ID)).Order(ent.Asc(notice.FieldID)).All(sys)
		for _, n := range rows {
			out.Notices = append(out.Notices, Notice{Row: n, Text: domain.NoticeTemplate(n.Template).Text(n.Values)})
		}
		return e
	})
	load(func() (e error) {
		out.Emails, e = s.DB.Email.Query().Where(entemail.ToEqualFold(me.Email)).Order(ent.Asc(entemail.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.Sessions, e = s.DB.Session.Query().Where(session.PersonID(me.ID)).Order(ent.Asc(session.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.Tokens, e = s.DB.APIToken.Query().Where(apitoken.PersonID(me.ID)).Order(ent.Asc(apitoken.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		about := readevent.And(readevent.RecordType(ReadOfPerson), readevent.RecordID(me.ID))
		if out.Organisation != nil {
			about = readevent.Or(about, readevent.OrganisationID(out.Organisation.ID))
		}
		out.Reads, e = s.DB.ReadEvent.Query().Where(about).Order(ent.Asc(readevent.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.Done, e = s.DB.AuditEvent.Query().Where(auditevent.Or(auditevent.ActorEqualFold(me.Email),
			auditevent.And(auditevent.RecordType("person"), auditevent.RecordID(me.ID)))).
			Order(ent.Asc(auditevent.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.Corrections, e = s.DB.CorrectionRequest.Query().Where(correctionrequest.PersonID(me.ID)).Order(ent.Asc(correctionrequest.FieldID)).All(sys)
		return
	})
	load(func() (e error) {
		out.History, e = s.history(sys, me)
		return
	})
	load(func() (e error) {
		out.Assistances, e = s.AssistancesOf(ctx, me.ID)
		return
	})
	return out, err
}

// history is the audit trail's changes to the person's record and their organisation's.
func (s *Service) history(sys context.Context, me *ent.Person) ([]*ent.AuditEvent, error) {
	about := auditevent.And(auditevent.RecordType("person"), auditevent.RecordID(me.ID))
	if org := me.Edges.Organisation; org != nil {
		about = auditevent.Or(about, auditevent.And(auditevent.RecordType("organisation"), auditevent.RecordID(org.ID)))
	}
	return s.DB.AuditEvent.Query().Where(about).Order(ent.Asc(auditevent.FieldID)).All(sys)
}

// CorrectYourName corrects the signed-in person's name as Catalyst shows it. Their email
// address is their sign-in's, and their roles the programme's: they ask for those
// (AskForCorrection).
func (s *Service) CorrectYourName(ctx context.Context, name string) (*ent.Person, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	var ps domain.Problems
	name = domain.PersonName.CleanAll(name, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if name == me.Name {
		return me, nil
	}
	sys := authz.AsSystem(ctx, yourDataName)
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if err := tx.Person.UpdateOneID(me.ID).SetName(name).Exec(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, "corrected by the person themselves"), "person.corrected", "person", me.ID,
			map[string]any{"name": me.Name}, map[string]any{"name": name})
	})
	if err != nil {
		return nil, err
	}
	return s.me(ctx)
}

// CorrectOrganisation corrects the details of the signed-in supplier's organisation, checked as
// its registration was. The trail keeps what each detail was before.
func (s *Service) CorrectOrganisation(ctx context.Context, in domain.SupplierRegistration) (*ent.Organisation, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	if err := mayCorrectOrganisation(me); err != nil {
		return nil, err
	}
	org := me.Edges.Organisation
	if err := in.Check(time.Now()).Err(); err != nil {
		return nil, err
	}
	sys := authz.AsSystem(ctx, registrationName)
	var out *ent.Organisation
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		taken, err := tx.Organisation.Query().Where(organisation.NameEqualFold(in.Name), organisation.IDNEQ(org.ID)).Exist(sys)
		if err != nil {
			return err
		}
		if taken {
			return domain.Problems{{Field: "name", Message: fmt.Sprintf("Another organisation is registered as %s: if that is yours, ask the programme team to merge them", in.Name)}}
		}
		u := tx.Organisation.UpdateOneID(org.ID).SetName(in.Name).SetLegalForm(in.LegalForm).SetSize(in.Size).SetRegion(in.Region).
			SetFields(in.Fields).SetNillablePublicContractBefore(in.PublicContractBefore).SetCompanyNumber(in.CompanyNumber)
		if in.PublicContractBefore == nil {
			u.ClearPublicContractBefore()
		}
		if in.IncorporatedOn.IsZero() {
			u.ClearIncorporatedOn()
		} else {
			u.SetIncorporatedOn(in.IncorporatedOn.UTC())
		}
		if out, err = u.Save(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, "corrected by a member"), "organisation.corrected", "organisation", org.ID,
			organisationDetails(org), organisationDetails(out))
	})
	return out, err
}

// mayCorrectOrganisation is the rule CorrectOrganisation applies and the person's data offers
// by: a supplier corrects its own organisation's details; a public body's are the programme's.
func mayCorrectOrganisation(me *ent.Person) error {
	org := me.Edges.Organisation
	switch {
	case org == nil:
		return forbidden("you belong to no organisation: register or join one first")
	case org.PublicBody || !slices.Contains(me.Roles, string(authz.Supplier)):
		return forbidden("%s's details are kept by the programme team: ask them to correct them", org.Name)
	}
	return nil
}

// organisationDetails is what a member may correct, as the trail records it.
func organisationDetails(o *ent.Organisation) map[string]any {
	d := map[string]any{"name": o.Name, "legal_form": o.LegalForm, "company_number": o.CompanyNumber, "size": o.Size,
		"region": o.Region, "fields": o.Fields, "public_contract_before": o.PublicContractBefore}
	if !o.IncorporatedOn.IsZero() {
		d["incorporated_on"] = o.IncorporatedOn.Format(time.DateOnly)
	}
	return d
}

// AskForCorrection records the signed-in person's request that the programme correct something
// held about them; it waits in the programme's work until answered.
func (s *Service) AskForCorrection(ctx context.Context, what string) (*ent.CorrectionRequest, error) {
	me, err := s.me(ctx)
	if err != nil {
		return nil, err
	}
	var ps domain.Problems
	what = domain.CorrectionWhat.CleanAll(what, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	sys := authz.AsSystem(ctx, yourDataName)
	var out *ent.CorrectionRequest
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if out, err = tx.CorrectionRequest.Create().SetPersonID(me.ID).SetWhat(what).Save(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "correction.asked", "person", me.ID, nil,
			map[string]any{"correction_request": out.ID})
	})
	return out, err
}

// CorrectionRequests lists the requests the viewer may read, oldest first: the programme's every
// one (only the open ones when open is set), a person's their own.
func (s *Service) CorrectionRequests(ctx context.Context, open bool) ([]*ent.CorrectionRequest, error) {
	q := s.DB.CorrectionRequest.Query().WithPerson().Order(ent.Asc(correctionrequest.FieldID))
	if open {
		q.Where(correctionrequest.StatusEQ(domain.CorrectionOpen))
	}
	return q.All(ctx)
}

// CorrectionsOf lists a person's requests, oldest first, as the viewer may read them.
func (s *Service) CorrectionsOf(ctx context.Context, personID int) ([]*ent.CorrectionRequest, error) {
	return s.DB.CorrectionRequest.Query().Where(correctionrequest.PersonID(personID)).Order(ent.Asc(correctionrequest.FieldID)).All(ctx)
}

// Correction is one request, as the viewer may read it.
func (s *Service) Correction(ctx context.Context, id int) (*ent.CorrectionRequest, error) {
	return s.DB.CorrectionRequest.Get(ctx, id)
}

// AnswerCorrection is the programme's answer to a request to correct a person's data.
type AnswerCorrection struct {
	ID        int
	Corrected bool   // whether they corrected it; false declines it
	Answer    string // what they did, or why nothing was
}

// mayAnswerCorrection is the rule AnswerCorrection applies, as CorrectionActions shows it.
func mayAnswerCorrection(v authz.Viewer, r *ent.CorrectionRequest) error {
	if !v.InProgrammeTeam() {
		return forbidden("only the programme team answers a request to correct a person's data")
	}
	return domain.CheckCorrectionAnswer(r.Status, r.PersonID, v.PersonID)
}

// CorrectionActions are what the viewer may do to a correction request now.
func CorrectionActions(ctx context.Context, r *ent.CorrectionRequest) Actions {
	v, _ := authz.FromContext(ctx)
	if !v.InProgrammeTeam() {
		return nil
	}
	var as Actions
	as.add("answer", "Answer the request to correct their data", mayAnswerCorrection(v, r))
	return as
}

// AnswerCorrection answers a request once: what was corrected, or why nothing was. The person
// is told. The correction itself is made where that record is changed (a person's roles on
// their page, for example), so that it is checked and audited as any change is.
func (s *Service) AnswerCorrection(ctx context.Context, in AnswerCorrection) (*ent.CorrectionRequest, error) {
	v, _ := authz.FromContext(ctx)
	r, err := s.DB.CorrectionRequest.Get(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if err := mayAnswerCorrection(v, r); err != nil {
		return nil, err
	}
	var ps domain.Problems
	in.Answer = domain.CorrectionAnswer.CleanAll(in.Answer, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	status, outcome := domain.CorrectionDeclined, "nothing was corrected"
	if in.Corrected {
		status, outcome = domain.CorrectionCorrected, "it is corrected"
	}
	sys := authz.AsSystem(ctx, yourDataName)
	now := time.Now().UTC()
	var out *ent.CorrectionRequest
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		// Answered once: the update matches only while the request is still open.
		n, err := tx.CorrectionRequest.Update().Where(correctionrequest.ID(r.ID), correctionrequest.StatusEQ(domain.CorrectionOpen)).
			SetStatus(status).SetAnswer(in.Answer).SetAnsweredBy(v.Name()).SetAnsweredAt(now).Save(sys)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.CheckCorrectionAnswer(domain.CorrectionCorrected, r.PersonID, v.PersonID)
		}
		if out, err = tx.CorrectionRequest.Get(sys, r.ID); err != nil {
			return err
		}
		if err := records.Audit(ctx, tx, authz.ActorOf(ctx, in.Answer), "correction.answered", "person", r.PersonID,
			map[string]any{"correction_request": r.ID, "status": r.Status}, map[string]any{"correction_request": r.ID, "status": status}); err != nil {
			return err
		}
		return records.Notify(ctx, tx, r.PersonID, domain.NoticeCorrectionAnswered, "person", r.PersonID,
			map[string]string{"outcome": outcome, "answer": in.Answer})
	})
	return out, err
}
