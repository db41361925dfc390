package ui

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

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
	Accept            string            // for a file: the types the chooser offers
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
		Parts: map[string]string{"day": f.Values[name+"-day"], "month": f.Values[name+"-month"], "year": f.Values[name+"-year"],
			"time": f.Values[name+"-time"]}}
}

// accepting is a file field whose chooser offers the types accept names (".csv,text/csv").
func accepting(fd Field, accept string) Field {
	fd.Accept = accept
	return fd
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

// options makes a single choice's radios from value, label pairs, checking the one the form holds.
func options(fd Field, pairs ...string) Field {
	for i := 0; i+1 < len(pairs); i += 2 {
		fd.Options = append(fd.Options, Option{Value: pairs[i], Label: pairs[i+1], Checked: fd.Value == pairs[i]})
	}
	return fd
}

// DateTimeValues are the parts a datetime field shows for an instant, in UK time: day, month,
// year and a time such as 11:00am. A zero instant leaves them empty.
func DateTimeValues(values map[string]string, name string, t time.Time) {
	if t.IsZero() {
		return
	}
	l := t.In(domain.London)
	values[name+"-day"], values[name+"-month"], values[name+"-year"] = strconv.Itoa(l.Day()), strconv.Itoa(int(l.Month())), strconv.Itoa(l.Year())
	values[name+"-time"] = strings.ToLower(l.Format("3:04pm"))
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
		return "Admin (people and settings)"
	case "programme_officer":
		return "Programme officer"
	case "challenge_owner":
		return "Challenge owner"
	case "assessor":
		return "Assessor"
	case "supplier":
		return "Supplier"
	case "finance":
		return "Finance"
	case "panel_chair":
		return "Panel chair"
	case "budget_holder":
		return "Budget holder"
	case "panel_member":
		return "Panel member"
	}
	return role
}

// dict is a form holding the given name, value pairs: a fresh form with its defaults.
func dict(pairs ...string) Form {
	f := Form{Values: map[string]string{}, Multi: map[string][]string{}}
	for i := 0; i+1 < len(pairs); i += 2 {
		f.Values[pairs[i]] = pairs[i+1]
	}
	return f
}

// Reason is why a command is refused now, in words that follow "You cannot … now: ".
func Reason(err error) string {
	var te *domain.TransitionError
	if errors.As(err, &te) {
		return te.Reason
	}
	return err.Error()
}

// withOptions gives a field a list of ready-made options.
func withOptions(fd Field, opts []Option) Field {
	fd.Options = opts
	return fd
}
