package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestEveryJSONCommandTakesExactlyOneObject sends every command that reads a JSON body the
// bodies one decoder refuses, as every persona: none is ever acted on, none is a 5xx, and the
// callers the route allows are told what to fix.
func TestEveryJSONCommandTakesExactlyOneObject(t *testing.T) {
	w := NewWorld(t)
	bodies := map[string]string{
		"null":             "null",
		"an array":         `[{"title": "x"}]`,
		"a string":         `"x"`,
		"trailing garbage": `{"title": "x"}}{x`,
		"two objects":      `{} {}`,
		"an unknown field": `{"titel": "x", "reason": "r"}`,
		"a field twice":    `{"reason": "a", "reason": "b"}`,
		"invalid UTF-8":    "{\"reason\": \"\xff\"}",
		"cut short":        `{"reason": "a"`,
	}
	told := map[string]int{}
	for route, rc := range accessMatrix {
		method, _, _ := strings.Cut(route, " ")
		takesJSON := rc.body != "" && !strings.HasPrefix(rc.body, "--") || route == "POST /api/v1/competitions/{id}/assessments"
		if method == http.MethodGet || !takesJSON {
			continue
		}
		for name, body := range bodies {
			for _, p := range personas {
				var header []string
				if method == http.MethodPatch {
					header = []string{"If-Match", "*"}
				}
				rec := w.Do(p, method, rc.path(w), body, header...)
				if rec.Code < 400 || rec.Code >= 500 {
					t.Errorf("%s with %s as %s: %d %s", route, name, p, rec.Code, rec.Body)
				}
				if rec.Code == http.StatusBadRequest {
					told[route]++
				}
			}
		}
		if told[route] < len(bodies) {
			t.Errorf("%s: only %d of %d bad bodies were answered 400 to the callers it allows", route, told[route], len(bodies))
		}
	}
}

func TestTheDecoderSaysWhatIsWrong(t *testing.T) {
	type req struct {
		Title  string `json:"title"`
		Amount int    `json:"amount_pence"`
	}
	for body, want := range map[string]string{
		`null`:                                   "one JSON object, {…}, not null",
		`[1]`:                                    "not an array",
		`{"title":"a"} x`:                        "more after its JSON object",
		`{"title":"a","titel":"b","amout":1}`:    `fields this request does not take: "amout", "titel"`,
		`{"title":"a","title":"b"}`:              `the field "title" twice`,
		`{"amount_pence":"lots"}`:                `"amount_pence" must be a whole number, not string`,
		"{\"title\":\"\xc3\"}":                   "not valid UTF-8 (at byte 10)",
		`   `:                                    "empty",
		`{"title":`:                              "not valid JSON",
		`{"title":"caf\u00e9","amount_pence":1}`: "",
	} {
		var v req
		err := decodeObject([]byte(body), &v)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", body, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: %v; want %q", body, err, want)
		}
	}
}

// FuzzDecodeObject: whatever arrives, the decoder never panics, and what it accepts is exactly
// one JSON object of valid UTF-8 with no key it does not know.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{"title":"x"}`, `null`, `{"title":"x"}}{`, `[]`, `{"a":1}`, "{\"title\":\"\xff\"}", `{"title":"a","title":"b"}`} {
		f.Add([]byte(s))
	}
	type req struct {
		Title string            `json:"title"`
		N     *int              `json:"n"`
		Tags  []string          `json:"tags"`
		More  map[string]string `json:"more"`
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v req
		if err := decodeObject(body, &v); err != nil {
			return
		}
		var m map[string]json.RawMessage
		if !json.Valid(body) || json.Unmarshal(body, &m) != nil || m == nil {
			t.Fatalf("accepted %q, which is not one JSON object", body)
		}
		if first := bytes.TrimLeft(body, " \t\r\n"); first[0] != '{' {
			t.Fatalf("accepted %q", body)
		}
		for k := range m {
			if k2 := strings.ToLower(k); k2 != "title" && k2 != "n" && k2 != "tags" && k2 != "more" {
				t.Fatalf("accepted the unknown key %q", k)
			}
		}
	})
}

// textField is one stored text field and a request that writes it.
type textField struct {
	name    string
	persona string
	method  string
	path    func(w *World) string
	body    func(w *World, v string) string
	field   string
	max     int
	multi   bool
}

// reportWith is an end-of-phase report with every section written and one set to v.
func reportWith(section, v string) string {
	r := map[string]string{}
	for _, k := range []string{"summary", "problem", "hypothesis", "testing", "learnt", "changes", "barriers", "user_needs", "next_steps", "standards"} {
		r[k] = "Written."
	}
	r[section] = v
	b, _ := json.Marshal(r)
	return string(b)
}

// bodyKey is the body's own key for a field the service names as its page does.
var bodyKey = map[string]string{"report-barriers": "barriers", "answer-challenge_fit": "answer", "what_failed": "lesson.what_failed"}

func jsonString(v string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// textFields is every text field a request stores, through one table: each meets the same
// text rule, on create and edit alike.
var textFields = []textField{
	{"challenge title (create)", OwnerOwn, http.MethodPost, fixed("/api/v1/challenges"),
		func(_ *World, v string) string {
			return `{"title":` + jsonString(v) + `,"public_body":"Anytown","problem":"Bins are missed"}`
		}, "title", domain.ChallengeTitle.Max, false},
	{"challenge title (edit)", OwnerOwn, http.MethodPatch, func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d", w.ChallengeD.ID) },
		func(_ *World, v string) string { return `{"title":` + jsonString(v) + `}` }, "title", domain.ChallengeTitle.Max, false},
	{"public body (create)", OwnerOwn, http.MethodPost, fixed("/api/v1/challenges"),
		func(_ *World, v string) string {
			return `{"title":"Bins","public_body":` + jsonString(v) + `,"problem":"Bins are missed"}`
		}, "public_body", domain.ChallengePublicBody.Max, false},
	{"problem (create)", OwnerOwn, http.MethodPost, fixed("/api/v1/challenges"),
		func(_ *World, v string) string {
			return `{"title":"Bins","public_body":"Anytown","problem":` + jsonString(v) + `}`
		}, "problem", domain.ChallengeProblem.Max, true},
	{"problem (edit)", OwnerOwn, http.MethodPatch, func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d", w.ChallengeD.ID) },
		func(_ *World, v string) string { return `{"problem":` + jsonString(v) + `}` }, "problem", domain.ChallengeProblem.Max, true},
	{"user need (edit)", OwnerOwn, http.MethodPatch, func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d", w.ChallengeD.ID) },
		func(_ *World, v string) string { return `{"user_need":` + jsonString(v) + `}` }, "user_need", domain.ChallengeUserNeed.Max, true},
	{"rejection reason", Officer, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/selection", w.ChallengeA.ID) },
		func(_ *World, v string) string { return `{"select":false,"reason":` + jsonString(v) + `}` }, "reason", domain.SelectionReason.Max, true},
	{"lessons", Officer, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/challenges/%d/completion", w.ChallengeA.ID) },
		func(_ *World, v string) string {
			return `{"outcome":"adopted","lessons":` + jsonString(v) + `,"lesson":{"what_worked":"a","what_failed":"b","why":"c"}}`
		}, "lessons", domain.ChallengeLessons.Max, true},
	{"question title", Officer, http.MethodPost, func(w *World) string {
		selected := w.DB.Challenge.Create().SetTitle("Selected").SetPublicBody("Anytown").SetProblem("P").
			SetStage(domain.ChallengeSelected).SetOwnerID(w.People[OwnerOwn].ID).SaveX(testdb.Fixture())
		return fmt.Sprintf("/api/v1/challenges/%d/competitions", selected.ID)
	},
		func(_ *World, v string) string {
			return fmt.Sprintf(`{"summary":"s","scope":"s","closes_at":%q,"clarification_closes_at":%q,"questions":[{"key":"fit","title":%s,"text":"Why?","word_limit":100,"weight":10,"max":10}]}`,
				time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(24*time.Hour).UTC().Format(time.RFC3339), jsonString(v))
		}, "questions[0].title", domain.CriterionTitle.Max, false},
	{"bid title", SupplierOther, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompE.ID) },
		func(_ *World, v string) string { return `{"title":` + jsonString(v) + `,"price_pence":100}` }, "title", domain.BidTitle.Max, false},
	{"bid summary", SupplierOther, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/competitions/%d/bids", w.CompE.ID) },
		func(_ *World, v string) string {
			return `{"title":"Bid","summary":` + jsonString(v) + `,"price_pence":100}`
		}, "summary", domain.BidSummary.Max, true},
	{"bid answer", SupplierOther, http.MethodPut, func(w *World) string {
		return fmt.Sprintf("/api/v1/bids/%d/tasks/question-challenge_fit", w.DraftBinsight.ID)
	},
		func(_ *World, v string) string { return `{"answer":` + jsonString(v) + `}` }, "answer-challenge_fit", domain.BidAnswer.Max, true},
	{"report summary", SupplierOwn, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/report", w.ContractAcme.ID) },
		func(_ *World, v string) string { return reportWith("summary", v) }, "summary", domain.ReportSummary.Max, true},
	{"gate rationale", Officer, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/gate", w.ContractAcme.ID) },
		func(_ *World, v string) string { return `{"outcome":"stop","rationale":` + jsonString(v) + `}` }, "rationale", domain.GateRationale.Max, true},
	{"deliverable's note", SupplierOwn, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/milestones/%d/deliverable", w.MilestoneAcme.ID) },
		func(_ *World, v string) string { return `{"note":` + jsonString(v) + `}` }, "note", domain.DeliverableNote.Max, true},
	{"show-and-tell's place", Officer, http.MethodPut, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/show-and-tell", w.ContractAcme.ID) },
		func(_ *World, v string) string {
			return fmt.Sprintf(`{"at":%q,"place":%s}`, time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), jsonString(v))
		}, "place", domain.ShowAndTellPlace.Max, false},
	{"show-and-tell's notes", Officer, http.MethodPost, func(w *World) string {
		return fmt.Sprintf("/api/v1/contracts/%d/show-and-tell/record", w.ContractAcme.ID)
	},
		func(_ *World, v string) string { return `{"attended":"Tom","notes":` + jsonString(v) + `}` }, "notes", domain.ShowAndTellNotes.Max, true},
	{"recommendation's reason", OwnerOwn, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/recommendation", w.ContractAcme.ID) },
		func(_ *World, v string) string { return `{"outcome":"continue","reason":` + jsonString(v) + `}` }, "reason", domain.RecommendationReason.Max, true},
	{"progress update", SupplierOwn, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/progress", w.ContractAcme.ID) },
		func(_ *World, v string) string { return `{"progress":` + jsonString(v) + `}` }, "progress", domain.ProgressUpdate.Max, true},
	{"midpoint note", OwnerOwn, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/midpoint-review", w.ContractAcme.ID) },
		func(_ *World, v string) string { return `{"rag":"green","rag_note":` + jsonString(v) + `}` }, "rag_note", domain.MidpointNote.Max, true},
	{"report section", SupplierOwn, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/report", w.ContractAcme.ID) },
		func(_ *World, v string) string { return reportWith("barriers", v) }, "report-barriers", domain.ReportSectionText.Max, true},
	{"stop's lesson", Officer, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/contracts/%d/gate", w.ContractAcme.ID) },
		func(_ *World, v string) string {
			return `{"outcome":"stop","rationale":"r","lesson":{"what_worked":"a","what_failed":` + jsonString(v) + `,"why":"c"}}`
		}, "what_failed", domain.LessonFailed.Max, true},
	{"declined assignment's reason", AssessorAssigned, http.MethodPost, func(w *World) string { return fmt.Sprintf("/api/v1/assignments/%d/decline", w.AssignAcme.ID) },
		func(_ *World, v string) string { return `{"reason":` + jsonString(v) + `}` }, "reason", domain.DeclineReason.Max, true},
	{"interest's description", AssessorAssigned, http.MethodPost, fixed("/api/v1/interests"),
		func(w *World, v string) string {
			return fmt.Sprintf(`{"organisation_id":%d,"kind":"employer","description":%s}`, w.BidAcme.OrganisationID, jsonString(v))
		}, "description", domain.InterestDescription.Max, true},
	{"webhook description", Admin, http.MethodPost, fixed("/api/v1/webhooks"),
		func(_ *World, v string) string {
			return `{"url":"https://finance.example/hook","events":["contract.awarded"],"description":` + jsonString(v) + `}`
		}, "description", domain.WebhookDescription.Max, false},
	{"token name", Admin, http.MethodPost, fixed("/api/v1/tokens"),
		func(w *World, v string) string {
			return fmt.Sprintf(`{"name":%s,"person_id":%d,"role":"admin"}`, jsonString(v), w.People[Officer].ID)
		}, "name", domain.TokenName.Max, false},
}

// loneSurrogate stands in a value for the JSON escape \ud800, which Go's strings cannot hold.
const loneSurrogate = "LONESURROGATE"

// TestEveryTextFieldMeetsTheOneTextRule sends each character class the text rule refuses to
// every stored text field: each is refused with 422 naming the field, and nothing is written.
func TestEveryTextFieldMeetsTheOneTextRule(t *testing.T) {
	w := NewWorld(t)
	ctx := testdb.Fixture()
	// The gate reads a reported contract, so its rationale is what is judged.
	w.DB.Contract.UpdateOne(w.ContractAcme).SetStatus(domain.ContractReported).ExecX(ctx)
	type class struct{ name, value string }
	classes := func(f textField) []class {
		cs := []class{
			{"NUL", "a\u0000b"}, {"escape", "a\u001bb"}, {"right-to-left override", "cod\u202egnp.exe"},
			{"a lone surrogate", "a" + loneSurrogate + "b"}, {"one character over the limit", strings.Repeat("é", f.max+1)},
			{"only spaces", "   "},
		}
		if !f.multi {
			cs = append(cs, class{"a line break", "a\nb"})
		}
		return cs
	}
	trail := w.DB.AuditEvent.Query().CountX(ctx)
	for _, f := range textFields {
		for _, c := range classes(f) {
			if c.name == "only spaces" && (f.field == "user_need" || f.field == "summary" && f.persona == SupplierOther || f.field == "lessons" ||
				f.name == "bid title" || f.name == "bid answer" || f.name == "webhook description") {
				continue // optional fields may be empty
			}
			header := []string{"If-Match", "*"}
			body := strings.ReplaceAll(f.body(w, c.value), loneSurrogate, `\ud800`)
			rec := w.Do(f.persona, f.method, f.path(w), body, header...)
			var p Problem
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			named := false
			for _, e := range p.Errors {
				named = named || e.Field == f.field || e.Field == bodyKey[f.field]
			}
			if rec.Code != http.StatusUnprocessableEntity || !named {
				t.Errorf("%s with %s: %d %s; want 422 naming %s", f.name, c.name, rec.Code, rec.Body, f.field)
			}
		}
		// The same field takes ordinary text in any script, up to its limit.
		rec := w.Do(f.persona, f.method, f.path(w), f.body(w, strings.Repeat("é", min(f.max, 50))), "If-Match", "*")
		var p Problem
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		for _, e := range p.Errors {
			if e.Field == f.field {
				t.Errorf("%s refused ordinary text: %s", f.name, e.Message)
			}
		}
	}
	if rec := w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", "{\"title\":\"a\xffb\",\"public_body\":\"B\",\"problem\":\"P\"}"); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "UTF-8") {
		t.Errorf("invalid UTF-8: %d %s", rec.Code, rec.Body)
	}
	// Only the ordinary texts above may have written anything; the refusals wrote nothing.
	for _, e := range w.DB.AuditEvent.Query().AllX(ctx)[trail:] {
		if strings.Contains(e.After, `\u0000`) || strings.Contains(e.After, "\u202e") {
			t.Errorf("a refused text reached the trail: %s %s", e.Action, e.After)
		}
	}
}

// TestAnEditMustChangeSomething: an empty or null edit is refused, and the version stays.
func TestAnEditMustChangeSomething(t *testing.T) {
	w := NewWorld(t)
	path := fmt.Sprintf("/api/v1/challenges/%d", w.ChallengeD.ID)
	for _, body := range []string{`{}`, `null`, `{"title": null}`} {
		rec := w.Do(OwnerOwn, http.MethodPatch, path, body, "If-Match", challengeETag(w.ChallengeD.ID, 1))
		if rec.Code != http.StatusUnprocessableEntity && rec.Code != http.StatusBadRequest {
			t.Errorf("edit %s: %d %s", body, rec.Code, rec.Body)
		}
	}
	if v := w.DB.Challenge.GetX(testdb.Fixture(), w.ChallengeD.ID).Version; v != 1 {
		t.Errorf("version %d after refused edits, want 1", v)
	}
}

// TestHeadersAndQueriesMeetTheTextRuleToo: what a caller puts in a header or a query is stored
// or queried too, so it is held to plain text: a request ID is replaced, an idempotency key or
// a filter refused.
func TestHeadersAndQueriesMeetTheTextRuleToo(t *testing.T) {
	w := NewWorld(t)
	rec := w.Do(Officer, http.MethodGet, "/api/v1/challenges", "", "X-Request-Id", "evil\x7f\nline")
	if id := rec.Header().Get("X-Request-Id"); id == "" || strings.ContainsAny(id, "\x7f\n") {
		t.Errorf("a request ID with control characters was kept: %q", id)
	}
	if rec := w.Do(Officer, http.MethodGet, "/api/v1/challenges", "", "X-Request-Id", "req-123.abc"); rec.Header().Get("X-Request-Id") != "req-123.abc" {
		t.Errorf("a plain request ID was not kept: %q", rec.Header().Get("X-Request-Id"))
	}
	for _, q := range []string{"actor=%FF", "actor=a%00b", "record_type=bid%E2%80%AE"} {
		if rec := w.Do(Officer, http.MethodGet, "/api/v1/audit?"+q, ""); rec.Code != http.StatusBadRequest {
			t.Errorf("audit filter %s: %d %s", q, rec.Code, rec.Body)
		}
	}
	rec = w.Do(OwnerOwn, http.MethodPost, "/api/v1/challenges", `{"title":"T","public_body":"B","problem":"P"}`, "Idempotency-Key", "key\xff")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Idempotency-Key") {
		t.Errorf("an Idempotency-Key that is not ASCII: %d %s", rec.Code, rec.Body)
	}
}

// TestDocumentNamesKeepWholeCharactersAndDownloadAsAttachments: a long name of multi-byte
// characters is cut between characters, and the download names it both ways (RFC 6266).
func TestDocumentNamesKeepWholeCharactersAndDownloadAsAttachments(t *testing.T) {
	w := NewWorld(t)
	name := strings.Repeat("€", 100) + ".pdf" // 304 bytes
	rec := w.Do(SupplierOther, http.MethodPost, fmt.Sprintf("/api/v1/bids/%d/documents", w.DraftBinsight.ID),
		multipartBody(name, "%PDF-1.4\nplan\n%%EOF\n"), "Content-Type", "multipart/form-data; boundary="+boundary)
	if rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	var doc DocumentView
	_ = json.Unmarshal(rec.Body.Bytes(), &doc)
	if doc.Filename != name {
		t.Errorf("stored name %q, want the whole name", doc.Filename)
	}
	rec = w.Do(SupplierOther, http.MethodGet, fmt.Sprintf("/api/v1/documents/%d/content", doc.ID), "")
	cd := rec.Header().Get("Content-Disposition")
	if rec.Code != http.StatusOK || !strings.HasPrefix(cd, `attachment; filename="`) || !strings.Contains(cd, "filename*=UTF-8''%E2%82%AC") {
		t.Errorf("download: %d, Content-Disposition %q", rec.Code, cd)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/pdf" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download type %q, nosniff %q", ct, rec.Header().Get("X-Content-Type-Options"))
	}
}
