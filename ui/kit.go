package ui

import (
	"slices"
	"strings"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Form is what a page's form shows: the values as typed (kept when the form is refused) and
// the problems with them, which the error summary lists and each field shows beside itself.
type Form struct {
	Values   map[string]string
	Multi    map[string][]string
	Problems domain.Problems
}

// Title is a page's title, with "Error: " first when its form has problems, as GOV.UK asks.
func (f Form) Title(title string) string {
	if len(f.Problems) > 0 {
		return "Error: " + title
	}
	return title
}

// Field is one form field as the kit's templates draw it.
type Field struct {
	Name, Label, Hint string
	Value, Error      string
	Max               int               // a character limit, counted as the server counts it
	Options           []Option          // for checkboxes
	Parts             map[string]string // for a date: day, month and year as typed
}

// Option is one choice of a set of checkboxes.
type Option struct {
	Value, Label string
	Checked      bool
}

// DescribedBy lists the hint and error IDs a field's control names in aria-describedby.
func (f Field) DescribedBy(extra ...string) string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Name+"-error")
	}
	return strings.Join(append(ids, extra...), " ")
}

func field(f Form, name, label, hint string) Field {
	return Field{Name: name, Label: label, Hint: hint, Value: f.Values[name], Error: f.Problems.For(name),
		Parts: map[string]string{"day": f.Values[name+"-day"], "month": f.Values[name+"-month"], "year": f.Values[name+"-year"]}}
}

func limited(fd Field, max int) Field {
	fd.Max = max
	return fd
}

func choices(fd Field, f Form, values []string) Field {
	for _, v := range values {
		fd.Options = append(fd.Options, Option{Value: v, Label: optionLabel(fd.Name, v), Checked: slices.Contains(f.Multi[fd.Name], v)})
	}
	return fd
}

// MoneyValue writes an amount as a person types it back into a form: 50,000 or 50,000.50.
func MoneyValue(m domain.Money) string {
	if m == 0 {
		return ""
	}
	s := strings.TrimPrefix(m.String(), "£")
	return strings.TrimSuffix(s, ".00")
}

// optionLabel is how a choice reads on a form: roles by what the person does, others as they are.
func optionLabel(field, value string) string {
	if field == "roles" {
		return RoleLabel(value)
	}
	return value
}

// RoleLabel is a role as a person reads it.
func RoleLabel(role string) string {
	switch role {
	case "admin":
		return "Programme team"
	case "challenge_owner":
		return "Challenge owner"
	case "assessor":
		return "Assessor"
	case "supplier":
		return "Supplier"
	}
	return role
}
