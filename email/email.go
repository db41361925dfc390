// Package email sends Catalyst's notices by email, through GOV.UK Notify or an SMTP server,
// and catches them in `catalyst dev` with a local SMTP sink and its viewer. The activities that
// send are in activities/email.go; this package knows nothing of records.
package email

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"strings"
	ttemplate "text/template"
)

// Message is one email, built from a notice.
type Message struct {
	// Reference names the notice it comes from ("notice-12"): Notify's reference, and the
	// SMTP Message-ID's left part, so a send can be looked up and is never made twice.
	Reference string
	To        string
	Name      string // the recipient's name, "" for an alert to an address
	Template  string // the kind of notice, for Notify's template choice
	Subject   string
	Body      string // the notice's words, plain text
	Link      string // the page it is about, absolute; "" for none
	LinkText  string
	// Values are the notice's own values, sent to Notify as personalisation.
	Values map[string]string
	// UnsubscribeURL stops this kind of email; ChoicesURL is where all the choices are made.
	UnsubscribeURL string
	ChoicesURL     string
}

// Sender sends email. Send returns the provider's ID for the message.
type Sender interface {
	Send(ctx context.Context, m Message) (id string, err error)
	// Lookup says whether a message with this reference was already sent, for a send that was
	// cut off before its result was recorded. ErrCannotTell if the provider cannot say.
	Lookup(ctx context.Context, reference string) (id string, found bool, err error)
}

// ErrCannotTell is Lookup's answer from a provider that keeps no record to ask (SMTP).
var ErrCannotTell = errors.New("the provider cannot say whether it was sent")

// PermanentError is a send that will never succeed as it is (a bad address, a template
// missing, a key refused): it is shown to the programme team, not retried.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as never worth retrying.
func Permanent(err error) error { return &PermanentError{Err: err} }

// IsPermanent says whether err is a permanent failure.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

var textTemplate = ttemplate.Must(ttemplate.New("text").Parse(`{{if .Name}}Dear {{.Name}},{{else}}Hello,{{end}}

{{.Body}}
{{if .Link}}
{{.LinkText}}: {{.Link}}
{{end}}
---
Catalyst, the GovTech Catalyst and SBRI programme's service.
{{if .ChoicesURL}}Choose which emails you get: {{.ChoicesURL}}
{{end}}{{if .UnsubscribeURL}}Stop these emails: {{.UnsubscribeURL}}
{{end}}`))

var htmlTemplate = template.Must(template.New("html").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 19px; line-height: 1.3; color: #0b0c0c; margin: 0; padding: 0;">
<div style="background: #0b0c0c; color: #ffffff; padding: 10px 20px; font-weight: bold;">Catalyst</div>
<div style="padding: 20px; max-width: 580px;">
<p>{{if .Name}}Dear {{.Name}},{{else}}Hello,{{end}}</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}" style="color: #1d70b8;">{{.LinkText}}</a></p>{{end}}
<hr style="border: 0; border-top: 1px solid #b1b4b6;">
<p style="font-size: 16px;">Catalyst, the GovTech Catalyst and SBRI programme's service.<br>
{{if .ChoicesURL}}<a href="{{.ChoicesURL}}" style="color: #1d70b8;">Choose which emails you get</a><br>{{end}}
{{if .UnsubscribeURL}}<a href="{{.UnsubscribeURL}}" style="color: #1d70b8;">Stop these emails</a>{{end}}</p>
</div></body></html>
`))

// Text is the message as plain text.
func (m Message) Text() string {
	var b bytes.Buffer
	if err := textTemplate.Execute(&b, m); err != nil {
		return m.Body
	}
	return b.String()
}

// HTML is the message as HTML, each paragraph of the body escaped.
func (m Message) HTML() string {
	var b bytes.Buffer
	data := struct {
		Message
		Paragraphs []string
	}{m, strings.Split(strings.TrimSpace(m.Body), "\n\n")}
	if err := htmlTemplate.Execute(&b, data); err != nil {
		return template.HTMLEscapeString(m.Body)
	}
	return b.String()
}
