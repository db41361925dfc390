package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
)

// Supplier import: the programme brings a list of suppliers and their people as a CSV
// (domain.ReadSupplierImport) and each new person can sign in at once, told by email. An
// organisation is matched by its Companies House number, then by its name, and never made
// twice; a person already in the organisation is unchanged, so a file imported again changes
// nothing. A person who belongs elsewhere, holds another role, or was deactivated is refused
// with why, row by row. The rows are written importBatch at a time, each batch in one
// transaction: a row is taken whole (its organisation, person, notice and email) or not at all.
// A preview runs the same import and rolls it back, batch by batch, so it says exactly what the
// import would do.

// importBatch is how many rows one transaction writes.
const importBatch = 250

// ImportInput is an import file, and whether only to preview it.
type ImportInput struct {
	File    []byte
	Preview bool
}

// SupplierImport is what an import did, or in a preview would do, row by row.
type SupplierImport struct {
	Preview bool
	// Created are the rows whose person is new, or newly in their organisation.
	Created []ImportedPerson
	// Unchanged are the rows whose person is already in their organisation.
	Unchanged []ImportedPerson
	Refused   []domain.RowRefusal
	// OrganisationsCreated counts the organisations that are new.
	OrganisationsCreated int
}

// ImportedPerson is a row taken: the person and their organisation.
type ImportedPerson struct {
	Row             int
	Name, Email     string
	Organisation    string
	PersonID        int // 0 in a preview, for a person not yet made
	OrganisationID  int // likewise
	NewPerson       bool
	NewOrganisation bool
	// NewMember: the person is newly in the organisation (a new person, or one who had signed
	// in but not yet registered or joined an organisation).
	NewMember bool

	previewedOrganisation bool // its organisation exists only in a preview's rolled-back batch
}

// mayImportSuppliers: the programme team (an admin or a programme officer) brings suppliers on
// board. It gives no role but a supplier's, to people in supplier organisations only, so it is
// no power over who runs the programme.
func mayImportSuppliers(v authz.Viewer) error {
	if !v.IsSystem() && !v.Has(authz.Admin) && !v.Has(authz.ProgrammeOfficer) {
		return forbidden("only the programme team imports suppliers")
	}
	return nil
}

// errPreviewed ends a preview's transaction, so that nothing it wrote is kept.
var errPreviewed = errors.New("previewed: rolled back")

// ImportSuppliers imports (or previews) a file of suppliers and their people.
func (s *Service) ImportSuppliers(ctx context.Context, in ImportInput) (SupplierImport, error) {
	v, _ := authz.FromContext(ctx)
	if err := mayImportSuppliers(v); err != nil {
		return SupplierImport{}, err
	}
	rows, refused, err := domain.ReadSupplierImport(in.File)
	if err != nil {
		return SupplierImport{}, err
	}
	out := SupplierImport{Preview: in.Preview, Refused: refused}
	im := importer{actor: authz.ActorOf(ctx, "supplier import"), by: "The programme team", out: &out, preview: in.Preview,
		planned: map[string]plannedOrganisation{}, made: map[int]bool{}}
	if v.PersonID != 0 {
		if me, err := s.DB.Person.Get(authz.AsSystem(ctx, "supplier-import"), v.PersonID); err == nil {
			im.by = me.Name + " of the programme team"
		}
	}
	// Batch by batch, each in its own transaction, so that no write waits on the whole file (on
	// SQLite, where writes take turns, every write would); a preview rolls each batch back.
	for batch := range slices.Chunk(rows, importBatch) {
		clear(im.made)
		err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
			if err := im.rows(ctx, tx, batch); err != nil || !in.Preview {
				return err
			}
			return errPreviewed
		})
		if err != nil && !errors.Is(err, errPreviewed) {
			return SupplierImport{}, err
		}
	}
	if in.Preview {
		for _, list := range [][]ImportedPerson{out.Created, out.Unchanged} {
			for i := range list {
				if list[i].NewPerson {
					list[i].PersonID = 0
				}
				if list[i].previewedOrganisation {
					list[i].OrganisationID = 0
				}
			}
		}
	} else {
		sum := sha256.Sum256(in.File)
		err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Audit(ctx, tx, im.actor, "suppliers.imported", "person", 0, nil, map[string]any{
				"file_sha256": hex.EncodeToString(sum[:]), "created": len(out.Created), "unchanged": len(out.Unchanged),
				"refused": len(out.Refused), "organisations_created": out.OrganisationsCreated})
		})
		if err != nil {
			return SupplierImport{}, err
		}
	}
	slices.SortFunc(out.Refused, func(a, b domain.RowRefusal) int { return a.Row - b.Row })
	return out, nil
}

// importer takes rows in a transaction, adding what it did to out.
type importer struct {
	actor authz.Actor
	by    string // who imports, as the invitation names them: "Pat Officer of the programme team"
	out   *SupplierImport
	// preview: each batch is rolled back, so the organisations an earlier batch would make are
	// planned, to be matched (and made again, uncounted) by the rows of later batches.
	preview bool
	planned map[string]plannedOrganisation // by "number:" and "name:" (lower case)
	made    map[int]bool                   // the organisations this batch made
}

// plannedOrganisation is one a preview's earlier batch would make.
type plannedOrganisation struct{ name, number string }

func (im importer) rows(ctx context.Context, tx *ent.Tx, rows []domain.ImportRow) error {
	sys := authz.AsSystem(ctx, "supplier-import")
	for _, row := range rows {
		got, why, err := im.row(sys, tx, row)
		switch {
		case err != nil:
			return fmt.Errorf("row %d: %w", row.Row, err)
		case why != "":
			im.out.Refused = append(im.out.Refused, domain.RowRefusal{Row: row.Row, Reason: why})
		case got.NewMember:
			im.out.Created = append(im.out.Created, got)
		default:
			im.out.Unchanged = append(im.out.Unchanged, got)
		}
	}
	return nil
}

// row takes one row: it finds or makes the organisation and the person, or says why not. A row
// refused has written nothing.
func (im importer) row(ctx context.Context, tx *ent.Tx, row domain.ImportRow) (ImportedPerson, string, error) {
	got := ImportedPerson{Row: row.Row, Name: row.PersonName, Email: row.Email, Organisation: row.OrganisationName}
	org, why, err := matchOrganisation(ctx, tx, row)
	if err != nil || why != "" {
		return got, why, err
	}
	p, err := tx.Person.Query().Where(person.EmailEqualFold(row.Email)).WithOrganisation().Only(ctx)
	switch {
	case ent.IsNotFound(err):
		p = nil
	case err != nil:
		return got, "", err
	case p.DeactivatedAt != nil:
		return got, fmt.Sprintf("%s has an account that was deactivated: an admin decides whether it may sign in again", row.Email), nil
	case !slices.Contains(p.Roles, string(authz.Supplier)) || len(p.Roles) > 1:
		return got, fmt.Sprintf("%s already has an account in Catalyst with other roles: an admin manages it on the people page", row.Email), nil
	case p.Edges.Organisation != nil && (org == nil || p.Edges.Organisation.ID != org.ID):
		return got, fmt.Sprintf("%s already belongs to %s", row.Email, p.Edges.Organisation.Name), nil
	case p.Edges.Organisation != nil:
		got.PersonID, got.OrganisationID, got.Organisation = p.ID, org.ID, org.Name
		return got, "", nil // already there: unchanged
	}

	if org == nil {
		name, number, planned := row.OrganisationName, row.CompanyNumber, false
		if p, ok := im.planned["number:"+number]; ok && number != "" {
			name, number, planned = p.name, p.number, true
		} else if p, ok := im.planned["name:"+strings.ToLower(name)]; ok {
			if p.number != "" && number != "" && p.number != number {
				return got, fmt.Sprintf("%s is registered in Catalyst with the Companies House number %s, not %s: check the number", p.name, p.number, number), nil
			}
			name, number, planned = p.name, p.number, true
		}
		c := tx.Organisation.Create().SetName(name).SetEmailDomain(domain.EmailDomain(row.Email))
		if number != "" {
			c.SetCompanyNumber(number)
		}
		if org, err = c.Save(ctx); err != nil {
			return got, "", err
		}
		if err := records.Audit(ctx, tx, im.actor, "organisation.imported", "organisation", org.ID, nil,
			map[string]any{"name": org.Name, "company_number": org.CompanyNumber, "row": row.Row}); err != nil {
			return got, "", err
		}
		im.made[org.ID] = true
		if !planned { // a planned one was new in an earlier batch, as it is in the import
			got.NewOrganisation = true
			im.out.OrganisationsCreated++
		}
		if im.preview {
			p := plannedOrganisation{name: name, number: number}
			im.planned["name:"+strings.ToLower(name)] = p
			if number != "" {
				im.planned["number:"+number] = p
			}
		}
	}
	got.OrganisationID, got.Organisation = org.ID, org.Name
	got.previewedOrganisation = im.preview && im.made[org.ID]
	if p == nil {
		if p, err = tx.Person.Create().SetName(row.PersonName).SetEmail(row.Email).SetRoles([]string{string(authz.Supplier)}).
			SetOrganisationID(org.ID).Save(ctx); err != nil {
			return got, "", err
		}
		got.NewPerson = true
	} else if err := tx.Person.UpdateOne(p).SetOrganisationID(org.ID).Exec(ctx); err != nil {
		return got, "", err // a supplier who signed in but had not yet registered or joined one
	}
	got.PersonID, got.NewMember = p.ID, true
	if err := records.Audit(ctx, tx, im.actor, "person.imported", "person", p.ID, nil,
		map[string]any{"email": p.Email, "roles": p.Roles, "organisation": org.ID, "new": got.NewPerson, "row": row.Row}); err != nil {
		return got, "", err
	}
	return got, "", records.Notify(ctx, tx, p.ID, domain.NoticeInvited, "person", p.ID,
		map[string]string{"by": im.by, "organisation": org.Name, "link": "/sign-in"})
}

// matchOrganisation finds the row's organisation: by its Companies House number, then by its
// name; nil when it is new. A name held by an organisation with another number, or a public
// body's, refuses the row.
func matchOrganisation(ctx context.Context, tx *ent.Tx, row domain.ImportRow) (*ent.Organisation, string, error) {
	if row.CompanyNumber != "" {
		orgs, err := tx.Organisation.Query().Where(organisation.CompanyNumber(row.CompanyNumber)).Order(ent.Asc(organisation.FieldID)).All(ctx)
		if err != nil {
			return nil, "", err
		}
		if len(orgs) > 0 {
			return publicBodyRefused(orgs[0])
		}
	}
	org, err := tx.Organisation.Query().Where(organisation.NameEqualFold(row.OrganisationName)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return nil, "", nil
	case err != nil:
		return nil, "", err
	case row.CompanyNumber != "" && org.CompanyNumber != "" && !strings.EqualFold(org.CompanyNumber, row.CompanyNumber):
		return nil, fmt.Sprintf("%s is registered in Catalyst with the Companies House number %s, not %s: check the number", org.Name, org.CompanyNumber, row.CompanyNumber), nil
	}
	return publicBodyRefused(org)
}

func publicBodyRefused(org *ent.Organisation) (*ent.Organisation, string, error) {
	if org.PublicBody {
		return nil, fmt.Sprintf("%s is a public body in Catalyst, not a supplier", org.Name), nil
	}
	return org, "", nil
}
