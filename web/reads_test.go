package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/ent/readevent"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestEveryReadOfABidIsLoggedAndShown: the programme, an assessor and the challenge owner read
// a closed bid, its document and its scores on pages and in the API; each read is in the log
// with who, what and the route, before anything was shown; the supplier's own reads are not.
// The programme reads the log on a page and as CSV; the supplier sees who read its bid on the
// bid's page; the log is refused to everyone else, and nobody can change it.
func TestEveryReadOfABidIsLoggedAndShown(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	ctx := testdb.Fixture()
	bid := strconv.Itoa(w.BidAcme.ID)

	admin, _ := signInAs(t, srv.URL, "officer@programme.example")
	if code, _ := read(t)(admin.Get(srv.URL + "/api/v1/bids/" + bid)); code != http.StatusOK {
		t.Fatalf("the programme reading the bid: %d", code)
	}
	if code, _ := read(t)(admin.Get(srv.URL + "/api/v1/documents/" + strconv.Itoa(w.DocAcme.ID) + "/content")); code != http.StatusOK {
		t.Fatalf("the programme reading the bid's document: %d", code)
	}
	if rec := w.Do(AssessorAssigned, http.MethodGet, "/api/v1/bids/"+bid, ""); rec.Code != http.StatusOK {
		t.Fatalf("the assessor reading the bid: %d", rec.Code)
	}
	if rec := w.Do(OwnerOwn, http.MethodGet, "/api/v1/bids/"+bid+"/feedback", ""); rec.Code != http.StatusOK {
		t.Fatalf("the owner reading the scores: %d", rec.Code)
	}
	dana, _ := signInAs(t, srv.URL, "dana@acme.example")
	if code, _ := read(t)(dana.Get(srv.URL + "/bids/" + bid)); code != http.StatusOK {
		t.Fatalf("the supplier reading its own bid: %d", code)
	}

	logged := w.DB.ReadEvent.Query().Order(readevent.ByID()).AllX(ctx)
	var got []string
	for _, r := range logged {
		got = append(got, r.Reader+" "+r.RecordType+" "+r.Route)
	}
	want := []string{
		"officer@programme.example bid GET /api/v1/bids/:id",
		"officer@programme.example document GET /api/v1/documents/:id/content",
		"ann@panel.example bid GET /api/v1/bids/:id",
		"owner@anytown.gov.uk scores GET /api/v1/bids/:id/feedback",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range logged {
		if r.BidID == nil || *r.BidID != w.BidAcme.ID || r.RequestID == "" {
			t.Errorf("read %d: bid %v, request %q", r.ID, r.BidID, r.RequestID)
		}
	}

	// The programme's page and CSV, filtered by reader.
	_, page := read(t)(admin.Get(srv.URL + "/reads?reader=ann@panel.example"))
	wantIn(t, "the read log", page, "Who read what", "ann@panel.example", "GET /api/v1/bids/:id")
	if strings.Contains(page, "owner@anytown.gov.uk") {
		t.Error("the filtered log shows another reader")
	}
	_, csv := read(t)(admin.Get(srv.URL + "/api/v1/reads.csv?record_type=scores"))
	if !strings.Contains(csv, "owner@anytown.gov.uk,scores,"+bid+","+bid+",GET /api/v1/bids/:id/feedback") || strings.Contains(csv, "ann@panel.example") {
		t.Errorf("the CSV of score reads:\n%s", csv)
	}
	// The supplier sees who read its bid; nobody else reads the log.
	_, page = read(t)(dana.Get(srv.URL + "/bids/" + bid))
	wantIn(t, "the supplier's bid", page, "Who has read your bid", "officer@programme.example", "ann@panel.example", "Its scores and comments")
	for _, p := range []string{OwnerOwn, AssessorAssigned, SupplierOwn} {
		if rec := w.Do(p, http.MethodGet, "/api/v1/reads", ""); rec.Code != http.StatusForbidden {
			t.Errorf("%s reading the log: %d", p, rec.Code)
		}
	}
	if rec := w.Do(SupplierOther, http.MethodGet, "/api/v1/bids/"+bid+"/reads", ""); rec.Code != http.StatusNotFound {
		t.Errorf("another supplier reading who read the bid: %d", rec.Code)
	}
	// People's details: the programme opening a person's record, and the list of people.
	before := w.DB.ReadEvent.Query().CountX(ctx)
	read(t)(admin.Get(srv.URL + "/people/" + strconv.Itoa(w.People[SupplierOwn].ID)))
	read(t)(admin.Get(srv.URL + "/people"))
	people := w.DB.ReadEvent.Query().Where(readevent.IDGT(logged[len(logged)-1].ID)).Order(readevent.ByID()).AllX(ctx)
	if len(people) < 2 || people[0].RecordType != "person" || people[0].RecordID != w.People[SupplierOwn].ID || people[0].Route != "GET /people/:id" ||
		people[len(people)-1].RecordType != "people" {
		t.Errorf("reads of people's details (after %d): %+v", before, people)
	}

	// Append only: not even Catalyst's own identities change or delete a read.
	if err := w.DB.ReadEvent.UpdateOneID(logged[0].ID).Exec(ctx); err == nil {
		t.Error("a read was changed")
	}
	if _, err := w.DB.ReadEvent.Delete().Exec(ctx); err == nil {
		t.Error("the log was deleted")
	}
}

// TestAListOfBidsLogsAReadOfEach: the programme's list of a closed competition's bids and its
// panel sheet log a read of each bid on them (the list's route, the bid's supplier), which each
// supplier is shown; an assessor's page of the bid given them logs its read too, but saving
// their draft scores does not.
func TestAListOfBidsLogsAReadOfEach(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	comp := strconv.Itoa(w.CompA.ID)
	for _, path := range []string{"/api/v1/competitions/" + comp + "/bids", "/api/v1/competitions/" + comp + "/panel"} {
		if rec := w.Do(Officer, http.MethodGet, path, ""); rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	for _, b := range []int{w.BidAcme.ID, w.BidBinsight.ID} {
		var got []string
		for _, r := range w.DB.ReadEvent.Query().Where(readevent.BidID(b)).Order(readevent.ByID()).AllX(ctx) {
			got = append(got, r.RecordType+" "+r.Route)
		}
		want := "bid GET /api/v1/competitions/:id/bids\nscores GET /api/v1/competitions/:id/panel"
		if strings.Join(got, "\n") != want {
			t.Errorf("bid %d's reads:\n%s\nwant:\n%s", b, strings.Join(got, "\n"), want)
		}
	}
	rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/bids/"+strconv.Itoa(w.BidAcme.ID)+"/reads", "")
	if !strings.Contains(rec.Body.String(), "GET /api/v1/competitions/:id/panel") {
		t.Errorf("Acme is not shown the panel sheet's read: %s", rec.Body)
	}
	before := w.DB.ReadEvent.Query().CountX(ctx)
	assignment := strconv.Itoa(w.AssignAcme.ID)
	if rec := w.Do(AssessorAssigned, http.MethodGet, "/api/v1/assignments/"+assignment, ""); rec.Code != http.StatusOK {
		t.Fatalf("the assessor's bid: %d", rec.Code)
	}
	if n := w.DB.ReadEvent.Query().Where(readevent.Reader("ann@panel.example"), readevent.BidID(w.BidAcme.ID)).CountX(ctx); n != 1 {
		t.Errorf("the assessor's read of the bid given them is logged %d times", n)
	}
	if rec := w.Do(AssessorAssigned, http.MethodPut, "/api/v1/assignments/"+assignment+"/draft", `{"scores": {}}`); rec.Code >= 500 {
		t.Fatalf("saving a draft: %d", rec.Code)
	}
	if n := w.DB.ReadEvent.Query().CountX(ctx); n != before+1 {
		t.Errorf("saving a draft logged a read: %d reads, want %d", n, before+1)
	}
}
