package domain

import "testing"

func TestOnlyTheUploaderFetchesADocumentBeingChecked(t *testing.T) {
	for _, c := range []struct {
		check           DocumentCheck
		uploader, else_ error
	}{
		{CheckWaiting, nil, ErrBeingChecked},
		{CheckClean, nil, nil},
		{CheckNone, nil, nil},
		{CheckVirusFound, ErrVirusFound, ErrVirusFound},
	} {
		if got := c.check.MayFetch(true); got != c.uploader {
			t.Errorf("%s: its uploader: %v, want %v", c.check, got, c.uploader)
		}
		if got := c.check.MayFetch(false); got != c.else_ {
			t.Errorf("%s: someone else: %v, want %v", c.check, got, c.else_)
		}
	}
}
