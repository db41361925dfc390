package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
)

// TestTheLifecycleIsDrawnFromTheRulesTheStoreKeeps: anyone can read each kind of record's
// lifecycle, drawn and tabled from domain's moves (the store's own guard), with the state a
// record is in marked; a record's page links to its place; the API answers the same moves.
func TestTheLifecycleIsDrawnFromTheRulesTheStoreKeeps(t *testing.T) {
	w := NewWorld(t)
	srv := httptest.NewServer(w.H)
	defer srv.Close()
	get := func(path string) (int, string, string) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}

	for _, l := range domain.Lifecycles() {
		code, _, page := get("/lifecycle/" + l.Record)
		page = html.UnescapeString(page)
		if code != http.StatusOK {
			t.Fatalf("%s's lifecycle: %d", l.Record, code)
		}
		for _, s := range l.States {
			if !strings.Contains(page, `data-state="`+s.Name+`"`) {
				t.Errorf("%s's drawing has no box for %s", l.Record, s.Name)
			}
		}
		for _, m := range l.Moves {
			if !strings.Contains(page, ">"+m.Label+"</th>") {
				t.Errorf("%s's table of moves lacks %q", l.Record, m.Label)
			}
		}
		if n := strings.Count(page, "marker-end="); n != arrows(l) {
			t.Errorf("%s's drawing has %d arrows, want one for each of its %d moves' starting states", l.Record, n, arrows(l))
		}
	}

	// A challenge's page links to its place, which is marked.
	_, challengePage := read(t)(http.Get(srv.URL + "/challenges/" + strconv.Itoa(w.ChallengeA.ID)))
	at := "/lifecycle/challenge?at=" + string(w.ChallengeA.Stage)
	if !strings.Contains(html.UnescapeString(challengePage), at) {
		t.Errorf("the challenge's page does not link to %s", at)
	}
	code, _, page := get(at)
	if code != http.StatusOK {
		t.Fatalf("%s: %d %s", at, code, page)
	}
	page = html.UnescapeString(page)
	wantIn(t, "the marked lifecycle", page, "This challenge is at <strong>"+w.ChallengeA.Stage.Label()+"</strong>")
	wantIn(t, "the marked lifecycle", page, `app-lifecycle__state--here" data-state="`+string(w.ChallengeA.Stage)+`"`)
	if strings.Count(page, "app-lifecycle__state--here") != 1 {
		t.Error("more than one state is marked")
	}

	// The drawing alone is an SVG document.
	code, ctype, svg := get("/lifecycle/contract/drawing.svg?at=reported")
	if code != http.StatusOK || ctype != "image/svg+xml" {
		t.Fatalf("the drawing: %d %s", code, ctype)
	}
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := dec.Token(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("the drawing is not well-formed XML: %v", err)
			}
			break
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(svg), `<svg xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("the drawing is not an SVG document")
	}

	if code, _, _ := get("/lifecycle/unicorn"); code != http.StatusNotFound {
		t.Errorf("an unknown kind of record: %d, want 404", code)
	}

	// The API: the same moves, to anyone.
	code, _, body := get("/api/v1/lifecycles/contract")
	var got api.LifecycleView
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != http.StatusOK {
		t.Fatalf("GET /api/v1/lifecycles/contract: %d %v", code, err)
	}
	if len(got.Moves) != len(domain.ContractLifecycle.Moves) || got.Moves[1].To != string(domain.ContractActive) {
		t.Errorf("the API's contract lifecycle: %+v", got.Moves)
	}
	code, _, body = get("/api/v1/lifecycles")
	var all api.Page[api.LifecycleView]
	if err := json.Unmarshal([]byte(body), &all); err != nil || code != http.StatusOK || len(all.Items) != len(domain.Lifecycles()) {
		t.Errorf("GET /api/v1/lifecycles: %d, %d lifecycles", code, len(all.Items))
	}
}

func arrows(l domain.Lifecycle) int {
	n := 0
	for _, m := range l.Moves {
		n += len(m.From)
	}
	return n
}
