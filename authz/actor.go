package authz

// Actor says who asked for a change and why. It travels from the request through the
// lifecycle's messages into the audit trail, so its JSON names are part of recorded workflow
// histories: keep them.
type Actor struct {
	Who       string `json:"who"`
	RequestID string `json:"request_id,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// NameOr is who the trail records: the person who asked, or system when no person did (a
// deadline passing, a timer firing).
func (a Actor) NameOr(system string) string {
	if a.Who == "" {
		return system
	}
	return a.Who
}
