// Package ui holds Catalyst's server-rendered pages: GOV.UK Frontend templates and the built
// assets (from the pinned govuk-frontend npm package; see build.mjs), embedded in the binary.
package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
)

//go:embed static
var static embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// Assets are served under /assets/.
func Assets() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	return sub
}

// Time writes an instant as GOV.UK style does, in UK time: 11:00am on 14 May 2026.
func Time(t time.Time) string { return domain.FormatTime(t) }

var funcs = template.FuncMap{
	"govukTime": Time,
	"timeValue": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return Time(*t)
	},
	"inc": func(i int) int { return i + 1 },
	// lateRetryMinutes is how long after the deadline a submit turned away busy may be sent again.
	"lateRetryMinutes": func() int { return int(domain.LateRetryWindow.Minutes()) },
	"bands":            domain.Bands,
	"list":             func(xs ...string) []string { return xs },
	"field":            field,
	"limited":          limited,
	"accepting":        accepting,
	"choices":          choices,
	"options":          options,
	"dict":             dict,
	"withOptions":      withOptions,
	"reason":           Reason,
	"sentence":         domain.UpperFirst,
	"money":            func(m domain.Money) string { return m.String() },
	"pence":            func(p int64) string { return domain.Money(p).String() },
	"lower":            strings.ToLower,
	"words":            func(key string) string { return strings.ReplaceAll(key, "_", " ") },
	"roleLabel":        RoleLabel,
	"deref":            func(t *time.Time) time.Time { return *t },
	"govukDate":        func(t time.Time) string { return t.In(domain.London).Format("2 January 2006") },
	"percent":          func(p *float64) string { return fmt.Sprintf("%.1f%%", *p) },
	"lineY":            func(first, height, i int) int { return first + height*i },
	"gateCriteria": func(f Form, cs []domain.GateCriterion) []Option {
		var out []Option
		for _, c := range cs {
			out = append(out, Option{Value: c.Key, Label: c.Text, Checked: slices.Contains(f.Multi["criteria"], c.Key)})
		}
		return out
	},
}

var pages = map[string]*template.Template{}

func init() {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		if strings.HasSuffix(n, "/layout.html") || strings.HasSuffix(n, "/kit.html") {
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/kit.html", n))
	}
}

// Nav is who is signed in, for the header.
type Nav struct {
	PersonName string
	// SignIn shows the sign-in link: the dev sign-in or a provider is configured.
	SignIn  bool
	Current string
	// CSRFToken goes in every state-changing form of a signed-in session.
	CSRFToken string
	// Audit shows the audit trail link to those who may read it.
	Audit bool
	// Interests shows assessors the link to their declared interests.
	Interests bool
	// Assessments shows assessors the link to the bids given to them.
	Assessments bool
	// Rounds shows the programme team the link to the funding rounds.
	Rounds bool
	// Notices shows a signed-in person the link to their notices.
	Notices bool
	// Organisation shows suppliers the link to their organisation.
	Organisation bool
	// Contracts shows the link to the contracts a person may see.
	Contracts bool
	// People shows the programme team the link to the people who can sign in.
	People bool
	// Figures, Webhooks and Emails show the links to those pages to whoever may open them.
	Figures, Webhooks, Emails bool
	// ActingFor is the person the signed-in helper acts for (assisted digital), and Helper the
	// helper's name: every page says so, with the way to stop.
	ActingFor, Helper string
}

// Page is what every page template gets.
type Page struct {
	Title string
	Nav   Nav
	Data  any
}

// RenderDrawing writes a lifecycle's drawing alone, as an SVG document.
func RenderDrawing(w io.Writer, d Drawing) error {
	var buf bytes.Buffer
	if err := pages["lifecycle"].ExecuteTemplate(&buf, "lifecycle-drawing", d); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}

// Render writes a whole page. It renders into a buffer first so a template error never sends
// half a page.
func Render(w io.Writer, name string, p Page) error {
	t, ok := pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return err
	}
	_, err := buf.WriteTo(w)
	return err
}
