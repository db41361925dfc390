package service

import (
	"errors"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

func TestASupplierRegistersItsOrganisationAndAColleagueJoins(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	newcomer, err := p.svc.NewSupplier(as(authz.Viewer{}), "  Rosa@Newco.example ", "Rosa Diaz")
	if err != nil {
		t.Fatal(err)
	}
	rosa := authz.Viewer{PersonID: newcomer.ID, Email: newcomer.Email, Roles: []authz.Role{authz.Supplier}}
	if !p.svc.NeedsOrganisation(fx, newcomer.ID) {
		t.Error("a new supplier is not sent to register")
	}
	reg := domain.SupplierRegistration{Name: "Newco Ltd", LegalForm: domain.FormCompany, CompanyNumber: "12345", Size: domain.Micro,
		Region: "Wales", Fields: []string{string(domain.Fields[0])}}
	_, err = p.svc.RegisterOrganisation(as(rosa), reg)
	wantProblems(t, err, "incorporated_on")
	reg.IncorporatedOn = time.Date(2024, 3, 1, 0, 0, 0, 0, domain.London)
	org, err := p.svc.RegisterOrganisation(as(rosa), reg)
	if err != nil {
		t.Fatal(err)
	}
	if org.CompanyNumber != "00012345" || org.EmailDomain != "newco.example" || org.Size != domain.Micro || org.Region != "Wales" {
		t.Errorf("registered %+v", org)
	}
	if p.svc.NeedsOrganisation(fx, newcomer.ID) {
		t.Error("a registered supplier is still sent to register")
	}
	if _, err := p.svc.RegisterOrganisation(as(rosa), reg); err == nil {
		t.Error("registered a second organisation")
	}

	// A colleague at the same domain asks to join; someone elsewhere cannot.
	sam, _ := p.svc.NewSupplier(as(authz.Viewer{}), "sam@newco.example", "Sam Lee")
	samV := authz.Viewer{PersonID: sam.ID, Email: sam.Email, Roles: []authz.Role{authz.Supplier}}
	if _, err := p.svc.AskToJoin(as(samV), p.acme.ID); err == nil {
		t.Error("joined an organisation at another domain")
	}
	req, err := p.svc.AskToJoin(as(samV), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := p.svc.AskToJoin(as(samV), org.ID); err != nil || again.ID != req.ID {
		t.Errorf("asking twice: %v %v", again, err)
	}
	if n := p.db.Notice.Query().Where(notice.RecipientID(newcomer.ID), notice.Template(string(domain.NoticeJoinRequested))).CountX(fx); n != 1 {
		t.Errorf("the member was told %d times", n)
	}
	// Only a member answers: not the asker, not another supplier.
	var r *Refusal
	if _, err := p.svc.DecideJoinRequest(as(samV), DecideJoinRequest{ID: req.ID, Approve: true}); !errors.As(err, &r) {
		t.Errorf("the asker approved themselves: %v", err)
	}
	rosa.OrganisationID = org.ID
	// Someone who joined elsewhere meanwhile cannot be approved, only declined: the page offers
	// what the command takes.
	tom, _ := p.svc.NewSupplier(as(authz.Viewer{}), "tom@newco.example", "Tom Hale")
	tomReq, err := p.svc.AskToJoin(as(authz.Viewer{PersonID: tom.ID, Email: tom.Email, Roles: []authz.Role{authz.Supplier}}), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.db.Person.UpdateOneID(tom.ID).SetOrganisationID(p.acme.ID).ExecX(fx)
	reqs, err := p.svc.JoinRequests(as(rosa))
	if err != nil {
		t.Fatal(err)
	}
	answers, err := p.svc.JoinRequestActions(as(rosa), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if mine, _ := p.svc.JoinRequestActions(as(samV), reqs); len(mine) != 0 {
		t.Errorf("the asker may answer requests: %+v", mine)
	}
	_, err = p.svc.DecideJoinRequest(as(rosa), DecideJoinRequest{ID: tomReq.ID, Approve: true})
	agree(t, "someone who joined elsewhere", answers[tomReq.ID], "approve", err)
	_, err = p.svc.DecideJoinRequest(as(rosa), DecideJoinRequest{ID: req.ID, Approve: true})
	agree(t, "a colleague", answers[req.ID], "approve", err)
	if got := p.db.Person.QueryOrganisation(sam).OnlyIDX(fx); got != org.ID {
		t.Errorf("after approval Sam is in %d, want %d", got, org.ID)
	}
	if n := p.db.Notice.Query().Where(notice.RecipientID(sam.ID), notice.Template(string(domain.NoticeJoinDecided))).CountX(fx); n != 1 {
		t.Errorf("the asker was told %d times", n)
	}
	if _, err := p.svc.DecideJoinRequest(as(rosa), DecideJoinRequest{ID: req.ID, Approve: false}); !errors.As(err, &r) {
		t.Errorf("a decided request decided again: %v", err)
	}
}
