package testdb

import (
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
)

// Written fills every task of a draft bid for a scheme, ready to submit: net is its price
// without VAT, charged at 20%, paid in one milestone.
func Written(c *ent.BidCreate, scheme domain.Scheme, net domain.Money) *ent.BidCreate {
	answers, decl := map[string]string{}, map[string]bool{}
	for _, q := range scheme.Criteria {
		if q.PassFail {
			decl[q.Key] = true
		} else {
			answers[q.Key] = "We would do it well."
		}
	}
	return c.SetTitle("Sensors").SetSummary("Sensors on bin lorries").SetFields([]string{string(domain.Fields[0])}).
		SetAnswers(answers).SetDeclarations(decl).SetNetPrice(net).SetVatRate(domain.StandardVAT).SetPriceGiven(true).
		SetAmount(domain.GrossFromNet(net, domain.StandardVAT)).
		SetMilestones([]domain.Milestone{{Deliverable: "Report", SuccessCriteria: "Read", Month: 1, Amount: net}})
}
