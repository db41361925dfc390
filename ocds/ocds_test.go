package ocds_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ocds"
	"github.com/catalyst-sbri/catalyst/ocds/ocdstest"
)

func at(d int) *time.Time { t := time.Date(2027, 1, d, 9, 0, 0, 0, time.UTC); return &t }

// process is a phase 1 competition all the way: decided, released, one contract signed and
// paid in part, the other stopped at the gate.
func process() ocds.Process {
	return ocds.Process{
		CompetitionID: 7, Phase: 1, Title: "Spot blocked gullies", Summary: "Find blocked gullies from photos.",
		Problem: "Gullies block and roads flood.", Buyer: "Anytown Council", ChallengeID: 3,
		Budget: domain.Pounds(100_000), Pot: domain.Pounds(100_000), Status: domain.CompetitionDecided,
		OpenedAt: *at(1), ClosesAt: *at(10), ClarificationsEnd: *at(5), Bids: 3, DecidedAt: at(14), Released: true,
		ClosingCheckpoint: "catalyst.example/log\n42\nq0Bh3u8ZXu1m2AZ1nB4Yl5VJl3V1pN7o0yZtU8Q7Kqo=\n\n— catalyst.example/log AbCdEf==\n", ClosingLogSize: 42,
		Contracts: []ocds.Contract{
			{ID: 1, SupplierID: 10, Supplier: "Acme Analytics Ltd", Title: "Acme: gullies", Awarded: domain.Pounds(50_000), Value: domain.Pounds(50_000),
				Status: domain.ContractActive, AcceptedAt: at(16), StartsOn: at(16), EndsOn: at(30),
				Milestones: []ocds.Milestone{
					{ID: 100, Number: 1, Deliverable: "Discovery", Amount: domain.Pounds(20_000), Status: domain.MilestonePaid, Due: at(20), AcceptedAt: at(19), PaidAt: at(21)},
					{ID: 101, Number: 2, Deliverable: "Report", Amount: domain.Pounds(30_000), Status: domain.MilestonePlanned, Due: at(30)},
				}},
			{ID: 2, SupplierID: 11, Supplier: "Jo Bloggs", SoleTrader: true, Title: "Jo: gullies", Awarded: domain.Pounds(40_000), Value: domain.Pounds(10_000),
				Status: domain.ContractStopped, AcceptedAt: at(17), StartsOn: at(17), EndsOn: at(30), StoppedAt: at(29), StopReason: "The photos were too dark.",
				Milestones: []ocds.Milestone{
					{ID: 200, Number: 1, Deliverable: "Discovery", Amount: domain.Pounds(10_000), Status: domain.MilestoneAccepted, AcceptedAt: at(20)},
					{ID: 201, Number: 2, Deliverable: "Trial", Amount: domain.Pounds(30_000), Status: domain.MilestoneCancelled},
				}},
		},
	}
}

var pub = ocds.Publisher{Prefix: "ocds-test01", BaseURL: "https://catalyst.example", Name: "Catalyst"}

// A whole process's releases and its record are valid OCDS 1.1, by the standard's own schemas.
func TestAProcessIsValidOCDS(t *testing.T) {
	pr := process()
	releases := pub.Releases(pr)
	var tags []string
	for _, r := range releases {
		tags = append(tags, strings.Join(r.Tag, "+"))
	}
	if got := strings.Join(tags, ","); got != "planning,tender,award,contract,implementation+contractTermination" {
		t.Errorf("releases %s", got)
	}
	pkg, _ := json.Marshal(pub.ReleasePackage("https://catalyst.example/ocds/releases/ocds-test01-7.json", releases))
	if err := ocdstest.ReleasePackage(pkg); err != nil {
		t.Fatalf("the release package is not valid OCDS 1.1: %v", err)
	}
	rec, _ := json.Marshal(pub.RecordPackage("https://catalyst.example/ocds/records/ocds-test01-7.json",
		[]string{"https://catalyst.example/ocds/releases/ocds-test01-7.json"}, []ocds.Record{pub.Record(pr, "https://catalyst.example/ocds/releases/ocds-test01-7.json", releases)}))
	if err := ocdstest.RecordPackage(rec); err != nil {
		t.Fatalf("the record package is not valid OCDS 1.1: %v", err)
	}
	// Nothing personal: the sole trader is not named.
	if strings.Contains(string(pkg), "Jo Bloggs") || strings.Contains(string(rec), "Jo Bloggs") {
		t.Error("a sole trader's name is published")
	}
	body := string(pkg)
	for _, want := range []string{`"ocid":"ocds-test01-7"`, `"status":"terminated"`, "The photos were too dark.", `"numberOfTenderers":3`,
		`"amount":20000,"currency":"GBP"`, `"dateMet":"2027-01-19T09:00:00Z"`, `"status":"notMet"`,
		`"documentType":"bidders","title":"The public log's checkpoint at the close: the 42 entries`, `"description":"catalyst.example/log\n42\n`} {
		if !strings.Contains(body, want) {
			t.Errorf("the package lacks %s", want)
		}
	}
	// The compiled release has the latest of each part: the stopped contract with its payments.
	compiled := pub.Record(pr, "u", releases).CompiledRelease
	if len(compiled.Contracts) != 2 || compiled.Contracts[0].Implementation == nil || compiled.Tender.Status != "complete" {
		t.Errorf("compiled %+v", compiled.Contracts)
	}
}

// Before the outcomes reach the bidders nothing of the award is published, and an open
// competition's count of bids is not either.
func TestNothingBeforeItsTime(t *testing.T) {
	pr := process()
	pr.Released = false
	if rs := pub.Releases(pr); len(rs) != 2 {
		t.Errorf("%d releases before the outcomes are released, want planning and tender", len(rs))
	}
	pr.Status, pr.DecidedAt, pr.Contracts = domain.CompetitionOpen, nil, nil
	rs := pub.Releases(pr)
	if rs[1].Tender.NumberOfTenderers != nil {
		t.Error("the number of bids to an open competition is published")
	}
	pkg, _ := json.Marshal(pub.ReleasePackage("https://catalyst.example/ocds/releases/ocds-test01-7.json", rs))
	if err := ocdstest.ReleasePackage(pkg); err != nil {
		t.Fatal(err)
	}
	pr.OpenedAt = time.Time{}
	if rs := pub.Releases(pr); rs != nil {
		t.Error("a competition not yet open is published")
	}
}

// The validator is not a rubber stamp: a release without its ocid fails.
func TestTheSchemaRefusesWhatIsWrong(t *testing.T) {
	bad := `{"uri":"https://x.example/p.json","version":"1.1","publishedDate":"2027-01-01T00:00:00Z","publisher":{"name":"x"},
"releases":[{"id":"1","date":"2027-01-01T00:00:00Z","tag":["tender"],"initiationType":"tender"}]}`
	if err := ocdstest.ReleasePackage([]byte(bad)); err == nil {
		t.Error("a release without an ocid passed")
	}
	bad = strings.Replace(bad, `"id":"1"`, `"ocid":"o-1","id":"1"`, 1)
	bad = strings.Replace(bad, `"tag":["tender"]`, `"tag":["bidding"]`, 1)
	if err := ocdstest.ReleasePackage([]byte(bad)); err == nil {
		t.Error("a tag outside the codelist passed")
	}
}

// A process with only what is required, and nothing optional, publishes no empty string, list
// or object anywhere in its packages: what is not known is left out, as OCDS asks (ocdstest
// checks that of every package it validates).
func TestNothingEmptyIsPublished(t *testing.T) {
	sparse := process()
	sparse.Summary, sparse.Problem, sparse.Buyer = "", "", ""
	sparse.Contracts[0].Title, sparse.Contracts[0].Milestones[0].Deliverable = "", ""
	sparse.Contracts[1].StopReason = ""
	releases := pub.Releases(sparse)
	pkg, _ := json.Marshal(pub.ReleasePackage("https://catalyst.example/ocds/releases/ocds-test01-7.json", releases))
	if err := ocdstest.ReleasePackage(pkg); err != nil {
		t.Error(err)
	}
	rec, _ := json.Marshal(pub.RecordPackage("https://catalyst.example/ocds/records/ocds-test01-7.json",
		[]string{"https://catalyst.example/ocds/releases/ocds-test01-7.json"}, []ocds.Record{pub.Record(sparse, "https://catalyst.example/ocds/releases/ocds-test01-7.json", releases)}))
	if err := ocdstest.RecordPackage(rec); err != nil {
		t.Error(err)
	}
	var doc any
	_ = json.Unmarshal([]byte(`{"a":"","b":[],"c":{"d":{}},"e":[1,""]}`), &doc)
	if got := strings.Join(ocdstest.Empty(doc), " "); got != "/a /b /c/d /e/1" {
		t.Errorf("Empty found %q", got)
	}
}
