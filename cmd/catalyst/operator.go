package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/service"
)

// The operator's commands work on the records directly: a `catalyst dev` data folder (--data,
// as for `catalyst dev`), or the production database when CATALYST_DATABASE_URL is set and
// --data is not. They act as the named system identity "operator", which the audit trail shows.

// recordsFlag adds --data to fs.
func recordsFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "the `catalyst dev` data folder (default .catalyst, unless CATALYST_DATABASE_URL is set)")
}

// openRecords opens the database the operator's command names.
func openRecords(data string) (*ent.Client, error) {
	if data == "" && get(envDatabaseURL) == "" {
		data = ".catalyst"
	}
	if data != "" {
		path := filepath.Join(data, "catalyst.db")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("%s has no Catalyst database (%s): is it the folder `catalyst dev --data` used?", data, path)
		}
		return ent.OpenSQLite(path)
	}
	cfg, err := loadConfig("migrate")
	if err != nil {
		return nil, fmt.Errorf("%w\n(or give --data DIR for a `catalyst dev` data folder)", err)
	}
	return ent.OpenPostgres(cfg.DatabaseURL)
}

var operator = authz.Actor{Who: "system:operator", Reason: "run from the command line"}

// runPeople is `catalyst people grant --email E --role R [--name N]`: it gives a person a role,
// creating them if need be. It is how the first programme admin is made.
func runPeople(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "import" {
		return runPeopleImport(ctx, args[1:], out)
	}
	if len(args) == 0 || args[0] != "grant" {
		return errors.New("usage: catalyst people grant --email EMAIL --role ROLE [--name NAME] [--data DIR]\n" +
			"       catalyst people import FILE [--preview] [--data DIR]")
	}
	fs := flag.NewFlagSet("people grant", flag.ContinueOnError)
	data := recordsFlag(fs)
	email := fs.String("email", "", "the person's email address, as their sign-in provider gives it")
	name := fs.String("name", "", "their name, if they are new")
	role := fs.String("role", "", "admin, challenge_owner, assessor or supplier")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openRecords(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = authz.AsSystem(ctx, "operator")
	var p *ent.Person
	err = db.WithTx(ctx, func(tx *ent.Tx) error {
		p, err = records.GrantRole(ctx, tx, *email, *name, authz.Role(*role), operator)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s (person %d) holds: %v\n", p.Email, p.ID, p.Roles)
	return nil
}

// runPeopleImport is `catalyst people import FILE [--preview]`: it imports a CSV of suppliers and
// their people as the import page and the API do (service.ImportSuppliers), and prints what it
// did row by row.
func runPeopleImport(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("people import", flag.ContinueOnError)
	data := recordsFlag(fs)
	preview := fs.Bool("preview", false, "say what the import would do, and keep nothing")
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	}
	if file == "" {
		return errors.New("usage: catalyst people import FILE [--preview] [--data DIR]: FILE is a CSV with the columns " +
			strings.Join(domain.ImportColumns, ","))
	}
	if st, err := os.Stat(file); err != nil {
		return err
	} else if st.Size() > domain.MaxImportBytes {
		return fmt.Errorf("%s is larger than %d MB: split it into smaller files", file, domain.MaxImportBytes>>20)
	}
	content, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	db, err := openRecords(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := &service.Service{DB: db}
	im, err := svc.ImportSuppliers(authz.AsSystem(ctx, "operator"), service.ImportInput{File: content, Preview: *preview})
	if err != nil {
		return err
	}
	verb := "Added"
	if im.Preview {
		verb = "Would add (nothing kept)"
	}
	fmt.Fprintf(out, "%s %s, %s; %d already here, unchanged; %d refused.\n", verb, domain.Plural(len(im.Created), "person", "people"),
		domain.Plural(im.OrganisationsCreated, "new organisation", "new organisations"), len(im.Unchanged), len(im.Refused))
	for _, r := range im.Refused {
		fmt.Fprintf(out, "  row %d refused: %s\n", r.Row, r.Reason)
	}
	return nil
}

// runToken is `catalyst token issue --email E --role R --name N [--days D]`: it prints a new API
// token's secret, once.
func runToken(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "issue" {
		return errors.New("usage: catalyst token issue --email EMAIL --role ROLE --name NAME [--days N] [--data DIR]")
	}
	fs := flag.NewFlagSet("token issue", flag.ContinueOnError)
	data := recordsFlag(fs)
	email := fs.String("email", "", "the person the token acts as")
	role := fs.String("role", "", "the one role it acts in: admin, challenge_owner, assessor or supplier")
	name := fs.String("name", "", "what the token is for, e.g. the system that will use it")
	days := fs.Int("days", 90, "days until it expires (1 to 366)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openRecords(*data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = authz.AsSystem(ctx, "operator")
	p, err := db.Person.Query().Where(person.EmailEqualFold(*email)).Only(ctx)
	if ent.IsNotFound(err) {
		return fmt.Errorf("there is no person with email %q: add them with `catalyst people grant` first", *email)
	}
	if err != nil {
		return err
	}
	var issued records.IssuedToken
	err = db.WithTx(ctx, func(tx *ent.Tx) error {
		issued, err = records.IssueToken(ctx, tx, records.IssueTokenInput{Name: *name, PersonID: p.ID, Role: *role,
			ExpiresInDays: *days, Actor: operator})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s\n", issued.Secret)
	fmt.Fprintf(os.Stderr, "Token %d acts as %s in the role %s until %s. It is shown only now.\n",
		issued.Token.ID, p.Email, *role, issued.Token.ExpiresAt.Format("2 January 2006"))
	return nil
}
