package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAnOwnerNamesADelegateOnTheChallengesPage, without JavaScript: naming nobody is named as the
// problem at the choice; naming a colleague says so and tells them; the colleague then reads the
// challenge and its contract, sees who the delegates are, and is offered no naming of their own
// but told why; the owner removes them from the same page.
func TestAnOwnerNamesADelegateOnTheChallengesPage(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	fx := testdb.Fixture()
	page := srv.URL + "/challenges/" + strconv.Itoa(w.ChallengeA.ID)
	owner, csrf := signInAs(t, srv.URL, w.People[OwnerOwn].Email)
	code, body := read(t)(owner.Get(page))
	if code != http.StatusOK {
		t.Fatalf("the challenge's page: %d", code)
	}
	wantIn(t, "the owner's page", body, `id="delegates"`, "There are no delegates", `name="person_id" type="radio" value="`+strconv.Itoa(w.People[OwnerOther].ID)+`"`)

	code, body = read(t)(owner.PostForm(page+"/delegates", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("naming nobody: %d", code)
	}
	wantIn(t, "naming nobody", body, `href="#person_id"`, "Choose the colleague to name")

	code, body = read(t)(owner.PostForm(page+"/delegates", url.Values{"csrf_token": {csrf}, "person_id": {strconv.Itoa(w.People[OwnerOther].ID)}}))
	if code != http.StatusOK {
		t.Fatalf("naming a colleague: %d", code)
	}
	wantIn(t, "after naming", body, "The delegate is named, and told by email", "Remove "+w.People[OwnerOther].Name)
	if n := w.DB.Notice.Query().Where(notice.RecipientID(w.People[OwnerOther].ID), notice.Template(string(domain.NoticeDelegateNamed))).CountX(fx); n != 1 {
		t.Errorf("the colleague was told %d times", n)
	}

	colleague, _ := signInAs(t, srv.URL, w.People[OwnerOther].Email)
	code, body = read(t)(colleague.Get(page))
	if code != http.StatusOK {
		t.Fatalf("the challenge's page as the delegate: %d", code)
	}
	wantIn(t, "the delegate's page", body, "Only the challenge's owner names delegates to act for them.", w.People[OwnerOther].Name)
	if strings.Contains(body, `action="/challenges/`+strconv.Itoa(w.ChallengeA.ID)+`/delegates`) {
		t.Error("the delegate is offered naming or removing delegates")
	}
	if code, _ := read(t)(colleague.Get(srv.URL + "/contracts/" + strconv.Itoa(w.ContractAcme.ID))); code != http.StatusOK {
		t.Errorf("the delegate opening the challenge's contract: %d", code)
	}

	code, body = read(t)(owner.PostForm(page+"/delegates/removal", url.Values{"csrf_token": {csrf}, "person_id": {strconv.Itoa(w.People[OwnerOther].ID)}}))
	if code != http.StatusOK {
		t.Fatalf("removing the delegate: %d", code)
	}
	wantIn(t, "after removing", body, "The delegate is removed, and told by email", "There are no delegates")
	if code, _ := read(t)(colleague.Get(srv.URL + "/contracts/" + strconv.Itoa(w.ContractAcme.ID))); code != http.StatusNotFound {
		t.Errorf("a removed delegate opening the contract: %d, want 404", code)
	}
}
