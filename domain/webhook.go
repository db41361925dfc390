package domain

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEvent is a fact a programme's systems may be told of by webhook: an audit action, so
// each is sent in the transaction of the change it reports.
type WebhookEvent struct {
	Type  string // the audit action, e.g. contract.gate_stop
	Label string
}

// WebhookEvents are the facts a webhook may subscribe to. A delivery carries the record's type,
// ID and link, never its content: the receiver reads the record through the API, as its own
// token allows.
var WebhookEvents = []WebhookEvent{
	{"challenge.selected", "A challenge is selected into a round"},
	{"challenge.rejected", "A challenge is not selected"},
	{"competition.opened", "A competition opens for bids"},
	{"competition.deadline_extended", "A competition's deadline moves"},
	{"competition.amended", "A competition's questions change"},
	{"competition.decided", "A competition's panel decides"},
	{"competition.feedback_released", "A competition's outcomes are released to the bidders"},
	{"contract.awarded", "A contract is awarded"},
	{"contract.accepted", "A supplier signs its contract"},
	{"milestone.submitted", "A deliverable is submitted"},
	{"milestone.accepted", "A deliverable is accepted and its payment falls due"},
	{"milestone.paid", "A milestone is paid"},
	{"contract.reported", "A supplier submits its end-of-phase report"},
	{"contract.gate_continue", "The stage gate continues a contract"},
	{"contract.gate_stop", "The stage gate stops a contract"},
	{"contract.gate_complete", "A phase 2 contract completes"},
	{"challenge.gate_go", "A challenge passes its stage gate"},
	{"challenge.gate_no_go", "A challenge is stopped at its stage gate"},
	{"challenge.outcome_recorded", "A challenge's outcome is recorded"},
}

// IsWebhookEvent says whether an audit action is one a webhook may be sent for.
func IsWebhookEvent(action string) bool {
	return slices.ContainsFunc(WebhookEvents, func(e WebhookEvent) bool { return e.Type == action })
}

// WebhookSecret is one signing secret of an endpoint. A rotation adds a new one and gives the
// old an end, so deliveries carry both signatures until the receiver has the new one.
type WebhookSecret struct {
	Secret    string     `json:"secret"`
	CreatedAt time.Time  `json:"created_at"`
	EndsAt    *time.Time `json:"ends_at,omitempty"`
}

// SecretsInUse are the secrets that sign a delivery at t: each not yet ended.
func SecretsInUse(secrets []WebhookSecret, t time.Time) []string {
	var out []string
	for _, s := range secrets {
		if s.EndsAt == nil || t.Before(*s.EndsAt) {
			out = append(out, s.Secret)
		}
	}
	return out
}

// SecretOverlap is how long an old secret keeps signing after a rotation.
const SecretOverlap = 24 * time.Hour

// WebhookEndpoint is an endpoint as the programme registers it.
type WebhookEndpoint struct {
	URL         string
	Description string
	Events      []string
}

// Check cleans the endpoint in place and names every problem. An endpoint is reached over
// HTTPS; plain HTTP only on this machine, for trying it out.
func (e *WebhookEndpoint) Check() Problems {
	var ps Problems
	e.URL = strings.TrimSpace(e.URL)
	u, err := url.Parse(e.URL)
	switch {
	case e.URL == "":
		ps.Add("url", "Enter the endpoint's URL")
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		ps.Add("url", "Enter the endpoint's URL as https://, like https://finance.example.gov.uk/catalyst")
	case u.Scheme == "http" && !localHost(u.Hostname()):
		ps.Add("url", "Use https:// for an endpoint not on this machine: deliveries carry a signature, not secrecy")
	case u.User != nil:
		ps.Add("url", "Leave the user name and password out of the URL: deliveries are signed instead")
	case len(e.URL) > 2000:
		ps.Add("url", "The URL must be 2,000 characters or fewer")
	}
	e.Description = WebhookDescription.CleanAll(e.Description, &ps)
	if len(e.Events) == 0 {
		ps.Add("events", "Choose at least one event to send")
	}
	for _, ev := range e.Events {
		if !IsWebhookEvent(ev) {
			ps.Add("events", "%q is not an event Catalyst sends", ev)
		}
	}
	slices.Sort(e.Events)
	e.Events = slices.Compact(e.Events)
	return ps
}

func localHost(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }
