package email

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func message() Message {
	return Message{Reference: "notice-7", To: "dana@acme.example", Name: "Dana Evans", Template: "payment_made",
		Subject: "A milestone was paid: Potholes", Body: "The programme team has paid £1,000.\n\nThank you & <goodbye>.",
		Link: "https://catalyst.example/contracts/3", LinkText: "See the contract",
		Values:         map[string]string{"title": "Potholes", "amount": "£1,000"},
		UnsubscribeURL: "https://catalyst.example/email/unsubscribe/tok", ChoicesURL: "https://catalyst.example/notices/email"}
}

// A message sent over SMTP to a real SMTP server arrives once, as plain text and HTML, with its
// reference and a one-click unsubscribe header.
func TestSMTPSendsTextAndHTML(t *testing.T) {
	sink, err := StartSink(t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	host, port, _ := net.SplitHostPort(sink.Addr())
	s, err := ParseSMTP("smtp://"+host+":"+port+"?tls=none", "catalyst@programme.example")
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Send(context.Background(), message())
	if err != nil {
		t.Fatal(err)
	}
	if id != "<notice-7@programme.example>" {
		t.Errorf("message ID %q", id)
	}
	ms, err := sink.Messages()
	if err != nil || len(ms) != 1 {
		t.Fatalf("caught %d messages (%v), want 1", len(ms), err)
	}
	m := ms[0]
	if m.Subject != "A milestone was paid: Potholes" || !strings.Contains(m.To, "dana@acme.example") || m.Reference != "notice-7" {
		t.Errorf("caught %+v", m)
	}
	if m.Unsubscribe != "<https://catalyst.example/email/unsubscribe/tok>" {
		t.Errorf("List-Unsubscribe %q", m.Unsubscribe)
	}
	for _, want := range []string{"Dear Dana Evans,", "The programme team has paid £1,000.", "See the contract: https://catalyst.example/contracts/3", "Stop these emails: https://catalyst.example/email/unsubscribe/tok"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, "<p>Thank you &amp; &lt;goodbye&gt;.</p>") || !strings.Contains(m.HTML, `href="https://catalyst.example/email/unsubscribe/tok"`) {
		t.Errorf("the HTML is not as written, escaped:\n%s", m.HTML)
	}
	if _, _, err := s.Lookup(context.Background(), "notice-7"); err != ErrCannotTell {
		t.Errorf("SMTP lookup said %v", err)
	}
}

// A server that is not there is worth retrying, not a permanent failure.
func TestSMTPUnreachableIsTransient(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	s, _ := ParseSMTP("smtp://"+addr+"?tls=none", "catalyst@programme.example")
	_, err := s.Send(context.Background(), message())
	if err == nil || IsPermanent(err) {
		t.Fatalf("got %v, want a transient error", err)
	}
}

func TestParseSMTPRefusesNonsense(t *testing.T) {
	for _, raw := range []string{"http://x", "smtp://", "smtp://host:port", "smtp://host?tls=maybe"} {
		if _, err := ParseSMTP(raw, "a@b.example"); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
	if _, err := ParseSMTP("smtp://host", "nobody"); err == nil {
		t.Error("a from address without @ accepted")
	}
}

const (
	serviceID = "26785a09-ab16-4eb0-8407-a37497a57506"
	secretKey = "3d844edf-8d35-48ac-975b-e847b4f122b0"
)

// fakeNotify checks each request as GOV.UK Notify's API documentation says it must be: a JWT
// signed HS256 with the secret key, iss the service ID, iat within 30 seconds; JSON; only the
// documented fields.
type fakeNotify struct {
	t      *testing.T
	mu     sync.Mutex
	sent   map[string]notifyEmail // by reference
	status int                    // answer this instead, when set
}

func (f *fakeNotify) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		f.t.Errorf("no bearer token")
	}
	parsed, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return []byte(secretKey), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuedAt())
	if err != nil {
		f.t.Errorf("the JWT does not verify: %v", err)
	} else {
		claims := parsed.Claims.(jwt.MapClaims)
		iat, _ := claims.GetIssuedAt()
		if iss, _ := claims.GetIssuer(); iss != serviceID || iat == nil || time.Since(iat.Time).Abs() > 30*time.Second {
			f.t.Errorf("claims %v", claims)
		}
		if parsed.Header["typ"] != "JWT" {
			f.t.Errorf("JWT header %v", parsed.Header)
		}
	}
	if r.Header.Get("User-Agent") == "" {
		f.t.Errorf("no User-Agent")
	}
	if f.status != 0 {
		w.WriteHeader(f.status)
		_, _ = io.WriteString(w, `{"status_code":`+strconv.Itoa(f.status)+`,"errors":[{"error":"BadRequestError","message":"Can't send to this recipient using a team-only API key"}]}`)
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/notifications/email":
		if r.Header.Get("Content-Type") != "application/json" {
			f.t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		var body notifyEmail
		if err := dec.Decode(&body); err != nil {
			f.t.Errorf("body: %v", err)
		}
		if f.sent == nil {
			f.sent = map[string]notifyEmail{}
		}
		f.sent[body.Reference] = body
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"740e5834-3a29-46b4-9a6f-16142fde533a","reference":"`+body.Reference+`","content":{"subject":"s","body":"b"}}`)
	case r.Method == http.MethodGet && r.URL.Path == "/v2/notifications":
		var list []map[string]string
		if b, ok := f.sent[r.URL.Query().Get("reference")]; ok && r.URL.Query().Get("template_type") == "email" {
			list = append(list, map[string]string{"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": b.Reference})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"notifications": list, "links": map[string]string{}})
	default:
		f.t.Errorf("unexpected %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusNotFound)
	}
}

func TestNotifySendsAsItsAPIDocumentationSays(t *testing.T) {
	f := &fakeNotify{t: t}
	srv := httptest.NewServer(f)
	defer srv.Close()
	n, err := NewNotify("catalyst_live-"+serviceID+"-"+secretKey, map[string]string{"default": "f33517ff-2a88-4f6e-b855-c550268ce08a", "payment_made": "a1b2c3d4-e5f6-7890-abcd-ef1234567890"})
	if err != nil {
		t.Fatal(err)
	}
	n.BaseURL = srv.URL
	ctx := context.Background()
	if _, found, err := n.Lookup(ctx, "notice-7"); err != nil || found {
		t.Fatalf("before sending: found %v, %v", found, err)
	}
	id, err := n.Send(ctx, message())
	if err != nil || id != "740e5834-3a29-46b4-9a6f-16142fde533a" {
		t.Fatalf("send: %q %v", id, err)
	}
	got := f.sent["notice-7"]
	if got.EmailAddress != "dana@acme.example" || got.TemplateID != "a1b2c3d4-e5f6-7890-abcd-ef1234567890" ||
		got.OneClickUnsubscribeURL != "https://catalyst.example/email/unsubscribe/tok" {
		t.Errorf("sent %+v", got)
	}
	for k, v := range map[string]string{"name": "Dana Evans", "subject": "A milestone was paid: Potholes", "amount": "£1,000",
		"link": "https://catalyst.example/contracts/3", "unsubscribe_link": "https://catalyst.example/email/unsubscribe/tok"} {
		if got.Personalisation[k] != v {
			t.Errorf("personalisation %s = %q, want %q", k, got.Personalisation[k], v)
		}
	}
	if _, found, err := n.Lookup(ctx, "notice-7"); err != nil || !found {
		t.Fatalf("after sending: found %v, %v", found, err)
	}
	// Another kind falls back to the default template.
	m := message()
	m.Reference, m.Template = "notice-8", "gate_decided"
	if _, err := n.Send(ctx, m); err != nil || f.sent["notice-8"].TemplateID != "f33517ff-2a88-4f6e-b855-c550268ce08a" {
		t.Errorf("default template: %v %+v", err, f.sent["notice-8"])
	}
	// Notify's 400 is permanent, its 500 and 429 are not.
	f.status = http.StatusBadRequest
	if _, err := n.Send(ctx, message()); !IsPermanent(err) || !strings.Contains(err.Error(), "team-only API key") {
		t.Errorf("400 gave %v", err)
	}
	for _, st := range []int{http.StatusTooManyRequests, http.StatusInternalServerError} {
		f.status = st
		if _, err := n.Send(ctx, message()); err == nil || IsPermanent(err) {
			t.Errorf("%d gave %v", st, err)
		}
	}
}

func TestNotifyKeyAndTemplates(t *testing.T) {
	if _, err := NewNotify("not-a-key", map[string]string{"default": "x"}); err == nil {
		t.Error("a malformed key accepted")
	}
	if _, err := NewNotify("k-"+serviceID+"-"+secretKey, map[string]string{}); err == nil {
		t.Error("no default template accepted")
	}
	m, err := ParseTemplates(" default=abc , gate_decided=def")
	if err != nil || m["default"] != "abc" || m["gate_decided"] != "def" {
		t.Errorf("%v %v", m, err)
	}
	if _, err := ParseTemplates("default"); err == nil {
		t.Error("a template without its ID accepted")
	}
}
