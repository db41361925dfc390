package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestAPersonSeesDownloadsAndCorrectsTheirData walks a supplier's subject access as a browser
// without JavaScript: the page shows what is held about her and her organisation (and who read
// it), the download is the API's document and holds nothing of another organisation's or any
// secret; she corrects her name and her organisation's details (the history keeps what they
// were) and asks the programme to correct her email address; the request waits in the
// programme's work, is answered once on her record, and she is told. Nobody answers their own.
func TestAPersonSeesDownloadsAndCorrectsTheirData(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	fx := testdb.Fixture()
	dana := w.People[SupplierOwn]

	// The programme reads her details and her organisation's bid: both are hers to see.
	admin, adminCSRF := signInAs(t, srv.URL, "officer@programme.example")
	if code, _ := read(t)(admin.Get(srv.URL + "/people/" + strconv.Itoa(dana.ID))); code != http.StatusOK {
		t.Fatalf("the programme reading Dana: %d", code)
	}
	if rec := w.Do(Officer, http.MethodGet, "/api/v1/bids/"+strconv.Itoa(w.BidAcme.ID), ""); rec.Code != http.StatusOK {
		t.Fatalf("the programme reading Acme's bid: %d", rec.Code)
	}

	c, csrf := signInAs(t, srv.URL, dana.Email)
	code, page := read(t)(c.Get(srv.URL + "/your-data"))
	if code != http.StatusOK {
		t.Fatalf("your data: %d", code)
	}
	wantIn(t, "Dana's data", page, "Your data", dana.Email, "Acme", w.BidAcme.Title, w.DocAcme.Filename,
		"Who read your details or your organisation's bids", "officer@programme.example", "Your signed-in sessions",
		// The world's tokens are issued by "test": each acting as her says who issued it.
		"API tokens acting as you", `<td class="govuk-table__cell">test</td>`)
	if strings.Contains(page, w.BidBinsight.Title) {
		t.Error("Dana's data shows another organisation's bid")
	}

	resp, err := c.Get(srv.URL + "/your-data.json")
	code, body := readBody(t, resp, err)
	if code != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="catalyst-your-data-`) {
		t.Fatalf("the download: %d %q", code, resp.Header.Get("Content-Disposition"))
	}
	var file, answer api.YourDataView
	if err := json.Unmarshal([]byte(body), &file); err != nil {
		t.Fatal(err)
	}
	rec := w.Do(SupplierOwn, http.MethodGet, "/api/v1/me/data", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("GET /api/v1/me/data: %d %v", rec.Code, err)
	}
	if file.Person.ID != dana.ID || answer.Person.ID != dana.ID || len(file.Bids) != len(answer.Bids) || len(file.Reads) != len(answer.Reads) {
		t.Errorf("the download and the API disagree: %+v\n%+v", file.Person, answer.Person)
	}
	var bids []int
	for _, b := range file.Bids {
		bids = append(bids, b.ID)
	}
	if !containsInt(bids, w.BidAcme.ID) || containsInt(bids, w.BidBinsight.ID) || containsInt(bids, w.DraftBinsight.ID) {
		t.Errorf("the download's bids %v: want Acme's %d and none of Binsight's", bids, w.BidAcme.ID)
	}
	readers := map[string]bool{}
	for _, r := range file.Reads {
		readers[r.Reader+" "+r.RecordType] = true
	}
	if !readers["officer@programme.example person"] || !readers["officer@programme.example bid"] {
		t.Errorf("the download's reads %v: want the programme's reads of Dana and of Acme's bid", readers)
	}
	if len(file.Sessions) == 0 || len(file.Tokens) == 0 {
		t.Errorf("the download holds %d sessions and %d tokens: want her sign-in and her token", len(file.Sessions), len(file.Tokens))
	}
	for _, secret := range []string{"token_hash", "csrf", w.Tokens[SupplierOwn], csrf} {
		if strings.Contains(body, secret) {
			t.Errorf("the download holds a secret: %q", secret)
		}
	}

	// She corrects her name: a blank one is refused in the page's words, then it is kept.
	code, page = read(t)(c.PostForm(srv.URL+"/your-data/name", url.Values{"csrf_token": {csrf}, "name": {"  "}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a blank name: %d", code)
	}
	wantIn(t, "the refusal", page, "There is a problem", "Enter the name")
	code, page = read(t)(c.PostForm(srv.URL+"/your-data/name", url.Values{"csrf_token": {csrf}, "name": {"Dana Evans"}}))
	if code != http.StatusOK {
		t.Fatalf("correcting the name: %d", code)
	}
	wantIn(t, "after correcting", page, "Your name is corrected", "Dana Evans", "person.corrected", `{"name":"supplier-own"}`)

	// Her organisation's details: the form comes filled in, a problem keeps what was typed, and
	// the correction is kept with what it was before.
	_, page = read(t)(c.Get(srv.URL + "/organisation?correct=1"))
	wantIn(t, "the correction form", page, "Correct your organisation's details", "Save corrected details", `value="Acme"`)
	org := url.Values{"csrf_token": {csrf}, "name": {"Acme Sensors Ltd"}, "legal_form": {"company"}, "company_number": {"01234567"},
		"size": {"small"}, "region": {"Wales"}, "incorporated_on-day": {"3"}, "incorporated_on-month": {"2"}, "incorporated_on-year": {"2019"},
		"fields": {string(domain.Fields[0])}}
	bad := url.Values{}
	for k, v := range org {
		bad[k] = v
	}
	bad.Del("size")
	code, page = read(t)(c.PostForm(srv.URL+"/organisation", bad))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a correction without a size: %d", code)
	}
	wantIn(t, "the refused correction", page, "Choose the organisation's size", `value="Acme Sensors Ltd"`)
	code, page = read(t)(c.PostForm(srv.URL+"/organisation", org))
	if code != http.StatusOK {
		t.Fatalf("correcting the organisation: %d", code)
	}
	wantIn(t, "the corrected organisation", page, "Your organisation's details are corrected", "Acme Sensors Ltd", "01234567")
	if e := w.DB.AuditEvent.Query().Where(auditevent.Action("organisation.corrected"), auditevent.RecordID(w.BidAcme.OrganisationID)).OnlyX(fx); !strings.Contains(e.Before, `"name":"Acme"`) || e.Actor != dana.Email {
		t.Errorf("the trail of the correction: %s by %s", e.Before, e.Actor)
	}

	// What she cannot correct, she asks for.
	code, page = read(t)(c.PostForm(srv.URL+"/your-data/corrections", url.Values{"csrf_token": {csrf}, "what": {""}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("an empty request: %d", code)
	}
	wantIn(t, "the refused request", page, "Enter what is wrong and what it should say")
	code, page = read(t)(c.PostForm(srv.URL+"/your-data/corrections", url.Values{"csrf_token": {csrf}, "what": {"My email address is now dana@acme-sensors.example"}}))
	if code != http.StatusOK {
		t.Fatalf("asking for a correction: %d", code)
	}
	wantIn(t, "the request", page, "Your request is sent", "dana@acme-sensors.example", "Waiting")

	// It waits in the programme's work, and is answered on her record.
	var work api.WorkView
	rec = w.Do(Officer, http.MethodGet, "/api/v1/me/work", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &work); err != nil {
		t.Fatal(err)
	}
	link := ""
	for _, item := range work.Items {
		if item.Kind == "correction" && item.Action == "answer" {
			link = item.Link
		}
	}
	if link != "/people/"+strconv.Itoa(dana.ID)+"#corrections" {
		t.Fatalf("the programme's work: %+v", work.Items)
	}
	_, page = read(t)(admin.Get(srv.URL + link))
	wantIn(t, "Dana's record", page, "Corrections they asked for", "dana@acme-sensors.example", "Did you correct it?")
	rid := w.DB.CorrectionRequest.Query().OnlyX(fx).ID
	answerURL := srv.URL + "/corrections/" + strconv.Itoa(rid) + "/answer"
	field := func(n string) string { return n + "-" + strconv.Itoa(rid) }
	code, page = read(t)(admin.PostForm(answerURL, url.Values{"csrf_token": {adminCSRF}, field("answer"): {"Changed"}}))
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("an answer without yes or no: %d", code)
	}
	wantIn(t, "the refused answer", page, "Say whether you corrected it", ">Changed</textarea>")
	code, page = read(t)(admin.PostForm(answerURL, url.Values{"csrf_token": {adminCSRF}, field("corrected"): {"yes"},
		field("answer"): {"Your sign-in email is now dana@acme-sensors.example"}}))
	if code != http.StatusOK {
		t.Fatalf("answering: %d", code)
	}
	wantIn(t, "the answered request", page, "Your answer is sent", "Corrected")
	if n := w.DB.Notice.Query().Where(notice.RecipientID(dana.ID), notice.Template(string(domain.NoticeCorrectionAnswered))).CountX(fx); n != 1 {
		t.Errorf("Dana was told %d times", n)
	}
	_, page = read(t)(c.Get(srv.URL + "/your-data"))
	wantIn(t, "Dana's answered request", page, "Corrected", "Your sign-in email is now dana@acme-sensors.example")

	// Answered once; and nobody answers their own request.
	rec = w.Do(Officer, http.MethodPost, "/api/v1/corrections/"+strconv.Itoa(rid)+"/answer", `{"corrected": false, "answer": "again"}`)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "it has been answered") {
		t.Errorf("answering twice: %d %s", rec.Code, rec.Body)
	}
	rec = w.Do(Officer, http.MethodPost, "/api/v1/me/corrections", `{"what": "My roles should include finance"}`)
	var own api.CorrectionView
	if err := json.Unmarshal(rec.Body.Bytes(), &own); err != nil || rec.Code != http.StatusCreated {
		t.Fatalf("the programme asking for itself: %d %s", rec.Code, rec.Body)
	}
	if a := actionNamed(own.Actions, "answer"); a == nil || a.Allowed || !strings.Contains(a.Reason, "you asked for it yourself") {
		t.Errorf("the answer to one's own request is offered: %+v", own.Actions)
	}
	rec = w.Do(Officer, http.MethodPost, "/api/v1/corrections/"+strconv.Itoa(own.ID)+"/answer", `{"corrected": true, "answer": "done"}`)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "you asked for it yourself") {
		t.Errorf("answering one's own request: %d %s", rec.Code, rec.Body)
	}
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
