package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/docstore"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/session"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/internal/testworld"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/service"
)

// TestRetentionDeletesWhatIsDueKeepsWhatIsHeldAndTheTrailVerifies: competition A was decided
// more than three years ago and Acme's contract ended more than seven: Binsight's unsuccessful
// bid and Acme's successful one are both past their periods. The programme places a legal hold
// on Acme's bid on the page; the dry run lists Binsight's document as due and Acme's as held,
// and deletes nothing. The run (the worker's own activity, on the real database and S3 server)
// deletes Binsight's bytes, keeps the record's name and SHA-256, refuses its download with 410
// saying so, keeps Acme's under the hold, deletes a session and erases a notice past a year,
// and the audit chain still verifies. Released, the hold's document goes at the next run.
func TestRetentionDeletesWhatIsDueKeepsWhatIsHeldAndTheTrailVerifies(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	fx := testdb.Fixture()
	now := time.Now().UTC()
	w.DB.Competition.UpdateOne(w.CompA).SetDecidedAt(now.AddDate(-3, -1, 0)).ExecX(fx)
	w.DB.Bid.UpdateOne(w.BidBinsight).SetStatus(domain.BidNotFunded).ExecX(fx)
	w.DB.Bid.UpdateOne(w.BidAcme).SetStatus(domain.BidFunded).ExecX(fx)
	w.DB.Contract.UpdateOne(w.ContractAcme).SetStatus(domain.ContractCompleted).SetEndsOn(now.AddDate(-7, -2, 0)).ExecX(fx)
	stored, err := testworld.Docs.Put(fx, docstore.NewKey("bids"), "proposal.pdf", strings.NewReader("%PDF-1.4\nBinsight's proposal\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	docBin := w.DB.Document.Create().SetObjectKey(stored.Key).SetFilename("binsight-proposal.pdf").SetContentType(stored.ContentType).
		SetSize(stored.Size).SetSha256(stored.SHA256).SetBidID(w.BidBinsight.ID).SaveX(fx)
	oldNotice := w.DB.Notice.Create().SetRecipientID(w.People[SupplierOther].ID).SetTemplate(string(domain.NoticeBidIneligible)).
		SetValues(map[string]string{"title": "Missed bins", "reason": "Binsight's turnover figures"}).SetCreatedAt(now.AddDate(-1, -1, 0)).SaveX(fx)

	// The hold, placed on the page: a wrong number is named, then it is placed.
	admin, csrf := signInAs(t, srv.URL, "officer@programme.example")
	// (Signing in deletes expired sessions at once; the schedule is the net for when nobody does.)
	old := w.DB.Session.Create().SetTokenHash("old-session").SetPersonID(w.People[SupplierOther].ID).SetMethod("dev").SetCsrfToken("x").
		SetCreatedAt(now.AddDate(-2, 0, 0)).SetLastSeenAt(now.AddDate(-2, 0, 0)).SetExpiresAt(now.AddDate(-2, 0, 1)).SaveX(fx)
	code, page := read(t)(admin.PostForm(srv.URL+"/legal-holds", url.Values{"csrf_token": {csrf}, "kind": {"bid"}, "record_id": {"99999"}, "reason": {"A claim"}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a hold on no bid: %d", code)
	}
	wantIn(t, "the refused hold", page, "There is no bid 99999: check its number")
	code, page = read(t)(admin.PostForm(srv.URL+"/legal-holds", url.Values{"csrf_token": {csrf}, "kind": {"bid"},
		"record_id": {strconv.Itoa(w.BidAcme.ID)}, "reason": {"Acme's claim about the award, letter of 2 March"}}))
	if code != http.StatusOK {
		t.Fatalf("placing the hold: %d", code)
	}
	wantIn(t, "the schedule's page", page, "The hold is placed", "Acme's claim about the award", "binsight-proposal.pdf",
		"Documents past their period that holds keep", "proposal.pdf")

	// The dry run deletes nothing.
	var due service.RetentionReport
	rec := w.Do(Officer, http.MethodGet, "/api/v1/retention/due", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &due); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("the dry run: %d %v", rec.Code, err)
	}
	if ids(due.Due) != strconv.Itoa(docBin.ID) || ids(due.Held) != strconv.Itoa(w.DocAcme.ID) || due.Sessions != 1 || due.Notices != 1 {
		t.Errorf("the dry run: due %s, held %s, %d sessions, %d notices", ids(due.Due), ids(due.Held), due.Sessions, due.Notices)
	}
	if rec := w.Do(Officer, http.MethodGet, "/api/v1/documents/"+strconv.Itoa(docBin.ID)+"/content", ""); rec.Code != http.StatusOK {
		t.Fatalf("after the dry run the document is still there: %d", rec.Code)
	}

	// The run.
	run := func() records.RetentionReport {
		t.Helper()
		r, err := records.Retention(context.Background(), w.DB, testworld.Docs, records.RetentionInput{At: time.Now().UTC()})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := run()
	if len(r.Due) != 1 || r.Bytes != stored.Size || len(r.Held) != 1 {
		t.Errorf("the run deleted %d documents (%d bytes) and held %d", len(r.Due), r.Bytes, len(r.Held))
	}
	rec = w.Do(Officer, http.MethodGet, "/api/v1/documents/"+strconv.Itoa(docBin.ID)+"/content", "")
	if rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), stored.SHA256) || !strings.Contains(rec.Body.String(), "under the retention schedule") {
		t.Errorf("the deleted document: %d %s", rec.Code, rec.Body)
	}
	if _, _, err := testworld.Docs.Open(fx, stored.Key); err == nil {
		t.Error("the deleted document's bytes are still in the object store")
	}
	kept := w.DB.Document.GetX(fx, docBin.ID)
	if kept.Sha256 != stored.SHA256 || kept.DeletedAt == nil || kept.BytesRemovedAt == nil || kept.DeletedUnder != string(domain.RetainUnsuccessfulBids) {
		t.Errorf("the deleted document's record: %+v", kept)
	}
	if rec := w.Do(Officer, http.MethodGet, "/api/v1/documents/"+strconv.Itoa(w.DocAcme.ID)+"/content", ""); rec.Code != http.StatusOK {
		t.Errorf("the held document: %d", rec.Code)
	}
	if w.DB.Session.Query().Where(session.ID(old.ID)).ExistX(fx) {
		t.Error("the session finished two years ago is kept")
	}
	if n := w.DB.Notice.GetX(fx, oldNotice.ID); n.ErasedAt == nil || len(n.Values) != 0 {
		t.Errorf("the notice of 13 months ago: %+v", n)
	}
	if _, err := activities.ChainPending(fx, w.DB); err != nil {
		t.Fatal(err)
	}
	if n, err := activities.VerifyAudit(fx, w.DB); err != nil || n == 0 {
		t.Errorf("the audit chain after the run: %d events, %v", n, err)
	}
	deleted := w.DB.AuditEvent.Query().Where(auditevent.Action("document.deleted")).AllX(fx)
	if len(deleted) != 1 || deleted[0].RecordID != docBin.ID || !strings.Contains(deleted[0].Before, stored.SHA256) {
		t.Errorf("the trail of the deletion: %+v", deleted)
	}
	if again := run(); len(again.Due) != 0 || again.Sessions != 0 || again.Notices != 0 {
		t.Errorf("a second run found more: %+v", again)
	}

	// Released, the hold's document goes at the next run.
	hold := w.DB.LegalHold.Query().OnlyX(fx)
	code, page = read(t)(admin.PostForm(srv.URL+"/legal-holds/"+strconv.Itoa(hold.ID)+"/release", url.Values{"csrf_token": {csrf}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a release without a reason: %d", code)
	}
	wantIn(t, "the refused release", page, "Enter the reason")
	code, page = read(t)(admin.PostForm(srv.URL+"/legal-holds/"+strconv.Itoa(hold.ID)+"/release",
		url.Values{"csrf_token": {csrf}, "reason-" + strconv.Itoa(hold.ID): {"The claim was withdrawn"}}))
	if code != http.StatusOK {
		t.Fatalf("releasing: %d", code)
	}
	wantIn(t, "after the release", page, "The hold is released", "The claim was withdrawn")
	if rec := w.Do(Officer, http.MethodPost, "/api/v1/legal-holds/"+strconv.Itoa(hold.ID)+"/release", `{"reason": "again"}`); rec.Code != http.StatusConflict {
		t.Errorf("releasing twice: %d %s", rec.Code, rec.Body)
	}
	if r := run(); ids(r.Due) != strconv.Itoa(w.DocAcme.ID) {
		t.Errorf("after the release the run deleted %s", ids(r.Due))
	}
	if _, err := activities.ChainPending(fx, w.DB); err != nil {
		t.Fatal(err)
	}
	if n, err := activities.VerifyAudit(fx, w.DB); err != nil || n == 0 {
		t.Errorf("the audit chain after the second run: %d events, %v", n, err)
	}
}

// TestTheProgrammeSetsTheRetentionSchedule: a period typed wrongly is named and nothing is saved;
// a change is saved, audited with the period before, and used by the next run's dry run.
func TestTheProgrammeSetsTheRetentionSchedule(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	fx := testdb.Fixture()
	admin, csrf := signInAs(t, srv.URL, "admin@programme.example")
	form := url.Values{"csrf_token": {csrf}}
	for _, r := range domain.RetentionRules {
		form.Set("months-"+string(r.Kind), strconv.Itoa(r.DefaultMonths))
	}
	form.Set("months-sessions", "six")
	form.Set("months-email_bodies", "0")
	code, page := read(t)(admin.PostForm(srv.URL+"/retention/periods", form))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a wrong period: %d", code)
	}
	wantIn(t, "the refused schedule", page, "Enter signed-in sessions's period as a whole number of months",
		"The words of notices and their emails: enter a period from 1 to 1200 months", `value="six"`)
	if n := w.DB.RetentionPeriod.Query().CountX(fx); n != 0 {
		t.Fatalf("%d periods saved from a refused form", n)
	}
	form.Set("months-sessions", "6")
	form.Set("months-email_bodies", "12")
	code, page = read(t)(admin.PostForm(srv.URL+"/retention/periods", form))
	if code != http.StatusOK {
		t.Fatalf("saving: %d", code)
	}
	wantIn(t, "the saved schedule", page, "The retention schedule is saved", `id="months-sessions" name="months-sessions" type="text" inputmode="numeric" spellcheck="false" value="6"`)
	e := w.DB.AuditEvent.Query().Where(auditevent.Action("retention.period_set")).OnlyX(fx)
	if !strings.Contains(e.Before, `"months":12`) || !strings.Contains(e.After, `"months":6`) {
		t.Errorf("the trail: %s → %s", e.Before, e.After)
	}
	w.DB.Session.Create().SetTokenHash("seven-months").SetPersonID(w.People[SupplierOther].ID).SetMethod("dev").SetCsrfToken("x").
		SetCreatedAt(time.Now().AddDate(0, -7, 0)).SetLastSeenAt(time.Now().AddDate(0, -7, 0)).SetExpiresAt(time.Now().AddDate(0, -7, 1)).ExecX(fx)
	var due service.RetentionReport
	rec := w.Do(Officer, http.MethodGet, "/api/v1/retention/due", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &due); err != nil || due.Sessions != 1 {
		t.Errorf("the dry run under a 6-month period: %d sessions (%v)", due.Sessions, err)
	}
	rec = w.Do(Admin, http.MethodPut, "/api/v1/retention/periods/forever", `{"months": 12}`)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `There is no kind of record \"forever\"`) {
		t.Errorf("an unknown kind: %d %s", rec.Code, rec.Body)
	}
}

func ids(items []service.RetentionItem) string {
	var out []string
	for _, it := range items {
		out = append(out, strconv.Itoa(it.DocumentID))
	}
	return strings.Join(out, ",")
}
