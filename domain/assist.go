package domain

import "strings"

// Assisted digital: someone in the programme team acts for a supplier or a challenge owner who
// cannot use the service themselves, with their consent, recorded with how it was given.
// Everything done is recorded as done by the helper on the person's behalf, and the person is
// told.

// ConsentHow is how the person gave their consent.
type ConsentHow string

// The ways consent is given.
const (
	ConsentPhone    ConsentHow = "phone"
	ConsentLetter   ConsentHow = "letter"
	ConsentInPerson ConsentHow = "in_person"
	ConsentEmail    ConsentHow = "email"
)

// ConsentHows lists them, in the form's order.
var ConsentHows = []ConsentHow{ConsentPhone, ConsentInPerson, ConsentLetter, ConsentEmail}

// Values lists the ways, for the store's enum.
func (ConsentHow) Values() []string {
	out := make([]string, len(ConsentHows))
	for i, h := range ConsentHows {
		out[i] = string(h)
	}
	return out
}

// Label is the way as a person reads it.
func (h ConsentHow) Label() string {
	switch h {
	case ConsentPhone:
		return "by phone"
	case ConsentLetter:
		return "by letter"
	case ConsentInPerson:
		return "in person"
	case ConsentEmail:
		return "by email"
	}
	return string(h)
}

// AssistConsent is what the person agreed to, in the helper's words.
var AssistConsent = Text{Field: "consent", Label: "what they agreed to", Max: 2000, MultiLine: true}

// ActedBy reports whether who did what recorded names: themselves, or as a helper on someone's
// behalf (authz.ActorOf's "helper on behalf of person"): separation of duties counts the
// helper's own hand.
func ActedBy(recorded, who string) bool {
	return recorded != "" && (recorded == who || strings.HasPrefix(recorded, who+" on behalf of "))
}
