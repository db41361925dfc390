package service

import (
	"errors"
	"strings"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
)

// Explain is the service's edge for the store's errors: a record not found, a duplicate, a
// value the schema refuses or a privacy rule's denial becomes the service's refusal (or the
// domain's invalid input), in words, so no caller unpacks Ent's errors. Any other error is
// returned as it is.
func Explain(err error) error {
	var nf *ent.NotFoundError
	var ve *ent.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nf):
		label := strings.TrimSuffix(strings.TrimPrefix(nf.Error(), "ent: "), " not found")
		return &Refusal{Kind: NotFound, Code: "not-found", Title: "Not found", Detail: "there is no such " + strings.ReplaceAll(label, "_", " ")}
	case ent.IsConstraintError(err):
		return &Refusal{Kind: Conflict, Code: "conflict", Title: "This conflicts with an existing record", Detail: "a record like this already exists"}
	case errors.As(err, &ve):
		return domain.InvalidInput("%s is not valid", ve.Name)
	case errors.Is(err, privacy.Deny):
		// The rule's own words name what was refused, never a record's contents.
		detail := strings.TrimSuffix(err.Error(), ": "+privacy.Deny.Error())
		if detail == privacy.Deny.Error() || detail == "" {
			detail = "your role does not allow this"
		}
		return forbidden("%s", detail)
	}
	return err
}
