package service

import (
	"errors"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// The store's errors leave the service as its own refusals, in words: a record that is not
// there names its kind; an error that is not the store's passes through as it is.
func TestTheStoresErrorsAreExplained(t *testing.T) {
	db := testdb.Open(t)
	_, err := db.Bid.Get(testdb.Fixture(), 999)
	var r *Refusal
	if !errors.As(Explain(err), &r) || r.Kind != NotFound || r.Detail != "there is no such bid" {
		t.Errorf("a missing bid: %#v", Explain(err))
	}
	other := domain.InvalidInput("say which bid")
	if got := Explain(other); got != other {
		t.Errorf("an error of the domain's became %v", got)
	}
	if Explain(nil) != nil {
		t.Error("no error became one")
	}
}
