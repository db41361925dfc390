package api

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Each answer's Go type and its schema in the document name the same fields: a field the server
// sends that the schema does not give (or the reverse) is found here, whether or not a test
// happened to receive it.
func TestEachViewAndItsSchemaNameTheSameFields(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIDocument())
	if err != nil {
		t.Fatal(err)
	}
	for schema, view := range map[string]any{
		"Document": DocumentView{}, "DocumentWithLink": DocumentWithLink{}, "Round": RoundView{},
		"WebhookDelivery": WebhookDeliveryView{}, "WebhookEndpoint": WebhookView{}, "Email": EmailView{},
		"Notice": NoticeView{}, "Contract": ContractView{}, "Assignment": AssignmentView{}, "Bid": BidView{},
		"Competition": CompetitionView{}, "Challenge": ChallengeView{}, "Person": PersonView{},
		"Organisation": OrganisationView{}, "LessonEntry": LessonView{}, "Clarification": ClarificationView{},
		"ContractMilestone": MilestoneView{}, "Interest": InterestView{},
		"Lifecycle": LifecycleView{}, "LifecycleState": StateView{}, "LifecycleMove": MoveView{},
	} {
		ref, ok := doc.Components.Schemas[schema]
		if !ok {
			t.Errorf("no schema %s", schema)
			continue
		}
		var documented []string
		for name := range ref.Value.Properties {
			documented = append(documented, name)
		}
		sent := jsonFields(reflect.TypeOf(view))
		sort.Strings(documented)
		sort.Strings(sent)
		if !slices.Equal(sent, documented) {
			t.Errorf("%T sends %v; its schema %s gives %v", view, missingFrom(sent, documented), schema, missingFrom(documented, sent))
		}
	}
}

// jsonFields are the names a struct's JSON encoding can carry, its embedded structs' included.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "":
			out = append(out, jsonFields(f.Type)...)
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	return out
}

// missingFrom is what a has that b lacks.
func missingFrom(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
