package domain

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// OrganisationSize is a supplier's size by the UK's definitions, which the programme reports
// against (SMEs, micro and small businesses).
type OrganisationSize string

// The sizes, smallest first.
const (
	Micro  OrganisationSize = "micro"
	Small  OrganisationSize = "small"
	Medium OrganisationSize = "medium"
	Large  OrganisationSize = "large"
)

// OrganisationSizes are the sizes in the order a form offers them.
var OrganisationSizes = []OrganisationSize{Micro, Small, Medium, Large}

// Label is the size as a person reads it, with the UK definition as its hint.
func (s OrganisationSize) Label() string {
	switch s {
	case Micro:
		return "Micro: fewer than 10 staff, and turnover or balance sheet of £2 million or less"
	case Small:
		return "Small: fewer than 50 staff, and turnover or balance sheet of £10 million or less"
	case Medium:
		return "Medium: fewer than 250 staff, and turnover of £50 million or less or balance sheet of £43 million or less"
	case Large:
		return "Large: 250 staff or more, or above the medium limits"
	}
	return string(s)
}

// SME reports whether the size counts as a small or medium-sized enterprise.
func (s OrganisationSize) SME() bool { return s == Micro || s == Small || s == Medium }

// LegalForm is how a supplier is constituted; companies and LLPs have a Companies House number.
type LegalForm string

// The legal forms a supplier may have.
const (
	FormCompany     LegalForm = "company"
	FormLLP         LegalForm = "llp"
	FormSoleTrader  LegalForm = "sole_trader"
	FormPartnership LegalForm = "partnership"
	FormCharity     LegalForm = "charity"
)

// LegalForms are the forms in the order a form offers them.
var LegalForms = []LegalForm{FormCompany, FormLLP, FormSoleTrader, FormPartnership, FormCharity}

// Label is the legal form as a person reads it.
func (f LegalForm) Label() string {
	switch f {
	case FormCompany:
		return "Limited company"
	case FormLLP:
		return "Limited liability partnership"
	case FormSoleTrader:
		return "Sole trader"
	case FormPartnership:
		return "Partnership"
	case FormCharity:
		return "Charity or community interest company"
	}
	return string(f)
}

// Registered reports whether the form is registered at Companies House.
func (f LegalForm) Registered() bool { return f == FormCompany || f == FormLLP }

// Regions are the UK's ITL 1 regions, which the programme reports by (outside London and the
// south-east).
var Regions = []string{
	"North East (England)", "North West (England)", "Yorkshire and The Humber", "East Midlands (England)",
	"West Midlands (England)", "East of England", "London", "South East (England)", "South West (England)",
	"Wales", "Scotland", "Northern Ireland",
}

// OrganisationName is a supplier organisation's registered name.
var OrganisationName = Text{Field: "name", Label: "the organisation's name", Max: 200}

var companyNumber = regexp.MustCompile(`^([0-9]{8}|(SC|NI|OC|SO|NC|NL|R0|IP|SP|NP|RC|SR|NR|LP|SL|NF|FC|SE|ES|GE|CE|CS|IC)[0-9]{6})$`)

// CompanyNumber reads a Companies House number as people type it: spaces are dropped, letters
// upper-cased, and a number of fewer than eight digits padded with zeros, as Companies House
// writes it.
func CompanyNumber(s string) (string, error) {
	n := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if n != "" && len(n) < 8 && strings.Trim(n, "0123456789") == "" {
		n = strings.Repeat("0", 8-len(n)) + n
	}
	if !companyNumber.MatchString(n) {
		return "", InvalidInput("enter the Companies House number as 8 characters, like 01234567 or SC123456")
	}
	return n, nil
}

// SupplierRegistration is what a supplier tells the programme about its organisation.
type SupplierRegistration struct {
	Name           string
	LegalForm      LegalForm
	CompanyNumber  string
	Size           OrganisationSize
	IncorporatedOn time.Time // zero for a sole trader or partnership that gives none
	Region         string
	Fields         []string
	// PublicContractBefore: whether it had a UK public sector contract before; nil if it
	// prefers not to say. The programme counts first-time suppliers from it.
	PublicContractBefore *bool
}

// Check cleans the registration in place and names every problem with it.
func (r *SupplierRegistration) Check(now time.Time) Problems {
	var ps Problems
	r.Name = OrganisationName.CleanAll(r.Name, &ps)
	if !slices.Contains(LegalForms, r.LegalForm) {
		ps.Add("legal_form", "Choose how the organisation is constituted")
	}
	switch {
	case r.CompanyNumber == "" && r.LegalForm.Registered():
		ps.Add("company_number", "Enter the Companies House number: a %s is registered at Companies House", strings.ToLower(r.LegalForm.Label()))
	case r.CompanyNumber != "":
		n, err := CompanyNumber(r.CompanyNumber)
		if err != nil {
			ps = append(ps, ProblemWith("company_number", err))
		}
		r.CompanyNumber = n
	}
	if !slices.Contains(OrganisationSizes, r.Size) {
		ps.Add("size", "Choose the organisation's size")
	}
	switch {
	case r.IncorporatedOn.IsZero() && r.LegalForm.Registered():
		ps.Add("incorporated_on", "Enter the date of incorporation")
	case r.IncorporatedOn.After(now):
		ps.Add("incorporated_on", "The date of incorporation must be today or in the past")
	}
	if !slices.Contains(Regions, r.Region) {
		ps.Add("region", "Choose the region the organisation is based in")
	}
	CheckFields(r.Fields, &ps)
	return ps
}

// UnderFiveYears reports whether an organisation incorporated on a date was under five years
// old at an instant: one of the programme's figures.
func UnderFiveYears(incorporated, at time.Time) bool {
	return !incorporated.IsZero() && at.Before(incorporated.AddDate(5, 0, 0))
}

// CanJoin says whether a person may ask to join an organisation: a supplier with no
// organisation yet, whose email address is at the organisation's own domain.
func CanJoin(personEmail, orgDomain string, hasOrganisation bool) error {
	if hasOrganisation {
		return InvalidInput("you already belong to an organisation")
	}
	if orgDomain == "" || EmailDomain(personEmail) != orgDomain {
		return InvalidInput("you can ask to join only an organisation at your own email domain, %s", EmailDomain(personEmail))
	}
	return nil
}
