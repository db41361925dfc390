package domain

import (
	"strings"
	"testing"
)

// Every kind of notice has its words and its subject, and the email choices list each once.
func TestEveryNoticeHasItsWords(t *testing.T) {
	seen := map[NoticeTemplate]bool{}
	for _, n := range NoticeTemplates {
		if seen[n] {
			t.Errorf("%s is listed twice", n)
		}
		seen[n] = true
		if n.Text(nil) == string(n) {
			t.Errorf("%s has no text", n)
		}
		if s := n.Subject(nil); !n.Known() || s == "A notice from Catalyst" || len(s) < 15 || strings.HasSuffix(s, " ") {
			t.Errorf("%s has no subject", n)
		}
	}
	if len(seen) != len(noticeSubjects) {
		t.Errorf("%d kinds listed, %d with subjects", len(seen), len(noticeSubjects))
	}
}

func TestNoticeSubject(t *testing.T) {
	if got := NoticeChallengeSelected.Subject(map[string]string{"title": "Potholes"}); got != "Your challenge was selected: Potholes" {
		t.Errorf("got %q", got)
	}
	// A value missing drops its part rather than showing a placeholder.
	if got := NoticeChallengeSelected.Subject(nil); got != "Your challenge was selected" {
		t.Errorf("got %q", got)
	}
	if strings.Contains(NoticeJoinRequested.Subject(map[string]string{"name": "Ann"}), "{") {
		t.Error("a placeholder is left in the subject")
	}
}

func TestWantsEmail(t *testing.T) {
	if !WantsEmail(nil, NoticeGateDecided) {
		t.Error("everyone gets every email by default")
	}
	if WantsEmail([]string{"gate_decided"}, NoticeGateDecided) || !WantsEmail([]string{"gate_decided"}, NoticePaymentMade) {
		t.Error("turning one kind off turns off only that kind")
	}
	if WantsEmail([]string{EmailAll}, NoticePaymentMade) {
		t.Error("all turns off every kind")
	}
	if CheckEmailChoices([]string{"gate_decided", EmailAll}) != nil || CheckEmailChoices([]string{"spam"}) == nil {
		t.Error("only known kinds may be chosen")
	}
}
