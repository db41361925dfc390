package email

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends through an SMTP server with go-mail, the same words as plain text and HTML.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is "none", "starttls" (required) or "tls" (implicit, usually port 465).
	TLS      string
	From     string // the address mail comes from
	FromName string
}

// ParseSMTP reads smtp://user:password@host:port?tls=starttls.
func ParseSMTP(raw, from string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, fmt.Errorf("%q is not smtp://[user:password@]host:port[?tls=none|starttls|tls]", raw)
	}
	s := &SMTP{Host: u.Hostname(), Port: 25, TLS: "starttls", From: from, FromName: "Catalyst"}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("the SMTP port %q is not a number", p)
		}
	}
	if t := u.Query().Get("tls"); t != "" {
		s.TLS = t
	}
	if s.TLS != "none" && s.TLS != "starttls" && s.TLS != "tls" {
		return nil, fmt.Errorf("tls=%q: give none, starttls or tls", s.TLS)
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if !strings.Contains(from, "@") {
		return nil, fmt.Errorf("the from address %q is not an email address", from)
	}
	return s, nil
}

// Send sends one message. A refusal the server calls permanent (5xx: no such mailbox) is
// permanent here too; a connection that fails or a 4xx is retried.
func (s *SMTP) Send(ctx context.Context, m Message) (string, error) {
	msg := gomail.NewMsg()
	if err := msg.FromFormat(s.FromName, s.From); err != nil {
		return "", Permanent(fmt.Errorf("from address: %w", err))
	}
	if err := msg.To(m.To); err != nil {
		return "", Permanent(fmt.Errorf("the address %q: %w", m.To, err))
	}
	domain := s.From[strings.LastIndex(s.From, "@")+1:]
	id := m.Reference + "@" + domain
	msg.SetMessageIDWithValue(id)
	msg.SetDate()
	msg.Subject(m.Subject)
	msg.SetGenHeader("X-Catalyst-Reference", m.Reference)
	if m.UnsubscribeURL != "" {
		// RFC 8058: mail programs offer one-click unsubscribe, which posts to the link.
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.UnsubscribeURL+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text())
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML())

	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(20 * time.Second)}
	switch s.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS))
	case "starttls":
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.TLSMandatory))
	case "tls":
		opts = append(opts, gomail.WithSSLPort(false))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	// The port set last wins over the TLS policy's default port.
	opts = append(opts, gomail.WithPort(s.Port))
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return "", Permanent(err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		// A mailbox or sender refused for good (5xx) is permanent; anything else (no
		// connection, a 4xx, a dropped line) may work later.
		var se *gomail.SendError
		if errors.As(err, &se) && !se.IsTemp() && (se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPMailFrom) {
			return "", Permanent(err)
		}
		return "", err
	}
	return "<" + id + ">", nil
}

// Lookup cannot ask an SMTP server what it was sent.
func (s *SMTP) Lookup(context.Context, string) (string, bool, error) {
	return "", false, ErrCannotTell
}
