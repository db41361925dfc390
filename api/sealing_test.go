package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
)

// TestTheAuditTrailIsSealedAsTheBidsAre: while a competition is open, no reader of the trail
// (its list, its CSV, its page, filtered by challenge, by record or not at all) learns who is
// bidding; after the close the submitted bid's events show and a draft's never do.
func TestTheAuditTrailIsSealedAsTheBidsAre(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	type ev struct {
		action, rec string
		id          int
	}
	for _, e := range []ev{
		{"bid.created", "bid", w.SealedAcme.ID}, {"document.uploaded", "document", w.DocSealed.ID},
		{"bid.submitted", "bid", w.SealedAcme.ID}, {"bid.created", "bid", w.DraftBinsight.ID},
	} {
		if err := w.DB.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Audit(ctx, tx, authz.Actor{Who: "dana@acme.example"}, e.action, e.rec, e.id, nil,
				map[string]any{"organisation": "Acme"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	sealedRecords := map[string]bool{
		"bid/" + strconv.Itoa(w.SealedAcme.ID): true, "document/" + strconv.Itoa(w.DocSealed.ID): true,
		"bid/" + strconv.Itoa(w.DraftBinsight.ID): true,
	}
	E := strconv.Itoa(w.ChallengeE.ID)
	reads := []string{
		"/api/v1/audit?limit=200",
		"/api/v1/audit?challenge_id=" + E,
		"/api/v1/audit?record_type=bid&record_id=" + strconv.Itoa(w.SealedAcme.ID),
		"/api/v1/audit?record_type=document&record_id=" + strconv.Itoa(w.DocSealed.ID),
		"/api/v1/audit?actor=dana@acme.example",
	}
	seen := func(persona string) map[string]bool {
		got := map[string]bool{}
		for _, path := range reads {
			rec := w.Do(persona, http.MethodGet, path, "")
			if rec.Code != http.StatusOK && rec.Code != http.StatusForbidden && rec.Code != http.StatusUnauthorized {
				t.Fatalf("%s as %s: %d %s", path, persona, rec.Code, rec.Body)
			}
			var page Page[AuditView]
			_ = json.Unmarshal(rec.Body.Bytes(), &page)
			for _, e := range page.Items {
				got[e.RecordType+"/"+strconv.Itoa(e.RecordID)] = true
			}
		}
		csv := w.Do(persona, http.MethodGet, "/api/v1/audit.csv?challenge_id="+E, "").Body.String()
		for rec := range sealedRecords {
			typ, id, _ := strings.Cut(rec, "/")
			if strings.Contains(csv, ","+typ+","+id+",") {
				got[rec] = true
			}
		}
		return got
	}
	for _, p := range personas {
		for rec := range seen(p) {
			if sealedRecords[rec] {
				t.Errorf("while the competition is open, %s reads the trail of %s", p, rec)
			}
		}
		html := w.Do(p, http.MethodGet, "/audit?record_type=bid", "", "Accept", "text/html").Body.String()
		if strings.Contains(html, "bid.created") || strings.Contains(html, "bid.submitted") {
			t.Errorf("while the competition is open, the audit page shows %s who is bidding", p)
		}
	}
	// At the close the submitted bid and its document open to the programme and the owner; a
	// draft never submitted stays sealed for good.
	w.DB.Competition.UpdateOne(w.CompE).SetStatus(domain.CompetitionAssessment).SetClosesAt(time.Now().Add(-time.Minute)).ExecX(ctx)
	for _, p := range []string{Officer, OwnerOther} {
		got := seen(p)
		if !got["bid/"+strconv.Itoa(w.SealedAcme.ID)] || !got["document/"+strconv.Itoa(w.DocSealed.ID)] {
			t.Errorf("after the close %s cannot read the submitted bid's trail: %v", p, got)
		}
		if got["bid/"+strconv.Itoa(w.DraftBinsight.ID)] {
			t.Errorf("after the close %s reads the trail of a draft that was never submitted", p)
		}
	}
	if got := seen(OwnerOwn); got["bid/"+strconv.Itoa(w.SealedAcme.ID)] {
		t.Error("an owner reads the trail of another owner's challenge")
	}
}

// TestNothingAboutABidChangesAfterItsDeadline tries every route that changes a bid after the
// deadline has passed (the timer has not closed the competition yet; the server's clock
// decides), for a draft and a submitted bid: each is refused and nothing is written.
func TestNothingAboutABidChangesAfterItsDeadline(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	w.DB.Competition.UpdateOne(w.CompE).SetClosesAt(time.Now().Add(-time.Second)).ExecX(ctx)
	docs, trail := w.DB.Document.Query().CountX(ctx), w.DB.AuditEvent.Query().CountX(ctx)
	for _, c := range []struct {
		name, persona, path, body string
	}{
		{"a new bid", SupplierOwn, fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompE.ID), `{"title":"Late","price_pence":100}`},
		{"a document for a draft", SupplierOther, fmt.Sprintf("/api/v1/bids/%d/documents", w.DraftBinsight.ID), multipartBody("late.pdf", "%PDF-1.4\nlate\n%%EOF\n")},
		{"a document for a submitted bid", SupplierOwn, fmt.Sprintf("/api/v1/bids/%d/documents", w.SealedAcme.ID), multipartBody("late.pdf", "%PDF-1.4\nlate\n%%EOF\n")},
		{"submitting a draft", SupplierOther, fmt.Sprintf("/api/v1/bids/%d/submit", w.DraftBinsight.ID), ""},
	} {
		var header []string
		if strings.HasPrefix(c.body, "--") {
			header = []string{"Content-Type", "multipart/form-data; boundary=" + boundary}
		}
		rec := w.Do(c.persona, http.MethodPost, c.path, c.body, header...)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "problems/") {
			t.Errorf("%s after the deadline: %d %s; want 409", c.name, rec.Code, rec.Body)
		}
	}
	if d, a := w.DB.Document.Query().CountX(ctx), w.DB.AuditEvent.Query().CountX(ctx); d != docs || a != trail {
		t.Errorf("refused changes wrote %d documents and %d events", d-docs, a-trail)
	}
	if b := w.DB.Bid.GetX(ctx, w.DraftBinsight.ID); b.Status != domain.BidDraft {
		t.Errorf("the draft is now %s", b.Status)
	}
}

const boundary = "catalystboundary"

func multipartBody(name, content string) string {
	return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n" +
		"Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n"
}

// TestAChallengesOwnerIsAChallengeOwnerInAPublicBody: the programme cannot make a supplier or
// an assessor a challenge's owner, and nothing is written.
func TestAChallengesOwnerIsAChallengeOwnerInAPublicBody(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	before := w.DB.Challenge.Query().CountX(ctx)
	for _, p := range []string{SupplierOwn, AssessorAssigned, Officer} {
		body := fmt.Sprintf(`{"title":"Bins","public_body":"Anytown","problem":"Missed","owner_id":%d}`, w.People[p].ID)
		rec := w.Do(Officer, http.MethodPost, "/api/v1/challenges", body)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "owner_id") {
			t.Errorf("%s as owner: %d %s", p, rec.Code, rec.Body)
		}
	}
	if n := w.DB.Challenge.Query().CountX(ctx); n != before {
		t.Errorf("%d challenges written", n-before)
	}
	rec := w.Do(Officer, http.MethodPost, "/api/v1/challenges",
		fmt.Sprintf(`{"title":"Bins","public_body":"Anytown","problem":"Missed","owner_id":%d}`, w.People[OwnerOwn].ID))
	if rec.Code != http.StatusCreated {
		t.Errorf("a challenge owner in a public body: %d %s", rec.Code, rec.Body)
	}
}
