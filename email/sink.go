package email

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	netmail "net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Sink is the SMTP server `catalyst dev` sends to: it keeps every message as a file in its
// folder, and Viewer shows them, so a developer reads what people would be sent.
type Sink struct {
	dir string
	srv *smtp.Server
	ln  net.Listener
	mu  sync.Mutex
	seq int
}

// StartSink listens for SMTP on addr ("127.0.0.1:0" for any port) and keeps mail in dir.
func StartSink(dir, addr string) (*Sink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("the mail sink cannot listen on %s: %w", addr, err)
	}
	s := &Sink{dir: dir, ln: ln}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ReadTimeout, s.srv.WriteTimeout = time.Minute, time.Minute
	s.srv.ErrorLog = log{}
	go s.srv.Serve(ln)
	return s, nil
}

type log struct{}

func (log) Printf(string, ...any) {}
func (log) Println(...any)        {}

// Addr is where the sink takes SMTP.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Close stops taking mail; what was caught stays in the folder.
func (s *Sink) Close() error { return s.srv.Close() }

func (s *Sink) keep(raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	name := fmt.Sprintf("%d-%04d.eml", time.Now().UnixNano(), s.seq)
	tmp := filepath.Join(s.dir, "."+name)
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(s.dir, name))
}

type sinkSession struct{ sink *Sink }

func (*sinkSession) Reset()                                    {}
func (*sinkSession) Logout() error                             { return nil }
func (*sinkSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (*sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return ss.sink.keep(raw)
}

// Caught is a message the sink holds.
type Caught struct {
	ID          string    `json:"id"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Subject     string    `json:"subject"`
	Date        time.Time `json:"date"`
	Reference   string    `json:"reference"`
	Unsubscribe string    `json:"list_unsubscribe"`
	Text        string    `json:"text"`
	HTML        string    `json:"html"`
}

// Messages are what the sink caught, newest first.
func (s *Sink) Messages() ([]Caught, error) {
	names, err := filepath.Glob(filepath.Join(s.dir, "*.eml"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	slices.Reverse(names)
	out := make([]Caught, 0, len(names))
	for _, n := range names {
		c, err := s.read(strings.TrimSuffix(filepath.Base(n), ".eml"))
		if err != nil {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Sink) read(id string) (Caught, error) {
	if strings.ContainsAny(id, `/\.`) {
		return Caught{}, os.ErrNotExist
	}
	raw, err := os.ReadFile(filepath.Join(s.dir, id+".eml"))
	if err != nil {
		return Caught{}, err
	}
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Caught{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		subject = m.Header.Get("Subject")
	}
	c := Caught{ID: id, From: m.Header.Get("From"), To: m.Header.Get("To"), Subject: subject,
		Reference: m.Header.Get("X-Catalyst-Reference"), Unsubscribe: m.Header.Get("List-Unsubscribe")}
	c.Date, _ = m.Header.Date()
	c.Text, c.HTML = parts(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
	return c, nil
}

// parts finds the plain text and HTML of a message, through its multipart layers.
func parts(contentType, encoding string, body io.Reader) (text, html string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err != nil {
				return text, html
			}
			t, h := parts(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			text, html = cmpOr(text, t), cmpOr(html, h)
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, _ := io.ReadAll(body)
	if mt == "text/html" {
		return "", string(b)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

var viewerPages = template.Must(template.New("list").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – Catalyst mail viewer</title>
<style>
body{font-family:Arial,sans-serif;font-size:19px;line-height:1.3;color:#0b0c0c;margin:0}
header{background:#0b0c0c;color:#fff;padding:10px 20px;font-weight:bold}
main{padding:20px;max-width:960px}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:10px 10px 10px 0;vertical-align:top}
pre{white-space:pre-wrap;font-family:inherit;background:#f3f2f1;padding:15px}
dt{font-weight:bold}dd{margin:0 0 10px 0}
</style></head>
<body><header>Catalyst mail viewer: catalyst dev</header><main>
{{if .Message}}{{with .Message}}
<p><a href="/">Back to all mail</a></p>
<h1>{{.Subject}}</h1>
<dl>
<dt>To</dt><dd>{{.To}}</dd>
<dt>From</dt><dd>{{.From}}</dd>
<dt>Sent</dt><dd>{{.Date.Format "2 January 2006 3:04:05pm"}}</dd>
{{if .Reference}}<dt>Reference</dt><dd>{{.Reference}}</dd>{{end}}
{{if .Unsubscribe}}<dt>List-Unsubscribe</dt><dd>{{.Unsubscribe}}</dd>{{end}}
</dl>
<h2>Plain text</h2>
<pre>{{.Text}}</pre>
{{if .HTML}}<h2>HTML</h2><p><a href="/messages/{{.ID}}/html">Open the HTML version</a></p>{{end}}
{{end}}{{else}}
<h1>Mail sent by Catalyst</h1>
<p>Every email <code>catalyst dev</code> sends is caught here instead of being delivered. Newest first; refresh to see more.</p>
{{if .Messages}}<table><caption style="text-align:left;font-weight:bold;padding-bottom:10px">{{len .Messages}} email(s)</caption>
<thead><tr><th scope="col">Sent</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead><tbody>
{{range .Messages}}<tr><td>{{.Date.Format "2 Jan 15:04:05"}}</td><td>{{.To}}</td><td><a href="/messages/{{.ID}}">{{.Subject}}</a></td></tr>
{{end}}</tbody></table>{{else}}<p>No mail yet.</p>{{end}}
{{end}}</main></body></html>
`))

// Viewer is the mail viewer: a list of what was caught, each message, its HTML on its own,
// and /messages.json for scripts.
func (s *Sink) Viewer() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		ms, err := s.Messages()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		render(w, map[string]any{"Title": "Mail sent by Catalyst", "Messages": ms})
	})
	mux.HandleFunc("GET /messages.json", func(w http.ResponseWriter, r *http.Request) {
		ms, err := s.Messages()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ms)
	})
	mux.HandleFunc("GET /messages/{id}", func(w http.ResponseWriter, r *http.Request) {
		c, err := s.read(r.PathValue("id"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		render(w, map[string]any{"Title": c.Subject, "Message": &c})
	})
	mux.HandleFunc("GET /messages/{id}/html", func(w http.ResponseWriter, r *http.Request) {
		c, err := s.read(r.PathValue("id"))
		if err != nil || c.HTML == "" {
			http.NotFound(w, r)
			return
		}
		// The message's own HTML, sandboxed: no scripts, no forms, its own origin.
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, c.HTML)
	})
	return mux
}

func render(w http.ResponseWriter, data map[string]any) {
	var b bytes.Buffer
	if err := viewerPages.Execute(&b, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}
